"""Products in messages: staff pick a catalog product in the composer and a short card
is inserted in what they write: its name, its price in the shop's currency and the
address of its storefront page. A text gets one line ("Name — €4.50 — https://…");
an email two (the name and price, then the address), which the email's HTML turns into
a link like any address in the message."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse

from comptoir.catalog.models import Product, in_language
from comptoir.messaging.models import Channel
from comptoir.shop.links import absolute_url
from comptoir.shop.money import format_money
from comptoir.shop.selectors import get_shop

MAX_RESULTS = 8


def product_url(product: Product) -> str:
    """The product's storefront page, absolute when the shop's public address is set."""
    path = reverse("storefront:product", args=[product.slug])
    return absolute_url(path)


def render_product_card(product: Product, channel: str, language: str) -> str:
    """The card of ``product`` as inserted in a message on ``channel``, in ``language``
    (the customer's: the product's name in that language, the price formatted for it)."""
    name = in_language(product, "name", language)
    price = format_money(product.price, get_shop().currency, language)
    if Channel(channel) == Channel.SMS:
        return f"{name} — {price} — {product_url(product)}"
    return f"{name} — {price}\n{product_url(product)}"


def products_for_cards(search: str) -> QuerySet[Product]:
    """Active products whose name (either language) or SKU holds ``search``."""
    products = Product.objects.filter(is_active=True).order_by("name_fr", "name_en", "id")
    search = search.strip()
    if search:
        products = products.filter(
            Q(name_fr__icontains=search) | Q(name_en__icontains=search) | Q(sku__icontains=search)
        )
    return products[:MAX_RESULTS]
