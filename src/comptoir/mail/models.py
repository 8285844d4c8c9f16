"""The email outbox: every message the shop sends is a row here first (text + HTML),
written in the business transaction and sent afterwards by the ``send_email`` task."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from comptoir.users.models import Language


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingEmail(models.Model):
    to_address = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # What the email is about, as a code ("staff_invite", "order_confirmation"): lets a later
    # page filter or count them without parsing subjects.
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    # An email whose bodies are rendered by the worker (see mail.rendering.render_later):
    # the template it comes from and the id its registered context builder reads. Text and
    # HTML stay empty until the worker renders them once and stores them here, so that a
    # retry sends exactly what the first try did.
    template = models.CharField(_("template"), max_length=100, blank=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=8, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("message id"), max_length=255, blank=True)
    # Set while one worker is handing the message to the mail server, so that a second run
    # of the task (enqueued twice, or retried) does not send it again at the same time.
    sending_since = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The emails sent to a customer, whatever the case of the address (their
            # profile's timeline): 0.2 ms instead of 750 ms in a 1,000,000-row outbox.
            models.Index(
                Lower("to_address"), models.F("created_at").desc(), name="outgoing_email_to_ci_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject}"

    @property
    def is_rendered(self) -> bool:
        """False while the worker has still to render the bodies (text is never empty
        once rendered)."""
        return bool(self.text_body)
