"""The dashboard's menu: each entry shows only to members holding its permission."""

from __future__ import annotations

from django.urls import reverse

from comptoir.dashboard.urls import MENU
from comptoir.team.models import TeamMember


def menu_for(member: TeamMember, current_path: str) -> list[dict]:
    items = []
    for entry in MENU:
        if entry.permission is None or member.has_permission(entry.permission):
            url = reverse(entry.url_name)
            home = entry.url_name == "dashboard:home"
            active = current_path == url if home else current_path.startswith(url)
            items.append({"label": entry.label, "url": url, "active": active})
    return items
