"""Reads of the outbox, scoped to who is asking."""

from __future__ import annotations

from django.db.models import QuerySet

from comptoir.mail.models import OutgoingEmail
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission


def emails_visible_to(actor: TeamMember) -> QuerySet[OutgoingEmail]:
    """Every email for members who manage settings (the outbox holds customers' mail too),
    none for anyone else."""
    if not actor.has_permission(Permission.MANAGE_SETTINGS):
        return OutgoingEmail.objects.none()
    return OutgoingEmail.objects.order_by("-created_at", "-id")


def outbox_page(actor: TeamMember) -> QuerySet[OutgoingEmail]:
    """The list columns only: bodies can be large."""
    return emails_visible_to(actor).only(
        "id",
        "to_address",
        "subject",
        "kind",
        "language",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    )
