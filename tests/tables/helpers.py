"""Helpers for the table tests: a table, a shopper's order filled through the table's
menu, the payment form as the menu renders it, and reading a QR code back from pixels."""

from __future__ import annotations

from django.urls import reverse

from comptoir.tables.models import Table
from comptoir.tables.qr import BORDER
from tests.checkout.checkout_helpers import card_token


def make_table(location, label: str = "4", **fields) -> Table:
    return Table.objects.create(location=location, label=label, **fields)


def menu(table: Table) -> str:
    return reverse("storefront:table_menu", args=[table.token])


def add_at_table(client, table: Table, *products_and_quantities) -> None:
    for product, quantity in products_and_quantities:
        answer = client.post(
            reverse("storefront:table_add", args=[table.token]),
            {"product": product.slug, "quantity": quantity},
        )
        assert answer.status_code == 302, answer


def pay_form(client, table: Table, **fields) -> dict:
    """The menu's payment form as rendered (its idempotency key), with ``fields`` typed."""
    page = client.get(menu(table))
    assert page.status_code == 200, page
    data = {
        "idempotency_key": page.context["form"].initial["idempotency_key"],
        "first_name": "",
        "email": "",
        "card_token": card_token(),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def pay(client, table: Table, **fields):
    return client.post(
        reverse("storefront:table_pay", args=[table.token]), pay_form(client, table, **fields)
    )


def read_modules(image, left: int, top: int, scale: int, size: int) -> list[list[bool]]:
    """The dark modules of a ``size`` x ``size`` code drawn at (left, top) with its quiet
    zone, each module ``scale`` pixels: the middle pixel of each module is sampled."""
    grey = image.convert("L")
    return [
        [
            grey.getpixel(
                (
                    left + (BORDER + column) * scale + scale // 2,
                    top + (BORDER + row) * scale + scale // 2,
                )
            )
            < 128
            for column in range(size)
        ]
        for row in range(size)
    ]


def matrix_of(code) -> list[list[bool]]:
    return [[bool(module) for module in row] for row in code.matrix]
