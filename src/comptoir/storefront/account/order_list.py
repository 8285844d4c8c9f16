"""The list of orders on the account's overview and history pages, written in Python:
the sentence, the link, the date format and the status labels are read once per page
and each value is escaped. Through a template (``{% url %}``, ``{% blocktranslate %}``
and three filters per row) the history's 20 rows cost about as much as the rest of
the page."""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import quote

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.accounts.selectors import HistoryRow
from comptoir.orders.states import order_label
from comptoir.shop.models import Shop
from comptoir.shop.money import format_money

# Replaced by each order's number in the receipt's address, reversed once per page.
_NUMBER = "NUMBER"


def order_list_html(rows: Sequence[HistoryRow], shop: Shop) -> SafeString:
    """``<ul class="account-orders">`` with one ``<li>`` per row, every value escaped."""
    before, after = reverse("storefront:account_order", args=[_NUMBER]).rsplit(_NUMBER, 1)
    sentence = _("Order %(number)s")
    date_format = get_format("DATE_FORMAT")
    language = get_language() or shop.published_language
    labels: dict[tuple[str, str | None, str | None], str] = {}
    items = []
    for row in rows:
        key = (row.state, row.fulfilment_type, row.fulfilment_state)
        status = labels.get(key)
        if status is None:
            status = labels[key] = str(order_label(*key))
        href = html.escape(before + quote(row.number, safe="") + after)
        placed = dateformat.format(timezone.localtime(row.placed_at), date_format)
        total = format_money(row.total, shop.currency, language)
        items.append(
            '  <li class="account-order">\n'
            f'    <a href="{href}" class="order-number">'
            f"{html.escape(sentence % {'number': row.number})}</a>\n"
            f'    <span class="order-date">{html.escape(placed)}</span>\n'
            f'    <span class="order-status">{html.escape(status)}</span>\n'
            f'    <span class="order-total">{html.escape(total)}</span>\n'
            "  </li>\n"
        )
    return mark_safe(f'<ul class="account-orders">\n{"".join(items)}</ul>')  # noqa: S308 -- every value above is escaped
