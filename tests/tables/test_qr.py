"""QR codes: one table's PNG and a location's printable sheet carry the table menu's
address (the shop's public address when set). No decoder is available offline, so the
codes are read back from the pixels module by module and compared with segno's own
matrix of the expected address."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from comptoir.tables.qr import (
    BORDER,
    PAGE_SIZE,
    PER_PAGE,
    Entry,
    qr_png,
    sheet_layout,
    sheet_pdf,
    sheet_png,
    table_qr,
)
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.tables.helpers import make_table, matrix_of, read_modules

pytestmark = pytest.mark.django_db


@pytest.fixture
def location():
    return LocationFactory(name="Martyrs", slug="martyrs", fulfilment_types=["table"])


@pytest.fixture
def manager(staff_client):
    return staff_client(Permission.MANAGE_SETTINGS, user__language="en")


def png(payload: bytes) -> Image.Image:
    assert payload.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(payload))
    image.load()
    return image


def assert_code_reads(image: Image.Image, left: int, top: int, scale: int, url: str) -> None:
    expected = matrix_of(table_qr(url))
    assert read_modules(image, left, top, scale, len(expected)) == expected


def test_a_table_code_is_a_png_of_the_menu_address():
    url = "https://shop.example.com/t/abc/"

    image = png(qr_png(url, scale=10))

    code = table_qr(url)
    # Medium at least (segno raises it when the size allows), never a micro code.
    assert not code.is_micro and code.error in ("M", "Q", "H")
    assert image.size == code.symbol_size(scale=10, border=BORDER)
    assert_code_reads(image, 0, 0, 10, url)
    assert read_modules(image, 0, 0, 10, len(code.matrix)) != matrix_of(
        table_qr("https://shop.example.com/t/abd/")
    )


def test_the_dashboard_serves_a_tables_code_on_the_shops_public_address(
    manager, location, settings
):
    settings.COMPTOIR_PUBLIC_URL = "https://cafe.example.com/"
    table = make_table(location, "4")

    answer = manager.get(reverse("dashboard:table_qr", args=[table.pk]))

    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    assert_code_reads(png(answer.content), 0, 0, 10, f"https://cafe.example.com/t/{table.token}/")


def test_without_a_public_address_the_code_uses_the_dashboards_own(manager, location, settings):
    settings.COMPTOIR_PUBLIC_URL = ""
    table = make_table(location, "4")

    answer = manager.get(reverse("dashboard:table_qr", args=[table.pk]))

    assert_code_reads(png(answer.content), 0, 0, 10, f"http://testserver/t/{table.token}/")


def test_the_sheet_is_an_a4_page_with_one_code_per_table_taking_orders(manager, location, settings):
    settings.COMPTOIR_PUBLIC_URL = "https://cafe.example.com/"
    tables = [make_table(location, str(number)) for number in range(1, 15)]
    make_table(location, "Closed", is_active=False)
    make_table(LocationFactory(), "Elsewhere")
    entries = [
        Entry(table.label, f"https://cafe.example.com/t/{table.token}/")
        for table in tables  # 1 to 14: in natural order, 2 before 10
    ]
    url = reverse("dashboard:table_sheet", args=[location.pk])

    first = png(manager.get(url).content)
    second = png(manager.get(url, {"page": "2"}).content)

    assert first.size == second.size == PAGE_SIZE
    layout = sheet_layout(entries)
    assert [spot.page for spot in layout] == [0] * PER_PAGE + [1] * (14 - PER_PAGE)
    for spot in layout:
        page = first if spot.page == 0 else second
        assert_code_reads(page, spot.left, spot.top, spot.scale, spot.entry.url)
    # Nothing else: below the last code of the second page, the page is blank.
    last = layout[-1]
    below = second.convert("L").crop((0, last.top + last.modules * last.scale + 80, *PAGE_SIZE))
    assert below.getextrema() == (255, 255)


def test_the_sheet_of_every_page_as_a_pdf(manager, location):
    for number in range(PER_PAGE + 1):
        make_table(location, f"T{number}")

    answer = manager.get(reverse("dashboard:table_sheet_pdf", args=[location.pk]))

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert re.findall(rb"/Count (\d+)", answer.content) == [b"2"]  # 13 codes: two pages


def test_an_empty_location_gets_one_page_with_its_title_only():
    blank = png(sheet_png([], "Martyrs"))

    assert blank.size == PAGE_SIZE
    assert blank.convert("L").getextrema()[0] == 0  # the title is drawn
    assert sheet_pdf([], "Martyrs").startswith(b"%PDF")
