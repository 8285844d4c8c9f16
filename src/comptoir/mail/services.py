"""Writing emails to the outbox.

Callers (other services) run ``queue_email`` inside their own transaction: the row commits
with the business change or not at all, and the ``send_email`` task is enqueued only after
that commit, or with it inside ``jobs.dispatch.enqueued_together`` (placing an order; see
``comptoir.mail.delivery`` for the sending side)."""

from __future__ import annotations

from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.errors import DomainError
from comptoir.jobs.dispatch import enqueue_with_transaction
from comptoir.mail.models import OutgoingEmail
from comptoir.mail.rendering import render_email, render_later_supported, render_subject
from comptoir.mail.tasks import send_email
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import Language


def queue_email(
    *, to: str, subject: str, text: str, html: str = "", language: str, kind: str = ""
) -> OutgoingEmail:
    """Store an email in the outbox and send it once the current transaction commits."""
    return _queue(to=to, subject=subject, text=text, html=html, language=language, kind=kind)


def queue_templated_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any] | None = None,
    language: str,
    kind: str = "",
) -> OutgoingEmail:
    """Render ``mail/<template>.*`` in ``language`` and queue the result."""
    rendered = render_email(template, context, language=language)
    return queue_email(
        to=to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        language=language,
        kind=kind or template,
    )


def queue_rendered_later(
    *,
    to: str,
    template: str,
    about_id: int,
    subject_context: dict[str, Any],
    language: str,
    kind: str = "",
) -> OutgoingEmail:
    """Queue ``mail/<template>.*`` to be rendered by the worker just before sending,
    from ``about_id`` (the template's context builder must be registered, see
    ``rendering.register_context``); the request only renders the subject, with
    ``subject_context``, so that the outbox lists it meanwhile. The worker stores the
    text and HTML on the row, where the outbox shows them, and a retry sends them as
    they are."""
    if not render_later_supported(template):
        raise ValueError(f"No context builder registered for the email template {template!r}")
    return _queue(
        to=to,
        subject=render_subject(template, subject_context, language=language),
        text="",
        html="",
        language=language,
        kind=kind or template,
        template=template,
        about_id=about_id,
    )


def _queue(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    language: str,
    kind: str,
    template: str = "",
    about_id: int | None = None,
) -> OutgoingEmail:
    try:
        validate_email(to)
    except ValidationError:
        raise DomainError(
            _("“%(address)s” is not an email address.") % {"address": to}, code="invalid_email"
        ) from None
    if language not in Language.values:
        raise DomainError(f"Unsupported email language {language!r}", code="invalid_language")
    # No savepoint: a failed insert leaves nothing to undo here, and the caller's
    # transaction (if any) has to roll back with it anyway.
    with transaction.atomic(savepoint=False):
        email = OutgoingEmail.objects.create(
            to_address=to,
            subject=" ".join(subject.split())[:255],
            text_body=text,
            html_body=html,
            language=language,
            kind=kind,
            template=template,
            about_id=about_id,
            # Fixed once, so a retry after a lost server reply carries the same Message-ID
            # and mail clients can tell it is the same message.
            provider_message_id=make_msgid(domain=_sender_domain()),
        )
        enqueue_with_transaction(send_email, email.pk)
    return email


def send_test_email(*, actor: TeamMember) -> OutgoingEmail:
    """Queue a test message to the staff member, to check the mail settings end to end."""
    require(actor, Permission.MANAGE_SETTINGS)
    user = actor.user
    # Staff read mail in their own language, like the dashboard.
    language = user.language or get_shop().published_language
    return queue_templated_email(
        to=user.email,
        template="test_email",
        context={"recipient": user, "sent_on": timezone.now()},
        language=language,
        kind="test_email",
    )


def _sender_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"
