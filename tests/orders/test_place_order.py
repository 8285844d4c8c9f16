"""Placing a paid order: one transaction, idempotent, priced from the catalog, stock taken."""

import re
import socket
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comptoir.catalog.models import Availability
from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone
from comptoir.errors import Conflict, DomainError, InvalidInput
from comptoir.mail.delivery import deliver_email
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.models import Fulfilment, Order, OrderLine, OrderState, Payment
from comptoir.orders.services import Contact, FulfilmentChoice, place_donation
from comptoir.shop.selectors import get_shop
from tests.factories import UserFactory
from tests.orders.factories import PICKUP, checkout, paid, stocked

pytestmark = pytest.mark.django_db


def stock_of(product, location):
    return Availability.objects.get(product=product, location=location).stock


def nothing_written():
    return not (
        Order.objects.exists()
        or Customer.objects.exists()
        or OrderLine.objects.exists()
        or Payment.objects.exists()
        or OutgoingEmail.objects.exists()
    )


def test_order_is_created_with_lines_fulfilment_payment_and_stock_taken(location):
    croissant = stocked(location, price=150, stock=10, name_fr="Croissant", sku="CR-1")
    tarte = stocked(location, price=420, stock=None)

    order = checkout(location, [(croissant, 2), (tarte, 1)], fulfilment=PICKUP)

    assert (order.subtotal, order.fees, order.total, order.currency) == (720, 0, 720, "EUR")
    assert order.state == OrderState.OPEN
    assert [
        (line.name, line.sku, line.unit_price, line.quantity, line.total)
        for line in order.lines.all()
    ] == [
        ("Croissant", "CR-1", 150, 2, 300),
        (tarte.name, tarte.sku, 420, 1, 420),
    ]
    fulfilment = Fulfilment.objects.get(order=order)
    assert (fulfilment.type, fulfilment.state, fulfilment.placed_at) == (
        "pickup",
        "proposed",
        order.placed_at,
    )
    assert fulfilment.pickup_at == order.placed_at + timedelta(minutes=20)  # ASAP
    payment = Payment.objects.get(order=order)
    assert (payment.amount, payment.card_brand, payment.card_last4) == (720, "visa", "4242")
    assert stock_of(croissant, location) == 8
    assert stock_of(tarte, location) is None
    assert order.customer.email == "camille@example.com"


def test_same_idempotency_key_twice_makes_one_order_one_decrement_one_email(location):
    product = stocked(location, stock=5)

    first = checkout(location, [(product, 2)], key="checkout-abc", fulfilment=PICKUP)
    second = checkout(location, [(product, 2)], key="checkout-abc", fulfilment=PICKUP)

    assert second.pk == first.pk
    assert Order.objects.count() == 1
    assert stock_of(product, location) == 3
    assert OutgoingEmail.objects.count() == 1
    assert Payment.objects.count() == 1


def test_stock_shortage_is_a_conflict_and_nothing_is_written(location):
    plenty = stocked(location, stock=10)
    scarce = stocked(location, stock=1)

    with pytest.raises(Conflict) as refused:
        checkout(location, [(plenty, 2), (scarce, 2)], email="new@example.com")

    assert refused.value.code == "out_of_stock"
    assert "Only 1 left" in refused.value.message
    assert nothing_written()
    assert (stock_of(plenty, location), stock_of(scarce, location)) == (10, 1)


def test_payment_not_matching_todays_prices_is_refused(location):
    product = stocked(location, price=300)

    with pytest.raises(DomainError) as refused:
        checkout(location, [(product, 2)], amount=500)

    assert refused.value.code == "total_mismatch"
    assert "€6.00" in refused.value.message
    assert nothing_written()


def test_price_is_read_from_the_catalog_not_from_the_product_given(location):
    product = stocked(location, price=300)
    product.price = 1  # what a stale or tampered object would claim

    with pytest.raises(DomainError, match="prices changed"):
        checkout(location, [(product, 1)], amount=1)
    order = checkout(location, [(product, 1)], amount=300)
    assert order.total == 300


def test_payment_in_another_currency_is_refused(location):
    product = stocked(location, price=300)
    with pytest.raises(DomainError, match="prices changed"):
        checkout(location, [(product, 1)], payment=paid(300, "USD"))
    assert nothing_written()


@pytest.mark.parametrize("why", ["inactive", "not_sold_here", "unavailable"])
def test_product_not_sold_at_the_location_is_refused(location, why):
    product = stocked(location, stock=3)
    if why == "inactive":
        product.is_active = False
        product.save()
    elif why == "unavailable":
        Availability.objects.filter(product=product).update(is_available=False)
    else:
        Availability.objects.filter(product=product).delete()

    with pytest.raises(DomainError) as refused:
        checkout(location, [(product, 1)])

    assert refused.value.code == "not_sold"
    assert product.name in refused.value.message
    assert nothing_written()


