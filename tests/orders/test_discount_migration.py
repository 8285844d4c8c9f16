"""Orders migration 0008: an order placed with a coupon before it gets the coupon's
discount recorded, its total lowered to what was paid, and its customer's total spent
with it (a cancelled order's spending is left alone: it never counted)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("orders", "0007_fulfilment_proposed_index")]
AFTER = [("orders", "0008_order_discount")]


def migrate(targets):
    """Migrate ``orders`` to ``targets``, every other app staying at its latest; the
    models as they are then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "orders"]
    return executor.loader.project_state(leaves + targets).apps


@pytest.fixture
def _back_to_latest():
    """Whatever happens, the next tests find the schema migrated to the end."""
    yield
    executor = MigrationExecutor(connection)
    # Every app at its latest migration (not 0008: the migrations after it must be there too).
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_back_to_latest")
def test_orders_placed_with_a_coupon_before_get_their_discount():
    old = migrate(BEFORE)
    Customer = old.get_model("customers", "Customer")
    CustomerSpending = old.get_model("customers", "CustomerSpending")
    Location = old.get_model("shop", "Location")
    Order = old.get_model("orders", "Order")
    Fulfilment = old.get_model("orders", "Fulfilment")
    Coupon = old.get_model("coupons", "Coupon")
    now = timezone.now()
    customer = Customer.objects.create(first_name="Camille", email="camille@example.com")
    CustomerSpending.objects.create(customer=customer, order_count=3, total_spent=1000 + 500)
    location = Location.objects.create(name="Martyrs", slug="martyrs")

    def order(number, total, *, cancelled=False):
        placed = Order.objects.create(
            number=number,
            customer=customer,
            location=location,
            currency="EUR",
            subtotal=total,
            fees=0,
            total=total,
            language="en",
            placed_at=now,
            status_token=number,
            state="cancelled" if cancelled else "open",
        )
        Fulfilment.objects.create(
            order=placed,
            type="pickup",
            preparation_minutes=10,
            placed_at=now,
            state="cancelled" if cancelled else "proposed",
        )
        return placed

    def coupon(code, placed, amount):
        Coupon.objects.create(
            code=code,
            customer=customer,
            kind="amount",
            amount_off=amount,
            currency="EUR",
            expires_at=now,
            redeemed_at=now,
            redeemed_order=placed,
            amount_applied=amount,
        )

    with_coupon, cancelled = order("C-1", 1000), order("C-3", 800, cancelled=True)
    order("C-2", 500)
    coupon("ABCDEFGHJKLM", with_coupon, 300)
    coupon("MNPQRSTUVWXY", cancelled, 200)

    new = migrate(AFTER)

    Order = new.get_model("orders", "Order")
    rows = {
        o.number: (o.subtotal, o.discount, o.discount_code, o.total) for o in Order.objects.all()
    }
    assert rows == {
        "C-1": (1000, 300, "ABCD EFGH JKLM", 700),
        "C-2": (500, 0, "", 500),
        "C-3": (800, 200, "MNPQ RSTU VWXY", 600),
    }
    spending = new.get_model("customers", "CustomerSpending").objects.get(customer_id=customer.pk)
    assert spending.total_spent == 1500 - 300  # the cancelled order never counted
