"""Merging two records of the same person from the back office: everything of the merged
record moves to the kept one, which is in the timeline; the merged record is gone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client

from comptoir.accounts.models import ContactPhone, SavedAddress, SavedCard
from comptoir.checkout.models import Cart
from comptoir.customers.models import (
    AddressRole,
    ConsentSource,
    Customer,
    CustomerAddress,
    CustomerEvent,
    CustomerKind,
    CustomerSearchEntry,
    CustomerSpending,
    EventKind,
    MarketingConsentChange,
)
from comptoir.customers.services.merging import FOLLOWERS, merge_customers
from comptoir.errors import Conflict, NotFound
from comptoir.orders.models import Order, OrderSource
from comptoir.team.permissions import Permission
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.customers.records import order_for
from tests.factories import PASSWORD, CustomerFactory, LocationFactory, ShopperFactory

pytestmark = pytest.mark.django_db

MANAGE = Permission.MANAGE_CUSTOMERS


def merge_url(customer) -> str:
    return f"/dashboard/customers/{customer.pk}/merge/"


def post_merge(client: Client, *, kept, merged):
    """The confirmation form as the page posts it (opened from the merged record)."""
    return client.post(merge_url(merged), {"other": kept.pk, "keep": kept.pk})


def phone_only(**kwargs) -> Customer:
    """A record made at the counter: a phone number, no email."""
    return CustomerFactory(email=None, first_name="", last_name="", **kwargs)


def everything(model) -> list[tuple]:
    return sorted(model.objects.values_list())


# --- the pages -------------------------------------------------------------------------


def test_profile_offers_the_merge_only_to_members_who_manage_customers(staff_client):
    customer = CustomerFactory()
    link = f'href="{merge_url(customer)}"'

    managing = staff_client(MANAGE).get(f"/dashboard/customers/{customer.pk}/")
    viewing = staff_client(Permission.VIEW_CUSTOMERS).get(f"/dashboard/customers/{customer.pk}/")

    assert link in managing.content.decode()
    assert link not in viewing.content.decode()


def test_merge_page_finds_the_other_record_with_the_directory_search(staff_client):
    customer = CustomerFactory(first_name="Hélène", last_name="Martin")
    other = phone_only(phone="+33612345678")
    CustomerFactory(first_name="Paul", last_name="Durand")
    client = staff_client(MANAGE)

    page = client.get(merge_url(customer), {"q": "+336123"})

    assert page.status_code == 200
    assert [c.pk for c in page.context["results"]] == [other.pk]
    assert f'href="?other={other.pk}"' in page.content.decode()
    # The record itself is never offered.
    assert client.get(merge_url(customer), {"q": "helene"}).context["results"] == []


def test_confirmation_shows_both_records_and_keeps_the_one_with_an_account(staff_client):
    shopper = ShopperFactory(email="lea@example.com")
    counter = phone_only(phone="+33612345678")
    client = staff_client(MANAGE)

    page = client.get(merge_url(counter), {"other": shopper.pk})

    assert page.status_code == 200
    assert page.context["kept"] == shopper
    assert page.context["merged"] == counter
    html = page.content.decode()
    assert "lea@example.com" in html and "+33612345678" in html
    # The member may swap.
    swapped = client.get(merge_url(counter), {"other": shopper.pk, "keep": counter.pk})
    assert swapped.context["kept"] == counter


def test_default_kept_record_has_an_email_else_is_the_older(staff_client):
    older = phone_only(phone="+33612345678")
    newer = phone_only(phone="+33612345678")
    with_email = CustomerFactory()
    client = staff_client(MANAGE)

    assert client.get(merge_url(newer), {"other": older.pk}).context["kept"] == older
    assert client.get(merge_url(older), {"other": with_email.pk}).context["kept"] == with_email


# --- what moves ------------------------------------------------------------------------


def test_phone_only_record_merged_into_email_record_brings_its_orders_and_totals(staff_client):
    location = LocationFactory()
    email_record = CustomerFactory(email="lea@example.com", phone="")
    counter = phone_only(phone="+33612345678")
    order_for(email_record, location, total=2000)
    counter_orders = [
        order_for(counter, location, total=1500, source=OrderSource.COUNTER),
        order_for(counter, location, total=500, source=OrderSource.COUNTER),
    ]
    client = staff_client(MANAGE)

    response = post_merge(client, kept=email_record, merged=counter)

    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/customers/{email_record.pk}/"
    assert not Customer.objects.filter(pk=counter.pk).exists()
    assert set(Order.objects.filter(customer=email_record)) >= set(counter_orders)
    profile = client.get(response["Location"])
    assert profile.context["totals"].count == 3
    assert profile.context["totals"].total_spent == 4000
    email_record.refresh_from_db()
    # The directory's columns too.
    spending = CustomerSpending.objects.get(customer=email_record)
    assert (spending.order_count, spending.total_spent) == (3, 4000)
    assert email_record.phone == "+33612345678"  # a blank field filled
    assert "+33612345678" in email_record.search_text


def test_account_moves_when_only_the_merged_record_has_one_and_still_signs_in(staff_client):
    location = LocationFactory()
    counter = phone_only(phone="+33612345678")
    shopper = ShopperFactory(email="lea@example.com")
    online = [order_for(shopper, location), order_for(shopper, location)]
    user = shopper.user
    cart = Cart.objects.create(location=location, owner=user)
    card = SavedCard.objects.create(
        customer=shopper,
        gateway="test",
        gateway_account="acct",
        reference="pm_1",
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2040,
        is_primary=True,
    )
    address = SavedAddress.objects.create(
        customer=shopper, address_line1="12 rue des Lilas", postal_code="75011", city="Paris"
    )
    phone = ContactPhone.objects.create(customer=shopper, number="+33698765432", is_primary=True)

    # The member keeps the older counter record, on purpose.
    response = post_merge(staff_client(MANAGE), kept=counter, merged=shopper)

    assert response.status_code == 302
    counter.refresh_from_db()
    assert counter.user == user
    assert counter.email == "lea@example.com"
    for row in (card, address, phone):
        row.refresh_from_db()
        assert row.customer_id == counter.pk
    assert Cart.objects.get(pk=cart.pk).owner == user
    assert all(
        (o.customer_id, o.account_id) == (counter.pk, user.pk)
        for o in Order.objects.filter(pk__in=[o.pk for o in online])
    )
    # The customer signs in as before and finds every order placed in their account.
    client = Client()
    client.post("/account/login/", {"email": "lea@example.com", "password": PASSWORD})
    assert client.session.get(SESSION_KEY) == str(user.pk)
    history = client.get("/account/orders/").content.decode()
    assert all(order.number in history for order in online)


def test_both_records_with_an_account_are_refused_and_nothing_changes(staff_client):
    location = LocationFactory()
    first, second = ShopperFactory(), ShopperFactory()
    order_for(second, location)
    client = staff_client(MANAGE)
    before = {model: everything(model) for model in (Customer, Order, CustomerEvent)}

    page = client.get(merge_url(second), {"other": first.pk})
    response = post_merge(client, kept=first, merged=second)

    message = "Both records have an account; the customer must delete one"
    assert message in page.content.decode()
    assert response.status_code == 409
    assert message in response.content.decode()
    assert {model: everything(model) for model in before} == before


def test_an_erased_record_cannot_be_merged(owner):
    kept = CustomerFactory()
    erased = phone_only(erased_at=datetime(2026, 1, 1, tzinfo=UTC))
    order = order_for(erased, LocationFactory())

    with pytest.raises(Conflict):
        merge_customers(actor=owner, kept_id=kept.pk, merged_id=erased.pk)

    order.refresh_from_db()
    assert order.customer_id == erased.pk


def test_blank_fields_are_filled_and_the_kept_values_win(owner):
    kept = CustomerFactory(
        first_name="Hélène",
        last_name="Martin",
        email="helene@example.com",
        phone="+33612345678",
        mobile="",
        company_name="",
        vat_id="",
    )
    merged = CustomerFactory(
        first_name="Helene",
        last_name="Martin-Roux",
        initials="M.",
        email="h.martin@example.com",
        phone="+33111111111",
        mobile="+33698765432",
        kind=CustomerKind.BUSINESS,
        company_name="Boulangerie Martin",
        vat_id="FR40303265045",
        language="en",
    )

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    kept.refresh_from_db()
    assert (kept.first_name, kept.last_name, kept.email) == (
        "Hélène",
        "Martin",
        "helene@example.com",
    )
    assert kept.phone == "+33612345678"
    assert kept.mobile == "+33698765432"
    assert kept.initials == "M."
    assert kept.kind == CustomerKind.BUSINESS
    assert (kept.company_name, kept.vat_id, kept.language) == (
        "Boulangerie Martin",
        "FR40303265045",
        "en",
    )
    assert "boulangerie martin" in kept.search_text


def test_email_of_the_merged_record_fills_the_kept_one_despite_the_unique_email(owner):
    kept = phone_only(phone="+33612345678")
    merged = CustomerFactory(email="lea@example.com")

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    kept.refresh_from_db()
    assert kept.email == "lea@example.com"


def test_notes_of_both_records_are_kept_with_a_line_naming_the_merged_one(owner):
    kept = CustomerFactory(notes="Prefers the rye bread.")
    merged = CustomerFactory(notes="Allergic to nuts.")
    Customer.objects.filter(pk=merged.pk).update(created_at=datetime(2024, 3, 5, 12, tzinfo=UTC))

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    kept.refresh_from_db()
    first, separator, second = kept.notes.splitlines()
    assert first == "Prefers the rye bread."
    assert f"#{merged.pk}" in separator and "2024-03-05" in separator
    assert second == "Allergic to nuts."


def test_crm_addresses_of_the_kept_record_win_and_the_merged_ones_fill_missing_roles(owner):
    kept = CustomerFactory(shipping_same_as_billing=False)
    merged = CustomerFactory(shipping_same_as_billing=False)
    CustomerAddress.objects.create(
        customer=kept, role=AddressRole.BILLING, country="FR", postal_code="75011"
    )
    CustomerAddress.objects.create(
        customer=merged, role=AddressRole.BILLING, country="FR", postal_code="69001"
    )
    CustomerAddress.objects.create(
        customer=merged, role=AddressRole.SHIPPING, country="FR", postal_code="69002"
    )

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    addresses = dict(kept.record_addresses.values_list("role", "postal_code"))
    assert addresses == {AddressRole.BILLING: "75011", AddressRole.SHIPPING: "69002"}
    assert not CustomerAddress.objects.filter(postal_code="69001").exists()


def test_consent_history_and_timeline_move_and_the_merge_is_in_the_kept_timeline(
    staff_client,
):
    kept = CustomerFactory(accepts_marketing=False)
    merged = CustomerFactory(accepts_marketing=True)
    old = MarketingConsentChange.objects.create(
        customer=kept,
        accepts=False,
        source=ConsentSource.BACK_OFFICE,
        changed_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    newer = MarketingConsentChange.objects.create(
        customer=merged,
        accepts=True,
        source=ConsentSource.CHECKOUT,
        changed_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    created = CustomerEvent.objects.create(customer=merged, kind=EventKind.CREATED)
    client = staff_client(MANAGE)

    post_merge(client, kept=kept, merged=merged)

    kept.refresh_from_db()
    assert kept.accepts_marketing is True  # the most recent change of either record
    history = list(kept.marketing_consent_changes.all())
    assert history[:2] == [old, newer]
    assert history[-1].source == ConsentSource.MERGE
    assert history[-1].changed_by == client.member
    created.refresh_from_db()
    assert created.customer_id == kept.pk
    event = kept.events.get(kind=EventKind.MERGED)
    assert event.actor == client.member
    assert event.detail["merged_id"] == merged.pk
    assert merged.email not in str(event.detail)


def test_consent_stays_the_kept_records_when_neither_has_a_history(owner):
    kept = CustomerFactory(accepts_marketing=False)
    merged = CustomerFactory(accepts_marketing=True)

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    kept.refresh_from_db()
    assert kept.accepts_marketing is False
    assert not kept.marketing_consent_changes.exists()


def test_merged_record_is_gone_from_the_dashboard(staff_client):
    kept, merged = CustomerFactory(), phone_only(phone="+33612345678")
    client = staff_client(MANAGE)

    post_merge(client, kept=kept, merged=merged)

    assert client.get(f"/dashboard/customers/{merged.pk}/").status_code == 404
    assert client.get(merge_url(merged)).status_code == 404
    assert client.get(merge_url(kept), {"other": merged.pk}).status_code == 404


def test_every_relation_to_a_customer_record_is_moved_by_the_merge():
    """A model that points to a customer record must say what a merge does with it:
    listed in FOLLOWERS, or one of the rows with a rule of their own."""
    # spending: recounted from the orders; search entry: the database's triggers delete
    # the merged record's and rewrite the kept one's (decision 0032)
    own_rules = {CustomerAddress, CustomerSpending, CustomerSearchEntry}
    followed = {follower.model for follower in FOLLOWERS}
    related = {
        relation.related_model
        for relation in Customer._meta.related_objects
        if relation.field.model is not Customer
    }
    assert related <= followed | own_rules


# --- who may merge ---------------------------------------------------------------------


def test_member_who_only_views_customers_gets_403_and_nothing_changes(staff_client):
    kept, merged = CustomerFactory(), phone_only(phone="+33612345678")
    client = staff_client(Permission.VIEW_CUSTOMERS)
    before = everything(Customer)

    assert client.get(merge_url(merged), {"other": kept.pk}).status_code == 403
    assert post_merge(client, kept=kept, merged=merged).status_code == 403
    assert client.get("/dashboard/customers/duplicates/").status_code == 403
    assert everything(Customer) == before


def test_location_limited_member_cannot_merge_a_record_they_cannot_see(staff_client, make_member):
    mine, elsewhere = LocationFactory(), LocationFactory()
    visible = CustomerFactory()
    hidden = phone_only(phone="+33612345678")
    order_for(visible, mine)
    order_for(hidden, elsewhere)
    client = staff_client(MANAGE, locations=[mine])
    before = everything(Customer), everything(Order)

    assert client.get(merge_url(visible), {"other": hidden.pk}).status_code == 404
    assert post_merge(client, kept=visible, merged=hidden).status_code == 404
    assert post_merge(client, kept=hidden, merged=visible).status_code == 404
    with pytest.raises(NotFound):
        merge_customers(actor=client.member, kept_id=visible.pk, merged_id=hidden.pk)
    assert (everything(Customer), everything(Order)) == before
    # Two records of their locations, they may merge.
    other_visible = phone_only(phone="+33612345678")
    order_for(other_visible, mine)
    assert post_merge(client, kept=visible, merged=other_visible).status_code == 302


# --- two at once (PostgreSQL) -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_merges_of_the_same_pair_at_once_do_one_and_refuse_the_other(make_member):
    skip_unless_postgres()
    location = LocationFactory()
    member = make_member(permissions=[MANAGE])
    first, second = CustomerFactory(), phone_only(phone="+33612345678")
    order_for(first, location)
    order_for(second, location)
    # Opposite directions: each would lock "its" kept record first without a fixed order.
    directions = [(first.pk, second.pk), (second.pk, first.pk)]

    outcomes = run_at_once(
        2,
        lambda n: (
            merge_customers(actor=member, kept_id=directions[n][0], merged_id=directions[n][1]).pk
        ),
    )

    assert connection.vendor == "postgresql"
    survivors = list(Customer.objects.filter(pk__in=[first.pk, second.pk]))
    assert len(survivors) == 1
    kept = survivors[0]
    assert kept.pk in outcomes
    assert any("NotFound" in str(outcome) for outcome in outcomes)
    assert Order.objects.filter(customer=kept).count() == 2
    assert kept.events.filter(kind=EventKind.MERGED).count() == 1
