"""The dashboard's menu: each entry shows only to members holding its permission."""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from comptoir.dashboard.urls import MENU
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

# The entries' addresses, reversed once per URL configuration and prefix: reversing the
# two dozen of them cost every dashboard page about 3 ms.
_addresses: dict[tuple[str, str], dict[str, str]] = {}


def _menu_addresses() -> dict[str, str]:
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    addresses = _addresses.get(key)
    if addresses is None:
        addresses = _addresses[key] = {entry.url_name: reverse(entry.url_name) for entry in MENU}
    return addresses


def menu_for(member: TeamMember, current_path: str) -> list[dict]:
    addresses = _menu_addresses()
    held = member.permissions  # worked out once (``has_permission`` does per call)
    items = []
    for entry in MENU:
        if entry.permission is None or Permission(entry.permission) in held:
            url = addresses[entry.url_name]
            home = entry.url_name == "dashboard:home"
            active = current_path == url if home else current_path.startswith(url)
            items.append({"label": entry.label, "url": url, "active": active})
    return items
