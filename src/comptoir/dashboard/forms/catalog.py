"""Forms of the catalog pages. They check the shape of what was typed; the catalog
services decide (names, unique SKU, permissions)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comptoir.catalog import selectors
from comptoir.catalog.models import Product
from comptoir.catalog.prices import to_minor_units
from comptoir.errors import DomainError
from comptoir.shop.models import Location, Shop
from comptoir.shop.money import minor_to_decimal


def _require_published_name(form: forms.Form, shop: Shop) -> None:
    field = form.fields[f"name_{shop.published_language}"]
    field.required = True
    field.help_text = _("Required: the shop publishes in this language.")


class CategoryForm(forms.Form):
    name_fr = forms.CharField(label=_("Name (French)"), max_length=120, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("Lower numbers come first."),
    )

    def __init__(self, *args: Any, shop: Shop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _require_published_name(self, shop)


class ProductForm(forms.Form):
    category = forms.ModelChoiceField(queryset=selectors.categories(), label=_("Category"))
    name_fr = forms.CharField(label=_("Name (French)"), max_length=160, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=160, required=False)
    description_fr = forms.CharField(
        label=_("Description (French)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    price = forms.CharField(
        label=_("Price"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    sku = forms.CharField(
        label=_("SKU"),
        max_length=64,
        required=False,
        help_text=_("Optional stock-keeping code; each product has its own."),
    )
    image = forms.ImageField(label=_("Image"), required=False)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Inactive products are hidden from the storefront."),
    )

    def __init__(self, *args: Any, shop: Shop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shop = shop
        _require_published_name(self, shop)
        self.fields["price"].help_text = _("In %(currency)s, e.g. 2,50.") % {
            "currency": shop.currency
        }

    def clean_price(self) -> int:
        try:
            return to_minor_units(self.cleaned_data["price"], self.shop.currency)
        except DomainError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from error

    @staticmethod
    def initial_for(product: Product, shop: Shop) -> dict[str, Any]:
        price = str(minor_to_decimal(product.price, shop.currency))
        if (get_language() or "")[:2] == "fr":
            price = price.replace(".", ",")
        return {
            "category": product.category_id,
            "name_fr": product.name_fr,
            "name_en": product.name_en,
            "description_fr": product.description_fr,
            "description_en": product.description_en,
            "price": price,
            "sku": product.sku or "",
            "image": product.image,
            "is_active": product.is_active,
        }


class NewProductForm(ProductForm):
    available_at = forms.ModelMultipleChoiceField(
        queryset=Location.objects.none(),
        label=_("Sold at"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Stock is not counted until you set it on the availability page."),
    )

    def __init__(self, *args: Any, locations: list[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["available_at"])
        field.queryset = Location.objects.filter(pk__in=[location.pk for location in locations])
        if not self.is_bound:
            self.initial.setdefault("available_at", [location.pk for location in locations])


class AvailabilityForm(forms.Form):
    is_available = forms.BooleanField(label=_("Sold here"), required=False)
    stock = forms.IntegerField(
        label=_("Stock"),
        required=False,
        min_value=0,
        max_value=2_147_483_647,
        help_text=_("Leave empty not to count stock."),
    )
