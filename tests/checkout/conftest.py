import pytest

from tests.checkout.checkout_helpers import shop_location


@pytest.fixture
def location(db):
    """Martyrs, offering every fulfilment, delivery to 75009 and 75010, shipping."""
    return shop_location()
