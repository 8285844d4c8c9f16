"""The checkout and donation forms. They check the shape of what was posted and what
can be checked before charging (phone, delivery zone, pickup time, the password of an
account created while paying); the order service checks everything again after."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import SavedCard
from comptoir.accounts.services.signup import email_has_login
from comptoir.catalog.prices import to_minor_units
from comptoir.customers.phones import to_e164
from comptoir.errors import DomainError, InvalidInput
from comptoir.orders.models import FulfilmentType as Kind
from comptoir.orders.services import FulfilmentChoice, check_pickup_time
from comptoir.shop.delivery import delivery_fee
from comptoir.shop.models import FulfilmentType as Offer
from comptoir.shop.models import Location
from comptoir.shop.selectors import get_shop
from comptoir.storefront.form_rendering import QUICK_INPUTS
from comptoir.users.models import User

# The exact words of the box, recorded with the order when ticked (in the shopper's language).
SMS_CONSENT_TEXT = _("Text me about this order at the phone number above.")
ASAP = "asap"
CHECKOUT_OFFERS = (Offer.PICKUP, Offer.CURBSIDE, Offer.DELIVERY, Offer.SHIPPING)
REQUIRED = {"required": _("This field is required.")}


def show_errors(form: forms.BaseForm, error: InvalidInput) -> None:
    """A service's per-field messages beside their fields (others at the top)."""
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, str(message))


def optional_text(
    label: Any, max_length: int, autocomplete: str = "", **attrs: str
) -> forms.CharField:
    """An optional one-line field, with the browser's autofill hint when there is one."""
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs=attrs) if attrs else None,
    )


