"""The storefront links to the donation page from every page's footer when the shop
takes donations, and nowhere when it does not."""

import pytest
from django.urls import reverse

from tests.checkout.checkout_helpers import fill_cart
from tests.orders.factories import stocked

pytestmark = pytest.mark.django_db

DONATE_LINK = f'href="{reverse("storefront:donate")}"'


@pytest.fixture
def shop(english_shop, location):
    return english_shop


def take_donations(shop, enabled: bool) -> None:
    shop.donations_enabled = enabled
    shop.save(update_fields=["donations_enabled"])


def test_the_footer_links_to_the_donation_page_when_the_shop_takes_donations(client, shop):
    take_donations(shop, True)

    page = client.get(reverse("storefront:home")).content.decode()

    footer = page[page.index('<footer class="site-footer">') :]
    assert DONATE_LINK in footer and ">Make a donation</a>" in footer


def test_the_donation_link_leads_to_a_page_that_takes_the_gift(client, shop):
    take_donations(shop, True)

    answer = client.get(reverse("storefront:donate"))

    assert answer.status_code == 200
    assert "Make a donation" in answer.content.decode()


@pytest.mark.parametrize("page_name", ["storefront:home", "storefront:cart", "storefront:checkout"])
def test_no_page_links_to_donations_when_the_shop_takes_none(client, shop, location, page_name):
    take_donations(shop, False)
    fill_cart(client, location, (stocked(location), 1))

    answer = client.get(reverse(page_name))

    assert answer.status_code == 200
    assert DONATE_LINK not in answer.content.decode()
    assert "Make a donation" not in answer.content.decode()


def test_the_checkout_page_shows_the_donation_link_when_donations_are_on(client, shop, location):
    take_donations(shop, True)
    fill_cart(client, location, (stocked(location), 1))

    answer = client.get(reverse("storefront:checkout"))

    assert answer.status_code == 200
    assert DONATE_LINK in answer.content.decode()
