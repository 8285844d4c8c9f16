"""Inbound email from a provider's webhook, through django-anymail: Mailgun's inbound
route ("forward" to ``/webhooks/email/mailgun/inbound/``, raw MIME or parsed fields)
checked with its HMAC-SHA256 signature (the webhook signing key), then recorded like a
message received by ``comptoir mail-in``.

anymail hands each verified message to its ``inbound`` signal: the library's dispatch
mechanism, the one way to receive it; the receiver is one line calling
``receive_anymail_message``. Without a signing key the webhook answers 404: an
unsigned inbound endpoint would let anyone write into conversations.
"""

from __future__ import annotations

from typing import Any

from anymail.inbound import AnymailInboundMessage  # type: ignore[import-untyped]
from anymail.signals import AnymailInboundEvent, inbound  # type: ignore[import-untyped]
from anymail.utils import get_anymail_setting  # type: ignore[import-untyped]
from anymail.webhooks.mailgun import MailgunInboundWebhookView  # type: ignore[import-untyped]
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from comptoir.messaging.inbound_email import receive_email
from comptoir.messaging.models import Message


def receive_anymail_message(event: AnymailInboundEvent) -> Message | None:
    """Record the email of a verified inbound event."""
    message: AnymailInboundMessage = event.message
    request = event.esp_event
    # Mailgun's raw-MIME form keeps the message exactly as received; the parsed form is
    # rebuilt by anymail.
    raw_mime = request.POST.get("body-mime") if isinstance(request, HttpRequest) else None
    raw = raw_mime.encode("utf-8") if raw_mime else message.as_bytes()
    recipients = [message.envelope_recipient] if message.envelope_recipient else []
    return receive_email(
        raw, envelope_recipients=recipients, envelope_sender=message.envelope_sender
    )


@receiver(inbound, dispatch_uid="comptoir.messaging.anymail_inbound")
def _on_inbound(sender: Any, event: AnymailInboundEvent, esp_name: str, **kwargs: Any) -> None:
    receive_anymail_message(event)


def mailgun_signing_key() -> str:
    return get_anymail_setting("webhook_signing_key", esp_name="Mailgun", default=None) or ""


_mailgun_view = MailgunInboundWebhookView.as_view()


@csrf_exempt
def mailgun_inbound(request: HttpRequest) -> HttpResponse:
    if not mailgun_signing_key():
        raise Http404("inbound email by webhook is not configured")
    return _mailgun_view(request)
