"""The shop's reminder delay (1 to 120 minutes) and each member's own alert settings
page: the two live alerts and the locations they want an email for each new order."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.alerts.models import StaffAlertSettings
from comptoir.alerts.services import email_location_ids, set_alert_settings
from comptoir.errors import InvalidInput
from comptoir.shop.selectors import get_shop
from comptoir.shop.services import update_shop_settings
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.shop.factories import settings_form_data

pytestmark = pytest.mark.django_db

PAGE = reverse("dashboard:order_alert_settings")
MESSAGE = "Choose a reminder delay from 1 to 120 minutes."


def test_a_new_shop_reminds_after_five_minutes():
    assert get_shop().acceptance_reminder_minutes == 5


@pytest.mark.parametrize("minutes", [0, 121, 1000])
def test_a_delay_outside_1_to_120_minutes_is_refused_with_its_message(owner, minutes):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        update_shop_settings(actor=owner, acceptance_reminder_minutes=minutes)
    assert refused.value.errors == {"acceptance_reminder_minutes": MESSAGE}
    assert get_shop().acceptance_reminder_minutes == 5


@pytest.mark.parametrize("minutes", [1, 120])
def test_the_bounds_are_accepted(owner, minutes):
    update_shop_settings(actor=owner, acceptance_reminder_minutes=minutes)
    assert get_shop().acceptance_reminder_minutes == minutes


def test_the_settings_page_shows_the_refusal_beside_the_field_and_saves_a_good_delay(
    owner, signed_in
):
    client = signed_in(owner)
    url = reverse("dashboard:shop_settings")
    assert 'name="acceptance_reminder_minutes"' in client.get(url).content.decode()

    refused = client.post(url, settings_form_data(get_shop(), acceptance_reminder_minutes="0"))
    assert refused.status_code == 200
    with translation.override("en"):  # the form's errors are lazy: read them in English
        assert refused.context["form"].errors["acceptance_reminder_minutes"] == [MESSAGE]
    assert get_shop().acceptance_reminder_minutes == 5

    saved = client.post(url, settings_form_data(get_shop(), acceptance_reminder_minutes="15"))
    assert saved.status_code == 302
    assert get_shop().acceptance_reminder_minutes == 15


def test_a_post_without_the_field_keeps_the_delay(owner, signed_in):
    update_shop_settings(actor=owner, acceptance_reminder_minutes=30)
    response = signed_in(owner).post(
        reverse("dashboard:shop_settings"), settings_form_data(get_shop())
    )
    assert response.status_code == 302
    assert get_shop().acceptance_reminder_minutes == 30


# --- the member's own alert settings -------------------------------------------------


def test_the_page_offers_only_the_members_locations_none_ticked_by_default(staff_client):
    mine, theirs = LocationFactory(name="Martyrs"), LocationFactory(name="Bastille")
    client = staff_client(Permission.VIEW_ORDERS, locations=[mine], user__language="en")

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Email me each new order at" in html
    assert f'value="{mine.pk}"' in html and "Martyrs" in html
    assert "Bastille" not in html and f'value="{theirs.pk}"' not in html
    assert response.context["alert_form"].initial["email_locations"] == []
    assert 'name="new_orders" checked' in html and 'name="curbside_arrivals" checked' in html


def test_a_member_opts_into_emails_for_a_location(staff_client):
    mine, other = LocationFactory(), LocationFactory()
    client = staff_client(Permission.VIEW_ORDERS, locations=[mine, other], user__language="en")

    response = client.post(
        PAGE, {"new_orders": "on", "curbside_arrivals": "on", "email_locations": [mine.pk]}
    )

    assert response.status_code == 302
    assert email_location_ids(client.member) == {mine.pk}
    assert client.get(PAGE).context["alert_form"]["email_locations"].value() == [mine.pk]


def test_a_location_the_member_does_not_work_at_is_refused_and_nothing_changes(staff_client):
    mine, theirs = LocationFactory(), LocationFactory()
    client = staff_client(Permission.VIEW_ORDERS, locations=[mine], user__language="en")

    response = client.post(PAGE, {"new_orders": "on", "email_locations": [theirs.pk]})

    assert response.status_code == 400
    assert "email_locations" in response.context["alert_form"].errors
    assert not StaffAlertSettings.objects.exists()


def test_the_service_refuses_a_location_elsewhere(make_member):
    mine, theirs = LocationFactory(), LocationFactory()
    member = make_member(permissions=[Permission.VIEW_ORDERS], locations=[mine])
    with pytest.raises(InvalidInput):
        set_alert_settings(
            actor=member, new_orders=True, curbside_arrivals=True, email_locations=[theirs]
        )
    assert not StaffAlertSettings.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_without_view_orders_get_403_and_nothing_changes(staff_client, method):
    location = LocationFactory()
    client = staff_client(Permission.MANAGE_CATALOG, user__language="en")

    response = getattr(client, method)(PAGE, {"email_locations": [location.pk]})

    assert response.status_code == 403
    assert not StaffAlertSettings.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "login" in response["Location"]
