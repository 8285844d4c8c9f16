"""The checkout page over HTTP: guest checkout, double submit, declined card, refused
order, confirmation page, bad input."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.catalog.models import Availability
from comptoir.checkout.models import Cart
from comptoir.customers.models import Customer
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.models import Order
from comptoir.payments.models import TestCharge, TestRefund
from comptoir.shop.selectors import get_shop
from tests.checkout.checkout_helpers import (
    DECLINED,
    card_token,
    checkout_form,
    fill_cart,
    shop_location,
    stocked,
)

# Assertions read the English source texts; ``location`` (conftest) offers every fulfilment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop")]


@pytest.fixture
def croissant(location):
    return stocked(location, price=130, stock=10, name_en="Croissant", name_fr="Croissant")


def test_a_guest_pays_and_lands_on_the_confirmation_page_with_the_cart_emptied(
    client, location, croissant
):
    fill_cart(client, location, (croissant, 3))

    answer = client.post(reverse("storefront:checkout"), checkout_form(client))

    order = Order.objects.get()
    assert answer.status_code == 302
    assert answer.url == reverse("storefront:checkout_done", args=[order.number])
    assert order.total == 390 and order.account is None
    assert TestCharge.objects.get().amount == 390
    assert not Cart.objects.exists()
    done = client.get(answer.url)
    assert order.number in done.content.decode()
    assert f"/orders/{order.number}/status/{order.status_token}/" in done.content.decode()
    assert OutgoingEmail.objects.filter(to_address="camille@example.com").exists()


def test_the_same_form_posted_twice_makes_one_order_and_one_charge(client, location, croissant):
    fill_cart(client, location, (croissant, 2))
    form = checkout_form(client)

    first = client.post(reverse("storefront:checkout"), form)
    second = client.post(reverse("storefront:checkout"), form)

    assert Order.objects.count() == 1
    assert TestCharge.objects.count() == 1
    assert first.url == second.url


def test_a_declined_card_keeps_the_cart_and_what_was_typed_and_says_why(
    client, location, croissant
):
    fill_cart(client, location, (croissant, 2))

    answer = client.post(
        reverse("storefront:checkout"),
        checkout_form(client, card_token=card_token(DECLINED), first_name="Camille-Anne"),
    )

    assert answer.status_code == 402
    page = answer.content.decode()
    assert "Your bank declined this card" in page
    assert 'value="Camille-Anne"' in page
    assert not Order.objects.exists()
    assert Cart.objects.get().lines.get().quantity == 2


def test_stock_gone_before_paying_sends_back_to_the_cart_and_charges_nothing(
    client, location, croissant
):
    fill_cart(client, location, (croissant, 2))
    form = checkout_form(client)
    Availability.objects.filter(product=croissant).update(stock=1)  # sold meanwhile

    answer = client.post(reverse("storefront:checkout"), form, follow=True)

    assert answer.redirect_chain[-1][0] == reverse("storefront:cart")
    assert "Only 1 left." in answer.content.decode()
    assert not Order.objects.exists() and not TestCharge.objects.exists()
    assert not TestRefund.objects.exists()
    assert Cart.objects.get().lines.get().quantity == 2


def test_without_a_card_the_form_asks_for_one(client, location, croissant):
    fill_cart(client, location, (croissant, 1))

    answer = client.post(reverse("storefront:checkout"), checkout_form(client, card_token=""))

    assert answer.status_code == 400
    assert "Enter your card details." in answer.content.decode()


def test_bad_input_is_shown_field_by_field_with_what_was_typed(client, location, croissant):
    fill_cart(client, location, (croissant, 1))

    answer = client.post(
        reverse("storefront:checkout"),
        checkout_form(client, email="", phone="12", first_name="Zoé", fulfilment=""),
    )

    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Enter your email address: the receipt goes there." in page
    assert "is not a valid phone number" in page
    assert "Choose how you get your order." in page
    assert 'value="Zoé"' in page
    assert 'value="12"' in page


def test_the_checkout_page_needs_a_cart_ready_for_checkout(client, location):
    answer = client.get(reverse("storefront:checkout"), follow=True)

    assert answer.redirect_chain[-1][0] == reverse("storefront:cart")
    assert "Your cart is empty." in answer.content.decode()


def test_the_card_inputs_have_no_name_and_the_script_is_wired(client, location, croissant):
    fill_cart(client, location, (croissant, 1))

    page = client.get(reverse("storefront:checkout")).content.decode()

    assert 'data-card="number"' in page
    assert 'name="number"' not in page and 'name="cvc"' not in page
    assert 'data-token-url="/test-gateway/tokens/"' in page
    assert "comptoir/test-gateway.js" in page
    assert "Forgot" not in page and "forgot" not in page


def test_the_checkout_page_loads_stripe_js_with_the_publishable_key(
    client, location, croissant, settings
):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    fill_cart(client, location, (croissant, 1))
    shop = get_shop()
    shop.payment_gateway = "stripe"
    shop.save(update_fields=["payment_gateway"])

    page = client.get(reverse("storefront:checkout")).content.decode()

    assert "https://js.stripe.com/v3/" in page
    assert 'data-stripe-key="pk_test_123"' in page
    assert "comptoir/stripe-card.js" in page


def test_a_guest_checkout_with_a_known_email_belongs_to_that_customer(client, location, croissant):
    known = Customer.objects.create(email="Camille@Example.com", first_name="Camille")
    fill_cart(client, location, (croissant, 1))

    client.post(reverse("storefront:checkout"), checkout_form(client, email="camille@example.COM"))

    assert Order.objects.get().customer == known
    assert Customer.objects.count() == 1


def test_the_text_me_box_is_unticked_and_records_its_wording_when_ticked(
    client, location, croissant
):
    fill_cart(client, location, (croissant, 1))
    page = client.get(reverse("storefront:checkout")).content.decode()
    assert (
        'name="sms_consent"' in page and "checked" not in page.split('name="sms_consent"')[1][:40]
    )

    client.post(
        reverse("storefront:checkout"),
        checkout_form(client, sms_consent="on", phone="06 12 34 56 78"),
    )

    order = Order.objects.get()
    assert order.sms_consent and order.phone == "+33612345678"
    assert order.sms_consent_text == "Text me about this order at the phone number above."


def test_the_confirmation_page_is_not_shown_to_another_visitor(client, location, croissant):
    fill_cart(client, location, (croissant, 1))
    done = client.post(reverse("storefront:checkout"), checkout_form(client)).url

    assert client.get(done).status_code == 200
    assert Client().get(done).status_code == 404


def test_the_checkout_page_makes_the_same_number_of_queries_whatever_the_cart_size(
    client, location
):
    counts = []
    for size in (1, 6):
        for n in range(size):
            fill_cart(client, location, (stocked(location, name_en=f"P{size}-{n}"), 1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("storefront:checkout")).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_changing_the_location_at_checkout_moves_the_cart_like_the_cart_page(
    client, location, croissant
):
    other = shop_location(name="Batignolles", slug="batignolles")
    fill_cart(client, location, (croissant, 1))

    answer = client.get(reverse("storefront:checkout"), {"location": other.slug}, follow=True)

    assert Cart.objects.get().location == other
    assert answer.redirect_chain[-1][0] == reverse("storefront:cart")
    assert "Not sold at Batignolles." in answer.content.decode()
