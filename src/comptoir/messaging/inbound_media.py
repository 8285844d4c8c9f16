"""The pictures (and other files) of a customer's picture message (MMS), kept as the
message's attachments, listed in the conversation like those of an email.

The inbound webhook records the text, then calls ``store_text_media(message_id=...,
media=[(url, content type), ...])`` with Twilio's ``MediaUrl{N}`` / ``MediaContentType{N}``.
Each file is fetched by a background task after commit (``fetch_text_media``), never in
the webhook: Twilio wants its answer fast, and no network call runs while a transaction
is open. The task:

- fetches only URLs of our Twilio account on the configured API host (``TWILIO_API_BASE``,
  else api.twilio.com): a URL posted to the webhook is never fetched blindly;
- authenticates with the account SID and auth token (HTTP basic, as Twilio asks when
  media are protected) and follows Twilio's redirect to its media store (``requests``
  drops the credentials when the host changes);
- keeps at most ``MAX_MEDIA_BYTES`` (5 MB): a bigger file is not stored and the message
  says so; a file the provider no longer has (404, 410) is final, logged and said too;
- raises on a network failure, a timeout (also of the whole file) or a 5xx/429 answer, so that the worker tries
  again with backoff (``jobs.retry``); after the last try the message says so;
- runs once per file, and stores each file once whatever the retries (the attachment's
  name is the provider's media id).

Erasure, export and merge need nothing more: attachments follow their message
(``messaging.personal_data``)."""

from __future__ import annotations

import logging
import mimetypes
import re
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import TaskContext

from comptoir.jobs.dispatch import enqueue_after_commit
from comptoir.jobs.retry import attempts_left, retrying
from comptoir.messaging.models import Attachment, Message
from comptoir.messaging.services import NewAttachment, store_attachments
from comptoir.shop.selectors import get_shop

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.twilio.com"
MAX_MEDIA_BYTES = 5 * 1024 * 1024
# Seconds to connect, and between two reads of the answer; and for the whole file (a
# server sending a byte now and then would otherwise hold the worker).
TIMEOUT = (5, 30)
TOTAL_SECONDS = 120
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
# Answers that a later try may not get: anything else in 4xx is final.
RETRYABLE_STATUSES = frozenset({408, 425, 429})


class MediaFetchFailed(Exception):
    """A failure worth another try (network, timeout, 5xx): the worker retries."""


def api_base() -> str:
    return (getattr(settings, "TWILIO_API_BASE", "") or DEFAULT_API_BASE).rstrip("/")


def is_provider_media_url(url: str) -> bool:
    """``url`` is one of our account's media on the configured Twilio API host (same
    scheme and host, no credentials in it, exactly
    ``/2010-04-01/Accounts/<our SID>/Messages/<id>/Media/<id>``)."""
    try:
        parts, base = urlsplit(url), urlsplit(api_base())
    except ValueError:
        return False
    if (parts.scheme, parts.netloc.lower()) != (base.scheme, base.netloc.lower()):
        return False
    sid = getattr(settings, "TWILIO_ACCOUNT_SID", "") or ""
    if not sid or parts.query or parts.fragment:
        return False
    # A media of a message, nothing else of the account (its message list, a ``..``).
    prefix = f"{base.path}/2010-04-01/Accounts/{sid}/Messages/"
    return parts.path.startswith(prefix) and bool(
        _MEDIA_PATH.fullmatch(parts.path.removeprefix(prefix))
    )


# What follows ``Messages/`` in a media URL: the message's and the media's ids.
_MEDIA_PATH = re.compile(r"[A-Za-z0-9]+/Media/[A-Za-z0-9]+")


def store_text_media(*, message_id: int, media: list[tuple[str, str]]) -> None:
    """Fetch and store, after commit, each ``(url, content type)`` of the picture message
    ``message_id`` as its attachment. URLs that are not our account's media on the
    Twilio API host are logged and skipped."""
    for index, (url, content_type) in enumerate(media):
        if not is_provider_media_url(url):
            logger.warning(
                "Media %d of message %s skipped: not a media URL of the Twilio API host",
                index,
                message_id,
            )
            continue
        enqueue_after_commit(fetch_text_media, message_id, index, url, content_type or "")


# About 15 minutes of tries in all (30 s, 1, 2, 4, 8 min), as for emails: enough for a
# network hiccup; Twilio keeps the media much longer.
@retrying(max_attempts=6, base_delay_seconds=30, max_delay_seconds=900, takes_context=True)
def fetch_text_media(
    context: TaskContext, message_id: int, index: int, url: str, content_type: str
) -> str:
    return fetch_and_store(
        message_id, index, url, content_type, last_attempt=attempts_left(context) == 0
    )