class ContactPaymentForm(forms.Form):
    """What checkout and donations share: the contact, the payment and the account
    created while paying."""

    default_renderer = QUICK_INPUTS  # plain inputs written without their templates

    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Email"),
        error_messages={"required": _("Enter your email address: the receipt goes there.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    first_name = optional_text(_("First name"), 100, "given-name")
    last_name = optional_text(_("Last name"), 100, "family-name")
    phone = optional_text(_("Phone (optional)"), 32, "tel", type="tel")
    card_token = forms.CharField(max_length=255, required=False, widget=forms.HiddenInput)
    saved_card = forms.TypedChoiceField(
        label=_("Pay with"), coerce=int, required=False, empty_value=None
    )
    save_card = forms.BooleanField(label=_("Save this card for next time"), required=False)
    wallet_token = forms.CharField(max_length=64, required=False)
    create_account = forms.BooleanField(
        label=_("Create an account with this email"), required=False
    )
    password = forms.CharField(
        label=_("Password for your account"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(
        self,
        *args: Any,
        cards: list[SavedCard] | None = None,
        accounts_offered: bool = False,
        can_save_cards: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cards = {card.pk: card for card in cards or []}
        cast(forms.ChoiceField, self.fields["saved_card"]).choices = [("", _("A new card"))] + [
            (card.pk, f"{card.brand} •••• {card.last4}") for card in self.cards.values()
        ]
        self.accounts_offered = accounts_offered
        if not accounts_offered:
            del self.fields["create_account"]
            del self.fields["password"]
        if not can_save_cards:
            del self.fields["save_card"]
        if not self.cards:
            del self.fields["saved_card"]

    def clean_phone(self) -> str:
        try:
            return to_e164(self.cleaned_data["phone"], get_shop().country)
        except DomainError as error:
            raise ValidationError(str(error.message)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        paying = data.get("wallet_token") or data.get("saved_card") or data.get("card_token")
        if not paying:
            self.add_error("card_token", _("Enter your card details."))
        if data.get("create_account"):
            self._check_new_account(data)
        return data

    def _check_new_account(self, data: dict[str, Any]) -> None:
        """Checked before any charge, so a refused password never costs an order."""
        email = data.get("email")
        if email and email_has_login(email):
            self.add_error(
                "email",
                _(
                    "An account already exists for this email: sign in, or pay without creating an account."
                ),
            )
        password = data.get("password") or ""
        if not password:
            self.add_error("password", _("Choose a password for your account."))
            return
        user = User(email=email or "", full_name=data.get("first_name", ""))
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            self.add_error("password", " ".join(error.messages))

    @property
    def chosen_card(self) -> SavedCard | None:
        card_id = self.cleaned_data.get("saved_card")
        return self.cards.get(card_id) if card_id else None


class CheckoutForm(ContactPaymentForm):
    fulfilment = forms.ChoiceField(
        label=_("How do you get your order?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you get your order.")},
    )
    pickup_at = forms.CharField(label=_("Pickup time"), required=False)
    vehicle = optional_text(_("Your vehicle (model, colour)"), 120)
    address_line1 = optional_text(_("Address"), 200, "address-line1")
    address_line2 = optional_text(_("Address line 2"), 200, "address-line2")
    postal_code = optional_text(_("Postal code"), 20, "postal-code")
    city = optional_text(_("City"), 100, "address-level2")
    courier_notes = forms.CharField(
        label=_("Notes for the courier"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sms_consent = forms.BooleanField(label=SMS_CONSENT_TEXT, required=False)
    gift_card_code = forms.CharField(
        label=_("Gift card code"),
        max_length=40,
        required=False,
        help_text=_("The gift card pays what its balance allows; your card pays the rest."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    coupon_code = forms.CharField(
        label=_("Coupon code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    field_order = [
        "email",
        "first_name",
        "last_name",
        "phone",
        "sms_consent",
        "fulfilment",
        "pickup_at",
        "vehicle",
        "address_line1",
        "address_line2",
        "postal_code",
        "city",
        "courier_notes",
    ]

    def __init__(self, *args: Any, location: Location, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.location = location
        cast(forms.ChoiceField, self.fields["fulfilment"]).choices = [
            (str(offer), offer.label) for offer in CHECKOUT_OFFERS if location.offers(offer)
        ]
        self.fulfilment_choice: FulfilmentChoice | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        paid_by_code = data.get("gift_card_code", "").strip() or data.get("coupon_code", "").strip()
        if paid_by_code and "card_token" in self.errors:
            # The gift card or coupon may pay it all: checkout asks for a card if not.
            del self.errors["card_token"]
            data["card_token"] = ""
        if data.get("sms_consent") and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Give a phone number to receive texts about this order."))
        offer = data.get("fulfilment")
        if offer:
            self.fulfilment_choice = self._fulfilment(offer, data)
        return data

    def _fulfilment(self, offer: str, data: dict[str, Any]) -> FulfilmentChoice | None:
        if offer in (Offer.PICKUP, Offer.CURBSIDE):
            curbside = offer == Offer.CURBSIDE
            if curbside and not data.get("vehicle", "").strip():
                self.add_error("vehicle", _("Describe your vehicle so the staff can find you."))
            pickup_at = self._pickup_time(data.get("pickup_at", ""))
            return FulfilmentChoice(
                type=Kind.PICKUP,
                curbside=curbside,
                vehicle=data.get("vehicle", ""),
                pickup_at=pickup_at,
            )
        for field, message in (
            ("address_line1", _("Give the street address.")),
            ("postal_code", _("Give the postal code.")),
            ("city", _("Give the city.")),
        ):
            if not data.get(field, "").strip():
                self.add_error(field, message)
        if offer == Offer.DELIVERY:
            fee = 0
            if data.get("postal_code", "").strip():
                try:
                    fee = delivery_fee(self.location, data["postal_code"])
                except InvalidInput as error:
                    show_errors(self, error)
            kind = Kind.DELIVERY
        else:
            fee, kind = self.location.shipping_rate, Kind.SHIPMENT
        return FulfilmentChoice(
            type=kind,
            address_line1=data.get("address_line1", ""),
            address_line2=data.get("address_line2", ""),
            postal_code=data.get("postal_code", "").strip().upper(),
            city=data.get("city", ""),
            country=self.location.country,
            courier_notes=data.get("courier_notes", "") if kind == Kind.DELIVERY else "",
            fee=fee,
        )

    def _pickup_time(self, value: str) -> datetime.datetime | None:
        if not value or value == ASAP:
            return None
        try:
            pickup_at = datetime.datetime.fromisoformat(value)
        except ValueError:
            self.add_error("pickup_at", _("Choose a pickup time from the list."))
            return None
        if timezone.is_naive(pickup_at):
            pickup_at = timezone.make_aware(pickup_at, timezone.get_default_timezone())
        try:
            check_pickup_time(self.location, pickup_at)
        except InvalidInput as error:
            show_errors(self, error)
        return pickup_at


class DonationForm(ContactPaymentForm):
    amount = forms.CharField(
        label=_("Amount"),
        max_length=20,
        error_messages={"required": _("Choose or enter an amount.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["amount", "note", "email", "first_name", "last_name", "phone"]

    def clean_amount(self) -> int:
        try:
            amount = to_minor_units(self.cleaned_data["amount"], get_shop().currency)
        except DomainError as error:
            raise ValidationError(str(error.message)) from None
        if amount <= 0:
            raise ValidationError(_("Choose an amount of more than zero."))
        return amount
