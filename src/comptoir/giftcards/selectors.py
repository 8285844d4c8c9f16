"""Reading gift cards, for the staff who may (the "Manage gift cards" permission)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.customers.search import fold
from comptoir.errors import NotFound
from comptoir.giftcards import codes
from comptoir.giftcards.models import GiftCard, GiftCardActivity
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

PAGE_SIZE = 50


def cards_for_staff(actor: TeamMember, query: str = "") -> QuerySet[GiftCard]:
    """Cards matching ``query``: the start of a code (typed with or without spaces and
    dashes), or a customer's or recipient's name or email. Newest first."""
    require(actor, Permission.MANAGE_GIFT_CARDS)
    cards = GiftCard.objects.select_related("customer")
    query = (query or "").strip()
    if query:
        matches = Q(recipient_email__icontains=query) | Q(recipient_name__icontains=query)
        folded = fold(query)
        if folded:
            matches |= Q(customer__search_text__contains=folded)
        code = codes.normalise(query)
        if code.isalnum():
            matches |= Q(code__startswith=code)
        cards = cards.filter(matches)
    return cards.order_by("-created_at", "-id")


def card_for_staff(actor: TeamMember, card_id: int | str | None) -> GiftCard:
    require(actor, Permission.MANAGE_GIFT_CARDS)
    try:
        return GiftCard.objects.select_related("customer").get(pk=int(card_id or 0))
    except (GiftCard.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("There is no such gift card.")) from None


def ledger(card: GiftCard) -> QuerySet[GiftCardActivity]:
    """The card's activities, newest first, with who did them and the order."""
    return card.activities.select_related("actor__user", "order").order_by("-created_at", "-id")
