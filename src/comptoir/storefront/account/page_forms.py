"""Forms of the shopper's account pages: they check the shape of what was posted; the
``comptoir.accounts.services`` decide the rest and their ``InvalidInput`` messages are put
back beside the fields (``add_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.services.addresses import AddressFields
from comptoir.errors import InvalidInput
from comptoir.storefront.form_fields import (
    email_field,
    first_name_field,
    last_name_field,
    password_field,
    phone_field,
)
from comptoir.users.models import Language


class AccountForm(forms.Form):
    label_suffix = ""


class AddressForm(AccountForm):
    label = forms.CharField(
        label=_("Name of this address (optional)"), max_length=60, required=False
    )
    # The recipient's name, not necessarily the shopper's: nothing for the browser to fill.
    first_name = first_name_field(autocomplete=None)
    last_name = last_name_field(autocomplete=None)
    address_line1 = forms.CharField(
        label=_("Address"),
        max_length=200,
        error_messages={"required": _("Enter the street address.")},
    )
    address_line2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=20,
        error_messages={"required": _("Enter the postal code.")},
    )
    city = forms.CharField(
        label=_("City"), max_length=100, error_messages={"required": _("Enter the city.")}
    )
    country = forms.CharField(
        label=_("Country (two-letter code)"), max_length=2, min_length=2, required=False
    )
    phone = phone_field(autocomplete=None)
    make_primary = forms.BooleanField(label=_("Primary delivery address"), required=False)

    @staticmethod
    def fields_from(data: dict[str, Any]) -> AddressFields:
        """The address service's input from the form's cleaned data."""
        return AddressFields(
            label=data["label"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            address_line1=data["address_line1"],
            address_line2=data["address_line2"],
            postal_code=data["postal_code"],
            city=data["city"],
            country=data["country"],
            phone=data["phone"],
        )


class PhoneForm(AccountForm):
    number = phone_field(label=_("Phone number"), required=_("Enter a phone number."))


class EmailForm(AccountForm):
    # An additional address, never the sign-in one: nothing for the browser to fill.
    email = email_field(
        label=_("Email"),
        required=_("Enter an email address."),
        invalid=_("Enter a valid email address."),
        autocomplete=None,
    )


class LanguageForm(AccountForm):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a language."),
            "invalid_choice": _("Choose a language."),
        },
    )


class DeleteAccountForm(AccountForm):
    password = password_field(
        _("Your password"),
        "current-password",
        required=_("Enter your password to delete your account."),
    )


class CardForm(AccountForm):
    """Only the gateway's token arrives here: the card inputs have no name."""

    card_token = forms.CharField(
        max_length=255,
        required=False,
    )
    make_primary = forms.BooleanField(required=False)


def add_service_errors(form: forms.Form, error: InvalidInput) -> None:
    """Shows a service's refusals beside the fields they are about."""
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, str(message))
