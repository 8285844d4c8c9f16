"""Dashboard Outbox: list and detail, for members who manage settings only."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from comptoir.mail.models import EmailStatus, OutgoingEmail
from comptoir.team.permissions import Permission
from tests.mail.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db

OUTBOX_URL = "/dashboard/outbox/"
KEPT_NOTICE = "Mail is kept here, not delivered"


def test_outbox_lists_emails_newest_first_with_their_status(staff_client):
    older = OutgoingEmailFactory(subject="Older one")
    newer = OutgoingEmailFactory(subject="Newer one", status=EmailStatus.FAILED)

    page = staff_client(Permission.MANAGE_SETTINGS).get(OUTBOX_URL)

    assert page.status_code == 200
    assert [email.pk for email in page.context["page"].object_list] == [newer.pk, older.pk]
    body = page.content.decode()
    assert body.index("Newer one") < body.index("Older one")
    assert 'class="badge failed"' in body


def test_outbox_says_mail_is_kept_not_delivered_with_the_outbox_only_backend(
    staff_client, settings
):
    client = staff_client(Permission.MANAGE_SETTINGS, user__language="en")
    settings.EMAIL_BACKEND = "comptoir.mail.backends.OutboxOnlyBackend"
    email = OutgoingEmailFactory()
    assert KEPT_NOTICE in client.get(OUTBOX_URL).content.decode()
    assert KEPT_NOTICE in client.get(f"{OUTBOX_URL}{email.pk}/").content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert KEPT_NOTICE not in client.get(OUTBOX_URL).content.decode()


def test_detail_shows_text_and_html_in_a_sandboxed_frame_never_inline(staff_client):
    email = OutgoingEmailFactory(
        text_body="Bonjour <Camille>,\nà bientôt.",
        html_body='<p onclick="steal()">Bonjour</p><script>alert("x")</script>',
    )

    page = staff_client(Permission.MANAGE_SETTINGS).get(f"{OUTBOX_URL}{email.pk}/")

    body = page.content.decode()
    assert "Bonjour &lt;Camille&gt;," in body
    assert "<script>alert" not in body and 'onclick="steal()"' not in body
    assert (
        '<iframe class="email-html"' in body
        and ' sandbox srcdoc="&lt;p onclick=&quot;steal()&quot;&gt;Bonjour&lt;/p&gt;'
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"'
        in body
    )


def test_missing_email_is_404(staff_client):
    assert staff_client(Permission.MANAGE_SETTINGS).get(f"{OUTBOX_URL}999999/").status_code == 404


def test_test_email_button_queues_a_message_to_the_member(
    staff_client, django_capture_on_commit_callbacks
):
    client = staff_client(Permission.MANAGE_SETTINGS)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{OUTBOX_URL}test/")

    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert (email.to_address, email.kind, email.status) == (
        client.member.user.email,
        "test_email",
        EmailStatus.QUEUED,
    )
    assert email.html_body and email.text_body
    assert DBTaskResult.objects.get().args_kwargs == {"args": [email.pk], "kwargs": {}}


@pytest.mark.parametrize("permissions", [[], [Permission.MESSAGE_CUSTOMERS]])
def test_member_without_manage_settings_is_refused_and_nothing_is_queued(staff_client, permissions):
    email = OutgoingEmailFactory()
    client = staff_client(*permissions)

    assert client.get(OUTBOX_URL).status_code == 403
    assert client.get(f"{OUTBOX_URL}{email.pk}/").status_code == 403
    assert client.post(f"{OUTBOX_URL}test/").status_code == 403

    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [email.pk]
    assert not DBTaskResult.objects.exists()


def test_outbox_list_queries_do_not_grow_with_the_number_of_emails(staff_client, count_queries):
    client = staff_client(Permission.MANAGE_SETTINGS)
    OutgoingEmailFactory()
    client.get(OUTBOX_URL)
    with count_queries() as few:
        client.get(OUTBOX_URL)
    OutgoingEmailFactory.create_batch(30)
    with count_queries() as many:
        client.get(OUTBOX_URL)
    assert many.count == few.count <= 8
