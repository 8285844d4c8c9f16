"""The files of a customer's picture message (MMS) are fetched from Twilio by a background
task and kept as the message's attachments, listed in the conversation like an email's:
with the account's credentials, through Twilio's redirect to its media store, at most
5 MB (a bigger one is not kept and the message says so), a 404 final, a network failure
retried by the worker, and never a URL off the configured Twilio API host. The stand-in
is the loopback Twilio of tests/messaging/twilio_standin.py, with its media added."""

from __future__ import annotations

import base64
import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from twilio.request_validator import RequestValidator

from comptoir.customers.personal_data import personal_data
from comptoir.customers.services.erasure import erase_customer
from comptoir.customers.services.merging import merge_customers
from comptoir.messaging import services
from comptoir.messaging.inbound_media import (
    MAX_MEDIA_BYTES,
    fetch_and_store,
    fetch_text_media,
    is_provider_media_url,
    store_text_media,
)
from comptoir.messaging.models import Attachment, Channel, Conversation, Message
from comptoir.shop.selectors import get_shop
from tests.factories import CustomerFactory
from tests.messaging.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, TwilioStandIn

MOBILE = "+33612345678"
JPEG = b"\xff\xd8\xff\xe0" + b"JFIF picture Zq9" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"png Zq9" * 50
BIG = b"x" * (MAX_MEDIA_BYTES + 1)
MEDIA_PATH = "/2010-04-01/Accounts/{sid}/Messages/{mm}/Media/{me}"


