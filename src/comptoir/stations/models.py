"""Stations of a location (kitchen, bar...), the category each routes, and the tickets
they receive for accepted orders. A ticket is also its print job: one row per (order,
station, revision), so printing it again never makes a second ticket."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_PRINTER_PORT = 9100


class Station(models.Model):
    location = models.ForeignKey(
        "shop.Location",
        on_delete=models.CASCADE,
        related_name="stations",
        verbose_name=_("location"),
    )
    name = models.CharField(_("name"), max_length=60)
    printer_host = models.CharField(
        _("printer address"),
        max_length=255,
        help_text=_("The network printer's IP address or host name, e.g. 192.168.1.50."),
    )
    printer_port = models.PositiveIntegerField(_("printer port"), default=DEFAULT_PRINTER_PORT)
    # Lines whose category routes to no station of the location are sent here.
    is_fallback = models.BooleanField(_("fallback station"), default=False)

    class Meta:
        verbose_name = _("station")
        ordering = ["location_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name"], name="station_name_unique_per_location"
            ),
            models.UniqueConstraint(
                fields=["location"],
                condition=models.Q(is_fallback=True),
                name="one_fallback_station_per_location",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CategoryRoute(models.Model):
    """At ``location``, lines of ``category`` are prepared at ``station``."""

    location = models.ForeignKey("shop.Location", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("catalog.Category", on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="routes")

    class Meta:
        verbose_name = _("category route")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "category"], name="category_routes_once_per_location"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id} -> {self.station_id}"


class TicketState(models.TextChoices):
    QUEUED = "queued", _("Waiting to print")
    PRINTED = "printed", _("Printed")
    FAILED = "failed", _("Could not print")
    DONE = "done", _("Done")


class Ticket(models.Model):
    """What one station prepares for one revision of an order (revision 1: the accepted
    order; later ones: the lines that changed). ``lines`` is a snapshot:
    ``[{"name": ..., "quantity": ..., "note": ...}]``, a negative quantity for a removal."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="tickets")
    revision = models.PositiveIntegerField(_("revision"))
    lines = models.JSONField(_("lines"), default=list)
    state = models.CharField(
        _("state"), max_length=10, choices=TicketState.choices, default=TicketState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("print attempts"), default=0)
    error = models.TextField(_("last printing error"), blank=True)
    # Set while a worker talks to the printer: another run leaves the ticket alone.
    printing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    printed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        "team.TeamMember", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ticket")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "station", "revision"], name="ticket_once_per_order_revision"
            ),
        ]
        indexes = [models.Index(fields=["station", "state"], name="ticket_station_state_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.station_id}#{self.revision}"

    @property
    def is_open(self) -> bool:
        return self.state != TicketState.DONE
