"""The sign-in, sign-up and password forms: they check the shape of what was typed;
the accounts services decide (credentials, password rules, existing accounts)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comptoir.errors import DomainError, InvalidInput
from comptoir.storefront.account.page_forms import add_service_errors
from comptoir.storefront.form_fields import (
    email_field,
    first_name_field,
    last_name_field,
    password_field,
)


class AccessibleErrorsForm(forms.Form):
    """Points each field in error at its message (``<id>-error`` in _field.html), so
    screen readers read it with the field."""

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_errors()

    def add_refusal(self, refused: DomainError) -> None:
        """Shows a service's refusal: beside the fields it names (``InvalidInput``),
        otherwise above the form."""
        if isinstance(refused, InvalidInput):
            add_service_errors(self, refused)
        else:
            self.add_error(None, str(refused.message))
        self._mark_errors()

    def _mark_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-error"}
                )


class SignInForm(AccessibleErrorsForm):
    email = email_field()
    password = password_field(_("Password"), "current-password")


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
    email = email_field()
    password = password_field(_("Password"), "new-password")
    first_name = first_name_field()
    last_name = last_name_field()
    accept_terms = forms.BooleanField(
        label=_("I accept the account terms above"),
        error_messages={"required": _("Accept the account terms to create an account.")},
    )
    # The version the page showed (empty: the default text, no version published yet).
    terms_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ForgotPasswordForm(AccessibleErrorsForm):
    email = email_field()


class NewPasswordForm(NewPasswordMixin, AccessibleErrorsForm):
    password = password_field(_("New password"), "new-password")
