from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from comptoir.shop.models import Shop
from comptoir.shop.money import format_money
from comptoir.shop.validation import country_names

register = template.Library()


@register.filter
def money(amount: int | None, shop: Shop) -> str:
    """``{{ product.price|money:shop }}``"""
    if amount is None:
        return ""
    return format_money(amount, shop.currency, get_language() or shop.published_language)


@register.simple_tag
def theme_style(shop: Shop) -> str:
    """The shop's theme as CSS custom properties, for every storefront page."""
    return format_html(
        "<style>:root{{--primary:{};--background:{};--text:{};--font:{};--button-radius:{};}}</style>",
        shop.primary_colour,
        shop.background_colour,
        shop.text_colour,
        shop.font_stack,
        shop.button_radius,
    )


@register.filter
def country_name(code: str | None) -> str:
    """ "FR" -> "France" (or "Frankreich"...), in the current language; unknown codes
    are shown as they are."""
    if not code:
        return ""
    return country_names().get(code.upper(), code)
