import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Assertions read the English source messages, whatever the .po files say."""
    with translation.override("en"):
        yield


@pytest.fixture
def staff_client(staff_client):
    """tests/conftest.py's, with the member reading the dashboard in English (the
    assertions read the English source messages) unless the test says otherwise."""

    def build(*permissions, **kwargs):
        kwargs.setdefault("user__language", "en")
        return staff_client(*permissions, **kwargs)

    return build
