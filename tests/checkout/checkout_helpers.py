"""Helpers for the checkout page tests: a shop location, a cart filled through the
cart page, a token as test-gateway.js would get it, the form as the page renders it."""

from __future__ import annotations

from django.urls import reverse

from comptoir.payments.gateways.testing import tokenize_test_card
from comptoir.shop.models import FulfilmentType
from tests.factories import LocationFactory
from tests.orders.factories import stocked

APPROVED = "4242424242424242"
DECLINED = "4000000000000002"


def shop_location(**fields):
    fields.setdefault(
        "fulfilment_types",
        [
            FulfilmentType.PICKUP.value,
            FulfilmentType.CURBSIDE.value,
            FulfilmentType.DELIVERY.value,
            FulfilmentType.SHIPPING.value,
        ],
    )
    fields.setdefault("delivery_zones", [{"postal_codes": ["75009", "75010"], "fee": 350}])
    fields.setdefault("shipping_rate", 690)
    fields.setdefault("name", "Martyrs")
    fields.setdefault("slug", "martyrs")
    return LocationFactory(**fields)


def fill_cart(client, location, *products_and_quantities):
    client.get(reverse("storefront:home"), {"location": location.slug})
    for product, quantity in products_and_quantities:
        client.post(reverse("storefront:cart_add"), {"product": product.slug, "quantity": quantity})


def card_token(number: str = APPROVED) -> str:
    return tokenize_test_card(number, 12, 2040, "123")


def checkout_form(client, **fields) -> dict:
    """The page's form as rendered (idempotency key included), with ``fields`` typed in."""
    page = client.get(reverse("storefront:checkout"))
    assert page.status_code == 200, page
    data = {
        "idempotency_key": page.context["form"].initial["idempotency_key"],
        "email": "camille@example.com",
        "first_name": "Camille",
        "last_name": "Martin",
        "phone": "",
        "fulfilment": "pickup",
        "pickup_at": "asap",
        "card_token": card_token(),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


__all__ = ["card_token", "checkout_form", "fill_cart", "shop_location", "stocked"]
