import pytest

from tests.factories import LocationFactory


@pytest.fixture
def location(db):
    return LocationFactory(name="Martyrs", slug="martyrs")
