"""``comptoir mail-in``: receive customers' emails over SMTP (see messaging.mail_in).

Point the shop's MX record, or a forwarder, at this port (behind a firewall or a proxy
that terminates TLS if it faces the internet); replies to Comptoir's emails then land in
their conversations. Stops cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from comptoir.messaging.email_channel import reply_domain
from comptoir.messaging.mail_in import (
    DEFAULT_HOST,
    DEFAULT_MAX_SIZE,
    DEFAULT_PORT,
    build_controller,
)


class Command(BaseCommand):
    help = "Receive customers' emails over SMTP and record them in their conversations."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host", default=DEFAULT_HOST, help=f"address to listen on ({DEFAULT_HOST})"
        )
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT})")
        parser.add_argument(
            "--max-size",
            type=int,
            default=DEFAULT_MAX_SIZE,
            help=f"largest message accepted, in bytes ({DEFAULT_MAX_SIZE})",
        )
        parser.add_argument(
            "--domain",
            action="append",
            default=[],
            help="another domain whose addresses are accepted (repeatable); the reply domain always is",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["port"] <= 65535:
            raise CommandError(f"--port {options['port']} is not a port number (0 to 65535)")
        if options["max_size"] < 1024:
            raise CommandError("--max-size must be at least 1024 bytes")
        controller = build_controller(
            host=options["host"],
            port=options["port"],
            max_size=options["max_size"],
            domains=options["domain"],
        )
        try:
            controller.start()
        except OSError as error:
            raise CommandError(
                f"cannot listen on {options['host']}:{options['port']}: {error}"
            ) from None
        stop = threading.Event()
        previous = {
            signum: signal.signal(signum, lambda *_args: stop.set())
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            domains = sorted({reply_domain(), *options["domain"]})
            self.stdout.write(
                f"Receiving mail on {options['host']}:{controller.port} for {', '.join(domains)}"
            )
            self.stdout.flush()
            while not stop.wait(0.5):
                pass
        finally:
            controller.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.stdout.write("mail-in stopped")
