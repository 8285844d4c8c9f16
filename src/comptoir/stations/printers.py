"""Printers behind one small interface (``Printer``): the real one speaks ESC/POS over
TCP (port 9100) with python-escpos; the development one writes the ticket to the log.

A ticket is rendered to bytes first (escpos' ``Dummy``), then sent in one go, so a
printer that drops the connection never gets half a layout from us twice over."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy, Network

logger = logging.getLogger(__name__)

# A kitchen printer answers at once or is off: waiting longer only delays the retry.
CONNECT_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class TicketDocument:
    """What a ticket says, already in the staff's words (see ``stations.documents``)."""

    station: str
    title: str  # "Order 1042" or "Order 1042 — change 2"
    details: tuple[str, ...]  # "Table 4", "Pickup at 10:30", "Curbside: red Clio"
    lines: tuple[str, ...]  # "2 x Croissant"
    printed_for: str  # the local time it was made, e.g. "10:05"
    note: str = ""  # "Note: no nuts" (the order's note), or ""


class PrinterUnavailable(Exception):
    """The printer could not be reached or refused the ticket (retried by the task)."""


class Printer(Protocol):
    def send(self, document: TicketDocument) -> None: ...


def render_escpos(document: TicketDocument) -> bytes:
    """The ESC/POS bytes of a ticket: station and order in large type, the order's note
    in bold, one line per item, then a paper cut."""
    page = Dummy()
    page.hw("INIT")
    page.set(align="center", bold=True, double_height=True, double_width=True)
    page.text(f"{document.station}\n")
    page.set(align="left", bold=True, normal_textsize=True)
    page.text(f"{document.title}\n")
    page.set(bold=False)
    for detail in document.details:
        page.text(f"{detail}\n")
    page.text(f"{document.printed_for}\n")
    if document.note:
        page.set(bold=True)
        page.text(f"{document.note}\n")
        page.set(bold=False)
    page.text("-" * 32 + "\n")
    page.set(bold=True, double_height=True)
    for line in document.lines:
        page.text(f"{line}\n")
    page.set(bold=False, normal_textsize=True)
    page.cut()
    return bytes(page.output)


class EscPosNetworkPrinter:
    """A receipt printer on the network (TCP, usually port 9100)."""

    def __init__(
        self, host: str, port: int = 9100, *, timeout: float = CONNECT_TIMEOUT_SECONDS
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def send(self, document: TicketDocument) -> None:
        payload = render_escpos(document)
        printer = Network(self.host, port=self.port, timeout=self.timeout)
        try:
            printer.open()
            printer._raw(payload)  # the library's own write to its socket
        except (DeviceNotFoundError, OSError) as error:
            raise PrinterUnavailable(f"{self.host}:{self.port}: {_first_line(error)}") from error
        finally:
            printer.close()


class LogPrinter:
    """Development stand-in: the ticket goes to the log instead of paper."""

    def send(self, document: TicketDocument) -> None:
        logger.info(
            "Ticket for %s: %s | %s | %s%s",
            document.station,
            document.title,
            "; ".join(document.details),
            "; ".join(document.lines),
            f" | {document.note}" if document.note else "",
        )


def printer_for(host: str, port: int) -> Printer:
    """The printer of a station; ``STATIONS_PRINT_TO_LOG`` (development, demo) logs instead."""
    if getattr(settings, "STATIONS_PRINT_TO_LOG", False):
        return LogPrinter()
    return EscPosNetworkPrinter(host, port)


def _first_line(error: BaseException) -> str:
    # DeviceNotFoundError wraps the socket's error in a message over several lines: the
    # socket's own ("[Errno 111] Connection refused") says it best.
    underlying = error.__cause__ or error.__context__
    if isinstance(error, DeviceNotFoundError) and isinstance(underlying, OSError):
        error = underlying
    return " ".join(str(error).split()) or type(error).__name__