class TwilioWithMedia(TwilioStandIn):
    """The Twilio stand-in answering media URLs as Twilio does: with the account's
    HTTP basic credentials, a 307 to its media store (another host, ``localhost``, that
    wants no credentials and serves the bytes), 404 for a media it does not have.
    ``drop(n)`` closes the next ``n`` media requests without an answer (a network
    failure); ``outage(n)`` answers them 503."""

    def __init__(self) -> None:
        super().__init__()
        self.media: dict[str, tuple[bytes, str]] = {}
        self.media_requests: list[tuple[str, str]] = []  # (path, Authorization)
        self.store_requests: list[tuple[str, str]] = []
        self.drops_left = 0
        self.store: ThreadingHTTPServer | None = None
        # Run by the media store before it answers (in its own thread): what happens
        # in the shop while a file is being downloaded.
        self.while_downloading: Callable[[], None] | None = None

    def add(self, content: bytes, content_type: str, *, sid: str = ACCOUNT_SID) -> str:
        """A media of a new picture message; its URL as Twilio posts it."""
        me = "ME" + secrets.token_hex(16)
        self.media[me] = (content, content_type)
        return self.url + MEDIA_PATH.format(sid=sid, mm="MM" + secrets.token_hex(16), me=me)

    def drop(self, requests: int) -> None:
        self.drops_left = requests

    def start(self) -> TwilioWithMedia:
        super().start()
        standin = self

        class Store(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                standin.store_requests.append((self.path, self.headers.get("Authorization") or ""))
                if standin.while_downloading is not None:
                    standin.while_downloading()
                content, content_type = standin.media[self.path.rsplit("/", 1)[-1]]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                # No Content-Length: the body ends when the connection closes, so the
                # size limit is kept while reading, not from a header.
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format, *args) -> None:
                pass

        self.store = ThreadingHTTPServer(("127.0.0.1", 0), Store)
        threading.Thread(
            target=self.store.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        super().stop()
        if self.store is not None:
            self.store.shutdown()
            self.store.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(handler.path).path
        if "/Media/" not in path:
            return super()._handle(handler, method)
        self.media_requests.append((path, handler.headers.get("Authorization") or ""))
        if self.drops_left > 0:
            self.drops_left -= 1
            handler.close_connection = True  # closed with no answer at all
            return
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        me = path.rsplit("/", 1)[-1]
        if self.failures_left > 0:  # ``outage(n)``
            self.failures_left -= 1
            status, location = self.failure_status, ""
        elif handler.headers.get("Authorization") != f"Basic {expected}":
            status, location = 401, ""
        elif me not in self.media or f"/Accounts/{self.account_sid}/" not in path:
            status, location = 404, ""
        else:
            assert self.store is not None
            port = self.store.server_address[1]
            status, location = 307, f"http://localhost:{port}/v1/media/{me}"
        handler.send_response(status)
        if location:
            handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@pytest.fixture
def twilio(settings):
    standin = TwilioWithMedia().start()
    settings.COMPTOIR_SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_API_BASE = standin.url
    yield standin
    standin.stop()


@pytest.fixture(autouse=True)
def _english(db):
    shop = get_shop()
    shop.published_language = "en"
    shop.save()
    with translation.override("en"):
        yield


def picture_message(customer=None, body="Is this one in stock?") -> Message:
    """A picture message as the inbound path records it."""
    customer = customer or CustomerFactory(first_name="Hélène", mobile=MOBILE, email=None)
    return services.record_inbound(
        customer=customer,
        channel=Channel.SMS,
        body=body,
        from_address=MOBILE,
        provider_message_id="MM" + secrets.token_hex(16),
    )


def stored(message) -> list[tuple[str, str, bytes]]:
    return [
        (a.filename, a.content_type, a.file.open("rb").read())
        for a in Attachment.objects.filter(message=message).order_by("pk")
    ]


def attachment_files() -> set[str]:
    folder = "messages/attachments"
    return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()


def auth_header() -> str:
    return "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


def test_each_file_is_fetched_through_the_redirect_and_listed_in_the_conversation(
    twilio, immediate_tasks, django_capture_on_commit_callbacks, messaging_client, verified_business
):
    message = picture_message()
    jpeg, png = twilio.add(JPEG, "image/jpeg"), twilio.add(PNG, "image/png")

    with django_capture_on_commit_callbacks(execute=True):
        store_text_media(message_id=message.pk, media=[(jpeg, "image/jpeg"), (png, "image/png")])

    jpeg_id, png_id = (url.rsplit("/", 1)[-1] for url in (jpeg, png))
    assert stored(message) == [
        (f"{jpeg_id}.jpg", "image/jpeg", JPEG),
        (f"{png_id}.png", "image/png", PNG),
    ]
    # The credentials go to Twilio's API host, not to the media store it redirects to.
    assert [auth for _path, auth in twilio.media_requests] == [auth_header()] * 2
    assert [auth for _path, auth in twilio.store_requests] == ["", ""]

    customer_id = message.conversation.customer_id
    page = messaging_client.get(reverse("dashboard:message_conversation", args=[customer_id]))
    html = page.content.decode()
    assert f"{jpeg_id}.jpg" in html and f"{png_id}.png" in html
    first = Attachment.objects.filter(message=message).order_by("pk").first()
    download = messaging_client.get(
        reverse("dashboard:message_attachment", args=[customer_id]), {"file": first.pk}
    )
    assert download.status_code == 200 and download.content == JPEG


def test_a_file_over_5_mb_is_not_kept_and_the_message_says_so(
    twilio, immediate_tasks, django_capture_on_commit_callbacks
):
    message = picture_message()
    big, small = twilio.add(BIG, "video/mp4"), twilio.add(JPEG, "image/jpeg")

    with django_capture_on_commit_callbacks(execute=True):
        store_text_media(message_id=message.pk, media=[(big, "video/mp4"), (small, "image/jpeg")])

    assert [(name[-4:], kind) for name, kind, _content in stored(message)] == [
        (".jpg", "image/jpeg")
    ]
    message.refresh_from_db()
    assert message.body == (
        "Is this one in stock?\n"
        "[A file sent with this text (video/mp4) was not kept: it is over 5.0\xa0MB.]"
    )


def test_a_picture_only_message_says_so_in_its_text(
    twilio, immediate_tasks, django_capture_on_commit_callbacks
):
    message = picture_message(body="")
    with django_capture_on_commit_callbacks(execute=True):
        store_text_media(message_id=message.pk, media=[(twilio.add(BIG, "image/jpeg"), "")])
    message.refresh_from_db()
    assert message.body.startswith("[A file sent with this text (image/jpeg) was not kept")


def test_a_404_is_final_logged_and_said_not_retried(twilio, run_worker, caplog):
    message = picture_message()
    gone = twilio.url + MEDIA_PATH.format(sid=ACCOUNT_SID, mm="MM1", me="ME" + "0" * 32)

    store_text_media(message_id=message.pk, media=[(gone, "image/jpeg")])
    run_worker()

    (row,) = DBTaskResult.objects.filter(task_path=fetch_text_media.module_path)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "not fetched (404)"
    assert len(twilio.media_requests) == 1
    assert stored(message) == []
    message.refresh_from_db()
    assert "could not be fetched from the provider" in message.body
    assert "answered 404, not retried" in caplog.text


@pytest.mark.parametrize("failure", ["connection closed", "503"])
def test_a_network_failure_is_retried_by_the_worker_then_the_file_is_stored_once(
    failure, twilio, run_worker
):
    message = picture_message()
    url = twilio.add(JPEG, "image/jpeg")
    if failure == "503":
        twilio.outage(1)
    else:
        twilio.drop(1)

    store_text_media(message_id=message.pk, media=[(url, "image/jpeg")])
    run_worker()

    (row,) = DBTaskResult.objects.filter(task_path=fetch_text_media.module_path)
    assert row.status == TaskResultStatus.READY  # back in the queue, later
    assert row.run_after > timezone.now()
    assert "MediaFetchFailed" in row.exception_class_path
    assert stored(message) == []

    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())  # its time came
    run_worker()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "stored"
    assert len(twilio.media_requests) == 2
    assert [content for _name, _kind, content in stored(message)] == [JPEG]
    message.refresh_from_db()
    assert message.body == "Is this one in stock?"  # nothing to say


