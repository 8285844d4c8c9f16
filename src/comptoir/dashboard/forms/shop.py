"""Forms for the shop's settings and its locations. They shape the input; the shop
services check the values (time zone, currency, colours...) and their messages are
put back beside each field (``show_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.prices import to_minor_units
from comptoir.errors import DomainError, InvalidInput
from comptoir.shop.delivery import format_delivery_zones, parse_delivery_zones
from comptoir.shop.models import FulfilmentType, Location, Shop, Weekday
from comptoir.shop.money import minor_to_decimal
from comptoir.shop.selectors import get_shop
from comptoir.shop.services import LOCATION_FIELDS, SHOP_FIELDS

COLOUR = forms.TextInput(attrs={"type": "color"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def show_errors(form: forms.BaseForm, error: InvalidInput) -> None:
    """Put a service's per-field messages on the form (unknown fields at the top)."""
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, str(message))


def _money_field(text: str, currency: str) -> int:
    try:
        return to_minor_units(text.strip() or "0", currency)
    except DomainError as error:
        raise forms.ValidationError(str(error.message)) from None


class ShopSettingsForm(forms.ModelForm):
    donation_amounts = forms.CharField(
        label=_("Suggested donation amounts"),
        required=False,
        help_text=_("Separate amounts with spaces, e.g. 2 5 10,50."),
    )

    class Meta:
        model = Shop
        fields = list(SHOP_FIELDS)
        widgets = {
            "primary_colour": COLOUR,
            "background_colour": COLOUR,
            "text_colour": COLOUR,
            "currency": forms.TextInput(
                attrs={
                    "list": "currencies",
                    "autocapitalize": "characters",
                    "maxlength": 3,
                    "size": 4,
                }
            ),
            "time_zone": forms.TextInput(attrs={"list": "time-zones"}),
            "country": forms.TextInput(
                attrs={"autocapitalize": "characters", "maxlength": 2, "size": 3}
            ),
            "contact_address": forms.Textarea(attrs={"rows": 3}),
            "policies": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "currency": _("Three-letter ISO code, e.g. EUR."),
            "time_zone": _("e.g. Europe/Paris."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acceptance_reminder_minutes"].required = False
        currency = self.instance.currency or "EUR"
        self.initial["donation_amounts"] = " ".join(
            str(minor_to_decimal(a, currency)) for a in self.instance.donation_amounts or []
        )

    def clean_acceptance_reminder_minutes(self) -> int:
        # Left out of a post (an older page), the delay stays as it is.
        value = self.cleaned_data.get("acceptance_reminder_minutes")
        return self.instance.acceptance_reminder_minutes if value is None else value

    def clean_donation_amounts(self) -> list[int]:
        currency = self.instance.currency or "EUR"
        amounts = [
            _money_field(part, currency) for part in self.cleaned_data["donation_amounts"].split()
        ]
        if any(a <= 0 for a in amounts):
            raise forms.ValidationError(_("Suggested amounts must be more than zero."))
        return amounts

    def changes(self) -> dict[str, Any]:
        """What to hand to ``update_shop_settings``; the logo only when it changed."""
        data = dict(self.cleaned_data)
        logo = data.pop("logo", None)
        if logo is False:
            data["logo"] = None  # "clear" ticked
        elif logo and "logo" in self.files:
            data["logo"] = logo
        return data


class LocationForm(forms.ModelForm):
    fulfilment_types = forms.MultipleChoiceField(
        label=_("Fulfilment offered"),
        choices=FulfilmentType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Location
        fields = [name for name in LOCATION_FIELDS if name != "position"]
        widgets = {
            "time_zone": forms.TextInput(attrs={"list": "time-zones"}),
            "country": forms.TextInput(
                attrs={"autocapitalize": "characters", "maxlength": 2, "size": 3}
            ),
        }
        help_texts = {"slug": _("Leave empty to make one from the name.")}

    delivery_zones = forms.CharField(
        label=_("Delivery zones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One zone per line: its postal codes, a colon, then the delivery fee, "
            "e.g. 75009 75010: 3,50. Other postal codes are not delivered."
        ),
    )
    shipping_rate = forms.CharField(
        label=_("Shipping rate"),
        required=False,
        help_text=_("Flat rate for every shipped order, e.g. 6,90."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.currency = get_shop().currency
        self.initial["delivery_zones"] = format_delivery_zones(
            self.instance.delivery_zones, self.currency
        )
        self.initial["shipping_rate"] = str(
            minor_to_decimal(self.instance.shipping_rate or 0, self.currency)
        )

    def clean_delivery_zones(self) -> list[dict[str, Any]]:
        try:
            return parse_delivery_zones(self.cleaned_data["delivery_zones"], self.currency)
        except InvalidInput as error:
            raise forms.ValidationError(str(error.errors["delivery_zones"])) from None

    def clean_shipping_rate(self) -> int:
        return _money_field(self.cleaned_data["shipping_rate"], self.currency)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("slug"):
            data.pop("slug", None)
        return data


class OpeningDayForm(forms.Form):
    """One weekday: up to two spans (a bakery closed at lunch)."""

    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, widget=forms.HiddenInput)
    opens_at = forms.TimeField(label=_("Opens"), required=False, widget=TIME)
    closes_at = forms.TimeField(label=_("Closes"), required=False, widget=TIME)
    reopens_at = forms.TimeField(label=_("Opens again"), required=False, widget=TIME)
    closes_again_at = forms.TimeField(label=_("Closes"), required=False, widget=TIME)

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns cleaned_data, but is typed as possibly None
        data = self.cleaned_data
        for opens, closes in (("opens_at", "closes_at"), ("reopens_at", "closes_again_at")):
            if bool(data.get(opens)) != bool(data.get(closes)):
                raise forms.ValidationError(_("Give both an opening and a closing time."))
        return data

    @property
    def day_label(self) -> str:
        return str(Weekday(int(self["weekday"].value())).label)

    def spans(self) -> list[tuple[int, Any, Any]]:
        data = self.cleaned_data
        return [
            (data["weekday"], data[opens], data[closes])
            for opens, closes in (("opens_at", "closes_at"), ("reopens_at", "closes_again_at"))
            if data.get(opens) and data.get(closes)
        ]


OpeningHoursFormSet = forms.formset_factory(
    OpeningDayForm, extra=0, min_num=7, max_num=7, validate_min=True, validate_max=True
)


def opening_hours_formset(location: Location | None, data=None) -> forms.BaseFormSet:
    """Seven rows, Monday first, filled from the location's current hours."""
    by_day: dict[int, list] = {day: [] for day in Weekday.values}
    if location is not None and location.pk:
        for span in location.opening_hours.all():
            by_day[span.weekday].append(span)
    initial = []
    for day, spans in by_day.items():
        row: dict[str, Any] = {"weekday": day}
        # A day shows two spans at most (the page offers two).
        pairs = (("opens_at", "closes_at"), ("reopens_at", "closes_again_at"))
        for (opens, closes), span in zip(pairs, spans[:2], strict=False):
            row[opens], row[closes] = span.opens_at, span.closes_at
        initial.append(row)
    return OpeningHoursFormSet(data=data, initial=initial, prefix="hours")
