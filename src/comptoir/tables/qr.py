"""QR codes of tables (segno) and the printable sheet of a location's codes (Pillow).

The sheet is A4 at 150 dots per inch, three codes across and four down, each with its
table's label underneath; a location with more tables gets more pages (PNG one page at
a time, PDF all of them). ``sheet_layout`` is the one place positions are computed, so
the tests can read every code back from the pixels."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw, ImageFont

DPI = 150
PAGE_SIZE = (1240, 1754)  # A4 (210 x 297 mm) at 150 dpi
MARGIN = 80
TITLE_HEIGHT = 90
COLUMNS, ROWS = 3, 4
PER_PAGE = COLUMNS * ROWS
LABEL_HEIGHT = 70
BORDER = 4  # the quiet zone readers need, in modules
ERROR_LEVEL = "m"


@dataclass(frozen=True)
class Entry:
    label: str
    url: str


@dataclass(frozen=True)
class Placed:
    """Where a code sits on its page: top-left corner of its quiet zone, module size."""

    entry: Entry
    page: int
    left: int
    top: int
    scale: int
    modules: int  # per side, quiet zone included


def table_qr(url: str) -> segno.QRCode:
    """The code of ``url``: a regular QR code (not micro), medium error correction."""
    return segno.make(url, error=ERROR_LEVEL, micro=False)


def qr_png(url: str, scale: int = 10) -> bytes:
    """One table's code as a PNG (for printing a single table card)."""
    buffer = io.BytesIO()
    table_qr(url).save(buffer, kind="png", scale=scale, border=BORDER)
    return buffer.getvalue()


def page_count(codes: int) -> int:
    """Pages of a sheet of ``codes`` codes (at least one)."""
    return max(1, -(-codes // PER_PAGE))


def sheet_layout(entries: Sequence[Entry]) -> list[Placed]:
    cell_width = (PAGE_SIZE[0] - 2 * MARGIN) // COLUMNS
    cell_height = (PAGE_SIZE[1] - 2 * MARGIN - TITLE_HEIGHT) // ROWS
    side = min(cell_width, cell_height - LABEL_HEIGHT) - 20
    placed = []
    for index, entry in enumerate(entries):
        modules = int(table_qr(entry.url).symbol_size(scale=1, border=BORDER)[0])
        scale = max(1, side // modules)
        page, slot = divmod(index, PER_PAGE)
        row, column = divmod(slot, COLUMNS)
        width = modules * scale
        left = MARGIN + column * cell_width + (cell_width - width) // 2
        top = MARGIN + TITLE_HEIGHT + row * cell_height + (cell_height - LABEL_HEIGHT - width) // 2
        placed.append(Placed(entry, page, left, top, scale, modules))
    return placed


def sheet_pages(entries: Sequence[Entry], title: str) -> list[Image.Image]:
    """Every page of the sheet (one empty page, with its title, when there is nothing)."""
    pages = [Image.new("L", PAGE_SIZE, 255) for _ in range(page_count(len(entries)))]
    title_font = ImageFont.load_default(size=44)
    label_font = ImageFont.load_default(size=40)
    for page in pages:
        ImageDraw.Draw(page).text(
            (PAGE_SIZE[0] // 2, MARGIN), title, fill=0, font=title_font, anchor="mt"
        )
    for spot in sheet_layout(entries):
        code = Image.open(io.BytesIO(qr_png(spot.entry.url, scale=spot.scale))).convert("L")
        page = pages[spot.page]
        page.paste(code, (spot.left, spot.top))
        width = spot.modules * spot.scale
        ImageDraw.Draw(page).text(
            (spot.left + width // 2, spot.top + width + 8),
            spot.entry.label,
            fill=0,
            font=label_font,
            anchor="mt",
        )
    return pages


def sheet_png(entries: Sequence[Entry], title: str, page: int = 0) -> bytes:
    """Page ``page`` (from 0) of the sheet as a PNG."""
    pages = sheet_pages(entries, title)
    buffer = io.BytesIO()
    pages[min(max(page, 0), len(pages) - 1)].save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def sheet_pdf(entries: Sequence[Entry], title: str) -> bytes:
    """Every page of the sheet in one PDF."""
    first, *rest = sheet_pages(entries, title)
    buffer = io.BytesIO()
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=DPI)
    return buffer.getvalue()
