import html

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from comptoir.dashboard.navigation import menu_for


def dashboard(request: HttpRequest) -> dict:
    member = getattr(request, "member", None)
    if member is None:
        return {}
    menu = menu_for(member, request.path)
    return {"member": member, "menu": menu, "menu_html": menu_html(menu)}


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
