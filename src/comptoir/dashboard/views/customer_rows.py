"""The rows of the back-office customer directory, written once per page.

A page shows 50 records; the template's loop (a ``{% with %}``, the record's name, ten
lookups, three conditions and a filter per row) cost the page more than its queries. So
what the rows share is read once (the profile's address, the date format, the shop's
currency, the labels, the member's locations) and each row's ``<tr>`` is built here with
every value escaped, as ``order_rows.py`` does for the Orders page. The markup is the
one the template wrote."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.customers.models import Customer, CustomerKind
from comptoir.customers.selectors import DirectoryPage
from comptoir.dashboard.views.order_rows import DateFormatter, escaped
from comptoir.shop.money import format_money
from comptoir.shop.selectors import get_shop


@dataclass(slots=True)
class DirectoryRow:
    """One line of the directory: the record, its cells formatted once, and its markup."""

    customer: Customer
    url: str
    orders: int
    spent: str
    last_order: str
    location: str
    created: str
    html: SafeString


def number_text(value: int) -> str:
    # What ``{{ value }}`` prints for an integer: grouped only with the thousand separator.
    return localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


def directory_rows(page: DirectoryPage, location_names: dict[int, str]) -> list[DirectoryRow]:
    shop = get_shop()
    zone = get_current_timezone()
    language = get_language() or shop.published_language
    short_date = DateFormatter(get_format("SHORT_DATE_FORMAT"))
    # /dashboard/customers/<id>/ for every row from one reverse().
    # (Escaped once: the id between them is a number.)
    start, end = map(escaped, reverse("dashboard:customer_detail", args=[0]).rsplit("0", 1))
    has_account = escaped(_("Has an account"))
    pending = f' <span class="badge failed">{escaped(_("Pending approval"))}</span>'
    account = (
        f'<span class="badge ok" data-account="yes" role="img" aria-label="{has_account}"'
        f' title="{has_account}">✓</span>'
    )
    rows = []
    for customer in page.customers:
        spending = page.spending.get(customer.pk)
        last_at = spending.last_order_at if spending else None
        url = f"{start}{customer.pk}{end}"
        orders = spending.order_count if spending else 0
        spent = format_money(spending.total_spent if spending else 0, shop.currency, language)
        last_order = short_date(last_at.astimezone(zone)) if last_at else ""
        location = location_names.get(spending.last_location_id or 0, "") if spending else ""
        created = short_date(customer.created_at.astimezone(zone))
        company = (
            f"<br><small data-company>{escaped(customer.company_name)}</small>"
            if customer.company_name and customer.kind == CustomerKind.BUSINESS
            else ""
        )
        html = (
            "\n    <tr>\n"
            f'      <td><a href="{url}">{escaped(customer)}</a>{company}'
            f"{pending if customer.pending_approval else ''}</td>\n"
            f"      <td>{escaped(customer.email or '')}</td>\n"
            f"      <td>{escaped(customer.phone)}</td>\n"
            f"      <td>{account if customer.user_id else ''}</td>\n"
            f"      <td>{number_text(orders)}</td>\n"
            f"      <td>{escaped(spent)}</td>\n"
            f"      <td>{escaped(last_order)}"
            f"{f'<br><small>{escaped(location)}</small>' if location else ''}</td>\n"
            f"      <td>{escaped(created)}</td>\n"
            "    </tr>\n  "
        )
        rows.append(
            DirectoryRow(
                customer=customer,
                url=url,
                orders=orders,
                spent=spent,
                last_order=last_order,
                location=location,
                created=created,
                html=mark_safe(html),  # noqa: S308 -- every value above is escaped
            )
        )
    return rows
