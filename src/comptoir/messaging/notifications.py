"""Telling the team about inbound customer messages (M5 fills this module)."""

from __future__ import annotations


def notify_staff_of_inbound(message_id: int) -> None:
    """M5 fills: notify the staff members who follow the inbox of a new inbound message.

    Called by ``messaging.services.record_inbound`` after commit, with the message's id."""
