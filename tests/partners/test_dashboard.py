"""Partner pages: the secret shown once, rotation, item mapping, permissions."""

from __future__ import annotations

import pytest

from comptoir.orders.models import FulfilmentState, Order
from comptoir.partners.models import Partner, PartnerCallback, PartnerItem
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import stocked
from tests.partners.conftest import event

pytestmark = pytest.mark.django_db


def test_a_new_partner_shows_its_secret_once(staff_client, location):
    staff = staff_client(Permission.MANAGE_SETTINGS, user__language="en")

    created = staff.post(
        "/dashboard/partners/new/",
        {
            "name": "Livreur",
            "slug": "livreur",
            "location": location.pk,
            "callback_url": "https://partner.example.com/hook",
            "supports_delay": "on",
            "is_active": "on",
        },
    )

    assert created.status_code == 200
    partner = Partner.objects.get()
    assert partner.secret.startswith("whsec_") and len(partner.secret) > 40
    assert partner.secret in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    assert "/partners/livreur/webhook/" in created.content.decode()
    edit = staff.get(f"/dashboard/partners/{partner.pk}/")
    assert edit.status_code == 200
    assert partner.secret not in edit.content.decode()
    assert partner.secret not in staff.get("/dashboard/partners/").content.decode()


def test_rotating_the_secret_replaces_it_and_shows_the_new_one(staff_client, partner):
    staff = staff_client(Permission.MANAGE_SETTINGS, user__language="en")
    old = partner.secret

    rotated = staff.post(f"/dashboard/partners/{partner.pk}/rotate-secret/")

    partner.refresh_from_db()
    assert partner.secret != old
    assert partner.secret in rotated.content.decode()


def test_the_old_secret_stops_working_after_rotation(staff_client, partner, burger, post_event):
    staff = staff_client(Permission.MANAGE_SETTINGS, user__language="en")
    old = partner.secret
    staff.post(f"/dashboard/partners/{partner.pk}/rotate-secret/")

    assert post_event(partner, event(), secret=old).status_code == 401
    partner.refresh_from_db()
    assert post_event(partner, event()).status_code == 200


def test_items_are_mapped_and_unmapped(staff_client, partner):
    staff = staff_client(Permission.MANAGE_SETTINGS, user__language="en")
    product = stocked(partner.location, name_en="Fries")
    url = f"/dashboard/partners/{partner.pk}/items/"

    assert staff.post(url, {"external_id": "LV-FRIES", "product": product.pk}).status_code == 302
    item = PartnerItem.objects.get()
    assert (item.external_id, item.product) == ("LV-FRIES", product)
    assert "LV-FRIES" in staff.get(url).content.decode()

    staff.post(f"{url}{item.pk}/delete/")
    assert not PartnerItem.objects.exists()


def test_partner_settings_need_the_settings_permission(staff_client, partner, location):
    staff = staff_client(Permission.MANAGE_ORDERS, user__language="en")
    secret = partner.secret

    assert staff.get("/dashboard/partners/").status_code == 403
    refused = staff.post(
        "/dashboard/partners/new/", {"name": "X", "slug": "x", "location": location.pk}
    )
    assert refused.status_code == 403
    assert staff.post(f"/dashboard/partners/{partner.pk}/rotate-secret/").status_code == 403
    product = stocked(location)
    mapped = staff.post(
        f"/dashboard/partners/{partner.pk}/items/", {"external_id": "A", "product": product.pk}
    )
    assert mapped.status_code == 403
    assert Partner.objects.count() == 1
    partner.refresh_from_db()
    assert partner.secret == secret
    assert not PartnerItem.objects.exists()


def test_partner_orders_need_the_manage_orders_permission(
    staff_client, partner, burger, post_event
):
    post_event(partner, event())
    partner_order = Order.objects.get().partner_order
    viewer = staff_client(Permission.VIEW_ORDERS, Permission.MANAGE_SETTINGS, user__language="en")

    assert viewer.get("/dashboard/partners/orders/").status_code == 403
    accept = viewer.post(f"/dashboard/partners/orders/{partner_order.pk}/accept/")

    assert accept.status_code == 403
    assert Order.objects.get().fulfilment.state == FulfilmentState.PROPOSED
    assert not PartnerCallback.objects.exists()


def test_staff_of_another_location_cannot_decide(staff_client, partner, burger, post_event):
    post_event(partner, event())
    partner_order = Order.objects.get().partner_order
    elsewhere = staff_client(
        Permission.MANAGE_ORDERS, locations=[LocationFactory()], user__language="en"
    )

    assert "LV-1001" not in elsewhere.get("/dashboard/partners/orders/").content.decode()
    assert (
        elsewhere.post(f"/dashboard/partners/orders/{partner_order.pk}/accept/").status_code == 403
    )
    assert Order.objects.get().fulfilment.state == FulfilmentState.PROPOSED


def test_anonymous_visitors_are_sent_to_sign_in(client, partner):
    response = client.get("/dashboard/partners/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
