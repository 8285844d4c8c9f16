"""The coupons list reads every coupon shown with a constant number of queries, and is
refused to members without the messaging permission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.team.permissions import Permission
from tests.coupons.helpers import make_coupon

pytestmark = pytest.mark.django_db


def test_the_coupon_list_costs_the_same_queries_for_any_number(staff_client, count_queries):
    client = staff_client(Permission.MESSAGE_CUSTOMERS)
    make_coupon(amount_off=500)
    client.get(reverse("dashboard:coupon_list"))
    with count_queries() as few:
        client.get(reverse("dashboard:coupon_list"))
    for _n in range(5):
        make_coupon(percent_off=10)
    with count_queries() as many:
        page = client.get(reverse("dashboard:coupon_list"))

    assert page.status_code == 200 and len(page.context["coupons"]) == 6
    assert many.count == few.count


def test_the_coupon_list_needs_the_messaging_permission(staff_client):
    make_coupon(amount_off=500)

    page = staff_client(Permission.MANAGE_ORDERS).get(reverse("dashboard:coupon_list"))

    assert page.status_code == 403
