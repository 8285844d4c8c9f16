"""The merchant's customer record as form data, validated the same way whether it is
typed in the back office or read from a CSV import line: names, email unique ignoring
case, phones to E.164 (the shop's country by default), addresses per country, EU VAT IDs.
The services (customers.services.records) save what these forms cleaned."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.customers.models import Customer, CustomerAddress, CustomerKind
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.customers.selectors import customer_by_email, visible_customers
from comptoir.customers.validation import PostalAddress, address_errors, clean_vat_id
from comptoir.shop.validation import country_names
from comptoir.team.models import TeamMember

RECORD_FIELDS = (
    "first_name",
    "initials",
    "last_name",
    "email",
    "pending_approval",
    "phone",
    "mobile",
    "language",
    "gender",
    "birth_date",
    "accepts_marketing",
    "kind",
    "company_name",
    "company_id_number",
    "chamber_of_commerce_number",
    "vat_id",
    "shipping_same_as_billing",
    "notes",
)
COMPANY_FIELDS = ("company_name", "company_id_number", "chamber_of_commerce_number", "vat_id")
ADDRESS_FIELDS = (
    "country",
    "attention",
    "line1",
    "house_number",
    "house_number_extension",
    "line2",
    "postal_code",
    "city",
    "region",
)


def country_choices() -> list[tuple[str, str]]:
    """Every country, named in the current language, sorted by name."""
    return sorted(country_names().items(), key=lambda item: item[1])


class CustomerRecordForm(forms.ModelForm):
    """Personal, contact, type, company and notes. ``region`` is the shop's country
    (phones typed without a country code); ``billing_country`` helps read a VAT ID typed
    without its prefix."""

    class Meta:
        model = Customer
        fields = RECORD_FIELDS
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "kind": forms.RadioSelect,
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(
        self,
        *args: Any,
        region: str,
        billing_country: str = "",
        member: TeamMember | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.region = region
        self.billing_country = billing_country
        # Who is typing: the other record with the same email is named only if they may
        # see it (a member limited to some locations does not see every record).
        self.member = member

    def _get_validation_exclusions(self) -> set[str]:
        # The unique email (ignoring case) is checked once, by clean_email; the model's
        # constraint check would run the same query again.
        excluded: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]
        return {*excluded, "email"}

    def clean_email(self) -> str | None:
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if not email:
            return None
        other = customer_by_email(email)
        if other is not None and other.pk != self.instance.pk:
            if self.member is None or visible_customers(self.member).filter(pk=other.pk).exists():
                message = _("Another customer already has this email address (%(name)s).") % {
                    "name": str(other)
                }
            else:
                message = _("Another customer already has this email address.")
            raise forms.ValidationError(message, code="email_taken")
        return email

    def _phone(self, field: str) -> str:
        try:
            return to_e164(self.cleaned_data.get(field) or "", self.region)
        except InvalidPhone as error:
            raise forms.ValidationError(str(error.message), code="invalid_phone") from None

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_mobile(self) -> str:
        return self._phone("mobile")

    def clean_vat_id(self) -> str:
        try:
            return clean_vat_id(self.cleaned_data.get("vat_id") or "", country=self.billing_country)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid_vat_id") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != CustomerKind.BUSINESS:
            # A personal customer has no company: what the hidden fields held goes.
            for field in COMPANY_FIELDS:
                data[field] = ""
                self.errors.pop(field, None)
        return data


class RecordAddressForm(forms.ModelForm):
    """A billing or shipping address (use a prefix per role). Entirely blank (the
    country aside) means "no address"; otherwise the country's rules apply."""

    country = forms.ChoiceField(label=gettext_lazy("country"), choices=())

    class Meta:
        model = CustomerAddress
        fields = ADDRESS_FIELDS

    def __init__(self, *args: Any, default_country: str = "FR", **kwargs: Any):
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = country_choices()
        if not self.instance.pk and not self.initial.get("country"):
            self.initial["country"] = default_country

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any((data.get(field) or "").strip() for field in ADDRESS_FIELDS[1:])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ADDRESS_FIELDS:
            if isinstance(data.get(field), str):
                data[field] = data[field].strip()
        if data.get("postal_code"):
            data["postal_code"] = data["postal_code"].upper()
        if self.is_blank() or not data.get("country"):
            return data
        address = PostalAddress(
            **{field: data.get(field) or "" for field in ADDRESS_FIELDS if field != "attention"}
        )
        for field, message in address_errors(address).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data

    def values(self) -> dict[str, str] | None:
        """The cleaned address, or None when left blank."""
        if self.is_blank():
            return None
        return {field: self.cleaned_data.get(field) or "" for field in ADDRESS_FIELDS}
