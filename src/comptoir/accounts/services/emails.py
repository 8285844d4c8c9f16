"""The account emails the owner can customise: the welcome email and the password-reset
email, a subject and a plain-text body per language with {placeholders}.

Without a customised version the shipped templates (``mail/account_welcome.*``,
``mail/password_reset.*``) are sent. A customised version is sent through
``mail/account_custom.*``: its body, placeholders filled in, becomes the plain-text
alternative as it is, and the HTML version inside the shop's branded layout (values
escaped, paragraphs and line breaks kept, the link clickable)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from comptoir.accounts.models import AccountEmail
from comptoir.errors import InvalidInput, NotFound
from comptoir.mail.models import OutgoingEmail
from comptoir.mail.rendering import RenderedEmail, render_email
from comptoir.mail.services import queue_templated_email
from comptoir.shop.links import absolute_url
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import Language

Kind = AccountEmail.Kind
PLACEHOLDERS = ("shop_name", "first_name", "link")
# Required in a kind's body: without the link a reset email is useless.
REQUIRED = {Kind.WELCOME: (), Kind.PASSWORD_RESET: ("link",)}
CUSTOM_TEMPLATE = "account_custom"
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
_PARAGRAPHS = re.compile(r"\n\s*\n")


def default_subject(kind: str, language: str) -> str:
    with translation.override(language):
        if kind == Kind.WELCOME:
            return _("Welcome to {shop_name}")
        return _("Reset your {shop_name} password")


def default_body(kind: str, language: str) -> str:
    """The shipped default in placeholder form: what the edit form starts from."""
    with translation.override(language):
        if kind == Kind.WELCOME:
            parts = [
                _("Hello {first_name},"),
                _(
                    "Your account at {shop_name} is ready. Sign in to pay faster with your "
                    "saved details, follow your current orders and find past ones."
                ),
                _("Your account: {link}"),
                _("If you did not create this account, reply to this email and we will remove it."),
            ]
        else:
            parts = [
                _("Hello {first_name},"),
                _(
                    "Someone asked to reset the password of your account at {shop_name}. "
                    "To choose a new password, open this link:"
                ),
                "{link}",
                _(
                    "The link works once and expires after 24 hours. If you did not ask for "
                    "it, ignore this email: your password stays as it is."
                ),
            ]
        return "\n\n".join(parts)


def custom_version(kind: str, language: str) -> AccountEmail | None:
    return AccountEmail.objects.filter(kind=kind, language=language).first()


def _check_kind_and_language(kind: str, language: str) -> None:
    if kind not in Kind.values or language not in Language.values:
        raise NotFound(_("There is no such account email."))


def save_account_email(
    *, actor: TeamMember, kind: str, language: str, subject: str, body: str
) -> AccountEmail:
    """Store the owner's version of ``kind`` in ``language``. Raises InvalidInput keyed
    by "subject" and "body" (empty, unknown placeholders, the reset link missing)."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    subject, body = check_account_email(kind=kind, language=language, subject=subject, body=body)
    with transaction.atomic():
        email, _created = AccountEmail.objects.update_or_create(
            kind=kind, language=language, defaults={"subject": subject, "body": body}
        )
    return email


def check_account_email(*, kind: str, language: str, subject: str, body: str) -> tuple[str, str]:
    """The subject and body cleaned up, or InvalidInput (see ``save_account_email``)."""
    _check_kind_and_language(kind, language)
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = _("Write the subject of the email.")
    elif len(subject) > 200:
        errors["subject"] = _("Keep the subject under 200 characters.")
    elif message := _unknown_placeholders_message(subject):
        errors["subject"] = message
    if not body:
        errors["body"] = _("Write the text of the email.")
    elif message := _unknown_placeholders_message(body):
        errors["body"] = message
    else:
        used = set(_PLACEHOLDER.findall(body))
        missing = [name for name in REQUIRED[Kind(kind)] if name not in used]
        if missing:
            errors["body"] = _(
                "The text must contain %(placeholders)s: without it the email is useless."
            ) % {"placeholders": ", ".join(f"{{{name}}}" for name in missing)}
    if errors:
        raise InvalidInput(errors)
    return subject, body


