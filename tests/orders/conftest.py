import pytest
from django.utils import translation

from tests.factories import LocationFactory


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Assertions read the English source messages, whatever the .po files say."""
    with translation.override("en"):
        yield


@pytest.fixture
def location(db):
    return LocationFactory(name="Martyrs", slug="martyrs", preparation_minutes=20)
