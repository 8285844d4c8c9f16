"""Every gift-card activity and every refusal, through the services."""

import pytest

from comptoir.errors import Conflict, InvalidInput, PermissionDenied
from comptoir.giftcards import services
from comptoir.giftcards.models import (
    ActivityKind,
    AdjustmentReason,
    GiftCard,
    GiftCardActivity,
    GiftCardKind,
    GiftCardState,
)
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory, LocationFactory
from tests.giftcards.conftest import new_code, new_key
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db


def ledger(card):
    return list(
        GiftCardActivity.objects.filter(card=card)
        .order_by("id")
        .values_list("kind", "amount", "balance_after")
    )


def balance(card):
    return GiftCard.objects.get(pk=card.pk).balance


@pytest.fixture
def order(db):
    location = LocationFactory()
    return checkout(location, [(stocked(location, price=1500), 1)], fulfilment=PICKUP)


# --- activate -------------------------------------------------------------------------


def test_staff_activate_a_physical_card_typed_with_spaces_and_dashes(manager):
    customer = CustomerFactory()
    activity = services.activate_physical(
        actor=manager,
        code="abcd-1234 efgh",
        amount=5000,
        idempotency_key="k1",
        customer=customer,
    )
    card = activity.card
    assert card.code == "ABCD1234EFGH"
    assert (card.kind, card.state, card.balance) == (
        GiftCardKind.PHYSICAL,
        GiftCardState.ACTIVE,
        5000,
    )
    assert card.currency == "EUR" and card.customer == customer and card.activated_at
    assert (activity.kind, activity.amount, activity.balance_after) == ("activate", 5000, 5000)
    assert activity.actor == manager


def test_a_pending_card_registered_beforehand_is_activated(manager):
    GiftCard.objects.create(
        code="PRINTED0001", kind=GiftCardKind.PHYSICAL, currency="EUR", state="pending"
    )
    card = services.activate_physical(
        actor=manager, code="printed0001", amount=2000, idempotency_key="k"
    ).card
    assert GiftCard.objects.count() == 1
    assert (card.state, card.balance) == ("active", 2000)


def test_an_active_card_cannot_be_activated_again(manager, active_card):
    card = active_card(1000)
    with pytest.raises(Conflict, match="already active"):
        services.activate_physical(
            actor=manager, code=card.code, amount=2000, idempotency_key=new_key()
        )
    assert ledger(card) == [("activate", 1000, 1000)]


def test_an_issued_code_cannot_be_activated_as_a_physical_card(manager):
    card = services.issue_digital(
        amount=1000, idempotency_key="gift", recipient_name="Lou", recipient_email="lou@example.com"
    ).card
    with pytest.raises(Conflict, match="e-gift card"):
        services.activate_physical(
            actor=manager, code=card.code, amount=2000, idempotency_key=new_key()
        )


@pytest.mark.parametrize("code", ["SHORT12", "WAY-TOO-LONG-FOR-A-CARD-123", "ABCD_1234"])
def test_malformed_physical_codes_are_refused(manager, code):
    with pytest.raises(InvalidInput) as refused:
        services.activate_physical(actor=manager, code=code, amount=1000, idempotency_key="k")
    assert "code" in refused.value.errors
    assert not GiftCard.objects.exists()


def test_activating_needs_the_gift_card_permission(make_member):
    clerk = make_member(permissions=[Permission.MANAGE_ORDERS])
    with pytest.raises(PermissionDenied):
        services.activate_physical(
            actor=clerk, code="ABCD1234EFGH", amount=1000, idempotency_key="k"
        )
    assert not GiftCard.objects.exists()


# --- issue (e-gift) -------------------------------------------------------------------


def test_issue_digital_creates_an_active_card_with_a_random_code(db):
    customer = CustomerFactory()
    activity = services.issue_digital(
        amount=3000,
        idempotency_key="purchase-1",
        recipient_name="Lou",
        recipient_email="lou@example.com",
        sender_name="Camille",
        message="Happy birthday",
        customer=customer,
    )
    card = activity.card
    assert card.kind == GiftCardKind.DIGITAL and card.state == GiftCardState.ACTIVE
    assert len(card.code) == 16 and card.balance == 3000
    assert (card.recipient_name, card.recipient_email, card.customer) == (
        "Lou",
        "lou@example.com",
        customer,
    )
    assert ledger(card) == [("activate", 3000, 3000)]
    assert activity.actor is None


