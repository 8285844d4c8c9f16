"""Coupons at checkout: ``coupon_tender`` checks the typed code before anything is
charged and says what it takes off; ``redeem`` then marks it used inside the order's
transaction with one conditional UPDATE (still unused, not expired): of two checkouts
using the same code at once, the second one's UPDATE waits for the first's commit, then
matches no row, and that order is refused (its charge refunded by ``checkout.placing``).

Codes are 12 characters of a 31-letter alphabet: unlike gift-card codes, lookups are
not braked (guessing one of a few thousand live coupons among 8 * 10**17 is hopeless)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comptoir.coupons.codes import normalise
from comptoir.coupons.models import Coupon
from comptoir.errors import InvalidInput
from comptoir.orders.models import Order
from comptoir.shop.selectors import get_shop


@dataclass(frozen=True)
class CouponTender:
    """What a valid coupon takes off this checkout (minor units)."""

    coupon: Coupon
    amount: int


def coupon_tender(*, code: str, amount_due: int, items_subtotal: int) -> CouponTender:
    """The coupon typed at checkout and what it takes off ``amount_due`` (a percentage
    counts the items, ``items_subtotal``, not the fees). Refuses unknown, used, expired
    and other-currency codes with InvalidInput on the ``coupon_code`` field."""
    normalised = normalise(code)
    coupon = Coupon.objects.filter(code=normalised).first() if normalised else None
    if coupon is None:
        raise _refused(_("No coupon has this code. Check it and try again."), "unknown_coupon")
    if coupon.is_redeemed:
        raise _refused(_("This coupon has already been used."), "coupon_used")
    if coupon.is_expired():
        day = formats.date_format(last_valid_day(coupon), "DATE_FORMAT")
        raise _refused(_("This coupon expired on %(date)s.") % {"date": day}, "coupon_expired")
    if coupon.currency.upper() != get_shop().currency.upper():
        raise _refused(_("This coupon is in another currency."), "coupon_currency")
    return CouponTender(
        coupon=coupon,
        amount=coupon.discount_on(amount_due=amount_due, items_subtotal=items_subtotal),
    )


def redeem(*, coupon_id: int, order: Order, amount: int) -> None:
    """Mark the coupon used by ``order`` (inside the order's transaction). One UPDATE
    with the conditions in its WHERE: a coupon used or expired meanwhile matches no row
    and the order is refused, so a code is never used twice."""
    now = timezone.now()
    used = Coupon.objects.filter(pk=coupon_id, redeemed_at__isnull=True, expires_at__gt=now).update(
        redeemed_at=now, redeemed_order=order, amount_applied=amount
    )
    if used != 1:
        raise _refused(
            _("This coupon has just been used or has expired: it can no longer be used."),
            "coupon_used",
        )


def _refused(message: str, code: str) -> InvalidInput:
    return InvalidInput({"coupon_code": message}, code=code)


def last_valid_day(coupon: Coupon) -> date:
    """The last day the coupon can be used, in the shop's time zone."""
    zone = ZoneInfo(get_shop().time_zone)
    return (coupon.expires_at.astimezone(zone) - timedelta(microseconds=1)).date()
