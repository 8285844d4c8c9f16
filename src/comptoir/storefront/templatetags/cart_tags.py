from django import template

from comptoir.storefront.cart_session import cart_item_count as count_for

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_item_count(context: template.Context) -> int:
    """``{% cart_item_count as cart_count %}``: units in the visitor's cart, for the header."""
    request = context.get("request")
    return count_for(request) if request is not None else 0
