"""A real SMTP server on loopback for tests (aiosmtpd), keeping the conversation's verbs
and every message it accepted, so a test sees exactly what a mail server would."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes


@dataclass
class Conversation:
    commands: list[str] = field(default_factory=list)
    messages: list[Received] = field(default_factory=list)


class _RecordingHandler:
    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.conversation.commands.append(f"EHLO {hostname}")
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.conversation.commands.append(f"MAIL FROM:<{address}>")
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.conversation.commands.append(f"RCPT TO:<{address}>")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.conversation.commands.append("DATA")
        self.conversation.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        self.conversation.commands.append("QUIT")
        return "221 Bye"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPStandIn:
    """``with SMTPStandIn() as server: ... server.port ... server.conversation``"""

    def __init__(self) -> None:
        self.conversation = Conversation()
        self.port = _free_port()
        self._controller = Controller(
            _RecordingHandler(self.conversation), hostname="127.0.0.1", port=self.port
        )

    def __enter__(self) -> SMTPStandIn:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()
