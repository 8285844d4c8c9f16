from decimal import Decimal

import pytest

from comptoir.catalog.prices import to_minor_units
from comptoir.errors import DomainError


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("2,50", 250),
        ("2.50", 250),
        ("2,5", 250),
        ("3", 300),
        (" 12,00 € ", 1200),
        ("1 250,00", 125000),
        ("1.250,00", 125000),
        ("1,250.00", 125000),
        ("0", 0),
        (Decimal("4.20"), 420),
        (250, 250),  # an int is already minor units, as stored
    ],
)
def test_prices_typed_in_euros_are_stored_in_cents(typed, minor):
    assert to_minor_units(typed, "EUR") == minor


@pytest.mark.parametrize("typed", ["", "abc", "-1", "2,50,1", "2.505", "1e3", "NaN"])
def test_malformed_or_too_precise_prices_are_refused_with_a_message(typed):
    with pytest.raises(DomainError) as refused:
        to_minor_units(typed, "EUR")
    assert refused.value.code == "invalid_price"
    assert str(refused.value.message)


def test_currency_without_decimals_refuses_cents():
    assert to_minor_units("500", "JPY") == 500
    with pytest.raises(DomainError, match="at most 0 decimals"):
        to_minor_units("5,5", "JPY")


def test_floats_are_refused_as_imprecise():
    with pytest.raises(TypeError):
        to_minor_units(2.5, "EUR")  # type: ignore[arg-type]
