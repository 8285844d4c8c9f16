"""Sending an outbox row to the partner's callback URL: what ``send_partner_callback``
does. Signed like the partner's webhooks (``partners.signing``). A row is sent at most
once at a time and never again once the partner answered 2xx; any other answer or a
network error raises, so the task is retried."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from comptoir.partners.models import CallbackStatus, PartnerCallback
from comptoir.partners.signing import headers_for

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10  # what Square gives its receivers
SENDING_LEASE = timedelta(minutes=2)


class CallbackRefused(Exception):
    pass


def deliver_callback(callback_id: int, *, last_attempt: bool) -> str:
    now = timezone.now()
    claimed = (
        PartnerCallback.objects.filter(
            pk=callback_id, status__in=[CallbackStatus.QUEUED, CallbackStatus.FAILED]
        )
        .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - SENDING_LEASE))
        .update(sending_since=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        status = PartnerCallback.objects.filter(pk=callback_id).values_list("status", flat=True)
        if not status:
            return "missing"
        return "already sent" if status[0] == CallbackStatus.SENT else "being sent"
    callback = PartnerCallback.objects.select_related("partner").get(pk=callback_id)
    url = callback.partner.callback_url
    body = json.dumps(callback.payload, separators=(",", ":"), sort_keys=True).encode()
    try:
        if not url.startswith(("http://", "https://")):
            raise CallbackRefused(f"no usable callback URL: {url!r}")
        request = urllib.request.Request(  # noqa: S310 (http(s) checked above)
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Comptoir",
                **headers_for(callback.partner.secret, url, body),
            },
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        _failed(callback_id, f"HTTP {error.code}", last_attempt)
        raise CallbackRefused(f"{url} answered {error.code}") from None
    except Exception as error:
        _failed(callback_id, f"{type(error).__name__}: {error}", last_attempt)
        raise
    if not 200 <= status < 300:
        _failed(callback_id, f"HTTP {status}", last_attempt)
        raise CallbackRefused(f"{url} answered {status}")
    PartnerCallback.objects.filter(pk=callback_id).update(
        status=CallbackStatus.SENT, sent_at=timezone.now(), sending_since=None, last_error=""
    )
    return "sent"


def _failed(callback_id: int, error: str, last_attempt: bool) -> None:
    logger.warning("Partner callback %s failed: %s", callback_id, error)
    PartnerCallback.objects.filter(pk=callback_id).update(
        sending_since=None,
        last_error=error[:2000],
        status=CallbackStatus.FAILED if last_attempt else CallbackStatus.QUEUED,
    )
