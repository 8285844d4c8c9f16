"""Forms of the partner pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Product
from comptoir.partners.models import Partner
from comptoir.shop.models import Location


class PartnerForm(forms.ModelForm):
    callback_url = forms.URLField(
        label=_("Callback URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Where Comptoir sends your decisions and new preparation times."),
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.order_by("position", "name"),
        help_text=_("Where this partner's orders are prepared."),
    )

    class Meta:
        model = Partner
        fields = ["name", "slug", "location", "callback_url", "supports_delay", "is_active"]
        help_texts = {
            "slug": _("The partner posts its orders to /partners/<short name>/webhook/."),
        }

    def changes(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PartnerItemForm(forms.Form):
    external_id = forms.CharField(label=_("Partner's item id"), max_length=120)
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(is_active=True).order_by("name_fr", "name_en", "pk"),
    )


class DelayForm(forms.Form):
    minutes = forms.IntegerField(label=_("Delay (minutes)"), min_value=1, max_value=120)
