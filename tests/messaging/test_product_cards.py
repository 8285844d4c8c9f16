"""Products in messages: the card is the product's name and price in the shop's
currency, in the customer's language, with the address of its storefront page; one
line by text. The composer finds products by name or SKU (an htmx endpoint)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from comptoir.messaging.models import Channel
from comptoir.messaging.product_cards import render_product_card
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tart(settings):
    settings.COMPTOIR_PUBLIC_URL = "https://shop.example"
    return ProductFactory(
        name_fr="Tarte au citron", name_en="Lemon tart", slug="tarte-citron", price=1850
    )


def test_a_text_card_is_one_line(tart):
    assert (
        render_product_card(tart, Channel.SMS, "en")
        == "Lemon tart — €18.50 — https://shop.example/products/tarte-citron/"
    )


def test_an_email_card_in_french(tart):
    assert render_product_card(tart, Channel.EMAIL, "fr") == (
        "Tarte au citron — 18,50\u00a0€\nhttps://shop.example/products/tarte-citron/"
    )


def test_the_composer_finds_products_and_offers_their_card(tart, staff_client):
    ProductFactory(name_fr="Baguette", name_en="Baguette")
    ProductFactory(name_fr="Tarte retirée", name_en="Old tart", is_active=False)
    client = staff_client(Permission.MESSAGE_CUSTOMERS)
    helene = CustomerFactory(language="fr")

    answer = client.get(
        reverse("dashboard:message_product_cards"),
        {"q": "tart", "channel": "sms", "customer": helene.pk},
    )

    assert answer.status_code == 200
    cards = [result["card"] for result in answer.context["results"]]
    assert cards == ["Tarte au citron — 18,50\u00a0€ — https://shop.example/products/tarte-citron/"]
    assert 'data-product-card="Tarte au citron' in answer.content.decode()


def test_the_product_search_needs_the_messaging_permission(tart, staff_client):
    client = staff_client(Permission.MANAGE_CATALOG)

    assert client.get(reverse("dashboard:message_product_cards"), {"q": "tart"}).status_code == 403


def test_the_composer_tools_search_products_for_the_chosen_channel():
    helene = CustomerFactory()
    html = render_to_string("dashboard/coupons/_composer_tools.html", {"customer": helene})

    search = f"{reverse('dashboard:message_product_cards')}?customer={helene.pk}"
    assert f'hx-get="{search}"' in html
    assert "hx-include=\"[name='channel']:checked\"" in html
    assert f"{reverse('dashboard:coupon_lines')}?customer={helene.pk}" in html
