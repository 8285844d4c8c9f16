"""Donations: the donor chooses the amount, pays like at checkout, may create an
account while giving; the donation is an order without fulfilment, completed when paid."""

import pytest
from django.urls import reverse

from comptoir.orders.models import Order, OrderState
from comptoir.payments.models import TestCharge
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User
from tests.checkout.checkout_helpers import card_token, shop_location
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(english_shop):
    shop_location()
    english_shop.donations_enabled = True
    english_shop.donation_amounts = [500, 1000]
    english_shop.save(update_fields=["donations_enabled", "donation_amounts"])
    return english_shop


def donation_form(client, **fields):
    page = client.get(reverse("storefront:donate"))
    assert page.status_code == 200
    data = {
        "idempotency_key": page.context["form"].initial["idempotency_key"],
        "amount": "12,50",
        "note": "For the food bank",
        "email": "donor@example.com",
        "card_token": card_token(),
    }
    data.update(fields)
    return data


def test_a_donation_is_paid_and_completed_without_fulfilment(client, shop):
    answer = client.post(reverse("storefront:donate"), donation_form(client))

    order = Order.objects.get()
    assert answer.url == reverse("storefront:checkout_done", args=[order.number])
    assert order.is_donation and order.total == 1250 and order.note == "For the food bank"
    assert order.state == OrderState.COMPLETED
    assert not hasattr(order, "fulfilment") or order.fulfilment is None
    assert order.lines.get().product is None
    assert TestCharge.objects.get().amount == 1250


def test_a_donation_posted_twice_is_given_once(client, shop):
    form = donation_form(client)

    client.post(reverse("storefront:donate"), form)
    client.post(reverse("storefront:donate"), form)

    assert Order.objects.count() == 1 and TestCharge.objects.count() == 1


def test_a_bad_amount_is_refused_at_the_field_with_what_was_typed(client, shop):
    answer = client.post(reverse("storefront:donate"), donation_form(client, amount="-3"))

    assert answer.status_code == 400
    assert 'value="-3"' in answer.content.decode()
    assert not TestCharge.objects.exists()


def test_a_donor_creates_an_account_while_giving_and_the_donation_is_theirs(client, shop):
    client.post(
        reverse("storefront:donate"),
        donation_form(client, create_account="on", password=PASSWORD),
    )

    user = User.objects.get(email="donor@example.com")
    assert Order.objects.get().account == user
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_donation_page_is_not_there_when_donations_are_off(client, english_shop):
    shop_location()

    assert client.get(reverse("storefront:donate")).status_code == 404


def test_the_owner_turns_donations_on_with_suggested_amounts(owner, signed_in, english_shop):
    client = signed_in(owner)
    url = reverse("dashboard:shop_settings")
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "logo"}
    data.update(donations_enabled="on", donation_amounts="2 5 10,50")

    answer = client.post(url, data)

    assert answer.status_code == 302, answer.context["form"].errors
    shop = get_shop()
    assert shop.donations_enabled and shop.donation_amounts == [200, 500, 1050]
