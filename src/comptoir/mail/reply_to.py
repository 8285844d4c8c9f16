"""Reply-To addresses of outbox emails, by kind: an app whose emails should be answered
somewhere else than the sender's address (a customer conversation's reply address)
registers a finder from its AppConfig.ready(); the delivery asks it just before sending."""

from __future__ import annotations

from collections.abc import Callable

from comptoir.mail.models import OutgoingEmail

ReplyToFinder = Callable[[OutgoingEmail], str | None]
_finders: dict[str, ReplyToFinder] = {}


def register_reply_to(kind: str, finder: ReplyToFinder) -> None:
    _finders[kind] = finder


def reply_to_for(email: OutgoingEmail) -> list[str]:
    """The Reply-To of ``email`` (empty: none, replies go to the sender)."""
    finder = _finders.get(email.kind)
    address = finder(email) if finder is not None else None
    return [address] if address else []
