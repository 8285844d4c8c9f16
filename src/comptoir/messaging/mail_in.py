"""``comptoir mail-in``: a small SMTP receiver (aiosmtpd) for shops that point their MX
record or a forwarder at Comptoir. It accepts mail for the shop's domain (the reply
addresses ``reply+<token>@`` and any other address there), refuses every other
recipient with 550 (it relays nothing), limits the size, and records each message
through ``messaging.inbound_email``.

The SMTP conversation runs in aiosmtpd's event loop thread; each message is recorded in
a worker thread (the ORM is synchronous), and a failure answers 451 so the sending
server tries again later instead of losing the message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from email.utils import parseaddr
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections, connections

from comptoir.messaging.email_channel import reply_domain
from comptoir.messaging.inbound_email import receive_email

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2525
DEFAULT_MAX_SIZE = 25 * 1024 * 1024  # what the large mail providers accept


class MailInHandler:
    """aiosmtpd handler: which recipients are ours, and what to do with a message."""

    def __init__(self, *, domains: Iterable[str] = ()) -> None:
        self.extra_domains = {domain.strip().lstrip("@").lower() for domain in domains if domain}

    def domains(self) -> set[str]:
        # Read at each message: the shop's contact email may change while we run.
        return {reply_domain(), *self.extra_domains}

    def accepts(self, address: str) -> bool:
        _name, address = parseaddr(address)
        local, at, domain = address.rpartition("@")
        return bool(at and local) and domain.lower() in self.domains()

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        loop = asyncio.get_running_loop()
        accepted = await loop.run_in_executor(None, self._accepts_in_thread, address)
        if not accepted:
            return f"550 5.1.1 <{address}>: recipient not accepted here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="replace")
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                None, self._receive_in_thread, raw, list(envelope.rcpt_tos), envelope.mail_from
            )
        except Exception:
            logger.exception("mail-in: could not record a message from %s", envelope.mail_from)
            return "451 4.3.0 Message not stored, try again later"
        return "250 2.0.0 Message accepted"

    def _accepts_in_thread(self, address: str) -> bool:
        close_old_connections()
        try:
            return self.accepts(address)
        finally:
            # The executor's threads outlive the receiver: leave no connection behind.
            connections.close_all()

    def _receive_in_thread(self, raw: bytes, recipients: list[str], sender: str | None) -> None:
        close_old_connections()
        try:
            # MAIL FROM:<> (a bounce) arrives as "": it marks the email automatic.
            message = receive_email(
                raw, envelope_recipients=recipients, envelope_sender=sender or ""
            )
            if message is not None:
                logger.info("mail-in: message %s from %s stored", message.pk, sender)
        finally:
            connections.close_all()


class MailInController(Controller):
    """aiosmtpd's threaded controller; port 0 picks a free port (``self.port`` then
    holds it), which tests use."""

    def _trigger_server(self) -> None:
        if self.port == 0 and isinstance(self.server, asyncio.Server):
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def build_controller(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    max_size: int = DEFAULT_MAX_SIZE,
    domains: Iterable[str] = (),
) -> MailInController:
    """The receiver as ``comptoir mail-in`` runs it (call ``start()`` / ``stop()``)."""
    smtp_options: dict[str, Any] = {
        "data_size_limit": max_size,
        "ident": "Comptoir mail-in",
    }
    return MailInController(
        MailInHandler(domains=domains), hostname=host, port=port, **smtp_options
    )
