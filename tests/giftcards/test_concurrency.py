"""Two checkouts redeeming the same card at once never take it below zero
(PostgreSQL, threads on their own connections)."""

import pytest

from comptoir.giftcards import services
from comptoir.giftcards.models import GiftCard, GiftCardActivity
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import TeamMemberFactory


def _card(amount: int) -> GiftCard:
    get_shop()
    manager = TeamMemberFactory(permissions=[Permission.MANAGE_GIFT_CARDS])
    return services.activate_physical(
        actor=manager, code="RACE00000001", amount=amount, idempotency_key="activate"
    ).card


def _redeem(card: GiftCard, amount: int, key: str) -> str:
    activity = services.redeem(
        card=GiftCard.objects.get(pk=card.pk), amount=amount, idempotency_key=key
    )
    return f"redeemed, {activity.balance_after} left"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_redemptions_at_once_one_is_refused_and_the_balance_never_goes_negative():
    skip_unless_postgres()
    card = _card(1000)

    outcomes = run_at_once(2, lambda n: _redeem(card, 600, f"checkout-{n}"))

    # Threads do not share the test's language: the amount reads "4,00 €" or "€4.00".
    refused = [o for o in outcomes if o != "redeemed, 400 left"]
    assert len(refused) == 1 and "redeemed, 400 left" in outcomes, outcomes
    assert refused[0].startswith("Conflict('Only ") and "4" in refused[0], outcomes
    assert refused[0].endswith(" is left on this gift card.')"), outcomes
    assert GiftCard.objects.get(pk=card.pk).balance == 400
    assert GiftCardActivity.objects.filter(kind="redeem").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_redemptions_at_once_take_exactly_what_the_card_holds():
    skip_unless_postgres()
    card = _card(1000)

    outcomes = run_at_once(6, lambda n: _redeem(card, 300, f"checkout-{n}"))

    assert sum(1 for o in outcomes if str(o).startswith("redeemed")) == 3, outcomes
    assert sum(1 for o in outcomes if str(o).startswith("Conflict(")) == 3, outcomes
    assert GiftCard.objects.get(pk=card.pk).balance == 100
    balances = GiftCardActivity.objects.filter(kind="redeem").values_list(
        "balance_after", flat=True
    )
    assert sorted(balances) == [100, 400, 700]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_redemption_sent_twice_at_once_is_applied_once():
    skip_unless_postgres()
    card = _card(1000)

    outcomes = run_at_once(3, lambda n: _redeem(card, 600, "same-checkout"))

    assert outcomes == ["redeemed, 400 left"] * 3, outcomes
    assert GiftCard.objects.get(pk=card.pk).balance == 400
    assert GiftCardActivity.objects.filter(kind="redeem").count() == 1
