"""POST /partners/<slug>/webhook/: where partners post their order events.

Answers JSON: 200 {"status": ...} once applied or already applied; 400 malformed;
401 bad or stale signature; 404 unknown partner (or an order never received, for an
update or a cancellation); 409 a conflict worth retrying. See docs/partners.md."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from comptoir.errors import DomainError, InvalidInput
from comptoir.partners import selectors, services
from comptoir.partners.events import parse_event
from comptoir.partners.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, is_valid

MAX_BODY_BYTES = 256 * 1024


def signed_url(request: HttpRequest) -> str:
    """The URL the partner called: the shop's public address when configured (behind a
    proxy the Host the app sees may differ), else the request's own."""
    public = (getattr(settings, "COMPTOIR_PUBLIC_URL", "") or "").rstrip("/")
    if public:
        return public + request.get_full_path()
    return request.build_absolute_uri()


def error(code: str, message: str, status: int, **extra: object) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **extra}}, status=status)


# Signed with the partner's secret instead of a session: no CSRF token to check.
@csrf_exempt
@require_POST
def partner_webhook(request: HttpRequest, slug: str) -> JsonResponse:
    partner = selectors.active_partner(slug)
    if partner is None:
        return error("unknown_partner", _("No partner with this address."), 404)
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY_BYTES:
        return error("too_large", _("The body is too large."), 413)
    body = request.body
    if not is_valid(
        partner.secret,
        request.headers.get(TIMESTAMP_HEADER, ""),
        request.headers.get(SIGNATURE_HEADER, ""),
        signed_url(request),
        body,
    ):
        return error(
            "invalid_signature",
            _("Bad signature, or a timestamp more than 5 minutes away from now."),
            401,
        )
    try:
        event = parse_event(body)
        outcome = services.receive_event(partner=partner, event=event)
    except InvalidInput as refused:
        return error(refused.code, str(refused.message), 400, fields=refused.errors)
    except DomainError as refused:
        return error(refused.code, str(refused.message), refused.status)
    return JsonResponse({"status": outcome.status, "order": outcome.order_number})
