"""A customer's text answering their appointment reminder ("reply C to confirm, R to
reschedule, X to cancel"), called by the inbound SMS path (``messaging.sms_inbound``)
after opt-out words and opt-in answers, as the issue's precedence says.

Understood, as the whole text (any case, surrounding spaces and punctuation ignored):
C / oui / yes / confirm / confirmer -> confirmed; R / reporter / reschedule -> reschedule
requested; X / annuler -> cancelled. Never the bare word CANCEL: it is an opt-out word,
handled before this is asked (and refused here should it ever arrive)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from comptoir.appointments.models import Appointment, AppointmentStatus
from comptoir.appointments.selectors import pending_reminder
from comptoir.appointments.services import answer_reminder
from comptoir.customers.models import Customer
from comptoir.customers.search import fold
from comptoir.errors import DomainError
from comptoir.messaging.inbound_media import store_text_media
from comptoir.messaging.models import Channel, MessageKind
from comptoir.messaging.services import record_inbound, send_message
from comptoir.shop.selectors import get_shop, language_for

S = AppointmentStatus

ANSWERS: dict[str, AppointmentStatus] = {
    **dict.fromkeys(("c", "oui", "yes", "confirm", "confirmer", "confirme"), S.CONFIRMED),
    **dict.fromkeys(("r", "reporter", "reschedule"), S.RESCHEDULE_REQUESTED),
    **dict.fromkeys(("x", "annuler", "annule"), S.CANCELLED),
}
# Opt-out words: never an answer here, whatever is pending.
NEVER = frozenset({"cancel"})


def normalised(text: str) -> str:
    """Lower case, without accents, surrounding spaces or punctuation."""
    return fold(text).strip(".!?,;:…'\"()- \t\r\n")


def answer_for(text: str) -> AppointmentStatus | None:
    word = normalised(text)
    if word in NEVER:
        return None
    return ANSWERS.get(word)


def handle_reminder_reply(
    customer: Customer,
    number: str,
    text: str,
    *,
    provider_message_id: str = "",
    media: Sequence[tuple[str, str]] = (),
) -> bool:
    """True when ``text`` answered the customer's pending reminder: the appointment is
    updated, the reply recorded in the conversation (linked to the appointment, so staff
    see it) and an acknowledgement texted back. False otherwise (nothing done: the
    caller records the text as a message for staff)."""
    target = answer_for(text)
    if target is None:
        return False
    pending = pending_reminder(customer)
    if pending is None:
        return False
    with transaction.atomic():
        appointment = answer_reminder(appointment_id=pending.pk, target=target, reply=text)
        if appointment is None:
            return False
        reply = record_inbound(
            customer=customer,
            channel=Channel.SMS,
            body=text,
            from_address=number,
            provider_message_id=provider_message_id,
            appointment_id=appointment.pk,
        )
        if media:  # a picture sent with the answer is kept like any other
            store_text_media(message_id=reply.pk, media=list(media))
        try:
            with transaction.atomic():
                send_message(
                    actor=None,
                    customer=customer,
                    channel=Channel.SMS,
                    body=acknowledgement(appointment, customer),
                    kind=MessageKind.AUTO_REPLY,
                    appointment_id=appointment.pk,
                )
        except DomainError:
            # The answer counts even if the acknowledgement cannot go (number removed).
            pass
    return True


def acknowledgement(appointment: Appointment, customer: Customer) -> str:
    shop = get_shop()
    language = language_for(shop, customer.language)
    with translation.override(language), timezone.override(appointment.location.time_zone):
        start = timezone.localtime(appointment.starts_at)
        values = {
            "shop": shop.name,
            "service": appointment.service_name,
            "date": formats.date_format(start, "DATE_FORMAT"),
            "time": formats.time_format(start, "TIME_FORMAT"),
        }
        if appointment.status == S.CONFIRMED:
            return (
                _(
                    "%(shop)s: thank you, your appointment (%(service)s) on %(date)s at %(time)s "
                    "is confirmed."
                )
                % values
            )
        if appointment.status == S.RESCHEDULE_REQUESTED:
            return (
                _(
                    "%(shop)s: thank you, we will contact you to find a new time for your "
                    "appointment (%(service)s)."
                )
                % values
            )
        return (
            _("%(shop)s: your appointment (%(service)s) on %(date)s at %(time)s is cancelled.")
            % values
        )
