"""Helpers for the orders tests: a stocked location and a checkout that pays exactly."""

from __future__ import annotations

import itertools

from comptoir.orders.services import Contact, FulfilmentChoice, place_order
from comptoir.payments.gateways.base import CardDetails, PaymentResult
from tests.factories import AvailabilityFactory, LocationFactory, ProductFactory

_references = itertools.count(1)


def stocked(location=None, *, price=250, stock=10, **product_fields):
    """A product sold at ``location`` with ``stock`` counted (None: not counted)."""
    location = location or LocationFactory()
    product = ProductFactory(price=price, **product_fields)
    AvailabilityFactory(product=product, location=location, stock=stock)
    return product


def paid(amount: int, currency: str = "EUR") -> PaymentResult:
    return PaymentResult(
        gateway="test",
        account="test-account",
        reference=f"ch_test_{next(_references)}",
        amount=amount,
        currency=currency,
        method="card",
        card=CardDetails(token="tok_x", brand="visa", last4="4242", exp_month=12, exp_year=2040),
    )


def checkout(
    location,
    lines,
    *,
    key: str | None = None,
    email: str = "camille@example.com",
    amount: int | None = None,
    fulfilment: FulfilmentChoice | None = None,
    payment: PaymentResult | None = None,
    **kwargs,
):
    """place_order as the checkout calls it, paid exactly unless ``amount`` says otherwise."""
    if amount is None:
        amount = sum(p.price * q for p, q in lines) + (fulfilment.fee if fulfilment else 0)
    contact = kwargs.pop("contact", None) or Contact(
        email=email, first_name="Camille", last_name="Martin"
    )
    return place_order(
        idempotency_key=key or f"key-{next(_references)}",
        location=location,
        lines=lines,
        contact=contact,
        fulfilment=fulfilment,
        payment=payment or paid(amount),
        language=kwargs.pop("language", "fr"),
        **kwargs,
    )


PICKUP = FulfilmentChoice(type="pickup")
