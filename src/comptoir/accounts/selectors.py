"""Reads about a shopper's account, always starting from the signed-in login."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Func, IntegerField, QuerySet, Subquery, Value
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import ContactEmail, ContactPhone, SavedAddress, SavedCard
from comptoir.compiled_read import CompiledRead, CompiledValues
from comptoir.customers.models import Customer
from comptoir.errors import NotFound
from comptoir.orders.models import Order, OrderState
from comptoir.payments.gateways.base import Gateway
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User


def accounts_enabled() -> bool:
    """The store toggle: when off, sign-in, sign-up and account pages are unavailable and
    checkout is guest only (no account data is deleted)."""
    return get_shop().customer_accounts_enabled


# Read on every account page: its SQL is compiled once per process (the row is read each time).
_customer_of_user = CompiledRead(lambda user_id: Customer.objects.filter(user_id=user_id))


def customer_of(user: User | AnonymousUser) -> Customer | None:
    """The customer record a signed-in shopper's login is attached to (None for staff
    logins, anonymous visitors and deleted accounts)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    return _customer_of_user.first(user.pk)


def awaits_approval(user: User) -> bool:
    """True when the shopper's record is pending the shop's approval (no sign-in yet)."""
    return Customer.objects.filter(user=user, pending_approval=True).exists()


# --- The signed-in shopper's own things: every read starts from their customer record.


def usable_cards(customer: Customer, gateway: Gateway) -> QuerySet[SavedCard]:
    """The customer's saved cards that the active gateway account can charge, primary
    first (cards of another gateway or account stay saved but are unavailable)."""
    if not gateway.can_save_cards:
        return SavedCard.objects.none()
    return SavedCard.objects.filter(
        customer=customer, gateway=gateway.name, gateway_account=gateway.account
    ).order_by("-is_primary", "id")


def cards_of(customer: Customer) -> QuerySet[SavedCard]:
    """Every saved card of the customer, usable or not, primary first."""
    return SavedCard.objects.filter(customer=customer).order_by("-is_primary", "id")


def card_of(customer: Customer, card_id: int) -> SavedCard:
    card = SavedCard.objects.filter(customer=customer, pk=card_id).first()
    if card is None:
        raise NotFound(_("No such card."))
    return card


def addresses_of(customer: Customer) -> QuerySet[SavedAddress]:
    return SavedAddress.objects.filter(customer=customer).order_by("-is_primary", "id")


def address_of(customer: Customer, address_id: int) -> SavedAddress:
    address = SavedAddress.objects.filter(customer=customer, pk=address_id).first()
    if address is None:
        raise NotFound(_("No such address."))
    return address


def primary_address(customer: Customer) -> SavedAddress | None:
    return SavedAddress.objects.filter(customer=customer, is_primary=True).first()


def phones_of(customer: Customer) -> QuerySet[ContactPhone]:
    return ContactPhone.objects.filter(customer=customer).order_by("-is_primary", "id")


def emails_of(customer: Customer) -> QuerySet[ContactEmail]:
    return ContactEmail.objects.filter(customer=customer).order_by("-is_primary", "id")


def account_orders(customer: Customer) -> QuerySet[Order]:
    """The orders placed while signed in to this account (not the customer's guest
    orders, nor those from before the account existed), newest first, with what a list
    shows; an account deleted has none."""
    if customer.user_id is None:
        return Order.objects.none()
    return (
        Order.objects.filter(customer=customer, account_id=customer.user_id)
        .select_related("fulfilment", "location")
        .order_by("-placed_at", "-id")
    )


@dataclass(frozen=True)
class HistoryRow:
    """What the order history shows of one order (read as values, not as an Order)."""

    number: str
    placed_at: datetime
    state: str
    total: int
    fulfilment_type: str | None
    fulfilment_state: str | None


HISTORY_FIELDS = ("number", "placed_at", "state", "total", "fulfilment__type", "fulfilment__state")


def history_rows(orders: Iterable[Order]) -> list[HistoryRow]:
    """``HistoryRow``s of orders already read with their fulfilment (the current orders)."""
    rows = []
    for order in orders:
        fulfilment = getattr(order, "fulfilment", None)
        rows.append(
            HistoryRow(
                order.number,
                order.placed_at,
                order.state,
                order.total,
                fulfilment.type if fulfilment else None,
                fulfilment.state if fulfilment else None,
            )
        )
    return rows


def _history_page_values(
    page: tuple[int, int], customer_id: int, account_id: int
) -> QuerySet[Order, tuple[Any, ...]]:
    offset, size = page
    mine = Order.objects.filter(customer_id=customer_id, account_id=account_id).order_by()
    page_ids = mine.order_by("-placed_at", "-id").values("pk")[offset : offset + size]
    count = mine.annotate(n=Func(Value(1), function="COUNT", output_field=IntegerField()))
    return (
        Order.objects.filter(pk__in=Subquery(page_ids))
        .annotate(history_count=Subquery(count.values("n")))
        .order_by("-placed_at", "-id")
        .values_list(*HISTORY_FIELDS, "history_count")
    )


# The shopper's order history is the busiest account page: its SQL (which costs more to
# compile than to run) is compiled once per process for each page offset.
_history_page = CompiledValues(
    _history_page_values, placeholders=(-7_913_572_468_135, -7_913_572_468_136)
)


def account_history_page(
    customer: Customer, offset: int, size: int
) -> tuple[list[HistoryRow], int]:
    """The ``size`` orders of ``account_orders`` from ``offset`` on, and how many the
    history holds, in one query: the page's ids are a subquery that reads the history
    index only (a deep page costs what the first does, no joined row is read and
    dropped), the orders are then read by primary key, and the count is a scalar
    subquery run once. An empty page (past the end, or no orders) counts on its own."""
    if customer.user_id is None:
        return [], 0
    found = _history_page.rows((offset, size), customer.pk, customer.user_id)
    if not found:
        return [], Order.objects.filter(customer=customer, account_id=customer.user_id).count()
    return [HistoryRow(*row[:-1]) for row in found], found[0][-1]


def current_account_orders(customer: Customer) -> QuerySet[Order]:
    """The account's orders still under way (open), newest first."""
    return account_orders(customer).filter(state=OrderState.OPEN)


def account_order(customer: Customer, number: str) -> Order:
    """One order of the account's history with its lines and payments (404 otherwise:
    another customer's order, or a guest order of the same email)."""
    order = (
        account_orders(customer).filter(number=number).prefetch_related("lines", "payments").first()
    )
    if order is None:
        raise NotFound(_("No such order."))
    return order
