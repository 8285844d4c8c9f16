"""Sending texts: a small provider interface, Twilio behind it, and a development one.

``get_sms_provider()`` returns the provider named by the setting ``COMPTOIR_SMS_BACKEND``
("development", the default, or "twilio"). A provider's ``send`` returns the provider's
message id or raises ``SmsSendError``: ``retryable`` tells an outage (try again later)
from a refusal that no retry will change (an invalid number)."""

from __future__ import annotations

import secrets
from typing import Protocol

from django.conf import settings
from requests import RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException  # type: ignore[import-untyped]
from twilio.http.http_client import TwilioHttpClient  # type: ignore[import-untyped]
from twilio.rest import Client  # type: ignore[import-untyped]

from comptoir.messaging.provider_errors import PERMANENT_ERRORS, error_in_words


class SmsSendError(Exception):
    def __init__(self, code: str, message: str, retryable: bool) -> None:
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code
        self.message = message
        self.retryable = retryable


class SmsProvider(Protocol):
    name: str

    def send(self, to: str, body: str, status_callback_url: str = "") -> str:
        """Hand the text to the provider; its message id. Raises SmsSendError."""
        ...


class TwilioProvider:
    """Twilio's Messages API through the official library. ``TWILIO_API_BASE`` points it
    at another host (the loopback stand-in in tests)."""

    name = "twilio"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base: str = "",
        timeout: float = 15,
    ) -> None:
        self.from_number = from_number
        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        if api_base:
            self.client.api.base_url = api_base.rstrip("/")

    def send(self, to: str, body: str, status_callback_url: str = "") -> str:
        options: dict[str, str] = {"to": to, "from_": self.from_number, "body": body}
        if status_callback_url:
            options["status_callback"] = status_callback_url
        try:
            message = self.client.messages.create(**options)
        except TwilioRestException as error:
            code = str(error.code or "")
            retryable = error.status >= 500 or error.status == 429
            if code in PERMANENT_ERRORS:
                retryable = False
            raise SmsSendError(
                code, error_in_words(code, error.msg or str(error)), retryable
            ) from error
        except (RequestException, TwilioException, OSError) as error:
            raise SmsSendError("", f"{type(error).__name__}: {error}", True) from error
        return str(message.sid)


class DevelopmentSmsProvider:
    """Sends nothing: the message keeps a "DEV…" id and the dashboard's text outbox
    (``dashboard:message_sms_outbox``) lists it, as a phone would show it."""

    name = "development"
    ID_PREFIX = "DEV"

    def send(self, to: str, body: str, status_callback_url: str = "") -> str:
        return f"{self.ID_PREFIX}{secrets.token_hex(16)}"


def get_sms_provider() -> SmsProvider:
    backend = getattr(settings, "COMPTOIR_SMS_BACKEND", "development") or "development"
    if backend == "twilio":
        return TwilioProvider(
            account_sid=getattr(settings, "TWILIO_ACCOUNT_SID", ""),
            auth_token=getattr(settings, "TWILIO_AUTH_TOKEN", ""),
            from_number=getattr(settings, "TWILIO_FROM_NUMBER", ""),
            api_base=getattr(settings, "TWILIO_API_BASE", ""),
        )
    if backend == "development":
        return DevelopmentSmsProvider()
    raise ValueError(f"COMPTOIR_SMS_BACKEND={backend!r}: use 'development' or 'twilio'")
