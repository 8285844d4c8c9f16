"""The sign-in, sign-up and password forms: they check the shape of what was typed;
the accounts services decide (credentials, password rules, existing accounts)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from comptoir.errors import InvalidInput


class AccessibleErrorsForm(forms.Form):
    """Points each field in error at its message (``<id>-error`` in _field.html), so
    screen readers read it with the field."""

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_errors()

    def add_service_errors(self, error: InvalidInput) -> None:
        """Show a service's refusal beside the fields it names."""
        for field, message in error.errors.items():
            self.add_error(field if field in self.fields else None, str(message))
        self._mark_errors()

    def _mark_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-error"}
                )


def _email_field(**kwargs: Any) -> forms.EmailField:
    return forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        **kwargs,
    )


def _password_field(label: StrOrPromise, autocomplete: str) -> forms.CharField:
    # Never sent back to the browser, even when the form is shown again with errors.
    return forms.CharField(
        label=label,
        strip=False,
        max_length=4096,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class SignInForm(AccessibleErrorsForm):
    email = _email_field()
    password = _password_field(_("Password"), "current-password")


class NewPasswordMixin(forms.Form):
    """Runs Django's password validators here too, so a weak password is reported with
    the form's other mistakes at once (the service checks it again)."""

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            validate_password(password)
        except ValidationError as error:
            raise forms.ValidationError(" ".join(error.messages)) from None
        return password


class SignUpForm(NewPasswordMixin, AccessibleErrorsForm):
    email = _email_field()
    password = _password_field(_("Password"), "new-password")
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    accept_terms = forms.BooleanField(
        label=_("I accept the account terms above"),
        error_messages={"required": _("Accept the account terms to create an account.")},
    )
    # The version the page showed (empty: the default text, no version published yet).
    terms_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ForgotPasswordForm(AccessibleErrorsForm):
    email = _email_field()


class NewPasswordForm(NewPasswordMixin, AccessibleErrorsForm):
    password = _password_field(_("New password"), "new-password")
