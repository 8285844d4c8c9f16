"""A staff member's own alerts: the two live alerts of the Orders page and the
locations whose new orders they receive by email."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.alerts.models import StaffAlertSettings
from comptoir.alerts.services import email_location_ids
from comptoir.shop.models import Location
from comptoir.shop.selectors import locations_for_staff
from comptoir.team.models import TeamMember


class AlertSettingsForm(forms.Form):
    new_orders = forms.BooleanField(
        label=_("New-order notifications (sound and browser notification)"), required=False
    )
    curbside_arrivals = forms.BooleanField(label=_("Curbside arrival alerts"), required=False)
    email_locations = forms.TypedMultipleChoiceField(
        label=_("Email me each new order at"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the locations you work at."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        member: TeamMember,
        current: StaffAlertSettings,
        locations: Iterable[Location] | None = None,
        email_ids: Iterable[int] | None = None,
    ) -> None:
        """``locations``: the member's, when the page has already read them;
        ``email_ids``: the locations of ``current``'s emails, when already read."""
        if email_ids is None:
            email_ids = email_location_ids(member) if current.pk else []
        super().__init__(
            data,
            initial={
                "new_orders": current.new_orders,
                "curbside_arrivals": current.curbside_arrivals,
                "email_locations": sorted(email_ids),
            },
        )
        field = self.fields["email_locations"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        if locations is None:
            locations = locations_for_staff(member)
        field.choices = [(loc.pk, loc.name) for loc in locations]
