import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Assertions read the English source messages, whatever the .po files say."""
    with translation.override("en"):
        yield