def test_issue_digital_refuses_a_missing_recipient_email(db):
    with pytest.raises(InvalidInput) as refused:
        services.issue_digital(
            amount=3000, idempotency_key="k", recipient_name="Lou", recipient_email="nope"
        )
    assert "recipient_email" in refused.value.errors
    assert not GiftCard.objects.exists()


# --- load, redeem, refund -------------------------------------------------------------


def test_load_adds_to_the_balance(manager, active_card):
    card = active_card(1000)
    activity = services.load(actor=manager, card=card, amount=2500, idempotency_key="load")
    assert (activity.kind, activity.amount, activity.balance_after) == ("load", 2500, 3500)
    assert card.balance == 3500 == balance(card)


def test_partial_redemption_leaves_the_rest(active_card, order):
    card = active_card(5000)
    activity = services.redeem(card=card, amount=1500, order=order, idempotency_key="pay")
    assert (activity.kind, activity.amount, activity.balance_after) == ("redeem", 1500, 3500)
    assert activity.order == order
    assert balance(card) == 3500


def test_redeeming_the_whole_balance_leaves_zero(active_card):
    card = active_card(1500)
    services.redeem(card=card, amount=1500, idempotency_key="all")
    assert balance(card) == 0


def test_redeeming_beyond_the_balance_is_refused(active_card):
    card = active_card(1000)
    with pytest.raises(Conflict, match=r"Only €10\.00 is left on this gift card"):
        services.redeem(card=card, amount=1001, idempotency_key="too-much")
    assert balance(card) == 1000
    assert ledger(card) == [("activate", 1000, 1000)]


def test_refund_returns_an_order_amount_to_the_card(active_card, order):
    card = active_card(5000)
    services.redeem(card=card, amount=1500, order=order, idempotency_key="pay")
    activity = services.refund(card=card, amount=1500, order=order, idempotency_key="refund")
    assert (activity.kind, activity.balance_after, activity.order) == ("refund", 5000, order)
    assert ledger(card)[-1] == ("refund", 1500, 5000)


@pytest.mark.parametrize("amount", [0, -500, 1.5, True])
@pytest.mark.parametrize("operation", ["load", "redeem", "refund", "adjust"])
def test_zero_negative_or_non_integer_amounts_are_refused(
    manager, active_card, order, operation, amount
):
    card = active_card(1000)
    call = {
        "load": lambda: services.load(card=card, amount=amount, idempotency_key="x"),
        "redeem": lambda: services.redeem(card=card, amount=amount, idempotency_key="x"),
        "refund": lambda: services.refund(
            card=card, amount=amount, order=order, idempotency_key="x"
        ),
        "adjust": lambda: services.adjust(
            actor=manager,
            card=card,
            kind=ActivityKind.ADJUST_UP,
            amount=amount,
            reason=AdjustmentReason.COMPLIMENTARY,
            idempotency_key="x",
        ),
    }[operation]
    with pytest.raises(InvalidInput) as refused:
        call()
    assert refused.value.errors == {"amount": "Enter an amount above zero."}
    assert ledger(card) == [("activate", 1000, 1000)]


# --- adjust, clear ----------------------------------------------------------------------


def test_adjust_up_and_down_with_a_reason(manager, active_card):
    card = active_card(1000)
    up = services.adjust(
        actor=manager,
        card=card,
        kind=ActivityKind.ADJUST_UP,
        amount=500,
        reason=AdjustmentReason.COMPLIMENTARY,
        idempotency_key="up",
    )
    down = services.adjust(
        actor=manager,
        card=card,
        kind=ActivityKind.ADJUST_DOWN,
        amount=200,
        reason=AdjustmentReason.BALANCE_ADDED_BY_MISTAKE,
        idempotency_key="down",
    )
    assert (up.balance_after, up.reason) == (1500, "complimentary")
    assert (down.balance_after, down.reason, down.actor) == (
        1300,
        "balance_added_by_mistake",
        manager,
    )


def test_adjusting_down_below_zero_is_refused(manager, active_card):
    card = active_card(1000)
    with pytest.raises(Conflict, match="Only"):
        services.adjust(
            actor=manager,
            card=card,
            kind=ActivityKind.ADJUST_DOWN,
            amount=1001,
            reason=AdjustmentReason.SUSPICIOUS_ACTIVITY,
            idempotency_key="down",
        )
    assert balance(card) == 1000


