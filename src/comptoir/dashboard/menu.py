"""A dashboard menu entry. Each domain's URL module lists its own (``menu``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from comptoir.team.permissions import Permission


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url_name: str
    permission: Permission | None  # None: every team member
