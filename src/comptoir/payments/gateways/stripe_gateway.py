"""Stripe, through the official ``stripe`` library (PaymentIntents, and PaymentMethods
attached to a Customer for saved cards).

Card numbers never reach Comptoir: the shopper's browser turns them into a PaymentMethod
with Stripe.js, and Comptoir receives only its id (``pm_…``) as the card token. Stripe's
refusals become ``PaymentFailed`` with our own shopper-facing, translated messages;
logs name the Stripe error class, code and request id, never card data.

``STRIPE_API_BASE`` points the client somewhere else than api.stripe.com (the tests run
it against a loopback stand-in)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comptoir.errors import Conflict
from comptoir.payments.gateways import failures
from comptoir.payments.gateways.base import UNAVAILABLE, CardDetails, PaymentFailed, PaymentResult

if TYPE_CHECKING:
    from stripe.params import PaymentIntentCreateParams

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_API_BASE = "https://api.stripe.com"
# Retries are safe: every write carries an idempotency key (ours, or the library's own).
NETWORK_RETRIES = 2
TIMEOUT_SECONDS = (5.0, 30.0)  # connect, read

# The account behind each key, looked up once per process: it never changes for a key.
_ACCOUNTS: dict[tuple[str, str], str] = {}

INVALID_CARD_CODES = {
    "expired_card": _("This card has expired."),
    "incorrect_cvc": _("The security code is not right. Check it and try again."),
    "invalid_cvc": _("The security code is not right. Check it and try again."),
    "incorrect_number": _("This card number is not valid. Check the digits."),
    "invalid_number": _("This card number is not valid. Check the digits."),
    "invalid_expiry_month": _("The expiry date is not valid."),
    "invalid_expiry_year": _("The expiry date is not valid."),
}


class StripeGateway:
    name = "stripe"
    can_save_cards = True

    def __init__(
        self,
        *,
        secret_key: str,
        api_base: str = DEFAULT_API_BASE,
        network_retries: int = NETWORK_RETRIES,
    ) -> None:
        if not secret_key:
            raise ValueError("StripeGateway needs a secret key (STRIPE_SECRET_KEY).")
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base},
            max_network_retries=network_retries,
            http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
        )
        self._account_key = (hashlib.sha256(secret_key.encode()).hexdigest(), api_base)

    @classmethod
    def from_settings(cls) -> StripeGateway:
        return cls(secret_key=settings.STRIPE_SECRET_KEY, api_base=settings.STRIPE_API_BASE)

    @property
    def account(self) -> str:
        """The Stripe account id (``acct_…``) the key belongs to."""
        account = _ACCOUNTS.get(self._account_key)
        if account is None:
            account = self._call(lambda: self._client.v1.accounts.retrieve_current()).id
            _ACCOUNTS[self._account_key] = account
        return account

    def charge(
        self,
        *,
        amount: int,
        currency: str,
        card_token: str,
        idempotency_key: str,
        customer_reference: str | None = None,
    ) -> PaymentResult:
        return self._pay(
            amount=amount,
            currency=currency,
            payment_method=card_token,
            idempotency_key=idempotency_key,
            customer_reference=customer_reference,
            method="card",
        )

    def charge_wallet(
        self, *, amount: int, currency: str, wallet_token: str, idempotency_key: str
    ) -> PaymentResult:
        # Apple Pay / Google Pay reach Stripe as a card PaymentMethod made by the
        # browser's payment sheet; what sets it apart for us is that it is never saved.
        return self._pay(
            amount=amount,
            currency=currency,
            payment_method=wallet_token,
            idempotency_key=idempotency_key,
            customer_reference=None,
            method="wallet",
        )

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> str:
        try:
            refund = self._client.v1.refunds.create(
                params={"payment_intent": reference, "amount": amount},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.InvalidRequestError as error:
            _log(error)
            raise Conflict(
                _("Stripe refused this refund: it may exceed what is left of the payment.")
            ) from None
        except stripe.StripeError as error:
            raise _failure(error) from None
        return refund.id

    def save_card(
        self, *, card_token: str, customer_reference: str | None
    ) -> tuple[CardDetails, str]:
        customer = customer_reference
        if customer is None:
            # Keyed on the card, so a retried save makes one Stripe customer, not two.
            customer = self._call(
                lambda: self._client.v1.customers.create(
                    params={}, options={"idempotency_key": f"comptoir-customer-{card_token}"}
                )
            ).id
        method = self._call(
            lambda: self._client.v1.payment_methods.attach(
                card_token, params={"customer": customer}
            )
        )
        return _card_details(method), customer

    def delete_card(self, *, card_token: str) -> None:
        try:
            self._client.v1.payment_methods.detach(card_token)
        except stripe.InvalidRequestError as error:
            # Already detached or gone: the card is not kept any more, which is the aim.
            logger.info(
                "Stripe detach of a card answered %s (request %s)", error.code, error.request_id
            )
        except stripe.StripeError as error:
            raise _failure(error) from None

    def _pay(
        self,
        *,
        amount: int,
        currency: str,
        payment_method: str,
        idempotency_key: str,
        customer_reference: str | None,
        method: str,
    ) -> PaymentResult:
        if amount <= 0:
            raise ValueError("A charge must be for a positive amount (minor units).")
        params: PaymentIntentCreateParams = {
            "amount": amount,
            "currency": currency.lower(),
            "payment_method": payment_method,
            # Confirmed here, server side: no redirect-based methods, which would need
            # a return address the shopper comes back to.
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
            "confirm": True,
            "expand": ["payment_method"],
        }
        if customer_reference:
            params["customer"] = customer_reference
        account = self.account
        intent = self._call(
            lambda: self._client.v1.payment_intents.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        )
        if intent.status != "succeeded":
            logger.warning("Stripe payment %s left in status %s", intent.id, intent.status)
            if intent.status == "requires_action":
                raise failures.authentication_required()
            raise failures.declined()
        card = None
        if method == "card":
            used = intent.payment_method
            if used is None:
                raise failures.declined()
            if isinstance(used, str):
                method_id = used
                used = self._call(lambda: self._client.v1.payment_methods.retrieve(method_id))
            card = _card_details(used)
        return PaymentResult(
            gateway=self.name,
            account=account,
            reference=intent.id,
            amount=intent.amount,
            currency=intent.currency.upper(),
            method=method,
            card=card,
        )

    def _call(self, request: Callable[[], T]) -> T:
        try:
            return request()
        except stripe.StripeError as error:
            raise _failure(error) from None


def _card_details(method: Any) -> CardDetails:
    card = method.card
    if card is None:
        raise failures.card_unavailable()
    return CardDetails(
        token=method.id,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
    )


def _failure(error: stripe.StripeError) -> PaymentFailed:
    """Our refusal for a Stripe error."""
    _log(error)
    if isinstance(error, stripe.CardError):
        body = error.json_body.get("error", {}) if isinstance(error.json_body, dict) else {}
        if body.get("decline_code") == "insufficient_funds" or error.code == "insufficient_funds":
            return failures.insufficient_funds()
        if error.code in INVALID_CARD_CODES:
            return failures.invalid_card(INVALID_CARD_CODES[error.code])
        if error.code == "authentication_required":
            return failures.authentication_required()
        return failures.declined()
    if isinstance(error, stripe.APIConnectionError):
        return failures.unreachable()
    if isinstance(error, stripe.InvalidRequestError) and error.code == "resource_missing":
        # A card token from another Stripe account, or a card deleted at Stripe.
        return failures.card_unavailable()
    # Keys, permissions, rate limits, Stripe's own outages: nothing the shopper can fix.
    return PaymentFailed(UNAVAILABLE, code="gateway_unreachable")


def _log(error: stripe.StripeError) -> None:
    level = logging.INFO if isinstance(error, stripe.CardError) else logging.WARNING
    logger.log(
        level,
        "Stripe refused a request: %s code=%s status=%s request=%s",
        type(error).__name__,
        error.code,
        error.http_status,
        error.request_id,
    )