@pytest.mark.parametrize(
    ("kind", "reason", "message"),
    [
        (ActivityKind.ADJUST_UP, "because", "Choose a reason from the list."),
        (ActivityKind.ADJUST_DOWN, "", "Choose a reason from the list."),
        (
            ActivityKind.ADJUST_UP,
            AdjustmentReason.SUSPICIOUS_ACTIVITY,
            "“Suspicious activity” is not a reason to add to a balance.",
        ),
        (
            ActivityKind.ADJUST_DOWN,
            AdjustmentReason.COMPLIMENTARY,
            "“Complimentary” is not a reason to take from a balance.",
        ),
    ],
)
def test_unknown_or_unfitting_reasons_are_refused(manager, active_card, kind, reason, message):
    card = active_card(1000)
    with pytest.raises(InvalidInput) as refused:
        services.adjust(
            actor=manager, card=card, kind=kind, amount=100, reason=reason, idempotency_key="k"
        )
    assert refused.value.errors == {"reason": message}
    assert ledger(card) == [("activate", 1000, 1000)]


def test_clear_balance_brings_it_to_zero(manager, active_card):
    card = active_card(1234)
    activity = services.clear_balance(
        actor=manager, card=card, reason=AdjustmentReason.SUSPICIOUS_ACTIVITY, idempotency_key="c"
    )
    assert (activity.kind, activity.amount, activity.balance_after) == ("clear_balance", 1234, 0)
    assert balance(card) == 0
    assert GiftCard.objects.get(pk=card.pk).state == GiftCardState.ACTIVE
    with pytest.raises(Conflict, match="already zero"):
        services.clear_balance(actor=manager, card=card, idempotency_key="c2")


@pytest.mark.parametrize("operation", ["adjust", "clear", "deactivate"])
def test_staff_only_activities_need_the_permission(make_member, active_card, operation):
    card = active_card(1000)
    clerk = make_member(permissions=[Permission.MANAGE_ORDERS, Permission.MANAGE_CUSTOMERS])
    with pytest.raises(PermissionDenied):
        if operation == "adjust":
            services.adjust(
                actor=clerk,
                card=card,
                kind=ActivityKind.ADJUST_UP,
                amount=100,
                reason=AdjustmentReason.COMPLIMENTARY,
                idempotency_key="k",
            )
        elif operation == "clear":
            services.clear_balance(actor=clerk, card=card, idempotency_key="k")
        else:
            services.deactivate(actor=clerk, card=card, idempotency_key="k")
    assert ledger(card) == [("activate", 1000, 1000)]
    assert GiftCard.objects.get(pk=card.pk).state == GiftCardState.ACTIVE


# --- deactivate ---------------------------------------------------------------------------


