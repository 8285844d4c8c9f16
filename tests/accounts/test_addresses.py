"""Saved addresses: add, edit, delete, one primary delivery address; validated, with what
was typed kept on a refusal."""

import pytest
from django.urls import reverse

from comptoir.accounts.models import SavedAddress
from comptoir.accounts.services.addresses import AddressFields, add_address
from comptoir.shop.selectors import get_shop
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import ShopperFactory

ADDRESS = {
    "label": "Home",
    "address_line1": "12 rue des Lilas",
    "postal_code": "75011",
    "city": "Paris",
}


def add_addresses(client, *labels) -> list[SavedAddress]:
    """Saves ``ADDRESS`` under each label through the page, in order; returns them all."""
    for label in labels:
        client.post(reverse("storefront:account_addresses"), {**ADDRESS, "label": label})
    return list(SavedAddress.objects.filter(customer=client.customer).order_by("id"))


def test_adding_a_first_address_makes_it_primary_with_the_shops_country(
    make_shopper, shopper_client
):
    shopper = make_shopper()

    response = shopper_client(shopper).post(
        reverse("storefront:account_addresses"), ADDRESS, follow=True
    )

    address = SavedAddress.objects.get(customer=shopper)
    assert (address.address_line1, address.country, address.is_primary) == (
        "12 rue des Lilas",
        "FR",
        True,
    )
    assert "12 rue des Lilas" in response.content.decode()


def test_missing_fields_redisplay_the_form_with_what_was_typed_and_a_message_per_field(
    make_shopper, shopper_client
):
    shopper = make_shopper()

    response = shopper_client(shopper).post(
        reverse("storefront:account_addresses"), {"label": "Work", "address_line1": "3 quai"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the postal code." in page
    assert "Enter the city." in page
    assert 'value="3 quai"' in page and 'value="Work"' in page
    assert not SavedAddress.objects.exists()


def test_a_malformed_postal_code_is_refused(make_shopper, shopper_client):
    shopper = make_shopper()

    response = shopper_client(shopper).post(
        reverse("storefront:account_addresses"), {**ADDRESS, "postal_code": "75$11"}
    )

    assert response.status_code == 400
    assert "A postal code has only letters" in response.content.decode()
    assert not SavedAddress.objects.exists()


def test_editing_an_address(make_shopper, shopper_client):
    client = shopper_client(make_shopper())
    (address,) = add_addresses(client, "Home")

    form = client.get(reverse("storefront:account_address_edit", args=[address.pk]))
    client.post(
        reverse("storefront:account_address_edit", args=[address.pk]),
        {**ADDRESS, "city": "Lyon", "postal_code": "69001"},
    )

    assert 'value="12 rue des Lilas"' in form.content.decode()
    address.refresh_from_db()
    assert (address.city, address.postal_code) == ("Lyon", "69001")


def test_editing_with_a_blank_city_keeps_the_address_and_says_so(make_shopper, shopper_client):
    client = shopper_client(make_shopper())
    (address,) = add_addresses(client, "Home")

    response = client.post(
        reverse("storefront:account_address_edit", args=[address.pk]), {**ADDRESS, "city": ""}
    )

    assert response.status_code == 400
    assert "Enter the city." in response.content.decode()
    address.refresh_from_db()
    assert address.city == "Paris"


def test_choosing_the_primary_address_leaves_one_primary(make_shopper, shopper_client):
    shopper = make_shopper()
    client = shopper_client(shopper)
    home, work = add_addresses(client, "Home", "Work")
    assert home.is_primary and not work.is_primary

    client.post(reverse("storefront:account_address_primary", args=[work.pk]))

    assert list(SavedAddress.objects.filter(customer=shopper, is_primary=True)) == [work]


def test_deleting_the_primary_address_makes_the_next_one_primary(make_shopper, shopper_client):
    shopper = make_shopper()
    client = shopper_client(shopper)
    home, work = add_addresses(client, "Home", "Work")

    client.post(reverse("storefront:account_address_delete", args=[home.pk]))

    assert list(SavedAddress.objects.filter(customer=shopper)) == [work]
    work.refresh_from_db()
    assert work.is_primary


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_addresses_added_at_once_leave_exactly_one_primary():
    skip_unless_postgres()
    get_shop()
    shopper = ShopperFactory()

    outcomes = run_at_once(
        4,
        lambda n: (
            add_address(
                customer=shopper,
                fields=AddressFields(
                    address_line1=f"{n} rue des Lilas", postal_code="75011", city="Paris"
                ),
            ).pk
        ),
    )

    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    assert SavedAddress.objects.filter(customer=shopper).count() == 4
    assert SavedAddress.objects.filter(customer=shopper, is_primary=True).count() == 1
