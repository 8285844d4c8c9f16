"""Twilio's webhooks: inbound texts and delivery reports.

Both are POSTs signed with ``X-Twilio-Signature`` (HMAC-SHA1 of the URL Twilio called and
the sorted form fields, keyed by the auth token), checked with the library's own
``RequestValidator``. The URL is the public one: ``COMPTOIR_PUBLIC_URL`` when set, else
the request's as Django rebuilds it (``USE_X_FORWARDED_HOST`` / ``SECURE_PROXY_SSL_HEADER``
when the proxy is trusted), so a signature made for https://shop.example/... still holds
when the app sees http://127.0.0.1:8000/.... Unsigned or badly signed: 403, nothing
done. Answers are empty TwiML: the texts we send back go through our own outbox. An
inbound text is stored and answered at once; the worker applies it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from comptoir.consent.services import opted_out_at_provider
from comptoir.messaging.services import update_delivery_status
from comptoir.messaging.sms_inbound import accept_text

SIGNATURE_HEADER = "X-Twilio-Signature"
# Twilio: "the recipient replied STOP" (its own opt-out list refused the text).
OPTED_OUT_AT_PROVIDER = "21610"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def public_url(request: HttpRequest) -> str:
    """The URL the provider called (see the module's doc)."""
    public = (getattr(settings, "COMPTOIR_PUBLIC_URL", "") or "").rstrip("/")
    if public:
        return public + request.get_full_path()
    return request.build_absolute_uri()


def is_signed(request: HttpRequest) -> bool:
    token = getattr(settings, "TWILIO_AUTH_TOKEN", "") or ""
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return False
    return bool(RequestValidator(token).validate(public_url(request), request.POST, signature))


def twiml() -> HttpResponse:
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


# Signed by the provider instead of a session: no CSRF token to check.
@csrf_exempt
@require_POST
def twilio_inbound_sms(request: HttpRequest) -> HttpResponse:
    if not is_signed(request):
        return HttpResponseForbidden("Bad or missing X-Twilio-Signature")
    sender = request.POST.get("From", "")
    if not sender:
        return twiml()
    # Stored and answered at once; the worker applies it (messaging.sms_inbound).
    accept_text(
        provider_message_id=request.POST.get("MessageSid", "") or request.POST.get("SmsSid", ""),
        from_number=sender,
        body=request.POST.get("Body", ""),
        media=media_of(request.POST),
    )
    return twiml()


# Twilio lists at most 10 media per message.
MAX_MEDIA = 10


def media_of(form: QueryDict) -> list[tuple[str, str]]:
    """The (url, content type) of each picture of a picture message (MMS)."""
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        return []
    return [
        (form.get(f"MediaUrl{i}", ""), form.get(f"MediaContentType{i}", ""))
        for i in range(count)
        if form.get(f"MediaUrl{i}")
    ]


@csrf_exempt
@require_POST
def twilio_status_callback(request: HttpRequest) -> HttpResponse:
    if not is_signed(request):
        return HttpResponseForbidden("Bad or missing X-Twilio-Signature")
    sid = request.POST.get("MessageSid", "") or request.POST.get("SmsSid", "")
    status = request.POST.get("MessageStatus", "") or request.POST.get("SmsStatus", "")
    error_code = request.POST.get("ErrorCode", "")
    if sid and status:
        message = update_delivery_status(
            provider_message_id=sid,
            status=status,
            error_code=error_code,
            error_message=request.POST.get("ErrorMessage", ""),
        )
        if message is not None and error_code == OPTED_OUT_AT_PROVIDER:
            opted_out_at_provider(
                number=message.to_address,
                customer=message.conversation.customer,
                provider_message_id=sid,
            )
    return twiml()