def test_deactivation_is_permanent_and_refuses_every_later_activity(manager, active_card, order):
    card = active_card(1000)
    activity = services.deactivate(actor=manager, card=card, idempotency_key="off")
    assert (activity.kind, activity.amount, activity.balance_after) == ("deactivate", 0, 1000)
    assert card.state == GiftCardState.DEACTIVATED and card.deactivated_at
    attempts = [
        lambda: services.load(card=card, amount=100, idempotency_key="a"),
        lambda: services.redeem(card=card, amount=100, idempotency_key="b"),
        lambda: services.refund(card=card, amount=100, order=order, idempotency_key="c"),
        lambda: services.adjust(
            actor=manager,
            card=card,
            kind=ActivityKind.ADJUST_UP,
            amount=100,
            reason=AdjustmentReason.SUPPORT_ISSUE,
            idempotency_key="d",
        ),
        lambda: services.clear_balance(actor=manager, card=card, idempotency_key="e"),
        lambda: services.deactivate(actor=manager, card=card, idempotency_key="f"),
        lambda: services.activate_physical(
            actor=manager, code=card.code, amount=100, idempotency_key="g"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict, match="deactivated: it can no longer be used"):
            attempt()
    assert ledger(card) == [("activate", 1000, 1000), ("deactivate", 0, 1000)]


def test_a_pending_card_can_only_be_activated(db):
    card = GiftCard.objects.create(code="PENDING001", kind="physical", currency="EUR")
    with pytest.raises(Conflict, match="not activated yet"):
        services.redeem(card=card, amount=100, idempotency_key="k")
    assert not GiftCardActivity.objects.exists()


# --- idempotency --------------------------------------------------------------------------


def test_the_same_key_and_request_returns_the_first_result_without_a_second_row(active_card):
    card = active_card(5000)
    first = services.redeem(card=card, amount=1000, idempotency_key="pay-once")
    services.redeem(card=card, amount=500, idempotency_key="other")
    again = services.redeem(card=card, amount=1000, idempotency_key="pay-once")
    assert again.pk == first.pk and again.balance_after == 4000
    assert balance(card) == 3500
    assert GiftCardActivity.objects.filter(idempotency_key="pay-once").count() == 1


@pytest.mark.parametrize(
    "operation", ["activate", "issue", "load", "adjust", "clear", "deactivate"]
)
def test_every_activity_replays_its_key(manager, active_card, operation):
    card = active_card(1000)
    calls = {
        "activate": lambda: services.activate_physical(
            actor=manager, code="REPLAY0001", amount=100, idempotency_key="same"
        ),
        "issue": lambda: services.issue_digital(
            amount=100, idempotency_key="same", recipient_name="A", recipient_email="a@example.com"
        ),
        "load": lambda: services.load(card=card, amount=100, idempotency_key="same"),
        "adjust": lambda: services.adjust(
            actor=manager,
            card=card,
            kind=ActivityKind.ADJUST_DOWN,
            amount=100,
            reason=AdjustmentReason.SUPPORT_ISSUE,
            idempotency_key="same",
        ),
        "clear": lambda: services.clear_balance(actor=manager, card=card, idempotency_key="same"),
        "deactivate": lambda: services.deactivate(actor=manager, card=card, idempotency_key="same"),
    }
    first = calls[operation]()
    rows, cards = GiftCardActivity.objects.count(), GiftCard.objects.count()
    assert calls[operation]().pk == first.pk
    assert (GiftCardActivity.objects.count(), GiftCard.objects.count()) == (rows, cards)


def test_the_same_key_with_another_request_is_refused(manager, active_card):
    card = active_card(5000)
    other_card = active_card(5000)
    services.redeem(card=card, amount=1000, idempotency_key="pay")
    refusals = [
        lambda: services.redeem(card=card, amount=2000, idempotency_key="pay"),
        lambda: services.redeem(card=other_card, amount=1000, idempotency_key="pay"),
        lambda: services.load(card=card, amount=1000, idempotency_key="pay"),
        lambda: services.deactivate(actor=manager, card=card, idempotency_key="pay"),
        lambda: services.activate_physical(
            actor=manager, code=new_code(), amount=1000, idempotency_key="pay"
        ),
    ]
    for refusal in refusals:
        with pytest.raises(services.IdempotencyConflict) as refused:
            refusal()
        assert "reuses the idempotency key of a different gift card request" in str(refused.value)
        assert refused.value.status == 409
    assert (balance(card), balance(other_card)) == (4000, 5000)
    assert GiftCardActivity.objects.filter(idempotency_key="pay").count() == 1
    assert GiftCard.objects.count() == 2


def test_a_refused_request_does_not_use_up_its_key(active_card):
    card = active_card(1000)
    with pytest.raises(Conflict):
        services.redeem(card=card, amount=5000, idempotency_key="retry")
    services.load(card=card, amount=5000, idempotency_key="top-up")
    assert services.redeem(card=card, amount=5000, idempotency_key="retry").balance_after == 1000


def test_the_ledger_adds_up_to_the_balance(manager, active_card, order):
    card = active_card(5000)
    services.load(card=card, amount=1000, idempotency_key="1")
    services.redeem(card=card, amount=2500, order=order, idempotency_key="2")
    services.refund(card=card, amount=500, order=order, idempotency_key="3")
    services.adjust(
        actor=manager,
        card=card,
        kind=ActivityKind.ADJUST_DOWN,
        amount=300,
        reason=AdjustmentReason.PURCHASE_REFUNDED,
        idempotency_key="4",
    )
    rows = GiftCardActivity.objects.filter(card=card).order_by("id")
    total = sum(-a.amount if a.is_debit else a.amount for a in rows)
    assert total == balance(card) == 3700 == rows.last().balance_after
