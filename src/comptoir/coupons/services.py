"""Coupons created from a customer's conversation and sent to them as a marketing
message (their use at checkout is ``coupons.redemption``).

``create_and_send_coupon`` writes the coupon and its message in one transaction: when
the message is refused (a text to a number without the marketing double opt-in, an
email to a customer who does not accept promotional email, missing contact details),
nothing is left behind and the reason reaches the member."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from comptoir.coupons.codes import display, new_code
from comptoir.coupons.models import Coupon, CouponKind
from comptoir.coupons.redemption import last_valid_day
from comptoir.customers.models import Customer
from comptoir.errors import InvalidInput
from comptoir.messaging.models import MessageKind
from comptoir.messaging.services import send_message
from comptoir.shop.links import absolute_url, public_base
from comptoir.shop.money import format_money
from comptoir.shop.selectors import get_shop, language_for
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

MAX_AMOUNT = 1_000_00  # minor units: a typo guard, not a policy
MAX_VALIDITY = timedelta(days=3 * 366)


def create_and_send_coupon(
    *,
    actor: TeamMember,
    customer: Customer,
    channel: str,
    kind: CouponKind | str,
    valid_until: date,
    amount_off: int = 0,
    percent_off: int = 0,
) -> Coupon:
    """A new single-use coupon for ``customer``, sent to them on ``channel`` as a
    marketing message (``MessageKind.COUPON``). It is valid until the end of
    ``valid_until`` in the shop's time zone. Raises InvalidInput (fields ``amount_off``,
    ``percent_off``, ``valid_until``) or the refusal of ``messaging.services.send_message``
    (nothing is created then)."""
    require(actor, Permission.MESSAGE_CUSTOMERS)
    shop = get_shop()
    kind = CouponKind(kind)
    _check_value(kind, amount_off, percent_off)
    expires_at = _end_of_day(valid_until, shop.time_zone)
    now = timezone.now()
    if expires_at <= now:
        raise InvalidInput({"valid_until": _("Choose a date from today on.")}, code="past_date")
    if expires_at - now > MAX_VALIDITY:
        raise InvalidInput(
            {"valid_until": _("A coupon is valid for three years at most.")}, code="too_long"
        )
    with transaction.atomic():
        coupon = Coupon.objects.create(
            code=new_code(),
            customer=customer,
            kind=kind,
            amount_off=amount_off if kind == CouponKind.AMOUNT else 0,
            percent_off=percent_off if kind == CouponKind.PERCENT else 0,
            currency=shop.currency.upper(),
            expires_at=expires_at,
            created_by=actor,
            created_at=now,
        )
        language = language_for(shop, customer.language)
        message = send_message(
            actor=actor,
            customer=customer,
            channel=channel,
            body=coupon_text(coupon, language=language, shop_name=shop.name),
            subject=coupon_subject(coupon, language=language, shop_name=shop.name),
            kind=MessageKind.COUPON,
            is_marketing=True,
        )
        coupon.message = message
        coupon.save(update_fields=["message"])
    return coupon


def coupon_value(coupon: Coupon, language: str) -> str:
    """ "€10.00" or "15 %", as the customer reads it."""
    if coupon.kind == CouponKind.PERCENT:
        return f"{coupon.percent_off}\u00a0%" if language == "fr" else f"{coupon.percent_off}%"
    return format_money(coupon.amount_off, coupon.currency, language)


def coupon_subject(coupon: Coupon, *, language: str, shop_name: str) -> str:
    with translation.override(language):
        return _("%(value)s off your next order at %(shop)s") % {
            "value": coupon_value(coupon, language),
            "shop": shop_name,
        }


def coupon_text(coupon: Coupon, *, language: str, shop_name: str) -> str:
    """The message carrying the code, in ``language`` (short enough for a text)."""
    public = public_base()
    with translation.override(language):
        until = formats.date_format(last_valid_day(coupon), "DATE_FORMAT")
        values = {
            "shop": shop_name,
            "value": coupon_value(coupon, language),
            "code": display(coupon.code),
            "date": until,
            "link": absolute_url(reverse("storefront:home")),
        }
        if public:
            return (
                _(
                    "%(shop)s: %(value)s off your next order with the code %(code)s, "
                    "valid once until %(date)s. Enter it at checkout: %(link)s"
                )
                % values
            )
        return (
            _(
                "%(shop)s: %(value)s off your next order with the code %(code)s, "
                "valid once until %(date)s. Enter it at checkout."
            )
            % values
        )


def _check_value(kind: CouponKind, amount_off: int, percent_off: int) -> None:
    if kind == CouponKind.AMOUNT and not 0 < amount_off <= MAX_AMOUNT:
        raise InvalidInput(
            {
                "amount_off": _("Enter an amount above zero and up to %(max)s.")
                % {"max": format_money(MAX_AMOUNT, get_shop().currency, _language())}
            },
            code="invalid_amount",
        )
    if kind == CouponKind.PERCENT and not 1 <= percent_off <= 100:
        raise InvalidInput(
            {"percent_off": _("Enter a percentage from 1 to 100.")}, code="invalid_percent"
        )


def _language() -> str:
    return (translation.get_language() or "fr")[:2]


def _end_of_day(day: date, time_zone: str) -> datetime:
    """The first instant after ``day`` in the shop's zone: the coupon is valid all that day."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(time_zone))