def test_guest_checkout_finds_the_customer_by_email_ignoring_case(location):
    existing = Customer.objects.create(email="camille@example.com", first_name="Camille")
    product = stocked(location)

    order = checkout(location, [(product, 1)], email="Camille@Example.com")

    assert order.customer_id == existing.pk
    assert Customer.objects.count() == 1


def test_phone_is_normalised_to_e164_with_the_shops_country(location):
    product = stocked(location)
    contact = Contact(email="lea@example.com", first_name="Léa", phone="06 12 34 56 78")

    order = checkout(location, [(product, 1)], contact=contact)

    assert order.phone == "+33612345678"
    assert order.customer.phone == "+33612345678"


def test_order_keeps_the_phone_given_even_when_the_customer_has_another(location):
    Customer.objects.create(email="lea@example.com", phone="+33611111111")
    contact = Contact(email="lea@example.com", phone="06 98 76 54 32")

    order = checkout(location, [(stocked(location), 1)], contact=contact)

    assert order.phone == "+33698765432"
    assert order.customer.phone == "+33611111111"  # never overwritten


def test_bad_phone_is_refused_with_a_message(location):
    product = stocked(location, stock=4)
    contact = Contact(email="lea@example.com", phone="06 12")

    with pytest.raises(InvalidPhone, match="is not a valid phone number"):
        checkout(location, [(product, 1)], contact=contact)
    assert nothing_written()
    assert stock_of(product, location) == 4


def test_order_without_fulfilment_completes_at_once(location):
    donation = stocked(location, price=1000, stock=None)

    order = checkout(location, [(donation, 1)], fulfilment=None)

    assert order.state == OrderState.COMPLETED
    assert not Fulfilment.objects.filter(order=order).exists()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sent_by_the_worker(email):
    """What the ``send_email`` task does with the row; the row as it is afterwards."""
    assert deliver_email(email.pk, last_attempt=False) == "sent"
    email.refresh_from_db()
    return email


def test_receipt_email_is_queued_once_with_text_html_and_status_link(
    location, settings, mailoutbox
):
    settings.COMPTOIR_PUBLIC_URL = "https://shop.example"
    product = stocked(location, price=250, name_fr="Pain au chocolat", name_en="Pain au chocolat")

    order = checkout(location, [(product, 2)], fulfilment=PICKUP, language="en")

    queued = OutgoingEmail.objects.get()
    assert (queued.to_address, queued.kind, queued.language) == (
        "camille@example.com",
        "order_receipt",
        "fr",
    )
    assert order.number in queued.subject  # listed in the outbox before it is sent
    assert not queued.is_rendered  # the worker renders the bodies

    email = sent_by_the_worker(queued)

    link = f"https://shop.example/orders/{order.number}/status/{order.status_token}/"
    assert order.number in email.subject
    for body in (email.text_body, email.html_body):
        assert order.number in body
        assert "Pain au chocolat" in body
        assert "5,00" in body  # the total, in French
        assert link in body
    assert "<table" in email.html_body
    [message] = mailoutbox
    assert (message.subject, message.body) == (email.subject, email.text_body)
    assert message.alternatives[0].content == email.html_body


def test_receipt_retried_after_a_failed_send_is_the_one_first_rendered(
    location, settings, mailoutbox
):
    product = stocked(location, price=250, name_fr="Pain au chocolat", name_en="Pain au chocolat")
    order = checkout(location, [(product, 1)], fulfilment=PICKUP)
    email = OutgoingEmail.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    with pytest.raises(OSError):
        deliver_email(email.pk, last_attempt=False)
    email.refresh_from_db()
    first = (email.subject, email.text_body, email.html_body)
    assert "Pain au chocolat" in email.text_body
    order.lines.update(name="Renamed since")  # the retry must not render again

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email = sent_by_the_worker(email)

    assert (email.subject, email.text_body, email.html_body) == first
    [message] = mailoutbox
    assert message.body == first[1]


def test_donation_receipt_is_rendered_by_the_worker_without_fulfilment(location, mailoutbox):
    place_donation(
        idempotency_key="gift-1",
        location=location,
        amount=1500,
        note="",
        contact=Contact(email="lea@example.com", first_name="Léa"),
        payment=paid(1500),
        language="fr",
    )

    email = sent_by_the_worker(OutgoingEmail.objects.get())

    assert "Léa" in email.text_body
    assert "15,00" in email.text_body and "15,00" in email.html_body


