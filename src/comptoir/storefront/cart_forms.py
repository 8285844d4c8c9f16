"""The cart's small forms: they only check the shape of what was posted (a product's
short name, a whole number); the checkout services decide what may be bought."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

QUANTITY_ERRORS = {
    "required": _("Enter a quantity."),
    "invalid": _("Enter a whole number."),
}


class RemoveForm(forms.Form):
    product = forms.SlugField(max_length=180)


class QuantityForm(RemoveForm):
    quantity = forms.IntegerField(error_messages=QUANTITY_ERRORS)


class AddForm(RemoveForm):
    quantity = forms.IntegerField(required=False, error_messages=QUANTITY_ERRORS)

    def clean_quantity(self) -> int:
        quantity = self.cleaned_data.get("quantity")
        return 1 if quantity is None else quantity


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return ""