def reset_account_email(*, actor: TeamMember, kind: str, language: str) -> None:
    """Back to the shipped default: the owner's version is deleted."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    _check_kind_and_language(kind, language)
    with transaction.atomic():
        AccountEmail.objects.filter(kind=kind, language=language).delete()


def _unknown_placeholders_message(text: str) -> str:
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if not unknown:
        return ""
    return _("Unknown placeholders: %(unknown)s. You can use %(known)s.") % {
        "unknown": ", ".join(f"{{{name}}}" for name in unknown),
        "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
    }


# --- rendering --------------------------------------------------------------------------


def _fill_text(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _fill_html(text: str, values: dict[str, str]) -> SafeString:
    """Escape the body, fill the placeholders with escaped values (the link as a link),
    keep paragraphs (blank lines) and line breaks."""
    html_values = {name: str(escape(value)) for name, value in values.items()}
    if values.get("link"):
        html_values["link"] = str(
            format_html(
                '<a href="{}" style="word-break:break-all;">{}</a>', values["link"], values["link"]
            )
        )
    paragraphs = []
    for paragraph in _PARAGRAPHS.split(text.strip()):
        filled = _PLACEHOLDER.sub(
            lambda m: html_values.get(m.group(1), m.group(0)), str(escape(paragraph))
        )
        paragraphs.append('<p style="margin:0 0 16px;">' + filled.replace("\n", "<br>") + "</p>")
    # Every piece of the owner's text and every value was escaped above.
    return mark_safe("\n".join(paragraphs))  # noqa: S308


def _custom_context(subject: str, body: str, values: dict[str, str]) -> dict[str, Any]:
    return {
        "subject": _fill_text(subject, values),
        "body_text": _fill_text(body, values),
        "body_html": _fill_html(body, values),
    }


def render_account_email(
    kind: str, *, language: str, first_name: str, link: str
) -> tuple[str, dict[str, Any]]:
    """The template and context that send ``kind`` in ``language``: the owner's version
    when there is one, else the shipped default."""
    custom = custom_version(kind, language)
    if custom is None:
        link_key = "account_url" if kind == Kind.WELCOME else "reset_url"
        return kind, {"first_name": first_name, link_key: link}
    values = {"shop_name": get_shop().name, "first_name": first_name, "link": link}
    return CUSTOM_TEMPLATE, _custom_context(custom.subject, custom.body, values)


def queue_account_email(
    *, to: str, kind: str, language: str, first_name: str, link: str
) -> OutgoingEmail:
    """Queue ``kind`` (inside the caller's transaction, sent after commit)."""
    template, context = render_account_email(
        kind, language=language, first_name=first_name, link=link
    )
    return queue_templated_email(
        to=to, template=template, context=context, language=language, kind=kind
    )


def preview_account_email(
    kind: str, *, language: str, subject: str | None = None, body: str | None = None
) -> RenderedEmail:
    """``kind`` in ``language`` with sample data: as it would be sent now, or with the
    ``subject`` and ``body`` being edited (checked as a save would: InvalidInput)."""
    _check_kind_and_language(kind, language)
    with translation.override(language):
        first_name = _("Marie")
    link = absolute_url(
        "/account/" if kind == Kind.WELCOME else "/account/password/reset/MQ/sample-token/"
    )
    if subject is not None or body is not None:
        subject, body = check_account_email(
            kind=kind, language=language, subject=subject or "", body=body or ""
        )
        values = {"shop_name": get_shop().name, "first_name": first_name, "link": link}
        return render_email(
            CUSTOM_TEMPLATE, _custom_context(subject, body, values), language=language
        )
    template, context = render_account_email(
        kind, language=language, first_name=first_name, link=link
    )
    return render_email(template, context, language=language)
