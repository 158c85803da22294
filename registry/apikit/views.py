"""The base of every API view (HackSoft style: one class per endpoint, calling selectors and services)."""

from __future__ import annotations

from django.db import transaction
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, filters, generics, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from . import etags
from .auth import ApiKeyAuthentication, Caller, ScopePermission, SessionAuthentication, caller_of
from .errors import exception_handler
from .pagination import ApiCursorPagination
from .schema import ApiAutoSchema
from .throttles import THROTTLES


class JsonNegotiation(DefaultContentNegotiation):
    """The API answers JSON only: with no ``Accept`` header, ``*/*`` or ``application/json`` (what partners send)
    the one renderer is chosen without parsing the header; anything else is negotiated as usual (406 if it
    cannot be met)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if len(renderers) == 1 and not format_suffix and request.META.get("HTTP_ACCEPT", "") in ("", "*/*", "application/json") \
                and self.settings.URL_FORMAT_OVERRIDE not in request.GET:
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


class ApiView(generics.GenericAPIView):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [ScopePermission]
    throttle_classes = THROTTLES
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonNegotiation
    parser_classes = [JSONParser]
    schema = ApiAutoSchema()
    pagination_class = ApiCursorPagination
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["updated_at", "created_at", "id"]
    read_scope: str | None = None
    write_scope: str | None = None

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def dispatch(self, request, *args, **kwargs):
        """Writes are one transaction, as every request is with ``ATOMIC_REQUESTS`` (the answer, errors included,
        is decided inside it). Reads run without one: no ``BEGIN`` / ``COMMIT`` round trips, and nothing is lost,
        as PostgreSQL's READ COMMITTED gives each statement its own snapshot inside a transaction too; what a read
        writes (the log of unmasked personal data) is committed at once, even if the answer then fails. A read
        inside an outer transaction (a test's) gets a savepoint, so a failed statement stays its own."""
        if request.method in SAFE_METHODS and not transaction.get_connection().in_atomic_block:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def get_exception_handler(self):
        return exception_handler

    @property
    def caller(self) -> Caller:
        return caller_of(self.request)

    def record_response(self, obj, data, *, status_code=status.HTTP_200_OK, headers=None) -> Response:
        """A single record with its ETag; 304 when the client already has this version."""
        tag = etags.etag_of(obj)
        if status_code == status.HTTP_200_OK and self.request.method == "GET" and etags.not_modified(self.request, tag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(data, status=status_code, headers={"ETag": tag, **(headers or {})})


def created(row, body, *, location: str) -> Response:
    """201 with the new row's ETag and Location."""
    return Response(body, status=status.HTTP_201_CREATED, headers={"ETag": etags.etag_of(row), "Location": location})


class ListView(ApiView):
    """A filtered, paginated list: ``get_queryset`` calls a selector; ``render_row`` is the output serializer."""

    def get(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if self.paginator is None:
            return Response(self.render_rows(queryset))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.render_rows(page))

    def filter_queryset(self, queryset):
        """A filter method's ValidationError (an unknown code, an unknown mode) is a 400 like a form error."""
        try:
            return super().filter_queryset(queryset)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"query": exc.messages}) from None

    def render_rows(self, rows):
        return self.get_serializer(rows, many=True).data


class ActionView(ApiView):
    """One step of a workflow on one row (``POST …/{id}/<step>/``), the same way for every app: find the row
    (404 unknown, 403 not the caller's to see), validate the body (400), then — unless the same
    ``Idempotency-Key`` replays the first answer (a retry with the same ``If-Match`` gets that answer, not a 412) —
    check ``If-Match`` under a row lock (412) and call the step's service (which decides who may take the step and when:
    403, 409 illegal state, 422), answer with the row's ETag.

    Subclasses set ``in_serializer`` and ``success_status`` and implement ``find(**kwargs)``,
    ``act(caller, locked, data)`` (returns the result) and ``render(result)`` (returns ``(row for the ETag, body)``)."""

    in_serializer: type | None = None
    success_status = status.HTTP_200_OK

    def find(self, **kwargs):
        raise NotImplementedError

    def act(self, caller: Caller, locked, data: dict):
        raise NotImplementedError

    def render(self, result):
        raise NotImplementedError

    def input_data(self, request) -> dict:
        if self.in_serializer is None:
            return {}
        serializer = self.in_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def post(self, request, **kwargs):
        from .bulk import idempotent

        caller = self.caller
        obj = self.find(**kwargs)
        data = self.input_data(request)

        def run():
            with transaction.atomic():
                locked = etags.locked_if_match(request, obj)
                result = self.act(caller, locked, data)
            row, body = self.render(result)
            return Response(body, status=self.success_status, headers={"ETag": etags.etag_of(row)})

        return idempotent(request, caller, run)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Unknown paths under /api/v1/: a problem-details 404 (JSON), like every other API error."""
    from django.http import JsonResponse

    from .errors import PROBLEM_CONTENT_TYPE, problem_body

    body = problem_body(status_code=404, code="not_found", instance=request.get_full_path(), errors=[])
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
