"""The customer's JSON export, erasure and merge cover their coupons: exported with the
order that used each; erasure deletes the unused ones (personal offers) and keeps the
used ones with their order (the shop's record of a discount given); a merge gives the
merged record's coupons to the kept one."""

from __future__ import annotations

import pytest
from django.utils import timezone

from comptoir.coupons.models import Coupon
from comptoir.customers.personal_data import personal_data
from comptoir.customers.services.erasure import erase_customer
from comptoir.customers.services.merging import merge_customers
from tests.coupons.helpers import make_coupon
from tests.factories import CustomerFactory, LocationFactory
from tests.orders.factories import checkout, stocked

pytestmark = pytest.mark.django_db


def used(coupon: Coupon) -> Coupon:
    location = LocationFactory()
    order = checkout(location, [(stocked(location, price=900), 1)])
    Coupon.objects.filter(pk=coupon.pk).update(
        redeemed_at=timezone.now(), redeemed_order=order, amount_applied=coupon.amount_off
    )
    coupon.refresh_from_db()
    return coupon


def test_the_export_lists_the_customers_coupons(owner):
    helene = CustomerFactory(email="helene@example.com")
    spent = used(make_coupon(helene, amount_off=500))
    open_one = make_coupon(helene, percent_off=10)
    make_coupon(CustomerFactory(), amount_off=100)  # someone else's

    exported = personal_data(helene)["coupons"]

    assert [c["code"] for c in exported] == [spent.display_code, open_one.display_code]
    assert exported[0]["order_number"] == spent.redeemed_order.number
    assert exported[0]["discount_given"] == 500
    assert (exported[1]["type"], exported[1]["percent_off"], exported[1]["order_number"]) == (
        "percent",
        10,
        None,
    )


def test_erasure_deletes_unused_coupons_and_keeps_used_ones_with_their_order(owner):
    helene = CustomerFactory(email="helene@example.com")
    spent = make_coupon(helene, amount_off=500)
    make_coupon(helene, percent_off=10)
    other = make_coupon(CustomerFactory(), amount_off=100)
    spent = used(spent)
    # The order was placed by another record (a guest checkout): Hélène has none open.
    erase_customer(actor=owner, customer_id=helene.pk, gateway=None)

    assert list(Coupon.objects.filter(customer=helene)) == [spent]
    assert Coupon.objects.filter(pk=other.pk).exists()


def test_a_merge_moves_the_coupons_to_the_kept_record(owner):
    kept = CustomerFactory(email="helene@example.com")
    merged = CustomerFactory(email="h.martin@example.com")
    coupon = make_coupon(merged, amount_off=500)

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    assert Coupon.objects.get(pk=coupon.pk).customer == kept