def test_a_second_run_of_the_task_stores_nothing_more(twilio):
    message = picture_message()
    url = twilio.add(PNG, "image/png")

    assert fetch_and_store(message.pk, 0, url, "image/png", last_attempt=False) == "stored"
    assert fetch_and_store(message.pk, 0, url, "image/png", last_attempt=False) == "already stored"

    assert len(stored(message)) == 1 and len(twilio.media_requests) == 1


def test_the_last_failed_try_gives_up_and_says_so(twilio):
    message = picture_message()
    url = twilio.add(PNG, "image/png")
    twilio.drop(2)

    with pytest.raises(Exception, match="ConnectionError"):
        fetch_and_store(message.pk, 0, url, "image/png", last_attempt=False)
    assert fetch_and_store(message.pk, 0, url, "image/png", last_attempt=True) == "failed"

    message.refresh_from_db()
    assert "(image/png) could not be fetched from the provider" in message.body


@pytest.mark.parametrize(
    "where",
    [
        "another host",
        "another scheme",
        "credentials in the URL",
        "another account",
        "not a URL",
        "another resource of the account",
        "dot segments",
        "a query",
    ],
)
def test_urls_off_the_twilio_api_host_are_never_fetched(
    where, twilio, immediate_tasks, django_capture_on_commit_callbacks
):
    message = picture_message()
    good = twilio.add(JPEG, "image/jpeg")
    parts = urlsplit(good)
    store_port = twilio.store.server_address[1]
    url = {
        # The media store itself, which would serve it without credentials.
        "another host": f"http://localhost:{store_port}/v1/media/{good.rsplit('/', 1)[-1]}",
        "another scheme": good.replace("http://", "https://"),
        "credentials in the URL": f"http://someone@{parts.netloc}{parts.path}",
        "another account": twilio.add(JPEG, "image/jpeg", sid="AC" + "9" * 32),
        "not a URL": "http://[::1",
        # Our account's message list, fetched with its credentials, kept as a "picture".
        "another resource of the account": f"{twilio.url}/2010-04-01/Accounts/{ACCOUNT_SID}/"
        "Messages.json",
        "dot segments": f"{good}/../../../../Messages.json",
        "a query": f"{good}?PageSize=1000",
    }[where]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        store_text_media(message_id=message.pk, media=[(url, "image/jpeg")])

    assert callbacks == []  # no task
    assert fetch_and_store(message.pk, 0, url, "image/jpeg", last_attempt=True) == "refused"
    assert twilio.media_requests == [] and twilio.store_requests == []
    assert stored(message) == []


