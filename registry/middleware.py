from __future__ import annotations

import re
import uuid

from .context import acting_as

_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,36}$")


class RequestContextMiddleware:
    """Gives every request an id (honouring a well-formed X-Request-ID) and makes it and the user
    available to the audit log; echoes the id in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else str(uuid.uuid4())
        request.request_id = request_id
        user = getattr(request, "user", None)
        with acting_as(user=user, request_id=request_id) as ctx:
            # the user may be resolved lazily (API keys authenticate in the view): keep the request at hand
            ctx.request = request
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
