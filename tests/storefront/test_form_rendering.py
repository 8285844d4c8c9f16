"""The checkout's renderer writes plain inputs in Python: the markup must be exactly
what Django's widget templates write, for every kind of value and attribute."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from comptoir.storefront.form_rendering import QUICK_INPUTS


class Everything(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    name = forms.CharField(max_length=100, required=False)
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    key = forms.CharField(widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    agree = forms.BooleanField(required=False)
    count = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}))
    hint = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("Email"), "disabled": True, "hidden": False}
        ),
    )
    choice = forms.ChoiceField(choices=[("a", "A <b>"), ("b", "B")], required=False)
    kind = forms.ChoiceField(
        choices=[("pickup", "Pickup"), ("x&y", "X <and> Y")], widget=forms.RadioSelect
    )
    several = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple, required=False
    )


DATA = [
    {},
    {
        "email": 'not "an" <email> & more',
        "name": "Zoé <script>",
        "phone": "06 12",
        "key": "k&y",
        "secret": "p'w\"d",
        "agree": "on",
        "count": "x",
        "hint": "ok",
        "choice": "a",
        "kind": "x&y",
        "several": ["2"],
    },
]


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("name", [f for f in Everything.base_fields])
def test_inputs_are_written_as_djangos_templates_write_them(data, name):
    quick = Everything(data or None, renderer=QUICK_INPUTS)
    plain = Everything(data or None, renderer=DjangoTemplates())
    if data:
        quick.is_valid()
        plain.is_valid()

    assert str(quick[name]) == str(plain[name])
    # Each option on its own, bare and in its label, as a template places them.
    for mine, django in zip(quick[name].subwidgets, plain[name].subwidgets, strict=True):
        assert str(mine.tag()) == str(django.tag())
        assert str(mine) == str(django)


def test_a_safe_value_is_written_as_it_is():
    widget = forms.TextInput()
    value = mark_safe("<b>")

    assert widget.render("n", value, renderer=QUICK_INPUTS) == widget.render(
        "n", value, renderer=DjangoTemplates()
    )
