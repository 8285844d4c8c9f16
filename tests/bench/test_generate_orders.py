"""The customers, accounts and orders generators at tiny scale, in-process on the test
database: the counts the scale says, every constraint the application keeps, the two
named accounts the history scenarios sign in as, and numbering that later orders
continue. Their speed is measured by the bench itself, never here."""

from __future__ import annotations

import pytest
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Lower
from django.test import Client

from bench import bulk
from bench.generate import SCALES, generate
from bench.generators.customers import (
    CUSTOMER_PASSWORD,
    HISTORY_EMAIL,
    REGULAR_EMAIL,
    customer_count,
)
from bench.generators.orders import HISTORY_ORDERS, order_count, regular_order_count
from bench.scenarios import SCENARIOS
from comptoir.catalog.models import Availability
from comptoir.customers.models import Customer
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    Order,
    OrderLine,
    OrderNumber,
    OrderState,
    Payment,
)
from comptoir.users.models import User
from tests.orders.factories import PICKUP, checkout

pytestmark = pytest.mark.django_db

TINY = SCALES["tiny"]


@pytest.fixture(autouse=True)
def _quiet():
    bulk.SHOW_PROGRESS = False
    yield
    bulk.SHOW_PROGRESS = True


@pytest.fixture
def generated(db) -> dict[str, int]:
    return generate("tiny", report=lambda line: None)


def test_tiny_scale_has_the_customers_accounts_and_orders_the_scale_says(generated):
    assert generated["customers.Customer"] == Customer.objects.count() == customer_count(TINY)
    assert generated["orders.Order"] == Order.objects.count() == order_count(TINY)
    accounts = Customer.objects.filter(user__isnull=False).count()
    assert accounts == customer_count(TINY) // 5
    assert Customer.objects.filter(email__isnull=True).exists()  # known by phone only
    assert Fulfilment.objects.count() == Payment.objects.count() == Order.objects.count()
    assert OrderNumber.objects.count() == Order.objects.count()
    assert OrderLine.objects.count() > Order.objects.count()  # about two lines each
    signed_in = Order.objects.filter(account__isnull=False)
    assert 0 < signed_in.count() < Order.objects.count()


def test_generated_orders_hold_every_constraint_of_the_application(generated):
    assert not Order.objects.exclude(total=F("subtotal") + F("fees")).exists()
    assert not OrderLine.objects.exclude(total=F("unit_price") * F("quantity")).exists()
    sums = Order.objects.annotate(lines_total=Sum("lines__total"))
    assert not sums.exclude(subtotal=F("lines_total")).exists()
    assert not Payment.objects.exclude(amount=F("order__total")).exists()
    references = Payment.objects.values("reference").annotate(n=Count("id")).filter(n__gt=1)
    assert not references.exists()
    emails = (
        Customer.objects.exclude(email=None)
        .values(lower=Lower("email"))
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not emails.exists()
    # The account of an order is its own customer's login.
    assert (
        not Order.objects.filter(account__isnull=False)
        .exclude(account=F("customer__user"))
        .exists()
    )
    # An order is open exactly while its fulfilment has not ended.
    ended = [FulfilmentState.COMPLETED, FulfilmentState.CANCELLED, FulfilmentState.FAILED]
    assert not Order.objects.filter(state=OrderState.OPEN, fulfilment__state__in=ended).exists()
    assert not Order.objects.filter(
        ~Q(state=OrderState.OPEN), ~Q(fulfilment__state__in=ended)
    ).exists()
    # Lines are products sold at the order's location.
    assert not OrderLine.objects.exclude(
        product__availabilities__location=F("order__location")
    ).exists()


def test_the_named_accounts_have_twenty_and_many_orders_some_current(generated):
    history = Order.objects.filter(account__email=HISTORY_EMAIL)
    regular = Order.objects.filter(account__email=REGULAR_EMAIL)

    assert history.count() == HISTORY_ORDERS
    assert regular.count() == regular_order_count(TINY) > 20  # more than one page
    assert history.filter(state=OrderState.OPEN).count() == 2
    assert regular.filter(state=OrderState.OPEN).count() >= 2


def test_a_generated_shopper_signs_in_and_sees_their_order_history(generated):
    user = User.objects.get(email=HISTORY_EMAIL)
    assert user.check_password(CUSTOMER_PASSWORD)
    client = Client()
    client.force_login(user)

    response = client.get("/account/orders/")

    assert response.status_code == 200
    newest = Order.objects.filter(account__email=HISTORY_EMAIL).first()
    assert newest.number in response.content.decode()


def test_orders_placed_after_generation_continue_the_numbering(generated):
    availability = Availability.objects.filter(
        is_available=True, stock__isnull=True, product__is_active=True
    ).first()
    highest = max(int(n.split("-")[1]) for n in Order.objects.values_list("number", flat=True))

    order = checkout(
        availability.location, [(availability.product, 1)], fulfilment=PICKUP, email="new@x.fr"
    )

    assert int(order.number.split("-")[1]) == highest + 1
    assert Order.objects.count() == order_count(TINY) + 1


def test_the_history_scenarios_sign_in_as_the_generated_accounts():
    assert SCENARIOS["account_orders"].customer == HISTORY_EMAIL
    assert SCENARIOS["account_orders_long"].customer == REGULAR_EMAIL


def test_generated_user_ids_follow_on_from_staff_and_later_accounts_get_new_ids(generated):
    user = User.objects.create_user("late@example.com", "pw-123456789")

    assert user.pk == User.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert Customer.objects.create(email="late@example.com", user=user).pk > customer_count(TINY)


def test_generated_customers_have_their_order_columns_counted(generated):
    counted = Customer.objects.annotate(
        n=Count("orders"),
        spent=Sum("orders__total", filter=~Q(orders__state=OrderState.CANCELLED)),
    )
    assert counted.filter(n__gt=0).exists()
    for customer in counted.select_related("spending"):
        assert customer.spending.order_count == customer.n
        assert customer.spending.total_spent == (customer.spent or 0)
    assert Customer.objects.filter(kind="business").exclude(company_name="").exists()
