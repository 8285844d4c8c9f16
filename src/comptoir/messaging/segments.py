"""How many SMS segments a text takes, as the composer shows it (characters, parts).

GSM 03.38: a text of basic GSM-7 characters fits 160 in one segment, 153 per part once
split (the rest of each part is the concatenation header); the extension characters
(``^{}\\[~]|€`` and form feed) are sent as escape + character, so they count twice. One
character outside GSM-7 makes the whole text UCS-2: 70 in one segment, 67 per part
(UTF-16 code units, so an emoji outside the BMP counts two). The provider splits a long
text itself; this is only what it will count."""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

# The GSM 03.38 basic character set (default alphabet), as Unicode.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each is sent as ESC + character (two septets).
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE = 160
GSM7_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67

Encoding = Literal["GSM-7", "UCS-2"]


class SegmentInfo(NamedTuple):
    # A tuple too: ``characters, segments, encoding = segment_info(text)``.
    # Characters as the encoding counts them: septets for GSM-7 (an extended character
    # counts two), UTF-16 code units for UCS-2.
    characters: int
    segments: int
    encoding: Encoding


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def _segments(length: int, single: int, part: int) -> int:
    if length == 0:
        return 0
    if length <= single:
        return 1
    return math.ceil(length / part)


def segment_info(text: str) -> SegmentInfo:
    if is_gsm7(text):
        length = sum(2 if char in GSM7_EXTENDED else 1 for char in text)
        return SegmentInfo(length, _segments(length, GSM7_SINGLE, GSM7_PART), "GSM-7")
    length = len(text.encode("utf-16-le")) // 2
    return SegmentInfo(length, _segments(length, UCS2_SINGLE, UCS2_PART), "UCS-2")
