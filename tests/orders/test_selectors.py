"""Orders are read through selectors scoped to who asks."""

import pytest

from comptoir.errors import NotFound, PermissionDenied
from comptoir.orders.selectors import order_by_status_token, orders_of_customer, orders_visible_to
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import checkout, stocked

pytestmark = pytest.mark.django_db


def test_status_link_needs_the_right_token(location):
    order = checkout(location, [(stocked(location), 1)])

    assert order_by_status_token(order.number, order.status_token) == order
    # The last character changed for one it cannot already be.
    last = "y" if order.status_token.endswith("x") else "x"
    for number, token in [
        (order.number, order.status_token[:-1] + last),
        (order.number, ""),
        ("C-999999", order.status_token),
    ]:
        with pytest.raises(NotFound):
            order_by_status_token(number, token)


def test_orders_of_customer_lists_only_theirs_newest_first(location):
    product = stocked(location, stock=None)
    older = checkout(location, [(product, 1)], email="camille@example.com")
    newer = checkout(location, [(product, 1)], email="CAMILLE@example.com")
    checkout(location, [(product, 1)], email="someone@example.com")

    assert list(orders_of_customer(older.customer)) == [newer, older]


def test_staff_see_the_orders_of_their_locations_only(make_member, location):
    elsewhere = LocationFactory()
    here = checkout(location, [(stocked(location), 1)])
    checkout(elsewhere, [(stocked(elsewhere), 1)])

    limited = make_member(permissions=[Permission.VIEW_ORDERS], locations=[location])
    everywhere = make_member(permissions=[Permission.MANAGE_ORDERS])

    assert list(orders_visible_to(limited)) == [here]
    assert orders_visible_to(everywhere).count() == 2
    with pytest.raises(PermissionDenied):
        orders_visible_to(make_member(permissions=[Permission.MANAGE_CATALOG]))
