"""Public, unauthenticated: the talent-card public key a partner needs to verify cards offline."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def talent_card_public_key(request):
    response = HttpResponse(selectors.talent_card_public_key_pem(), content_type="application/x-pem-file; charset=ascii")
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = 'inline; filename="jjj-talent-card-public-key.pem"'
    return response
