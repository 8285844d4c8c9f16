"""Balance checks and redemptions by code are braked against guessing: 10 unknown
codes from one address within 15 minutes, then "try again after HH:MM"."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from comptoir.accounts.services.attempts import TooManyAttempts
from comptoir.errors import NotFound
from comptoir.giftcards import guessing
from comptoir.giftcards.models import CodeLookupFailure, GiftCard
from comptoir.shop.selectors import get_shop

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"
START = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)  # 12:00 in Paris (summer time)


def guess(n: int, ip: str = IP) -> None:
    with pytest.raises(NotFound, match="No gift card has this code"):
        guessing.check_balance(code=f"GUESS{n:08d}", ip_address=ip)


def test_a_known_code_shows_its_balance(active_card):
    card = active_card(4200)
    found = guessing.check_balance(code=card.code.lower(), ip_address=IP)
    assert (found.balance, found.currency, found.state) == (4200, "EUR", "active")
    assert not CodeLookupFailure.objects.exists()


def test_ten_unknown_codes_then_every_lookup_is_refused_until_the_window_passes(active_card):
    card = active_card(4200)
    get_shop()
    with time_machine.travel(START, tick=False) as clock:
        for n in range(9):
            guess(n)
            clock.shift(timedelta(seconds=30))
        guess(9)  # the 10th failure, at 10:04:30 UTC
        with pytest.raises(TooManyAttempts) as refused:
            guessing.check_balance(code=card.code, ip_address=IP)  # even a real code
        # The first failure (12:00 Paris) leaves the window at 12:15.
        assert str(refused.value) == "Too many attempts. Try again after 12:15 (in 11 minutes)."
        assert refused.value.status == 429
        with pytest.raises(TooManyAttempts):
            guessing.redeem_by_code(
                code=card.code, ip_address=IP, amount=100, idempotency_key="checkout"
            )
        assert CodeLookupFailure.objects.count() == 10  # refusals are not counted
        # Another address is not concerned.
        assert guessing.check_balance(code=card.code, ip_address="198.51.100.1").balance == 4200

        clock.move_to(START + timedelta(minutes=15, seconds=1))
        assert guessing.check_balance(code=card.code, ip_address=IP).balance == 4200
    assert GiftCard.objects.get(pk=card.pk).balance == 4200


def test_redemption_attempts_with_unknown_codes_count_too(active_card):
    card = active_card(4200)
    for n in range(10):
        with pytest.raises(NotFound):
            guessing.redeem_by_code(
                code=f"NOPE{n:08d}", ip_address=IP, amount=100, idempotency_key=f"k{n}"
            )
    with pytest.raises(TooManyAttempts):
        guessing.redeem_by_code(code=card.code, ip_address=IP, amount=100, idempotency_key="ok")
    assert GiftCard.objects.get(pk=card.pk).balance == 4200


def test_redeem_by_code_redeems_a_known_code(active_card):
    card = active_card(4200)
    activity = guessing.redeem_by_code(
        code=f" {card.code[:4]}-{card.code[4:]} ", ip_address=IP, amount=200, idempotency_key="k"
    )
    assert activity.balance_after == 4000


def test_failures_older_than_the_window_are_forgotten(db):
    with time_machine.travel(START, tick=False) as clock:
        for n in range(9):
            guess(n)
        clock.shift(timedelta(minutes=16))
        guess(100)
        assert guessing.blocked_until(IP) is None
        assert CodeLookupFailure.objects.count() == 1
