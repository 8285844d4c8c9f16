import html
from typing import cast

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from comptoir.dashboard.navigation import menu_for


def dashboard(request: HttpRequest) -> dict:
    """The member and their menu. The menu is worked out when a template first reads it:
    a partial (the Orders page's live refresh, every few seconds) never does."""
    member = getattr(request, "member", None)
    if member is None:
        return {}
    menu = cast(list[dict], SimpleLazyObject(lambda: menu_for(member, request.path)))
    return {"member": member, "menu": menu, "menu_html": SimpleLazyObject(lambda: _written(menu))}


# The menu's markup by language and entries shown (labels and addresses never change
# while the process runs): the same few menus are written on every dashboard page.
_written_menus: dict[tuple, SafeString] = {}
_WRITTEN_MENUS_KEPT = 256


def _written(menu: list[dict]) -> SafeString:
    key = (
        get_language(),
        tuple((id(item["label"]), item["url"], item["active"]) for item in menu),
    )
    written = _written_menus.get(key)
    if written is None:
        written = menu_html(menu)
        if len(_written_menus) < _WRITTEN_MENUS_KEPT:
            _written_menus[key] = written
    return written


def menu_html(menu: list[dict]) -> SafeString:
    """The menu's ``<ul>``, written once for the page's two copies (top bar and sidebar):
    through the template, its two dozen entries cost two loops of lookups, lazy labels
    and escaping on every dashboard page."""
    current = ' aria-current="page"'
    items = "".join(
        f'<li><a href="{html.escape(item["url"])}"{current if item["active"] else ""}>'
        f"{html.escape(str(item['label']))}</a></li>"
        for item in menu
    )
    return mark_safe(f"<ul>{items}</ul>")  # noqa: S308 -- every value above is escaped