def test_the_default_api_host_is_twilios(settings):
    settings.TWILIO_API_BASE = ""
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    path = MEDIA_PATH.format(sid=ACCOUNT_SID, mm="MM1", me="ME1")
    assert is_provider_media_url("https://api.twilio.com" + path)
    assert not is_provider_media_url("https://api.twilio.com.evil.example" + path)
    assert not is_provider_media_url("http://api.twilio.com" + path)


# --- personal data: the files follow their message -------------------------------------


def fetched(twilio, customer=None) -> Message:
    message = picture_message(customer)
    url = twilio.add(JPEG, "image/jpeg")
    assert fetch_and_store(message.pk, 0, url, "image/jpeg", last_attempt=True) == "stored"
    return message


def test_the_export_lists_the_pictures(twilio):
    message = fetched(twilio)

    exported = personal_data(message.conversation.customer)["messages"]

    (entry,) = exported["messages"]
    (attachment,) = entry["attachments"]
    assert attachment["content_type"] == "image/jpeg" and attachment["size"] == len(JPEG)
    assert attachment["filename"].endswith(".jpg")


def test_erasure_deletes_the_pictures(twilio, owner, django_capture_on_commit_callbacks):
    message = fetched(twilio)
    name = Attachment.objects.get(message=message).file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        erase_customer(actor=owner, customer_id=message.conversation.customer_id, gateway=None)

    assert not Attachment.objects.exists() and not Message.objects.exists()
    assert not default_storage.exists(name)


@pytest.mark.django_db(transaction=True)
def test_a_message_erased_during_the_download_gets_no_file(twilio):
    message = picture_message()
    url = twilio.add(JPEG, "image/jpeg")
    files_before = attachment_files()

    def erase() -> None:  # the customer erased while the file is on its way
        Message.objects.filter(pk=message.pk).delete()
        connections.close_all()  # this thread's connection

    twilio.while_downloading = erase

    assert fetch_and_store(message.pk, 0, url, "image/jpeg", last_attempt=False) == "missing"

    assert len(twilio.store_requests) == 1
    assert not Attachment.objects.exists()
    # No file left behind in the storage either.
    assert attachment_files() == files_before


def test_merging_moves_the_pictures_with_their_message(twilio, owner):
    kept = CustomerFactory(email="helene@example.com", mobile="")
    merged = CustomerFactory(email=None, mobile=MOBILE)
    message = fetched(twilio, merged)

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    conversation = Conversation.objects.get()
    assert conversation.customer_id == kept.pk
    (attachment,) = Attachment.objects.all()
    assert attachment.message_id == message.pk
    assert attachment.message.conversation_id == conversation.pk
    assert attachment.file.open("rb").read() == JPEG


def test_a_picture_message_posted_to_the_webhook_ends_as_an_attachment(
    twilio, run_worker, settings
):
    """The whole path: Twilio posts a signed picture message, the worker applies it and
    fetches its picture."""
    settings.COMPTOIR_PUBLIC_URL = ""
    customer = CustomerFactory(first_name="Hélène", mobile=MOBILE, email=None)
    url = twilio.add(JPEG, "image/jpeg")
    params = {
        "MessageSid": "MM" + secrets.token_hex(16),
        "AccountSid": ACCOUNT_SID,
        "From": MOBILE,
        "To": "+33700000001",
        "Body": "This one, in blue?",
        "NumMedia": "1",
        "MediaUrl0": url,
        "MediaContentType0": "image/jpeg",
        "SmsStatus": "received",
    }
    path = reverse("twilio_inbound_sms")
    signature = RequestValidator(AUTH_TOKEN).compute_signature("http://testserver" + path, params)

    response = Client().post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    run_worker()  # applies the text, which queues the picture
    run_worker()

    message = Message.objects.get(conversation__customer=customer)
    assert message.body == "This one, in blue?"
    assert [(kind, content) for _name, kind, content in stored(message)] == [("image/jpeg", JPEG)]
