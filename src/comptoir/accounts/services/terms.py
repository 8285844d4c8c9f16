"""The shop's account terms: one published version per language, a new version each time
the owner edits them; sign-ups record the version they accepted.

Until the owner publishes terms in a language, sign-up shows a short default text in that
language; the first sign-up that accepts it stores it as version 1, so every acceptance
points at the exact words the shopper saw (docs/decisions/0008-shopper-sign-in.md)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.accounts.models import AccountTerms
from comptoir.errors import InvalidInput
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import Language


def default_terms_text(language: str) -> str:
    """What sign-up shows while the owner has published no terms in ``language``."""
    with translation.override(language):
        return _(
            "By creating an account you allow the shop to keep your name, email address, "
            "order history and the details you save (addresses, phone numbers, cards stored "
            "at the payment provider) to make your next purchases faster. You can change "
            "these details or delete your account at any time from your account pages; the "
            "shop keeps your past orders for its records."
        )


def latest_terms(language: str) -> AccountTerms | None:
    """The version currently published in ``language`` (None before the first)."""
    return AccountTerms.objects.filter(language=language).order_by("-version").first()


def terms_text_for(language: str) -> tuple[AccountTerms | None, str]:
    """What the sign-up page shows: the published version and its text, or (None, the
    default text) when none is published yet."""
    terms = latest_terms(language)
    return terms, terms.text if terms is not None else default_terms_text(language)


def terms_version(*, language: str, version: int | None) -> AccountTerms | None:
    """The version a sign-up page showed (None for the default text or an unknown one)."""
    if version is None:
        return None
    return AccountTerms.objects.filter(language=language, version=version).first()


def current_terms(*, language: str) -> AccountTerms:
    """The published version in ``language``, storing the default text as version 1 when
    the owner has published none (safe when two sign-ups do it at once)."""
    language = language if language in Language.values else Language.FRENCH
    terms = latest_terms(language)
    if terms is not None:
        return terms
    try:
        with transaction.atomic():
            return AccountTerms.objects.create(
                language=language, version=1, text=default_terms_text(language)
            )
    except IntegrityError:
        return AccountTerms.objects.get(language=language, version=1)


def publish_terms(*, actor: TeamMember | None, language: str, text: str) -> AccountTerms:
    """Publish ``text`` as the next version of the terms in ``language``. Acceptances
    already recorded keep pointing at the version they accepted."""
    require(actor, Permission.MANAGE_SETTINGS)
    text = text.strip()
    errors: dict[str, str] = {}
    if language not in Language.values:
        errors["language"] = _("Choose a language.")
    if not text:
        errors["text"] = _("Write the terms shoppers accept when they create an account.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        # Serialise publishers of one language on the latest row: the unique constraint
        # on (language, version) refuses a second "next version" anyway.
        latest = (
            AccountTerms.objects.select_for_update()
            .filter(language=language)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.text == text:
            return latest
        version = latest.version + 1 if latest is not None else 1
        try:
            with transaction.atomic():
                return AccountTerms.objects.create(language=language, version=version, text=text)
        except IntegrityError:
            raise InvalidInput(
                {"text": _("Someone published these terms at the same time. Please try again.")}
            ) from None
