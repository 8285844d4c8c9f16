"""The form renderer of the checkout's forms: a plain ``<input>`` (text, email,
password, hidden, checkbox...) is written here in Python, the same markup as Django's
``input.html`` and ``attrs.html`` templates write, instead of through those two
templates per field (a checkout page has a dozen: about 4 ms of its rendering, 0.2 ms
here), and so is a radio button or checkbox of a choice list placed on its own
(``{{ choice.tag }}``). Every other widget (a select, a whole radio list, a text area,
an option wrapped in its label) goes through its template as usual."""

from __future__ import annotations

import html
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeData, SafeString, mark_safe

# Django's widget templates that are only ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "password",
        "hidden",
        "checkbox",
        "number",
        "tel",
        "url",
        "search",
        "date",
        "time",
        "datetime",
        "color",
    )
)


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` with autoescaping: safe strings as they are."""
    return str(value) if isinstance(value, SafeData) else html.escape(str(value))


def input_html(widget: dict[str, Any]) -> SafeString:
    """``django/forms/widgets/input.html`` for a widget's template context."""
    parts = [f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"']
    if widget["value"] is not None:
        parts.append(f' value="{_text(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    parts.append(">")
    return mark_safe("".join(parts))  # noqa: S308 -- every value above is escaped


# One radio button or checkbox of a choice list: ``input_option.html``, which wraps the
# input in its label only when asked (``{{ choice }}``; ``{{ choice.tag }}`` does not).
OPTION_TEMPLATES = frozenset(
    {"django/forms/widgets/radio_option.html", "django/forms/widgets/checkbox_option.html"}
)


class QuickInputs(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if template_name in INPUT_TEMPLATES:
            return input_html(widget)  # type: ignore[arg-type]
        if template_name in OPTION_TEMPLATES and widget and not widget.get("wrap_label"):
            return input_html(widget)
        return super().render(template_name, context, request)


QUICK_INPUTS = QuickInputs()
