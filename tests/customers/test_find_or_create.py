"""Every order belongs to a customer record, found by email ignoring case or created."""

import pytest
from django.db import IntegrityError, transaction

from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.customers.services import find_or_create_for_order
from comptoir.shop.selectors import get_shop
from tests.concurrency import run_at_once, skip_unless_postgres

pytestmark = pytest.mark.django_db


def test_guest_checkout_links_to_existing_record_ignoring_case():
    existing = Customer.objects.create(email="camille@example.com", first_name="Camille")

    found = find_or_create_for_order(email="  Camille@Example.COM ")

    assert found.pk == existing.pk
    assert Customer.objects.count() == 1


def test_new_email_creates_a_record_with_details():
    customer = find_or_create_for_order(
        email="Lea@Example.com", first_name="Léa", last_name="Roux", phone="06 12 34 56 78"
    )

    assert customer.email == "lea@example.com"
    assert (customer.first_name, customer.last_name) == ("Léa", "Roux")
    assert customer.phone == "+33612345678"


def test_blank_details_are_filled_but_existing_ones_never_overwritten():
    existing = Customer.objects.create(email="camille@example.com", first_name="Camille")

    customer = find_or_create_for_order(
        email="camille@example.com", first_name="Cam", last_name="Martin", phone="0612345678"
    )

    existing.refresh_from_db()
    assert existing.first_name == "Camille"
    assert existing.last_name == "Martin"
    assert existing.phone == "+33612345678"
    assert customer.last_name == "Martin"


def test_customers_without_email_are_separate_records():
    first = find_or_create_for_order(email="", phone="0612345678")
    second = find_or_create_for_order(email=None, phone="0612345678")

    assert first.pk != second.pk
    assert first.email is None


def test_database_refuses_two_records_with_the_same_email_in_another_case():
    Customer.objects.create(email="camille@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(email="CAMILLE@example.com")
    # Several records without email are fine (blank and null both).
    Customer.objects.create(email=None)
    Customer.objects.create(email=None)
    Customer.objects.create(email="")
    Customer.objects.create(email="")


def test_phone_is_read_with_the_shops_country():
    assert to_e164("06 12 34 56 78", "FR") == "+33612345678"
    assert to_e164("+44 20 7946 0958", "FR") == "+442079460958"
    assert to_e164("", "FR") == ""
    shop = get_shop()
    shop.country = "BE"
    shop.save(update_fields=["country"])
    assert find_or_create_for_order(email="b@example.com", phone="0470 12 34 56").phone == (
        "+32470123456"
    )


@pytest.mark.parametrize("raw", ["12", "not a phone", "06 12", "+33 1"])
def test_bad_phone_is_refused_with_a_message_and_nothing_created(raw):
    with pytest.raises(InvalidPhone) as refused:
        find_or_create_for_order(email="x@example.com", phone=raw)

    assert "is not a valid phone number" in refused.value.message
    assert not Customer.objects.exists()


THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_with_the_same_new_email_make_one_record():
    skip_unless_postgres()
    get_shop()  # created once, not by every thread at once

    def checkout(n: int) -> object:
        with transaction.atomic():
            return find_or_create_for_order(
                email="New@Example.com" if n % 2 else "new@example.com", first_name=f"N{n}"
            ).pk

    outcomes = run_at_once(THREADS, checkout)

    assert Customer.objects.count() == 1
    assert outcomes == [Customer.objects.get().pk] * THREADS