def test_receipt_is_in_the_customers_language_when_the_shop_publishes_it(location):
    shop = location_shop_in_both_languages()
    Customer.objects.create(email="camille@example.com", language="en")
    product = stocked(location, price=250)

    checkout(location, [(product, 1)], language="fr")

    email = sent_by_the_worker(OutgoingEmail.objects.get())
    assert email.language == "en"
    assert "Thank you for your order" in email.text_body
    assert shop.name in email.subject


def location_shop_in_both_languages():
    shop = get_shop()
    shop.publishes_both_languages = True
    shop.save(update_fields=["publishes_both_languages"])
    return shop


def test_order_numbers_are_unique_and_human_readable(location):
    product = stocked(location, stock=None)

    numbers = [checkout(location, [(product, 1)]).number for _ in range(3)]

    assert len(set(numbers)) == 3
    assert all(re.fullmatch(r"C-\d{6,}", number) for number in numbers)
    assert Order.objects.get(number=numbers[0]).status_token


def test_pickup_earlier_than_preparation_time_is_refused_with_the_earliest_time(location):
    location.time_zone = "Europe/Paris"
    location.save()
    product = stocked(location, stock=2)
    with time_machine.travel("2030-06-01 08:00:00+00:00", tick=False):
        too_soon = FulfilmentChoice(type="pickup", pickup_at=timezone.now() + timedelta(minutes=10))
        with pytest.raises(InvalidInput) as refused:
            checkout(location, [(product, 1)], fulfilment=too_soon)
        # 08:00 UTC is 10:00 in Paris; 20 minutes of preparation.
        assert "The earliest pickup time is 10:20" in refused.value.errors["pickup_at"]
        assert nothing_written()

        on_time = FulfilmentChoice(
            type="pickup",
            curbside=True,
            vehicle="Red Clio",
            pickup_at=timezone.now() + timedelta(minutes=20),
        )
        location.fulfilment_types = ["pickup", "curbside"]
        location.save()
        order = checkout(location, [(product, 1)], fulfilment=on_time)
    assert order.fulfilment.curbside and order.fulfilment.vehicle == "Red Clio"


def test_fulfilment_the_location_does_not_offer_is_refused(location):
    product = stocked(location)
    delivery = FulfilmentChoice(
        type="delivery", address_line1="1 rue X", postal_code="75001", city="Paris", fee=300
    )

    with pytest.raises(DomainError) as refused:
        checkout(location, [(product, 1)], fulfilment=delivery)

    assert refused.value.code == "fulfilment_not_offered"
    assert nothing_written()


def test_delivery_fee_is_added_to_the_total(location):
    location.fulfilment_types = ["delivery"]
    location.save()
    product = stocked(location, price=1000)
    delivery = FulfilmentChoice(
        type="delivery", address_line1="1 rue X", postal_code="75001", city="Paris", fee=300
    )

    order = checkout(location, [(product, 1)], fulfilment=delivery)

    assert (order.subtotal, order.fees, order.total) == (1000, 300, 1300)
    assert order.fulfilment.country == "FR"


def test_sms_consent_keeps_the_exact_wording_and_time(location):
    product = stocked(location)
    wording = "Text me about this order"
    contact = Contact(email="lea@example.com", phone="0612345678")

    order = checkout(location, [(product, 1)], contact=contact, sms_consent=wording)

    assert order.sms_consent and order.sms_consent_text == wording
    assert order.sms_consent_at == order.placed_at


def test_signed_in_order_records_the_account(location):
    user = UserFactory()
    order = checkout(location, [(stocked(location), 1)], account_user=user)
    assert order.account == user


def test_query_count_grows_only_by_one_update_per_counted_product(location, count_queries):
    """Counted stock costs one conditional UPDATE ... RETURNING per product; everything
    else is constant (lines are one INSERT)."""
    small = [(stocked(location, stock=50), 1) for _ in range(2)]
    large = [(stocked(location, stock=50), 1) for _ in range(10)]
    checkout(location, small)  # warm the shop row and the content types

    with count_queries() as two:
        checkout(location, small, email="a@example.com", fulfilment=PICKUP)
    with count_queries() as ten:
        checkout(location, large, email="b@example.com", fulfilment=PICKUP)

    assert ten.count - two.count == 1 * 8
    assert two.count <= 21
    assert stock_of(large[-1][0], location) == 49


def test_products_without_counted_stock_cost_no_statement_per_product(location, count_queries):
    small = [(stocked(location, stock=None), 1) for _ in range(2)]
    large = [(stocked(location, stock=None), 1) for _ in range(10)]
    checkout(location, small)  # warm the shop row and the content types

    with count_queries() as two:
        checkout(location, small, email="a@example.com", fulfilment=PICKUP)
    with count_queries() as ten:
        checkout(location, large, email="b@example.com", fulfilment=PICKUP)

    assert ten.count == two.count
    assert stock_of(large[-1][0], location) is None
