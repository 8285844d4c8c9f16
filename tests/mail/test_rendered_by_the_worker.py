"""Emails queued to be rendered by the worker (the order receipt): the request stores
what is needed to render, the send task renders once, keeps the result on the row and
sends it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from comptoir.mail import rendering
from comptoir.mail.models import EmailStatus, OutgoingEmail
from comptoir.mail.services import queue_rendered_later
from comptoir.team.permissions import Permission
from comptoir.users.models import User
from tests.factories import UserFactory

OUTBOX_URL = "/dashboard/outbox/"


def sample_email_context(user_id: int) -> dict:
    return {"recipient": User.objects.get(pk=user_id), "sent_on": timezone.now()}


@pytest.fixture
def worker_renders_test_email():
    rendering.register_context("test_email", sample_email_context)
    yield
    rendering._context_builders.pop("test_email", None)


def queue_for(user: User) -> OutgoingEmail:
    return queue_rendered_later(
        to=user.email,
        template="test_email",
        about_id=user.pk,
        subject_context={},
        language="en",
    )


def test_the_worker_renders_the_email_once_keeps_it_and_sends_it(
    worker_renders_test_email, run_worker, mailoutbox, staff_client
):
    user = UserFactory(full_name="Camille Martin", email="camille@example.com")
    with transaction.atomic():
        email = queue_for(user)
    assert email.subject and not email.is_rendered

    run_worker()

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert "Hello Camille" in email.text_body and "Hello Camille" in email.html_body
    [message] = mailoutbox
    assert (message.subject, message.body) == (email.subject, email.text_body)
    assert message.alternatives[0].content == email.html_body
    page = staff_client(Permission.MANAGE_SETTINGS).get(f"{OUTBOX_URL}{email.pk}/")
    assert "Hello Camille" in page.content.decode()


@pytest.mark.django_db
def test_a_template_the_worker_cannot_render_is_refused_when_queued():
    with pytest.raises(ValueError, match="No context builder"):
        queue_rendered_later(
            to="camille@example.com",
            template="password_reset",
            about_id=1,
            subject_context={},
            language="en",
        )
    assert not OutgoingEmail.objects.exists()
