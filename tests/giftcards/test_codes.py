"""Card codes: issued ones random and unambiguous, typed ones normalised."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.errors import InvalidInput
from comptoir.giftcards import codes

AMBIGUOUS = set("0O1IL")


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10_000))
def test_issued_codes_are_long_and_unambiguous(_):
    code = codes.new_issued_code()
    assert len(code) >= 16
    assert set(code) <= set(codes.UNAMBIGUOUS_ALPHABET)
    assert not set(code) & AMBIGUOUS


def test_the_issuing_alphabet_has_no_look_alikes():
    assert not set(codes.UNAMBIGUOUS_ALPHABET) & AMBIGUOUS
    assert set(codes.UNAMBIGUOUS_ALPHABET) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def test_issued_codes_do_not_repeat():
    assert len({codes.new_issued_code() for _ in range(2000)}) == 2000


@given(
    st.text(
        alphabet="ABCDEFGHJKMNPQRSTUVWXYZ23456789abcdefghjkmnpqrstuvwxyz", min_size=8, max_size=20
    ),
    st.lists(st.sampled_from([" ", "-", "  ", " - "]), max_size=5),
)
def test_typed_codes_are_normalised_whatever_spaces_dashes_and_case(code, separators):
    typed = code
    for n, separator in enumerate(separators):
        position = (n * 3) % (len(typed) + 1)
        typed = typed[:position] + separator + typed[position:]
    assert codes.normalise(typed) == code.upper()
    assert codes.validate_physical(typed) == code.upper()


@given(st.text(alphabet="ABCDEFGHJKMNPQRSTUVWXYZ23456789", min_size=1, max_size=40))
def test_displayed_codes_normalise_back(code):
    assert codes.normalise(codes.display(code)) == code


@pytest.mark.parametrize("typed", ["ABC1234", "A" * 21, "ABCD-123!", "ABCDÉ1234", "", "        "])
def test_physical_codes_must_have_8_to_20_letters_and_digits(typed):
    with pytest.raises(InvalidInput) as refused:
        codes.validate_physical(typed)
    assert "8 to 20 letters and digits" in refused.value.errors["code"]


def test_physical_code_example():
    assert codes.validate_physical(" abcd-1234 efgh ") == "ABCD1234EFGH"
