import itertools

import pytest
from django.utils import translation

from comptoir.giftcards import services
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission

_keys = itertools.count(1)
_codes = itertools.count(10_000_000)


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Assertions read the English source messages, whatever the .po files say."""
    with translation.override("en"):
        yield


def new_key() -> str:
    return f"key-{next(_keys)}"


def new_code() -> str:
    return f"CARD{next(_codes)}"


@pytest.fixture
def manager(make_member):
    get_shop()
    return make_member(permissions=[Permission.MANAGE_GIFT_CARDS])


@pytest.fixture
def active_card(manager):
    """``active_card(amount)``: a physical card activated with ``amount`` on it."""

    def make(amount: int = 5000, **kwargs):
        return services.activate_physical(
            actor=manager, code=new_code(), amount=amount, idempotency_key=new_key(), **kwargs
        ).card

    return make
