"""Counter and phone orders entered by staff on the dashboard's point-of-sale screen,
over HTTP: paid in person, for an existing or a new customer, counted in the customer's
totals but never in their online account; refusals change nothing."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.selectors import account_orders
from comptoir.customers.models import Customer
from comptoir.customers.personal_data import personal_data
from comptoir.customers.services.erasure import erase_customer
from comptoir.customers.services.merging import merge_customers
from comptoir.errors import PermissionDenied
from comptoir.orders.counter import NewCustomer, PaymentChoice, place_counter_order
from comptoir.orders.models import (
    FulfilmentState,
    Order,
    OrderEvent,
    OrderSource,
    OrderState,
    Payment,
    PaymentLink,
)
from comptoir.orders.services import FulfilmentChoice
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory, LocationFactory, ShopperFactory
from tests.orders.factories import checkout, stocked

pytestmark = pytest.mark.django_db

NEW = reverse("dashboard:counter_order_new")


@pytest.fixture
def staff_client(staff_client):
    def build(*permissions, **kwargs):
        return staff_client(*permissions, user__language="en", **kwargs)

    return build


@pytest.fixture
def shop_en(english_shop):
    return english_shop


def _form(location, product, *, quantity=2, key="k-1", **values):
    data = {
        "location": location.pk,
        "idempotency_key": key,
        f"qty_{product.pk}": quantity,
        "fulfilment": "counter",
        "payment": "in_person",
        "do": "place",
    }
    data.update(values)
    return data


def _everything():
    return (
        list(Order.objects.values_list("pk", flat=True)),
        list(Customer.objects.values_list("pk", flat=True)),
        list(PaymentLink.objects.values_list("pk", flat=True)),
        list(Payment.objects.values_list("pk", flat=True)),
    )


# --- paid in person ------------------------------------------------------------------


def test_an_order_paid_in_person_is_placed_for_the_chosen_customer(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, price=450, stock=10)
    customer = CustomerFactory(first_name="Inès", last_name="Morel", email="ines@example.com")
    client = staff_client(Permission.MANAGE_ORDERS, Permission.VIEW_ORDERS)

    response = client.post(
        NEW,
        _form(location, product, customer=customer.pk, note="No sesame, please"),
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:order_detail", args=[order.pk])
    assert order.customer == customer
    assert order.account is None
    assert order.source == OrderSource.COUNTER
    assert order.total == 900
    assert order.note == "No sesame, please"
    # Handed over at the counter: no fulfilment, completed at once.
    assert order.state == OrderState.COMPLETED
    payment = order.payments.get()
    assert (payment.gateway, payment.method, payment.amount) == ("in_person", "in_person", 900)
    assert OrderEvent.objects.get(order=order).actor == client.member
    page = client.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert "No sesame, please" in page
    product.availabilities.get().refresh_from_db()
    assert product.availabilities.get().stock == 8


def test_the_order_shows_on_the_orders_page_as_a_counter_order(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    customer = CustomerFactory()
    client = staff_client(Permission.MANAGE_ORDERS, Permission.VIEW_ORDERS)
    client.post(NEW, _form(location, product, customer=customer.pk))
    order = Order.objects.get()

    listed = client.get(reverse("dashboard:order_list"), {"source": "counter"})

    assert [row["order"].number for row in listed.context["rows"]] == [order.number]


def test_a_pickup_order_waits_to_be_accepted(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    customer = CustomerFactory()
    client = staff_client(Permission.MANAGE_ORDERS)

    client.post(NEW, _form(location, product, customer=customer.pk, fulfilment="pickup"))

    order = Order.objects.get()
    assert order.state == OrderState.OPEN
    assert order.fulfilment.type == "pickup"
    assert order.fulfilment.state == FulfilmentState.PROPOSED


def test_counted_in_the_customers_totals_but_not_in_their_online_account(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, price=1000, stock=None)
    shopper = ShopperFactory(email="camille@example.com")
    client = staff_client(Permission.MANAGE_ORDERS, Permission.VIEW_CUSTOMERS)

    client.post(NEW, _form(location, product, quantity=3, customer=shopper.pk))

    order = Order.objects.get()
    assert order.customer == shopper and order.account is None
    shopper.spending.refresh_from_db()
    assert (shopper.spending.order_count, shopper.spending.total_spent) == (1, 3000)
    profile = client.get(reverse("dashboard:customer_detail", args=[shopper.pk]))
    assert order.number in profile.content.decode()
    # The shopper's own account lists only what they placed signed in online.
    assert list(account_orders(shopper)) == []
    shopper_client = client.__class__()
    shopper_client.force_login(shopper.user)
    history = shopper_client.get("/account/orders/")
    assert order.number not in history.content.decode()


def test_a_customer_known_only_by_phone_keeps_the_order(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    customer = CustomerFactory(email=None, phone="+33612345678")
    other = CustomerFactory()
    before = Customer.objects.count()
    client = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)

    client.post(NEW, _form(location, product, customer=customer.pk))

    order = Order.objects.get()
    assert order.customer == customer
    assert Customer.objects.count() == before
    customer.spending.refresh_from_db()
    assert customer.spending.order_count == 1
    other.spending.refresh_from_db()
    assert other.spending.order_count == 0


def test_a_new_customer_is_created_from_the_screen(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    client = staff_client(Permission.MANAGE_ORDERS, locations=[location])

    client.post(
        NEW,
        _form(
            location,
            product,
            first_name="Léa",
            last_name="Roux",
            email="Lea.Roux@example.com",
            phone="06 12 34 56 78",
        ),
    )

    order = Order.objects.get()
    customer = order.customer
    assert (customer.first_name, customer.last_name) == ("Léa", "Roux")
    assert customer.email == "lea.roux@example.com"
    assert customer.phone == "+33612345678"


def test_a_double_click_places_one_order(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    customer = CustomerFactory()
    client = staff_client(Permission.MANAGE_ORDERS)

    first = client.post(NEW, _form(location, product, customer=customer.pk, key="same"))
    second = client.post(NEW, _form(location, product, customer=customer.pk, key="same"))

    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_errors_keep_what_was_typed(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    client = staff_client(Permission.MANAGE_ORDERS, locations=[location])
    before = _everything()

    response = client.post(
        NEW,
        _form(
            location,
            product,
            quantity=4,
            first_name="Léa",
            email="not-an-email",
            phone="12",
            note="Gluten free",
        ),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "is not an email address" in page
    assert "is not a valid phone number" in page
    assert 'value="Léa"' in page and "Gluten free" in page and 'value="4"' in page
    assert _everything() == before


def test_without_products_or_customer_the_form_says_so(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    client = staff_client(Permission.MANAGE_ORDERS, locations=[location])

    empty = client.post(NEW, _form(location, product, quantity=0, first_name="Léa"))
    nobody = client.post(NEW, _form(location, product))

    assert empty.status_code == 400 and "at least one product" in empty.content.decode()
    assert nobody.status_code == 400 and "customer&#x27;s name" in nobody.content.decode()
    assert not Order.objects.exists()


def test_search_finds_customers_and_keeps_the_order_typed(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    CustomerFactory(first_name="Inès", last_name="Morel", email="ines@example.com")
    client = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)

    response = client.post(NEW, _form(location, product, quantity=3, search="morel", do="search"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "ines@example.com" in page and 'value="3"' in page
    assert not Order.objects.exists()


# --- refusals ------------------------------------------------------------------------


def test_view_only_staff_cannot_open_or_post_the_screen(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    customer = CustomerFactory()
    client = staff_client(Permission.VIEW_ORDERS, locations=[location])
    before = _everything()

    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _form(location, product, customer=customer.pk)).status_code == 403
    assert _everything() == before


def test_staff_of_another_location_cannot_place_an_order_there(staff_client, shop_en):
    mine, theirs = LocationFactory(), LocationFactory()
    product = stocked(theirs, stock=None)
    customer = CustomerFactory()
    client = staff_client(Permission.MANAGE_ORDERS, locations=[mine])
    before = _everything()

    response = client.post(NEW, _form(theirs, product, customer=customer.pk))

    assert response.status_code == 403
    assert _everything() == before
    with pytest.raises(PermissionDenied):
        place_counter_order(
            actor=client.member,
            idempotency_key="k",
            location=theirs,
            lines=[(product, 1)],
            customer=customer,
            fulfilment=None,
            payment=PaymentChoice.IN_PERSON,
        )
    assert _everything() == before


def test_the_screen_only_offers_products_sold_at_the_location(staff_client, shop_en):
    here, there = LocationFactory(), LocationFactory()
    sold_here = stocked(here, stock=None)
    sold_there = stocked(there, stock=None)
    client = staff_client(Permission.MANAGE_ORDERS, locations=[here])

    page = client.get(NEW).content.decode()

    assert f'name="qty_{sold_here.pk}"' in page
    assert f'name="qty_{sold_there.pk}"' not in page


def test_the_screen_reads_a_constant_number_of_queries(staff_client, shop_en, count_queries):
    location = LocationFactory()
    stocked(location, stock=None)
    client = staff_client(Permission.MANAGE_ORDERS, locations=[location])
    client.get(NEW)
    with count_queries() as few:
        client.get(NEW)
    for _ in range(10):
        stocked(location, stock=None)
    with count_queries() as many:
        client.get(NEW)

    assert many.count == few.count


# --- personal data -------------------------------------------------------------------


def _counter_order(member, location, customer, note):
    product = stocked(location, stock=None)
    return place_counter_order(
        actor=member,
        idempotency_key=f"pd-{customer.pk}-{note}",
        location=location,
        lines=[(product, 1)],
        customer=customer,
        fulfilment=None,
        note=note,
        payment=PaymentChoice.IN_PERSON,
    )


def test_counter_notes_are_exported_erased_and_merged(owner, shop_en):
    location = LocationFactory()
    customer = CustomerFactory(email="noa@example.com")
    order = _counter_order(owner, location, customer, "Allergic to nuts")

    exported = personal_data(customer)
    assert [o["note"] for o in exported["orders"]] == ["Allergic to nuts"]

    kept = CustomerFactory()
    merge_customers(actor=owner, kept_id=kept.pk, merged_id=customer.pk)
    order.refresh_from_db()
    assert order.customer_id == kept.pk and order.note == "Allergic to nuts"

    erase_customer(actor=owner, customer_id=kept.pk, gateway=None)
    order.refresh_from_db()
    assert order.note == ""


def test_a_new_customer_typed_with_a_known_email_gets_that_record(owner, shop_en):
    location = LocationFactory()
    known = CustomerFactory(email="ines@example.com")
    product = stocked(location, stock=None)

    order = place_counter_order(
        actor=owner,
        idempotency_key="known",
        location=location,
        lines=[(product, 1)],
        new_customer=NewCustomer(first_name="Inès", email="INES@example.com"),
        fulfilment=FulfilmentChoice(type="pickup"),
        payment=PaymentChoice.IN_PERSON,
    )

    assert order.customer == known


def test_card_links_are_exported_and_erased(owner, shop_en):
    location = LocationFactory()
    customer = CustomerFactory(email="noa@example.com")
    product = stocked(location, stock=None)
    place_counter_order(
        actor=owner,
        idempotency_key="pd-link",
        location=location,
        lines=[(product, 1)],
        customer=customer,
        fulfilment=None,
        note="Call before coming",
        payment=PaymentChoice.CARD_LINK,
    )

    exported = personal_data(customer)
    assert [link["note"] for link in exported["payment_links"]] == ["Call before coming"]

    erase_customer(actor=owner, customer_id=customer.pk, gateway=None)
    assert not PaymentLink.objects.exists()


def test_a_delivery_order_pays_the_zones_fee(staff_client, shop_en):
    location = LocationFactory(
        fulfilment_types=["pickup", "delivery"],
        delivery_zones=[{"postal_codes": ["75018"], "fee": 350}],
    )
    product = stocked(location, price=1000, stock=None)
    customer = CustomerFactory()
    client = staff_client(Permission.MANAGE_ORDERS)

    outside = client.post(
        NEW,
        _form(
            location,
            product,
            key="outside",
            customer=customer.pk,
            fulfilment="delivery",
            address_line1="1 rue de Rivoli",
            postal_code="75001",
            city="Paris",
        ),
    )
    response = client.post(
        NEW,
        _form(
            location,
            product,
            quantity=1,
            customer=customer.pk,
            fulfilment="delivery",
            address_line1="23 rue Lepic",
            postal_code="75018",
            city="Paris",
            courier_notes="Code 1234",
        ),
    )

    assert outside.status_code == 400 and "does not deliver to 75001" in outside.content.decode()
    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.subtotal, order.fees, order.total) == (1000, 350, 1350)
    assert order.payments.get().amount == 1350
    assert order.fulfilment.type == "delivery"
    assert order.fulfilment.postal_code == "75018"
    assert order.fulfilment.courier_notes == "Code 1234"


def test_a_pickup_time_too_early_is_refused_beside_its_field(staff_client, shop_en):
    location = LocationFactory(preparation_minutes=30)
    product = stocked(location, stock=None)
    customer = CustomerFactory()
    client = staff_client(Permission.MANAGE_ORDERS)
    soon = timezone.localtime(timezone.now(), ZoneInfo(location.time_zone)) + timedelta(minutes=5)

    response = client.post(
        NEW,
        _form(
            location,
            product,
            customer=customer.pk,
            fulfilment="pickup",
            pickup_at=soon.strftime("%Y-%m-%dT%H:%M"),
        ),
    )

    assert response.status_code == 400
    assert "earliest pickup time" in str(response.context["form"].errors["pickup_at"])
    assert not Order.objects.exists()


def test_a_pickup_at_a_time_is_promised_then(staff_client, shop_en):
    location = LocationFactory(preparation_minutes=30)
    product = stocked(location, stock=None)
    customer = CustomerFactory()
    client = staff_client(Permission.MANAGE_ORDERS)
    later = (
        timezone.localtime(timezone.now(), ZoneInfo(location.time_zone)) + timedelta(hours=2)
    ).replace(second=0, microsecond=0)

    client.post(
        NEW,
        _form(
            location,
            product,
            customer=customer.pk,
            fulfilment="pickup",
            pickup_at=later.strftime("%Y-%m-%dT%H:%M"),
        ),
    )

    assert Order.objects.get().fulfilment.pickup_at == later


def test_the_screen_lists_the_card_links_waiting_for_payment(staff_client, shop_en):
    location = LocationFactory()
    product = stocked(location, stock=None)
    customer = CustomerFactory(first_name="Zoé", last_name="Lambert")
    client = staff_client(Permission.MANAGE_ORDERS)
    client.post(NEW, _form(location, product, customer=customer.pk, payment="card_link", key="l"))

    page = client.get(NEW, {"location": location.pk}).content.decode()

    assert "Card links waiting for payment" in page and "Zoé Lambert" in page


def test_a_member_of_one_location_serves_its_customers_only(staff_client, shop_en):
    here, elsewhere = LocationFactory(), LocationFactory()
    product = stocked(here, stock=None)
    regular = CustomerFactory(email="regular@example.com")
    stranger = CustomerFactory(email="stranger@example.com")
    checkout(here, [(stocked(here, stock=None), 1)], email="regular@example.com")
    checkout(elsewhere, [(stocked(elsewhere, stock=None), 1)], email="stranger@example.com")
    client = staff_client(Permission.MANAGE_ORDERS, locations=[here])

    found = client.post(NEW, _form(here, product, search="example.com", do="search"))
    refused = client.post(NEW, _form(here, product, key="s", customer=stranger.pk))
    placed = client.post(NEW, _form(here, product, key="r", customer=regular.pk))

    page = found.content.decode()
    assert "regular@example.com" in page and "stranger@example.com" not in page
    assert refused.status_code == 400
    assert placed.status_code == 302
    assert Order.objects.filter(source=OrderSource.COUNTER).get().customer == regular
