"""The directory's search and filter form, written in Python.

The template wrote it with some thirty ``{% translate %}`` tags and three loops, which
cost the page more than reading its records. Its labels are translated once per
process and language (they never change while the process runs); what changes (the
member's locations, the filters chosen) is written at each request, every value
escaped. The markup is the one the template wrote."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.customers.models import CustomerKind
from comptoir.customers.selectors import DirectoryFilters, Sort
from comptoir.dashboard.views.customer_rows import number_text
from comptoir.dashboard.views.order_rows import escaped

_LABELS: dict[str | None, dict[str, str]] = {}


def _labels() -> dict[str, str]:
    """The form's texts in the active language. As ``{% translate %}`` wrote them: the
    catalogs' own texts, not escaped (a French "jusqu'au" keeps its apostrophe)."""
    language = get_language()
    labels = _LABELS.get(language)
    if labels is None:
        labels = {
            "search": _("Name, email, phone or company"),
            "account": _("Account"),
            "all": _("All customers"),
            "with_account": _("With an account"),
            "without_account": _("Without an account"),
            "kind": _("Customer type"),
            "all_kinds": _("All types"),
            "marketing": _("Accepts promotional email"),
            "yes": _("Yes"),
            "no": _("No"),
            "pending": _("Pending approval"),
            "created_from": _("Created from"),
            "created_to": _("Created until"),
            "location": _("Location of last order"),
            "any_location": _("Any location"),
            "sort": _("Sort by"),
            "submit": _("Search"),
            "export": _("Export as CSV"),
            # The choices' labels were template variables: escaped.
            **{f"kind:{value}": escaped(label) for value, label in CustomerKind.choices},
            **{f"sort:{value}": escaped(label) for value, label in Sort.choices},
        }
        _LABELS[language] = labels
    return labels


def _selected(chosen: bool) -> str:
    return " selected" if chosen else ""


def _yes_no(name: str, label: str, chosen: str, yes: str, no: str, t: dict[str, str]) -> str:
    return (
        "  <div>\n"
        f'    <label for="id_{name}">{t[label]}</label>\n'
        f'    <select id="id_{name}" name="{name}">\n'
        f'      <option value="">{t["all"]}</option>\n'
        f'      <option value="yes"{_selected(chosen == "yes")}>{t[yes]}</option>\n'
        f'      <option value="no"{_selected(chosen == "no")}>{t[no]}</option>\n'
        "    </select>\n"
        "  </div>\n"
    )


def filter_form_html(
    filters: DirectoryFilters,
    *,
    account: str,
    marketing: str,
    pending: str,
    locations: Iterable[tuple[int, str]],
    query: str,
) -> SafeString:
    """The ``<form>``: ``account``, ``marketing`` and ``pending`` as the request gave
    them, ``locations`` the member's (id, name), ``query`` the page's query string."""
    t = _labels()
    kinds = "".join(
        f'<option value="{escaped(value)}"{_selected(value == filters.kind)}>'
        f"{t[f'kind:{value}']}</option>"
        for value in CustomerKind.values
    )
    location_options = "".join(
        f'<option value="{number_text(pk)}"{_selected(pk == filters.last_location_id)}>'
        f"{escaped(name)}</option>"
        for pk, name in locations
    )
    sorts = "".join(
        f'<option value="{escaped(value)}"{_selected(value == filters.sort)}>'
        f"{t[f'sort:{value}']}</option>"
        for value in Sort.values
    )
    created_from = filters.created_from.isoformat() if filters.created_from else ""
    created_to = filters.created_to.isoformat() if filters.created_to else ""
    export = escaped(reverse("dashboard:customer_export") + (f"?{query}" if query else ""))
    html = (
        '<form method="get" class="stack" role="search">\n'
        "  <div>\n"
        f'    <label for="id_q">{t["search"]}</label>\n'
        f'    <input type="search" id="id_q" name="q" value="{escaped(filters.search)}">\n'
        "  </div>\n"
        + _yes_no("account", "account", account, "with_account", "without_account", t)
        + "  <div>\n"
        f'    <label for="id_type">{t["kind"]}</label>\n'
        '    <select id="id_type" name="type">\n'
        f'      <option value="">{t["all_kinds"]}</option>\n'
        f"      {kinds}\n"
        "    </select>\n"
        "  </div>\n"
        + _yes_no("marketing", "marketing", marketing, "yes", "no", t)
        + _yes_no("pending", "pending", pending, "yes", "no", t)
        + "  <div>\n"
        f'    <label for="id_created_from">{t["created_from"]}</label>\n'
        '    <input type="date" id="id_created_from" name="created_from"'
        f' value="{created_from}">\n'
        "  </div>\n"
        "  <div>\n"
        f'    <label for="id_created_to">{t["created_to"]}</label>\n'
        f'    <input type="date" id="id_created_to" name="created_to" value="{created_to}">\n'
        "  </div>\n"
        "  <div>\n"
        f'    <label for="id_location">{t["location"]}</label>\n'
        '    <select id="id_location" name="location">\n'
        f'      <option value="">{t["any_location"]}</option>\n'
        f"      {location_options}\n"
        "    </select>\n"
        "  </div>\n"
        "  <div>\n"
        f'    <label for="id_sort">{t["sort"]}</label>\n'
        '    <select id="id_sort" name="sort">\n'
        f"      {sorts}\n"
        "    </select>\n"
        "  </div>\n"
        '  <div class="actions">\n'
        f'    <button type="submit" class="secondary">{t["submit"]}</button>\n'
        f'    <a class="button secondary" href="{export}">{t["export"]}</a>\n'
        "  </div>\n"
        "</form>"
    )
    return mark_safe(html)  # noqa: S308 -- every value above is escaped
