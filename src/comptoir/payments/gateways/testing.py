"""The built-in test gateway: takes no real money and needs no account, so a new shop
can run its whole checkout before connecting Stripe.

Test card numbers (any future expiry, any 3-4 digit security code):

==================  ==========  ================================================
number              brand       outcome
==================  ==========  ================================================
4242 4242 4242 4242 visa        approves
5555 5555 5555 4444 mastercard  approves
3782 822463 10005   amex        approves (4-digit security code)
4000 0000 0000 0002 visa        declined
4000 0000 0000 9995 visa        declined: insufficient funds
4000 0000 0000 0119 visa        fails at the network (``gateway_unreachable``)
==================  ==========  ================================================

Any other number is refused as not a test card, like Stripe's test mode does.
Express wallet tokens: ``wallet_ok`` approves, ``wallet_declined`` declines.

``tokenize_test_card`` plays the part of the processor's card form: it checks the
card and returns an opaque ``tok_test_…`` token. Only the brand, last four digits,
expiry and outcome are remembered (in ``TestCardToken`` rows, so the web and worker
processes agree); the number and security code are dropped there and then.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Mapping
from contextlib import nullcontext

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.compiled_insert import insert
from comptoir.compiled_read import CompiledRead
from comptoir.errors import Conflict, NotFound
from comptoir.payments.gateways import failures
from comptoir.payments.gateways.base import CardDetails, PaymentFailed, PaymentResult
from comptoir.payments.models import TestCardToken, TestCharge, TestOutcome, TestRefund

logger = logging.getLogger(__name__)

TEST_CARDS: dict[str, tuple[str, TestOutcome]] = {
    "4242424242424242": ("visa", TestOutcome.APPROVE),
    "5555555555554444": ("mastercard", TestOutcome.APPROVE),
    "378282246310005": ("amex", TestOutcome.APPROVE),
    "4000000000000002": ("visa", TestOutcome.DECLINE),
    "4000000000009995": ("visa", TestOutcome.INSUFFICIENT_FUNDS),
    "4000000000000119": ("visa", TestOutcome.NETWORK_FAILURE),
}
WALLET_APPROVES = "wallet_ok"
WALLET_DECLINES = "wallet_declined"


class InvalidTestCard(PaymentFailed):
    """Card details the test gateway refuses, one message per field ("number",
    "expiry", "cvc") so a form can show each beside its input."""

    code = "invalid_card"

    def __init__(self, errors: Mapping[str, str | Promise]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(str(message) for message in self.errors.values()))


def tokenize_test_card(number: str, exp_month: int | str, exp_year: int | str, cvc: str) -> str:
    """Check a test card and return its token; raises ``InvalidTestCard``."""
    digits = "".join(str(number).split()).replace("-", "")
    errors: dict[str, str | Promise] = {}
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not luhn_valid(digits):
        errors["number"] = _("This card number is not valid. Check the digits.")
    elif digits not in TEST_CARDS:
        errors["number"] = _(
            "This shop takes test payments only: use a test card such as 4242 4242 4242 4242."
        )
    expiry = _expiry(exp_month, exp_year)
    if expiry is None:
        errors["expiry"] = _("Give the expiry month (1 to 12) and year shown on the card.")
    elif _expired(*expiry):
        errors["expiry"] = _("This card has expired.")
    cvc = str(cvc).strip()
    if not (cvc.isdigit() and len(cvc) in (3, 4)):
        errors["cvc"] = _("The security code is the 3 or 4 digits on the card.")
    if errors:
        raise InvalidTestCard(errors)
    assert expiry is not None
    brand, outcome = TEST_CARDS[digits]
    token = TestCardToken.objects.create(
        token=f"tok_test_{secrets.token_hex(12)}",
        brand=brand,
        last4=digits[-4:],
        exp_month=expiry[0],
        exp_year=expiry[1],
        outcome=outcome,
    )
    logger.info("Test card tokenized: %s ending %s", brand, token.last4)
    return token.token


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


class TestGateway:
    __test__ = False  # not a pytest test class, whatever its name

    name = "test"
    account = "test"
    can_save_cards = True

    def charge(
        self,
        *,
        amount: int,
        currency: str,
        card_token: str,
        idempotency_key: str,
        customer_reference: str | None = None,
    ) -> PaymentResult:
        _check_amount(amount)
        existing = _charge_with_key.first(idempotency_key)
        if existing is not None:
            return self._replay(existing, amount=amount, currency=currency)
        card = _card_token.first(card_token)
        if card is None or (
            card.customer_reference and card.customer_reference != customer_reference
        ):
            # Unknown, deleted, or a saved card charged without its own customer.
            raise failures.card_unavailable()
        _raise_for(card.outcome)
        return self._record(
            idempotency_key=idempotency_key,
            amount=amount,
            currency=currency,
            method="card",
            card=card,
        )

    def charge_wallet(
        self, *, amount: int, currency: str, wallet_token: str, idempotency_key: str
    ) -> PaymentResult:
        _check_amount(amount)
        existing = _charge_with_key.first(idempotency_key)
        if existing is not None:
            return self._replay(existing, amount=amount, currency=currency)
        if wallet_token == WALLET_DECLINES:
            raise failures.declined()
        if wallet_token != WALLET_APPROVES:
            raise failures.card_unavailable()
        return self._record(
            idempotency_key=idempotency_key,
            amount=amount,
            currency=currency,
            method="wallet",
            card=None,
        )

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> str:
        with transaction.atomic():
            charge = TestCharge.objects.select_for_update().filter(reference=reference).first()
            if charge is None:
                raise NotFound(_("No such payment at the test gateway."))
            # Looked up under the charge's lock, so a retried refund cannot pass twice.
            done = TestRefund.objects.filter(idempotency_key=idempotency_key).first()
            if done is not None:
                if done.charge_id != charge.pk or done.amount != amount:
                    raise Conflict(_("This refund key was already used for another refund."))
                return done.reference
            if amount <= 0 or amount > charge.amount - charge.refunded_amount:
                raise Conflict(_("A refund cannot exceed what is left of the payment."))
            TestCharge.objects.filter(pk=charge.pk).update(
                refunded_amount=F("refunded_amount") + amount
            )
            refund = TestRefund.objects.create(
                reference=f"re_test_{secrets.token_hex(12)}",
                idempotency_key=idempotency_key,
                charge=charge,
                amount=amount,
            )
        return refund.reference

    def save_card(
        self, *, card_token: str, customer_reference: str | None
    ) -> tuple[CardDetails, str]:
        card = TestCardToken.objects.filter(token=card_token, customer_reference="").first()
        if card is None or not card_token.startswith("tok_test_"):
            raise failures.card_unavailable()
        # As at a real processor, keeping a card checks it with the bank: a declined
        # card is refused, one short of funds is kept (and declines when charged).
        if card.outcome == TestOutcome.DECLINE:
            raise failures.declined()
        if card.outcome == TestOutcome.NETWORK_FAILURE:
            raise failures.unreachable()
        customer = customer_reference or f"cus_test_{secrets.token_hex(12)}"
        saved = TestCardToken.objects.create(
            token=f"card_test_{secrets.token_hex(12)}",
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            outcome=card.outcome,
            customer_reference=customer,
        )
        return _details(saved), customer

    def delete_card(self, *, card_token: str) -> None:
        # Deleting a card that is already gone succeeds: account deletion may retry.
        TestCardToken.objects.filter(token=card_token).exclude(customer_reference="").delete()

    def _record(
        self,
        *,
        idempotency_key: str,
        amount: int,
        currency: str,
        method: str,
        card: TestCardToken | None,
    ) -> PaymentResult:
        try:
            # The caller looked the key up already: insert at once, and only read the
            # winner's charge back when a concurrent retry with the same key got there first.
            # A savepoint only inside a transaction (a refused INSERT must leave it usable);
            # outside one the INSERT commits on its own, without a BEGIN and COMMIT.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                charge = insert(
                    TestCharge(
                        idempotency_key=idempotency_key,
                        reference=f"ch_test_{secrets.token_hex(12)}",
                        amount=amount,
                        currency=currency.upper(),
                        method=method,
                        card_token=card.token if card else "",
                        card_brand=card.brand if card else "",
                        card_last4=card.last4 if card else "",
                        card_exp_month=card.exp_month if card else None,
                        card_exp_year=card.exp_year if card else None,
                    )
                )
        except IntegrityError:
            charge = TestCharge.objects.get(idempotency_key=idempotency_key)
            return self._replay(charge, amount=amount, currency=currency)
        return self._result(charge)

    def _replay(self, charge: TestCharge, *, amount: int, currency: str) -> PaymentResult:
        if charge.amount != amount or charge.currency != currency.upper():
            raise Conflict(_("This payment key was already used for a different amount."))
        return self._result(charge)

    def _result(self, charge: TestCharge) -> PaymentResult:
        card = None
        if charge.method == "card":
            card = CardDetails(
                token=charge.card_token,
                brand=charge.card_brand,
                last4=charge.card_last4,
                exp_month=charge.card_exp_month or 0,
                exp_year=charge.card_exp_year or 0,
            )
        return PaymentResult(
            gateway=self.name,
            account=self.account,
            reference=charge.reference,
            amount=charge.amount,
            currency=charge.currency,
            method=charge.method,
            card=card,
        )


# Read on every charge (the bench's placing request): compiled once per process.
_charge_with_key = CompiledRead(
    lambda key: TestCharge.objects.filter(idempotency_key=key),
    placeholder="compiled-read-placeholder",
)
_card_token = CompiledRead(
    lambda token: TestCardToken.objects.filter(token=token),
    placeholder="compiled-read-placeholder",
)


def _details(card: TestCardToken) -> CardDetails:
    return CardDetails(
        token=card.token,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
    )


def _raise_for(outcome: str) -> None:
    if outcome == TestOutcome.DECLINE:
        raise failures.declined()
    if outcome == TestOutcome.INSUFFICIENT_FUNDS:
        raise failures.insufficient_funds()
    if outcome == TestOutcome.NETWORK_FAILURE:
        raise failures.unreachable()


def _check_amount(amount: int) -> None:
    if amount <= 0:
        raise ValueError("A charge must be for a positive amount (minor units).")


def _expiry(exp_month: int | str, exp_year: int | str) -> tuple[int, int] | None:
    try:
        month, year = int(str(exp_month).strip()), int(str(exp_year).strip())
    except ValueError:
        return None
    if year < 100:  # "28" on the card means 2028
        year += 2000
    if not 1 <= month <= 12 or not 2000 <= year <= 2099:
        return None
    return month, year


def _expired(month: int, year: int) -> bool:
    # A card is good through the last day of its expiry month.
    today = timezone.now().date()
    first_after = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return today >= first_after
