"""Sending one ticket to its station's printer: what the ``print_ticket`` task does.

The task may run more than once for one ticket (a retry, a second enqueue, two
workers): a ticket is printed at most once at a time, and never again once printed
unless staff ask for a reprint (which puts it back in the queue)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from comptoir.stations.documents import ticket_document
from comptoir.stations.models import Ticket, TicketState
from comptoir.stations.printers import printer_for

logger = logging.getLogger(__name__)

# A worker that claimed a ticket and vanished blocks it this long (a print takes seconds).
PRINTING_LEASE = timedelta(minutes=1)


def deliver_ticket(ticket_id: int, *, last_attempt: bool) -> str:
    """Print one ticket; returns what happened ("printed", "already printed"...).

    Raises when the printer cannot be reached so that the task is retried; on the
    ``last_attempt`` the ticket is marked failed first, with the error, which the
    dashboard shows with a Reprint button."""
    now = timezone.now()
    # Claim with one conditional UPDATE: no transaction stays open while we talk to it.
    claimed = (
        Ticket.objects.filter(pk=ticket_id, state__in=[TicketState.QUEUED, TicketState.FAILED])
        .filter(Q(printing_since__isnull=True) | Q(printing_since__lt=now - PRINTING_LEASE))
        .update(printing_since=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        state = Ticket.objects.filter(pk=ticket_id).values_list("state", flat=True).first()
        if state is None:
            logger.warning("Ticket %s no longer exists; nothing to print", ticket_id)
            return "missing"
        if state == TicketState.PRINTED:
            return "already printed"
        if state == TicketState.DONE:
            return "already done"
        return "being printed by another worker"

    ticket = Ticket.objects.select_related("station", "order__location", "order__fulfilment").get(
        pk=ticket_id
    )
    try:
        document = ticket_document(ticket)
        printer_for(ticket.station.printer_host, ticket.station.printer_port).send(document)
    except Exception as error:
        Ticket.objects.filter(pk=ticket_id, printing_since=now).update(
            printing_since=None,
            error=f"{type(error).__name__}: {error}"[:2000],
            state=TicketState.FAILED if last_attempt else TicketState.QUEUED,
        )
        raise
    # Staff may have marked it done meanwhile: that state stays.
    Ticket.objects.filter(pk=ticket_id).exclude(state=TicketState.DONE).update(
        state=TicketState.PRINTED, printed_at=timezone.now(), printing_since=None, error=""
    )
    return "printed"
