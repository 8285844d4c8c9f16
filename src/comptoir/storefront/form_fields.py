"""Field builders the storefront's forms share (sign-in and sign-up, the account pages,
checkout), so an email, a name, a phone or a password is asked for the same way
everywhere. Each form passes only what differs: its label, its messages, and the
autocomplete token when the value is not the shopper's own (a saved address's
recipient, an additional email)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

# Defaults (module-level: lazy translations, evaluated when a page is shown).
EMAIL_LABEL = _("Email address")
EMAIL_REQUIRED = _("Enter your email address.")
EMAIL_INVALID = _("Enter a valid email address, like name@example.com.")
PHONE_LABEL = _("Phone (optional)")
PASSWORD_REQUIRED = _("Enter your password.")


def _attrs(autocomplete: str | None, **attrs: str) -> dict[str, str]:
    return {**attrs, "autocomplete": autocomplete} if autocomplete else attrs


def _requirement(message: StrOrPromise | None) -> dict[str, Any]:
    """Required with this message, or optional when there is none."""
    if message is None:
        return {"required": False}
    return {"required": True, "error_messages": {"required": message}}


def email_field(
    *,
    label: StrOrPromise = EMAIL_LABEL,
    required: StrOrPromise = EMAIL_REQUIRED,
    invalid: StrOrPromise = EMAIL_INVALID,
    autocomplete: str | None = "email",
) -> forms.EmailField:
    """An email address (254 characters at most, like the login's); never spell-checked."""
    return forms.EmailField(
        label=label,
        max_length=254,
        error_messages={"required": required, "invalid": invalid},
        widget=forms.EmailInput(attrs=_attrs(autocomplete, spellcheck="false")),
    )


def _name_field(label: StrOrPromise, autocomplete: str | None) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=_attrs(autocomplete)),
    )


def first_name_field(*, autocomplete: str | None = "given-name") -> forms.CharField:
    """An optional first name."""
    return _name_field(_("First name"), autocomplete)


def last_name_field(*, autocomplete: str | None = "family-name") -> forms.CharField:
    """An optional last name."""
    return _name_field(_("Last name"), autocomplete)


def phone_field(
    *,
    label: StrOrPromise = PHONE_LABEL,
    required: StrOrPromise | None = None,
    autocomplete: str | None = "tel",
) -> forms.CharField:
    """A phone number as typed (the services store it in E.164); optional unless a
    ``required`` message is given."""
    return forms.CharField(
        label=label,
        max_length=32,
        **_requirement(required),
        widget=forms.TextInput(attrs=_attrs(autocomplete, type="tel")),
    )


def password_field(
    label: StrOrPromise,
    autocomplete: str,
    *,
    required: StrOrPromise | None = PASSWORD_REQUIRED,
) -> forms.CharField:
    """A password, taken as typed (no stripping); never sent back to the browser, even
    when the form is shown again with errors. Optional when ``required`` is None (the
    form then decides when it is needed, like checkout's create-an-account box)."""
    return forms.CharField(
        label=label,
        strip=False,
        max_length=4096,
        **_requirement(required),
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )
