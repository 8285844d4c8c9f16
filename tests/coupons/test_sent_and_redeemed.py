"""A coupon from end to end: a team member sends it from the conversation, the customer
types the code from the message at checkout, and the conversation's coupons say on
which order it was used."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.coupons.models import Coupon
from comptoir.orders.models import Order
from comptoir.payments.models import TestCharge
from comptoir.team.permissions import Permission
from tests.checkout.checkout_helpers import checkout_form, fill_cart, shop_location, stocked
from tests.coupons.helpers import verify_business
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop")]


def test_a_coupon_sent_from_the_conversation_is_redeemed_once_at_checkout(staff_client):
    verify_business()
    location = shop_location()
    tart = stocked(location, price=1850, stock=5, name_en="Lemon tart", name_fr="Tarte")
    helene = CustomerFactory(
        first_name="Hélène", email="helene@example.com", accepts_marketing=True, language="en"
    )
    staff = staff_client(Permission.MESSAGE_CUSTOMERS, user__language="en")
    sent = staff.post(
        f"{reverse('dashboard:coupon_new')}?customer={helene.pk}",
        {
            "channel": "email",
            "kind": "amount",
            "amount": "5",
            "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    assert sent.status_code == 302
    body = Coupon.objects.get().message.body
    typed = re.search(r"code ([A-Z0-9 ]+),", body).group(1)  # as the customer reads it

    shopper = Client()
    fill_cart(shopper, location, (tart, 1))
    placed = shopper.post(
        reverse("storefront:checkout"),
        checkout_form(shopper, email="helene@example.com", coupon_code=typed),
    )
    assert placed.status_code == 302, placed.content.decode()
    order = Order.objects.get()
    assert TestCharge.objects.get().amount == 1850 - 500

    lines = staff.get(f"{reverse('dashboard:coupon_lines')}?customer={helene.pk}")
    coupon = Coupon.objects.get()
    assert f"Coupon {coupon.display_code} redeemed on order #{order.number}" in (
        lines.content.decode()
    )

    fill_cart(shopper, location, (tart, 1))
    again = shopper.post(reverse("storefront:checkout"), checkout_form(shopper, coupon_code=typed))
    assert again.status_code == 400
    assert again.context["form"].errors["coupon_code"] == ["This coupon has already been used."]
    assert Order.objects.count() == 1
