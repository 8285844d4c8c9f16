"""The menu a table's QR code opens: the shopper orders and pays there (card, wallet,
gift card for part or all), no sign-in and no email needed; the order is a table order
for that table, accepted at once, and each station gets its ticket."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.errors import NotFound
from comptoir.giftcards.models import GiftCard
from comptoir.giftcards.services import issue_digital
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.fulfilment import accept_table_order
from comptoir.orders.models import (
    FulfilmentState,
    FulfilmentType,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderSource,
)
from comptoir.orders.services import FulfilmentChoice
from comptoir.payments.models import TestCharge
from comptoir.shop.selectors import get_shop
from comptoir.stations.models import Ticket
from tests.orders.factories import PICKUP, checkout, stocked
from tests.stations.factories import cafe
from tests.stations.printer_standin import PrinterStandIn
from tests.tables.helpers import add_at_table, make_table, menu, pay, pay_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    """A café taking table orders: kitchen (pastries, fallback) and bar (drinks)."""
    return cafe()


@pytest.fixture
def table(place):
    return make_table(place.location, "4")


def ticket_lines(order) -> dict[str, list[tuple[str, int]]]:
    return {
        ticket.station.name: sorted((line["name"], line["quantity"]) for line in ticket.lines)
        for ticket in Ticket.objects.filter(order=order).select_related("station")
    }


@pytest.mark.usefixtures("english_shop")
def test_the_menu_lists_what_the_location_sells(client, place, table):
    page = client.get(menu(table))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Table 4" in html
    for product in (place.croissant, place.espresso, place.sandwich):
        assert product.name_en in html
    assert reverse("storefront:table_add", args=[table.token]) in html
    assert "Pay and send to the kitchen" not in html  # nothing ordered yet


@pytest.mark.usefixtures("english_shop")
def test_a_paid_table_order_is_accepted_at_once_and_each_station_gets_its_items(
    client, place, table
):
    add_at_table(client, table, (place.croissant, 2), (place.espresso, 1))
    page = client.get(menu(table)).content.decode()
    assert "Pay and send to the kitchen" in page

    answer = pay(client, table)

    assert answer.status_code == 302, answer.content.decode()
    order = Order.objects.get()
    assert answer.url == reverse("storefront:table_done", args=[table.token, order.number])
    assert (order.source, order.location, order.total, order.email) == (
        OrderSource.TABLE,
        place.location,
        750,
        "",
    )
    fulfilment = order.fulfilment
    assert (fulfilment.type, fulfilment.table_label, fulfilment.state) == (
        FulfilmentType.TABLE,
        "4",
        FulfilmentState.RESERVED,
    )
    assert fulfilment.accepted_at is not None
    [event] = OrderEvent.objects.filter(order=order)
    assert (event.kind, event.actor, event.to_state, event.detail["automatic"]) == (
        OrderEventKind.ACCEPTED,
        None,
        FulfilmentState.RESERVED,
        True,
    )
    assert ticket_lines(order) == {"Kitchen": [("Croissant", 2)], "Bar": [("Espresso", 1)]}
    assert TestCharge.objects.get().amount == 750
    assert not OutgoingEmail.objects.exists()  # no email given: no receipt, no email
    done = client.get(answer.url).content.decode()
    assert f"Your order {order.number} is placed" in done and "table 4" in done
    status = client.get(reverse("storefront:order_status", args=[order.number, order.status_token]))
    assert status.status_code == 200 and "Being prepared" in status.content.decode()
    # The table's order is empty again for the next round.
    assert "Nothing yet" in client.get(menu(table)).content.decode()


def test_the_kitchen_and_bar_printers_get_their_tickets_over_tcp(client, run_worker):
    with PrinterStandIn() as kitchen_printer, PrinterStandIn() as bar_printer:
        place = cafe(kitchen_port=kitchen_printer.port, bar_port=bar_printer.port)
        table = make_table(place.location, "Terrasse 2")
        add_at_table(client, table, (place.croissant, 1), (place.sandwich, 1), (place.espresso, 2))

        assert pay(client, table).status_code == 302
        run_worker()
        [kitchen_bytes] = kitchen_printer.wait_for(1)
        [bar_bytes] = bar_printer.wait_for(1)

    assert b"1 x Croissant" in kitchen_bytes and b"1 x Jambon-beurre" in kitchen_bytes
    assert b"Espresso" not in kitchen_bytes
    assert b"2 x Espresso" in bar_bytes and b"Croissant" not in bar_bytes
    for payload in (kitchen_bytes, bar_bytes):
        assert b"Terrasse 2" in payload
        assert Order.objects.get().number.encode() in payload


@pytest.mark.usefixtures("english_shop")
def test_an_email_brings_a_receipt(client, place, table):
    add_at_table(client, table, (place.croissant, 1))

    assert pay(client, table, email="camille@example.com", first_name="Camille").status_code == 302

    order = Order.objects.get()
    assert (order.email, order.first_name) == ("camille@example.com", "Camille")
    assert OutgoingEmail.objects.filter(kind="order_receipt", to_address="camille@example.com")
    # Accepted as placed, by the shop: the shopper is at the table, no "accepted" email.
    assert order.fulfilment.state == FulfilmentState.RESERVED
    assert list(OutgoingEmail.objects.values_list("kind", flat=True)) == ["order_receipt"]


def gift_card(balance: int) -> GiftCard:
    return issue_digital(
        amount=balance,
        idempotency_key=f"table-issue-{balance}",
        recipient_name="Camille",
        recipient_email="camille@example.com",
    ).card


@pytest.mark.usefixtures("english_shop")
def test_a_gift_card_pays_part_and_the_card_the_rest(client, place, table):
    card = gift_card(300)
    add_at_table(client, table, (place.croissant, 2), (place.espresso, 1))

    answer = pay(client, table, gift_card_code=card.code)

    assert answer.status_code == 302, answer.content.decode()
    order = Order.objects.get()
    assert sorted((p.gateway, p.amount) for p in order.payments.all()) == [
        ("gift_card", 300),
        ("test", 450),
    ]
    assert TestCharge.objects.get().amount == 450
    card.refresh_from_db()
    assert card.balance == 0
    assert order.fulfilment.state == FulfilmentState.RESERVED
    assert set(ticket_lines(order)) == {"Kitchen", "Bar"}
    done = client.get(answer.url).content.decode()
    assert f"Paid with the gift card ending {card.code[-4:]}" in done


@pytest.mark.usefixtures("english_shop")
def test_a_gift_card_pays_it_all_without_a_card(client, place, table):
    card = gift_card(1000)
    add_at_table(client, table, (place.croissant, 2))

    answer = pay(client, table, card_token="", gift_card_code=card.code)

    assert answer.status_code == 302, answer.content.decode()
    assert not TestCharge.objects.exists()
    card.refresh_from_db()
    assert card.balance == 500
    assert Order.objects.get().fulfilment.state == FulfilmentState.RESERVED


@pytest.mark.usefixtures("english_shop")
def test_a_gift_card_short_of_the_total_without_a_card_is_refused_and_nothing_happens(
    client, place, table
):
    card = gift_card(100)
    add_at_table(client, table, (place.croissant, 2))

    answer = pay(client, table, card_token="", gift_card_code=card.code)

    assert answer.status_code == 400
    assert "enter your card details for the remaining" in answer.content.decode()
    assert not Order.objects.exists() and not TestCharge.objects.exists()
    card.refresh_from_db()
    assert card.balance == 100


@pytest.mark.usefixtures("english_shop")
def test_paying_without_a_card_asks_for_one(client, place, table):
    add_at_table(client, table, (place.croissant, 1))

    answer = pay(client, table, card_token="")

    assert answer.status_code == 400
    assert "Enter your card details." in answer.content.decode()
    assert not Order.objects.exists()


@pytest.mark.usefixtures("english_shop")
def test_the_express_wallet_pays_a_table_order(client, place, table):
    add_at_table(client, table, (place.espresso, 1))

    answer = pay(client, table, card_token="", wallet_token="wallet_ok")

    assert answer.status_code == 302, answer.content.decode()
    assert TestCharge.objects.get().method == "wallet"
    assert Order.objects.get().source == OrderSource.TABLE


@pytest.mark.usefixtures("english_shop")
def test_a_double_submit_places_and_charges_once(client, place, table):
    add_at_table(client, table, (place.croissant, 1))
    data = pay_form(client, table)
    url = reverse("storefront:table_pay", args=[table.token])
    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Order.objects.count() == TestCharge.objects.count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.usefixtures("english_shop")
def test_a_table_not_taking_orders_says_so_and_takes_nothing(client, place, table):
    add_at_table(client, table, (place.croissant, 1))
    table.is_active = False
    table.save(update_fields=["is_active"])

    page = client.get(menu(table))
    added = client.post(
        reverse("storefront:table_add", args=[table.token]), {"product": place.espresso.slug}
    )
    paid = client.post(reverse("storefront:table_pay", args=[table.token]), {"card_token": "x"})

    assert page.status_code == added.status_code == paid.status_code == 404
    assert "This table is not taking orders right now." in page.content.decode()
    assert not Order.objects.exists() and not TestCharge.objects.exists()


@pytest.mark.usefixtures("english_shop")
def test_a_location_no_longer_offering_table_ordering_takes_no_table_order(client, place, table):
    place.location.fulfilment_types = ["pickup"]
    place.location.save(update_fields=["fulfilment_types"])

    page = client.get(menu(table))

    assert page.status_code == 404
    assert "not taking orders" in page.content.decode()


def test_an_unknown_token_is_not_found(client, table):
    assert (
        client.get(reverse("storefront:table_menu", args=["nope" + table.token])).status_code == 404
    )
    assert client.post(reverse("storefront:table_pay", args=["x" * 30])).status_code == 404


def test_accepting_automatically_is_for_table_orders_only_and_once(place, table):
    site_order = checkout(place.location, [(place.croissant, 1)], fulfilment=PICKUP)
    with pytest.raises(NotFound):
        accept_table_order(order_id=site_order.pk)
    assert site_order.fulfilment.state == FulfilmentState.PROPOSED

    order = checkout(
        place.location,
        [(place.espresso, 1)],
        fulfilment=FulfilmentChoice(type="table", table_label="4"),
        source=OrderSource.TABLE,
    )
    assert accept_table_order(order_id=order.pk) is True
    assert accept_table_order(order_id=order.pk) is False
    assert Ticket.objects.filter(order=order).count() == 1
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_the_menu_is_in_the_shops_language(client, place, table):
    add_at_table(client, table, (place.croissant, 1))
    french = client.get(menu(table)).content.decode()
    shop = get_shop()
    shop.published_language = "en"
    shop.save(update_fields=["published_language"])
    english = client.get(menu(table)).content.decode()

    assert '<html lang="fr">' in french and "Quantité" in french
    assert '<html lang="en">' in english and "Quantity" in english


@pytest.mark.usefixtures("english_shop")
def test_the_menu_reads_the_same_number_of_queries_whatever_it_holds(
    client, place, table, count_queries
):
    add_at_table(client, table, (place.croissant, 1))
    with count_queries() as small:
        assert client.get(menu(table)).status_code == 200

    for name in ("Cookie", "Muffin", "Latte", "Tea"):
        product = stocked(place.location, price=300, stock=5, name_en=name, name_fr=name)
        add_at_table(client, table, (product, 2))
    add_at_table(client, table, (place.espresso, 1), (place.sandwich, 1))
    with count_queries() as large:
        assert client.get(menu(table)).status_code == 200

    assert large.count == small.count, [q["sql"] for q in large.context.captured_queries]
