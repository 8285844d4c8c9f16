"""The gift-card pages of the dashboard, over HTTP."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.giftcards import services
from comptoir.giftcards.models import GiftCard, GiftCardActivity
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/dashboard/giftcards/"


def url(name: str) -> str:
    return reverse(f"dashboard:{name}")


def card_page(card) -> str:
    return f"{url('giftcard_detail')}?card={card.pk}"


def form_key(response, action: str) -> str:
    """The idempotency key of the form posting to ``action`` on the page."""
    html = response.content.decode()
    form = html[html.index(f'action="{action}"') :]
    return re.search(r'name="key" value="([0-9a-f]+)"', form).group(1)


def ledger(card):
    return list(
        GiftCardActivity.objects.filter(card=card)
        .order_by("id")
        .values_list("kind", "amount", "balance_after", "reason")
    )


@pytest.fixture
def client(staff_client):
    return staff_client(Permission.MANAGE_GIFT_CARDS, user__language="en")


def test_the_menu_has_gift_cards_for_members_with_the_permission(client, staff_client):
    assert url("giftcard_list") == LIST
    assert f'href="{LIST}"' in client.get(url("giftcard_list")).content.decode()
    other = staff_client(Permission.MANAGE_ORDERS, user__language="en")
    assert f'href="{LIST}"' not in other.get("/dashboard/").content.decode()


def test_staff_activate_a_physical_card_then_see_it(client):
    page = client.get(url("giftcard_activate"))
    key = re.search(r'name="key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    response = client.post(
        url("giftcard_activate"), {"code": "abcd-1234-efgh", "amount": "50", "key": key}
    )
    card = GiftCard.objects.get()
    assert response.status_code == 302 and response["Location"] == card_page(card)
    assert (card.code, card.balance, card.state) == ("ABCD1234EFGH", 5000, "active")
    # The same form sent again (a double click) activates once, without an error.
    again = client.post(
        url("giftcard_activate"), {"code": "abcd-1234-efgh", "amount": "50", "key": key}
    )
    assert again.status_code == 302
    assert GiftCardActivity.objects.count() == 1
    page = client.get(card_page(card)).content.decode()
    assert "ABCD 1234 EFGH" in page and "€50.00" in page and "Activated" in page


def test_activation_form_errors(client, active_card):
    existing = active_card(1000)
    short = client.post(url("giftcard_activate"), {"code": "ABC", "amount": "5", "key": "k1"})
    assert short.status_code == 400
    assert "8 to 20 letters and digits" in short.content.decode()
    zero = client.post(
        url("giftcard_activate"), {"code": "ABCD1234EFGH", "amount": "0", "key": "k2"}
    )
    assert zero.status_code == 400 and "Enter an amount above zero." in zero.content.decode()
    again = client.post(
        url("giftcard_activate"), {"code": existing.code, "amount": "5", "key": "k3"}
    )
    assert again.status_code == 409 and "This card is already active." in again.content.decode()
    assert GiftCard.objects.count() == 1


def test_find_a_card_by_code_or_customer(client, active_card):
    camille = CustomerFactory(first_name="Hélène", last_name="Dupont", email="helene@example.com")
    hers = active_card(1000, customer=camille)
    other = active_card(2000)
    gift = services.issue_digital(
        amount=3000, idempotency_key="g", recipient_name="Lou Bernard", recipient_email="lou@b.fr"
    ).card

    def found(query):
        return {c.pk for c in client.get(LIST, {"q": query}).context["cards"]}

    assert found(f"{hers.code[:4].lower()}-{hers.code[4:]}") == {hers.pk}
    assert found(other.code) == {other.pk}
    assert found("helene") == {hers.pk}
    assert found("Dupont") == {hers.pk}
    assert found("helene@example") == {hers.pk}
    assert found("lou@b.fr") == {gift.pk}
    assert found("Bernard") == {gift.pk}
    assert found("") == {hers.pk, other.pk, gift.pk}
    assert "No gift card matches this search." in client.get(LIST, {"q": "zzz"}).content.decode()


def test_card_page_shows_the_ledger(client, manager, active_card):
    card = active_card(5000)
    services.redeem(card=card, amount=1250, idempotency_key="r")
    services.adjust(
        actor=manager,
        card=card,
        kind="adjust_up",
        amount=300,
        reason="complimentary",
        idempotency_key="a",
    )
    response = client.get(card_page(card))
    assert response.status_code == 200
    rows = response.context["activities"]
    assert [(a.kind, a.amount, a.balance_after) for a in rows] == [
        ("adjust_up", 300, 4050),
        ("redeem", 1250, 3750),
        ("activate", 5000, 5000),
    ]
    html = response.content.decode()
    for text in (
        "Adjusted up",
        "Complimentary",
        "Redeemed",
        "\u2212€12.50",
        "€40.50",
        str(manager),
    ):
        assert text in html, text
    assert "Shop (online)" in html  # the redemption at checkout had no staff member


def test_load_adjust_and_clear_from_the_card_page(client, active_card):
    card = active_card(1000)
    page = client.get(card_page(card))
    loaded = client.post(
        url("giftcard_load"),
        {"card": card.pk, "amount": "20,50", "key": form_key(page, url("giftcard_load"))},
    )
    assert loaded.status_code == 302 and loaded["Location"] == card_page(card)

    page = client.get(card_page(card))
    adjusted = client.post(
        url("giftcard_adjust"),
        {
            "card": card.pk,
            "direction": "adjust_down",
            "amount": "5",
            "reason": "suspicious_activity",
            "key": form_key(page, url("giftcard_adjust")),
        },
    )
    assert adjusted.status_code == 302

    page = client.get(card_page(card))
    cleared = client.post(
        url("giftcard_clear"),
        {"card": card.pk, "reason": "", "key": form_key(page, url("giftcard_clear"))},
    )
    assert cleared.status_code == 302
    assert ledger(card) == [
        ("activate", 1000, 1000, ""),
        ("load", 2050, 3050, ""),
        ("adjust_down", 500, 2550, "suspicious_activity"),
        ("clear_balance", 2550, 0, ""),
    ]
    assert all(a.actor == client.member for a in GiftCardActivity.objects.filter(card=card)[:3])


def test_adjust_refusals_are_shown_on_the_card_page(client, active_card):
    card = active_card(1000)
    base = {"card": card.pk, "direction": "adjust_down", "amount": "5"}
    no_reason = client.post(url("giftcard_adjust"), {**base, "reason": "", "key": "k1"})
    unknown = client.post(url("giftcard_adjust"), {**base, "reason": "because", "key": "k2"})
    wrong = client.post(url("giftcard_adjust"), {**base, "reason": "complimentary", "key": "k3"})
    too_much = client.post(
        url("giftcard_adjust"),
        {**base, "amount": "11", "reason": "support_issue", "key": "k4"},
    )
    assert [r.status_code for r in (no_reason, unknown, wrong, too_much)] == [400, 400, 400, 409]
    assert "does not explain this adjustment" in wrong.content.decode()
    assert "Only €10.00 is left on this gift card." in too_much.content.decode()
    assert ledger(card) == [("activate", 1000, 1000, "")]


def test_deactivate_asks_for_confirmation_then_is_permanent(client, active_card):
    card = active_card(1000)
    confirm = client.get(url("giftcard_deactivate"), {"card": card.pk})
    assert confirm.status_code == 200
    assert "This cannot be undone." in confirm.content.decode()
    key = re.search(r'name="key" value="([0-9a-f]+)"', confirm.content.decode()).group(1)
    unticked = client.post(url("giftcard_deactivate"), {"card": card.pk, "key": key})
    assert unticked.status_code == 400 and "Tick the box to confirm." in unticked.content.decode()
    assert GiftCard.objects.get(pk=card.pk).state == "active"

    done = client.post(url("giftcard_deactivate"), {"card": card.pk, "key": key, "confirm": "on"})
    assert done.status_code == 302
    assert GiftCard.objects.get(pk=card.pk).state == "deactivated"
    page = client.get(card_page(card)).content.decode()
    assert "it can no longer be used" in page and url("giftcard_load") not in page
    refused = client.post(url("giftcard_load"), {"card": card.pk, "amount": "5", "key": "late"})
    assert refused.status_code == 409
    assert "deactivated: it can no longer be used" in refused.content.decode()
    assert ledger(card) == [("activate", 1000, 1000, ""), ("deactivate", 0, 1000, "")]


def test_an_unknown_card_is_404(client):
    assert client.get(url("giftcard_detail"), {"card": 999}).status_code == 404
    assert client.get(url("giftcard_detail"), {"card": "x"}).status_code == 404
    assert client.post(url("giftcard_load"), {"card": 999, "amount": "5"}).status_code == 404


@pytest.mark.parametrize(
    "who", ["orders and customers manager", "full access but deactivated", "shopper"]
)
def test_without_the_permission_every_page_is_403_and_nothing_changes(
    who, staff_client, signed_in, active_card
):
    card = active_card(1000)
    if who == "orders and customers manager":
        client = staff_client(
            Permission.MANAGE_ORDERS, Permission.MANAGE_CUSTOMERS, user__language="en"
        )
    elif who == "full access but deactivated":
        client = signed_in(TeamMemberFactory(access=Access.FULL, is_active=False))
    else:
        client = signed_in(UserFactory())
    gets = [
        LIST,
        url("giftcard_activate"),
        card_page(card),
        f"{url('giftcard_deactivate')}?card={card.pk}",
    ]
    for page in gets:
        assert client.get(page).status_code == 403, page
    posts = {
        "giftcard_activate": {"code": "NEWCARD0001", "amount": "5", "key": "a"},
        "giftcard_load": {"card": card.pk, "amount": "5", "key": "b"},
        "giftcard_adjust": {
            "card": card.pk,
            "direction": "adjust_up",
            "amount": "5",
            "reason": "complimentary",
            "key": "c",
        },
        "giftcard_clear": {"card": card.pk, "key": "d"},
        "giftcard_deactivate": {"card": card.pk, "key": "e", "confirm": "on"},
    }
    for name, data in posts.items():
        assert client.post(url(name), data).status_code == 403, name
    assert GiftCard.objects.count() == 1
    assert GiftCard.objects.get(pk=card.pk).balance == 1000
    assert GiftCard.objects.get(pk=card.pk).state == "active"
    assert ledger(card) == [("activate", 1000, 1000, "")]


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/dashboard/login/")
