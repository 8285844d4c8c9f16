"""A card link waiting for payment can be cancelled by staff (its pay page then says the
shop cancelled it and takes no payment) or emailed again (the same link, to the
customer's email or a corrected address), from the counter screen's waiting list."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from comptoir.customers.personal_data import personal_data
from comptoir.customers.services.erasure import erase_customer
from comptoir.errors import Conflict
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.counter import (
    PaymentChoice,
    cancel_payment_link,
    pay_payment_link,
    place_counter_order,
)
from comptoir.orders.models import Order, PaymentLink, PaymentLinkState
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCharge
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import CustomerFactory, LocationFactory, TeamMemberFactory
from tests.orders.factories import stocked

NEW = reverse("dashboard:counter_order_new")
KIND = "counter_payment_link"


def _cancel_url(link: PaymentLink) -> str:
    return reverse("dashboard:counter_link_cancel", args=[link.pk])


def _resend_url(link: PaymentLink) -> str:
    return reverse("dashboard:counter_link_resend", args=[link.pk])


def _pay_url(link: PaymentLink) -> str:
    return reverse("storefront:payment_link", args=[link.token])


def _card() -> str:
    return tokenize_test_card("4242424242424242", 12, timezone.now().year + 3, "123")


@pytest.fixture
def staff_client(staff_client):
    def build(*permissions, **kwargs):
        return staff_client(*permissions, user__language="en", **kwargs)

    return build


@pytest.fixture
def sent(staff_client, english_shop):
    """A link sent from the counter screen (by a member working at every location)."""
    location = LocationFactory()
    product = stocked(location, price=600, stock=5)
    customer = CustomerFactory(first_name="Noa", last_name="Martin", email="noa@example.com")
    client = staff_client(Permission.MANAGE_ORDERS)
    client.post(
        NEW,
        {
            "location": location.pk,
            "idempotency_key": "link-1",
            f"qty_{product.pk}": 2,
            "customer": customer.pk,
            "fulfilment": "counter",
            "payment": "card_link",
            "do": "place",
        },
    )
    return client, PaymentLink.objects.get()


def _state(link: PaymentLink) -> tuple:
    link.refresh_from_db()
    return (
        link.state,
        link.cancelled_at,
        link.cancelled_by_id,
        link.send_count,
        link.sent_to,
        OutgoingEmail.objects.filter(kind=KIND).count(),
    )


def _followed(client: Client, response) -> str:
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


# --- cancel --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cancelled_link_leaves_the_waiting_list_and_records_who_and_when(sent):
    client, link = sent
    assert f'id="waiting-link-{link.pk}"' in client.get(NEW).content.decode()

    response = client.post(_cancel_url(link))

    page = _followed(client, response)
    assert "The payment link of Noa Martin was cancelled" in page
    assert f'id="waiting-link-{link.pk}"' not in page
    link.refresh_from_db()
    assert link.state == PaymentLinkState.CANCELLED
    assert link.cancelled_by == client.member
    assert timezone.now() - link.cancelled_at < timedelta(minutes=1)


@pytest.mark.django_db
def test_the_pay_page_of_a_cancelled_link_says_so_and_charges_nothing(sent):
    client, link = sent
    client.post(_cancel_url(link))
    shopper = Client()

    page = shopper.get(_pay_url(link))
    attempt = shopper.post(_pay_url(link), {"card_token": _card(), "attempt": "a-1"})

    content = page.content.decode()
    assert page.status_code == 200
    assert "This payment request was cancelled by the shop" in content
    assert 'id="link-cancelled"' in content and 'name="card_token"' not in content
    assert attempt.status_code == 409
    assert "cancelled by the shop" in attempt.content.decode()
    assert not TestCharge.objects.exists() and not Order.objects.exists()
    with pytest.raises(Conflict):
        pay_payment_link(token=link.token, gateway=TestGateway(), card_token=_card(), attempt="b")
    assert not TestCharge.objects.exists() and not Order.objects.exists()


class _CancelledWhileCharging(TestGateway):
    """The test gateway, while staff cancel the link as the card is being charged."""

    def __init__(self, link: PaymentLink, member) -> None:
        self.link, self.member = link, member

    def charge(self, **kwargs):
        result = super().charge(**kwargs)
        cancel_payment_link(actor=self.member, link_id=self.link.pk)
        return result


@pytest.mark.django_db
def test_a_link_cancelled_while_the_card_is_charged_refunds_the_charge(sent):
    client, link = sent

    # A service call outside a request speaks the shop's default language (French).
    with translation.override("en"), pytest.raises(Conflict) as refused:
        pay_payment_link(
            token=link.token,
            gateway=_CancelledWhileCharging(link, client.member),
            card_token=_card(),
            attempt="a",
        )

    assert refused.value.code == "link_cancelled"
    assert "cancelled by the shop" in str(refused.value.message)
    assert "Your payment was refunded" in str(refused.value.message)
    charge = TestCharge.objects.get()
    assert charge.refunded_amount == charge.amount == 1200
    assert not Order.objects.exists()
    link.refresh_from_db()
    assert link.state == PaymentLinkState.CANCELLED and link.order is None


@pytest.mark.django_db
def test_cancelling_twice_is_harmless(sent):
    client, link = sent
    client.post(_cancel_url(link))
    first = _state(link)

    again = client.post(_cancel_url(link))

    assert again.status_code == 302
    assert _state(link) == first


@pytest.mark.django_db
def test_a_paid_link_cannot_be_cancelled(sent):
    client, link = sent
    order = pay_payment_link(
        token=link.token, gateway=TestGateway(), card_token=_card(), attempt="a"
    )
    before = _state(link)

    page = _followed(client, client.post(_cancel_url(link)))

    assert f"This link cannot be cancelled: it was paid (order {order.number})." in page
    assert _state(link) == before
    assert link.state == PaymentLinkState.PAID and link.order == order


# --- resend --------------------------------------------------------------------------


@pytest.mark.django_db
def test_resending_emails_the_same_link_to_the_customers_email(sent):
    client, link = sent
    first = OutgoingEmail.objects.get(kind=KIND)

    page = _followed(client, client.post(_resend_url(link), {"email": ""}))

    assert "The payment link was emailed again to noa@example.com." in page
    again = OutgoingEmail.objects.filter(kind=KIND).exclude(pk=first.pk).get()
    assert again.to_address == "noa@example.com"
    assert (again.subject, again.text_body) == (first.subject, first.text_body)
    assert f"/pay/{link.token}/" in again.text_body
    link.refresh_from_db()
    assert link.send_count == 2 and link.sent_to == "noa@example.com"
    assert timezone.now() - link.last_sent_at < timedelta(minutes=1)
    assert link.expires_at - link.created_at == timedelta(hours=24)  # same expiry
    assert "emails sent: 2, last to noa@example.com" in page


@pytest.mark.django_db
def test_resending_to_a_corrected_address(sent):
    client, link = sent

    page = _followed(client, client.post(_resend_url(link), {"email": " Noa.M@Example.org "}))

    assert "emailed again to noa.m@example.org" in page
    latest = OutgoingEmail.objects.filter(kind=KIND).latest("pk")
    assert latest.to_address == "noa.m@example.org"
    assert f"/pay/{link.token}/" in latest.text_body
    link.refresh_from_db()
    assert link.sent_to == "noa.m@example.org" and link.send_count == 2
    assert "emails sent: 2, last to noa.m@example.org" in page
    link.customer.refresh_from_db()
    assert link.customer.email == "noa@example.com"  # the record is not changed


@pytest.mark.django_db
def test_a_malformed_address_is_refused_and_nothing_is_sent(sent):
    client, link = sent
    before = _state(link)

    page = _followed(client, client.post(_resend_url(link), {"email": "noa@"}))

    assert "“noa@” is not an email address." in page
    assert _state(link) == before


@pytest.mark.django_db
def test_without_an_email_on_file_the_address_must_be_typed(sent):
    client, link = sent
    type(link.customer).objects.filter(pk=link.customer_id).update(email=None)
    before = _state(link)

    page = _followed(client, client.post(_resend_url(link), {"email": ""}))

    assert "The customer has no email address: type the address to send to." in page
    assert _state(link) == before


@pytest.mark.django_db
def test_resending_a_cancelled_link_is_refused(sent):
    client, link = sent
    client.post(_cancel_url(link))
    before = _state(link)

    page = _followed(client, client.post(_resend_url(link)))

    assert "This link cannot be sent again: it was cancelled." in page
    assert _state(link) == before


@pytest.mark.django_db
def test_resending_a_paid_link_is_refused(sent):
    client, link = sent
    order = pay_payment_link(
        token=link.token, gateway=TestGateway(), card_token=_card(), attempt="a"
    )
    before = _state(link)

    page = _followed(client, client.post(_resend_url(link)))

    assert f"This link cannot be sent again: it was paid (order {order.number})." in page
    assert _state(link) == before


@pytest.mark.django_db
def test_resending_an_expired_link_is_refused(sent):
    client, link = sent
    before = _state(link)

    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        page = _followed(client, client.post(_resend_url(link)))

    assert "This link cannot be sent again: it has expired." in page
    assert _state(link) == before


# --- who may -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_of_the_links_location_may_cancel_and_resend(sent, staff_client):
    _client, link = sent
    here = staff_client(Permission.MANAGE_ORDERS, locations=[link.location])

    resent = here.post(_resend_url(link))
    cancelled = here.post(_cancel_url(link))

    assert resent.status_code == cancelled.status_code == 302
    link.refresh_from_db()
    assert link.send_count == 2
    assert link.state == PaymentLinkState.CANCELLED and link.cancelled_by == here.member


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["cancel", "resend"])
def test_staff_without_manage_orders_are_refused(sent, staff_client, action):
    _client, link = sent
    viewer = staff_client(Permission.VIEW_ORDERS, locations=[link.location])
    before = _state(link)
    url = _cancel_url(link) if action == "cancel" else _resend_url(link)

    response = viewer.post(url, {"email": "x@example.com"})

    assert response.status_code == 403
    assert _state(link) == before


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["cancel", "resend"])
def test_a_member_of_another_location_does_not_find_the_link(sent, staff_client, action):
    _client, link = sent
    elsewhere = staff_client(Permission.MANAGE_ORDERS, locations=[LocationFactory()])
    before = _state(link)
    url = _cancel_url(link) if action == "cancel" else _resend_url(link)

    response = elsewhere.post(url, {"email": "x@example.com"})

    assert response.status_code == 404
    assert _state(link) == before


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["cancel", "resend"])
def test_the_buttons_only_accept_post(sent, action):
    client, link = sent
    before = _state(link)
    url = _cancel_url(link) if action == "cancel" else _resend_url(link)

    assert client.get(url).status_code == 405
    assert _state(link) == before


@pytest.mark.django_db
def test_the_buttons_need_the_csrf_token(sent):
    client, link = sent
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(client.member.user)
    before = _state(link)

    assert strict.post(_cancel_url(link)).status_code == 403
    assert strict.post(_resend_url(link)).status_code == 403
    assert _state(link) == before


# --- personal data -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_corrected_address_is_exported_and_erased(sent, owner):
    client, link = sent
    client.post(_resend_url(link), {"email": "noa.m@example.org"})
    pay_payment_link(token=link.token, gateway=TestGateway(), card_token=_card(), attempt="a")

    exported = personal_data(link.customer)["payment_links"]
    assert [(e["sent_to"], e["emails_sent"]) for e in exported] == [("noa.m@example.org", 2)]

    erase_customer(actor=owner, customer_id=link.customer_id, gateway=None)
    link.refresh_from_db()
    assert link.sent_to == "" and link.state == PaymentLinkState.PAID


@pytest.mark.django_db
def test_erasure_deletes_a_cancelled_link(sent, owner):
    client, link = sent
    client.post(_cancel_url(link))

    erase_customer(actor=owner, customer_id=link.customer_id, gateway=None)

    assert not PaymentLink.objects.exists()


# --- cancel racing a payment (PostgreSQL) --------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_a_cancel_racing_a_payment_has_one_winner(round_):
    skip_unless_postgres()
    get_shop()
    owner = TeamMemberFactory(access=Access.FULL)
    location = LocationFactory()
    product = stocked(location, price=300, stock=10)
    link = place_counter_order(
        actor=owner,
        idempotency_key=f"race-{round_}",
        location=location,
        lines=[(product, 1)],
        customer=CustomerFactory(),
        fulfilment=None,
        payment=PaymentChoice.CARD_LINK,
    )
    assert isinstance(link, PaymentLink)
    card = _card()

    def act(n: int) -> object:
        if n == 0:
            return cancel_payment_link(actor=owner, link_id=link.pk).state
        return pay_payment_link(
            token=link.token, gateway=TestGateway(), card_token=card, attempt="tab"
        ).pk

    outcomes = run_at_once(2, act)

    link.refresh_from_db()
    if link.state == PaymentLinkState.PAID:
        order = Order.objects.get()
        assert order.pk in outcomes
        assert any("it was paid" in str(o) for o in outcomes)
        assert TestCharge.objects.get().refunded_amount == 0
    else:
        assert link.state == PaymentLinkState.CANCELLED
        assert PaymentLinkState.CANCELLED in outcomes
        assert any("cancelled by the shop" in str(o) for o in outcomes)
        assert not Order.objects.exists()
        assert all(c.refunded_amount == c.amount for c in TestCharge.objects.all())
