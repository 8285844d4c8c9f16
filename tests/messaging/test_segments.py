"""SMS segments as the composer counts them: GSM-7 160 / 153 per part, UCS-2 70 / 67,
one non-GSM character makes the whole text UCS-2, extended characters count twice."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from comptoir.messaging.segments import GSM7_BASIC, GSM7_EXTENDED, segment_info

basic = st.sampled_from(sorted(GSM7_BASIC))
extended = st.sampled_from(sorted(GSM7_EXTENDED))
# Characters of the Basic Multilingual Plane that GSM-7 lacks (one UTF-16 unit each).
non_gsm = st.characters(min_codepoint=0x100, max_codepoint=0xD7FF).filter(
    lambda char: char not in GSM7_BASIC and char not in GSM7_EXTENDED
)


def test_boundaries_of_gsm7():
    assert segment_info("a" * 160) == (160, 1, "GSM-7")
    assert segment_info("a" * 161).segments == 2
    assert segment_info("a" * 306).segments == 2
    assert segment_info("a" * 307).segments == 3
    assert segment_info("").segments == 0


def test_boundaries_of_ucs2():
    assert segment_info("é" * 10 + "ł" * 60) == (70, 1, "UCS-2")
    assert segment_info("ł" * 71).segments == 2
    assert segment_info("ł" * 134).segments == 2
    assert segment_info("ł" * 135).segments == 3


def test_one_non_gsm_character_makes_the_whole_text_ucs2():
    info = segment_info("a" * 100 + "😀")
    assert info.encoding == "UCS-2"
    assert info.characters == 102  # the emoji is two UTF-16 units
    assert info.segments == 2


def test_extended_characters_count_twice():
    assert segment_info("€" * 80) == (160, 1, "GSM-7")
    assert segment_info("€" * 80 + "a").segments == 2
    assert segment_info("{}[]~|^\\\f").characters == 18


@given(st.lists(basic, max_size=400), st.lists(extended, max_size=100))
def test_gsm7_counts(basics, extendeds):
    text = "".join(basics + extendeds)
    info = segment_info(text)
    length = len(basics) + 2 * len(extendeds)
    assert info.encoding == "GSM-7"
    assert info.characters == length
    if length == 0:
        assert info.segments == 0
    elif length <= 160:
        assert info.segments == 1
    else:
        assert info.segments == math.ceil(length / 153)
        assert (info.segments - 1) * 153 < length <= info.segments * 153


@given(st.integers(min_value=150, max_value=320))
def test_gsm7_around_the_single_segment_limit(length):
    assert segment_info("x" * length).segments == (1 if length <= 160 else math.ceil(length / 153))


@given(st.lists(basic, max_size=200), non_gsm, st.lists(basic, max_size=200))
def test_ucs2_counts(before, odd, after):
    text = "".join(before) + odd + "".join(after)
    info = segment_info(text)
    length = len(before) + 1 + len(after)
    assert info.encoding == "UCS-2"
    assert info.characters == length
    assert info.segments == (1 if length <= 70 else math.ceil(length / 67))


@given(st.integers(min_value=60, max_value=150))
def test_ucs2_around_the_single_segment_limit(length):
    info = segment_info("ж" * length)
    assert info.segments == (1 if length <= 70 else math.ceil(length / 67))
