"""Forms for stations and their category routes. They shape the input; the stations
services check it and their messages go back beside each field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Category
from comptoir.shop.models import Location
from comptoir.stations.models import Station


class StationForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none(), label=_("Location"))
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    printer_host = forms.CharField(
        label=_("Printer address"),
        max_length=255,
        required=False,
        help_text=_("The network printer's IP address or host name, e.g. 192.168.1.50."),
    )
    printer_port = forms.IntegerField(
        label=_("Printer port"), initial=9100, required=False, help_text=_("Usually 9100.")
    )
    is_fallback = forms.BooleanField(
        label=_("Fallback station"),
        required=False,
        help_text=_("Gets the items of every category that routes to no station."),
    )

    def __init__(self, *args: Any, locations: Any, station: Station | None = None, **kwargs: Any):
        if station is not None:
            kwargs.setdefault(
                "initial",
                {
                    "location": station.location_id,
                    "name": station.name,
                    "printer_host": station.printer_host,
                    "printer_port": station.printer_port,
                    "is_fallback": station.is_fallback,
                },
            )
        super().__init__(*args, **kwargs)
        location_field = self.fields["location"]
        assert isinstance(location_field, forms.ModelChoiceField)
        location_field.queryset = locations
        if station is not None:
            # A station stays at its location; the fallback stays one until another is.
            del self.fields["location"]
            if station.is_fallback:
                self.fields["is_fallback"].disabled = True


class RoutesForm(forms.Form):
    """One choice per category: a station of the location, or the fallback."""

    def __init__(
        self,
        *args: Any,
        categories: list[Category],
        stations: list[Station],
        routes: dict[int, int],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        fallback = next((station for station in stations if station.is_fallback), None)
        empty = (
            _("Fallback (%(station)s)") % {"station": fallback.name} if fallback else _("Fallback")
        )
        choices = [("", empty)] + [(str(station.pk), station.name) for station in stations]
        for category in categories:
            self.fields[f"category_{category.pk}"] = forms.TypedChoiceField(
                label=category.name,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=routes.get(category.pk),
            )

    def routes(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("category_")): value for name, value in self.cleaned_data.items()
        }
