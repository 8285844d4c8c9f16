"""The customer profile shows the consent history: each number's state and every grant
and withdrawal with who acted, when, the request and the reply."""

from __future__ import annotations

from comptoir.consent.models import HowObtained
from comptoir.consent.services import attest_text_consent
from comptoir.orders.services import Contact
from tests.consent.fixtures import MOBILE
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked


def test_the_profile_lists_every_grant_and_withdrawal(messenger, customer, text_in, signed_in):
    messenger.user.full_name = "Anne Counter"
    messenger.user.save(update_fields=["full_name"])
    attest_text_consent(
        actor=messenger, customer=customer, how_obtained=HowObtained.OTHER, detail="Signed form"
    )
    text_in("STOP", sid="SMstopprofile")

    page = signed_in(messenger).get(f"/dashboard/customers/{customer.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    block = html[html.index('id="text-consent"') :]
    assert MOBILE in block and "Replied STOP on" in block
    assert "Confirmed by the team" in block and "Signed form" in block and "Anne Counter" in block
    assert "Keyword" in block and "SMstopprofile" in block and "The customer" in block
    assert f"/dashboard/customers/{customer.pk}/text-consent/" in block


def test_a_profile_without_consent_says_so(messenger, customer, signed_in):
    page = signed_in(messenger).get(f"/dashboard/customers/{customer.pk}/")

    assert "No consent recorded for texts yet." in page.content.decode()


def test_the_checkout_box_is_in_the_history(messenger, signed_in, shop):
    location = LocationFactory()
    order = checkout(
        location,
        [(stocked(location), 1)],
        fulfilment=PICKUP,
        contact=Contact(email="paul@example.com", first_name="Paul", phone=MOBILE),
        sms_consent="Text me about this order",
    )

    page = signed_in(messenger).get(f"/dashboard/customers/{order.customer_id}/")

    html = page.content.decode()
    block = html[html.index('id="text-consent"') :]
    assert "Web form (checkout box)" in block and order.number in block
    assert "Text me about this order" in block