def fetch_and_store(
    message_id: int, index: int, url: str, content_type: str, *, last_attempt: bool
) -> str:
    """What ``fetch_text_media`` does (see the module's doc); a word on the outcome."""
    if not is_provider_media_url(url):
        logger.warning("Media %d of message %s: refused URL, not fetched", index, message_id)
        return "refused"
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"  # erased meanwhile
    filename = media_filename(url, content_type, index)
    if Attachment.objects.filter(message_id=message_id, filename=filename).exists():
        return "already stored"
    try:
        status, content, received_type = _download(url)
    except (requests.RequestException, OSError) as error:
        reason = f"{type(error).__name__}: {error}"
        return _retry_or_give_up(message_id, index, content_type, reason, last_attempt)
    if status >= 500 or status in RETRYABLE_STATUSES:
        reason = f"HTTP {status}"
        return _retry_or_give_up(message_id, index, content_type, reason, last_attempt)
    if not 200 <= status < 300:
        # 404/410: the provider no longer has it (deleted); other answers (401: wrong
        # credentials) will not change by asking again soon.
        logger.warning(
            "Media %d of message %s: the provider answered %s, not retried",
            index,
            message_id,
            status,
        )
        _say(message_id, _not_fetched, content_type)
        return f"not fetched ({status})"
    content_type = (content_type or received_type or "application/octet-stream")[:100]
    if content is None:
        logger.info("Media %d of message %s is over %s bytes", index, message_id, MAX_MEDIA_BYTES)
        _say(message_id, _too_big, content_type)
        return "too big"
    with transaction.atomic():
        # Locked, so that a second run of this task at the same time waits, then sees it;
        # and read again: an erasure during the download deleted it (a file stored now
        # would outlive the erasure).
        if Message.objects.select_for_update().filter(pk=message_id).first() is None:
            return "missing"
        if Attachment.objects.filter(message_id=message_id, filename=filename).exists():
            return "already stored"
        store_attachments(message, [NewAttachment(filename, content_type, content)])
    return "stored"


def _download(url: str) -> tuple[int, bytes | None, str]:
    """(HTTP status, the content or None when it is over the limit, its content type);
    the content is read only for a 2xx answer. Raises on network failures."""
    auth = (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    with requests.Session() as session:
        session.max_redirects = MAX_REDIRECTS
        with session.get(url, auth=auth, timeout=TIMEOUT, stream=True) as response:
            received_type = response.headers.get("Content-Type", "").split(";")[0].strip()
            if response.status_code >= 300:
                return response.status_code, b"", received_type
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_MEDIA_BYTES:
                return response.status_code, None, received_type
            content = bytearray()
            deadline = time.monotonic() + TOTAL_SECONDS
            for chunk in response.iter_content(CHUNK):
                if time.monotonic() > deadline:
                    raise requests.Timeout(f"not received within {TOTAL_SECONDS} s")
                content += chunk
                if len(content) > MAX_MEDIA_BYTES:
                    return response.status_code, None, received_type
            return response.status_code, bytes(content), received_type


def _retry_or_give_up(
    message_id: int, index: int, content_type: str, reason: str, last_attempt: bool
) -> str:
    if not last_attempt:
        raise MediaFetchFailed(f"media {index} of message {message_id}: {reason}")
    logger.warning("Media %d of message %s not fetched, giving up: %s", index, message_id, reason)
    _say(message_id, _not_fetched, content_type)
    return "failed"


def _too_big(content_type: str) -> str:
    return _("[A file sent with this text (%(type)s) was not kept: it is over %(limit)s.]") % {
        "type": content_type or _("unknown type"),
        "limit": filesizeformat(MAX_MEDIA_BYTES),
    }


def _not_fetched(content_type: str) -> str:
    return _("[A file sent with this text (%(type)s) could not be fetched from the provider.]") % {
        "type": content_type or _("unknown type")
    }


def _say(message_id: int, sentence: Callable[[str], str], content_type: str) -> None:
    """Add ``sentence`` to the message's text, in the shop's language (staff read it in
    the conversation). Conditional UPDATEs: files of one message handled at once all
    say theirs."""
    with translation.override(get_shop().published_language):
        note = sentence(content_type)
    if not Message.objects.filter(pk=message_id, body="").update(body=note):
        Message.objects.filter(pk=message_id).exclude(body="").update(
            body=Concat("body", Value("\n" + note), output_field=TextField())
        )


_NON_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def media_filename(url: str, content_type: str, index: int) -> str:
    """A name for the stored file: the provider's media id (the URL's last part, e.g.
    ``ME1f2e...``) with the extension of its type, else ``media-<n>``."""
    stem = _NON_NAME.sub("", urlsplit(url).path.rsplit("/", 1)[-1])[:64] or f"media-{index + 1}"
    extension = mimetypes.guess_extension((content_type or "").split(";")[0].strip()) or ""
    if extension == ".jpe":
        extension = ".jpg"
    return f"{stem}{extension}"
