"""Writes of text consent: a team member's attestation, the marketing double opt-in,
STOP and START. Each in one transaction, with a ConsentRecord per grant or withdrawal;
the texts they send go through ``messaging.services.send_message`` (queued, sent after
commit)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.consent.models import (
    ConsentAction,
    ConsentChannel,
    ConsentRecord,
    ConsentSource,
    HowObtained,
    MarketingOptIn,
    Purpose,
    SuppressedAddress,
    TextSubscription,
)
from comptoir.consent.rules import (
    YES_MOVES,
    normalised_address,
    suppressed_since,
    suppression_digest,
)
from comptoir.customers.models import Customer
from comptoir.errors import DomainError, InvalidInput
from comptoir.messaging.models import Channel, Message, MessageKind
from comptoir.messaging.selectors import sms_number
from comptoir.messaging.services import send_message
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

logger = logging.getLogger(__name__)


def customer_language(customer: Customer | None) -> str:
    if customer is not None and customer.language:
        return customer.language
    return get_shop().published_language


# --- subscriptions -------------------------------------------------------------------


def subscription_for(
    number: str, customer: Customer | None = None, *, last_inbound_at: datetime | None = None
) -> TextSubscription:
    """The number's row, locked, created when missing (an opt-out kept on the
    suppression list by an erasure comes back with it; ``last_inbound_at`` when the
    number is texting now). Call inside a transaction."""
    number = normalised_address(number)
    sub = TextSubscription.objects.select_for_update().filter(number=number).first()
    if sub is None:
        # Insert unless there (two first texts from a number at once: the second keeps
        # the first's row), then lock it: no savepoint, one statement.
        TextSubscription.objects.bulk_create(
            [
                TextSubscription(
                    number=number,
                    customer=customer,
                    opted_out_at=suppressed_since(number),
                    last_inbound_at=last_inbound_at,
                )
            ],
            ignore_conflicts=True,
        )
        sub = TextSubscription.objects.select_for_update().get(number=number)
    if customer is not None and sub.customer_id != customer.pk:
        sub.customer = customer
        sub.save(update_fields=["customer", "updated_at"])
    return sub


def _record(
    *,
    customer: Customer,
    number: str,
    purpose: str,
    action: str,
    source: str,
    at: datetime,
    staff: TeamMember | None = None,
    request_text: str = "",
    reply_text: str = "",
    provider_message_id: str = "",
    how_obtained: str = "",
    how_obtained_detail: str = "",
) -> ConsentRecord:
    return ConsentRecord.objects.create(
        customer=customer,
        address=number,
        channel=ConsentChannel.SMS,
        purpose=purpose,
        action=action,
        source=source,
        staff=staff,
        by_customer=staff is None,
        at=at,
        request_text=request_text,
        reply_text=reply_text,
        provider_message_id=provider_message_id,
        how_obtained=how_obtained,
        how_obtained_detail=how_obtained_detail,
    )


def _auto_text(customer: Customer, body: str, *, is_marketing: bool = False) -> Message | None:
    """A text the shop sends on its own (confirmations, answers). A refusal (the number
    is stopped) is logged, not raised: the customer's message is still recorded."""
    try:
        return send_message(
            actor=None,
            customer=customer,
            channel=Channel.SMS,
            body=body,
            kind=MessageKind.CONSENT,
            is_marketing=is_marketing,
        )
    except DomainError as error:
        logger.info("Consent text to customer %s not sent: %s", customer.pk, error.code)
        return None


# --- staff attestation ---------------------------------------------------------------


def attest_text_consent(
    *,
    actor: TeamMember,
    customer: Customer,
    how_obtained: str,
    detail: str = "",
) -> ConsentRecord:
    """A team member confirms the customer agreed to be texted (how: in person, by phone,
    in writing, other with a description): recorded, and the first text may go."""
    require(actor, Permission.MESSAGE_CUSTOMERS)
    number = sms_number(customer)
    errors: dict[str, str] = {}
    if not number:
        errors[""] = _("No mobile number on file for %(name)s: add one on their profile first.") % {
            "name": customer
        }
    if how_obtained not in HowObtained.values:
        errors["how_obtained"] = _("Choose how the customer gave their consent.")
    detail = detail.strip()
    if how_obtained == HowObtained.OTHER and not detail:
        errors["detail"] = _("Say how the customer gave their consent.")
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    with transaction.atomic():
        sub = subscription_for(number, customer)
        sub.attested_at = now
        sub.save(update_fields=["attested_at", "updated_at"])
        return _record(
            customer=customer,
            number=number,
            purpose=Purpose.TRANSACTIONAL,
            action=ConsentAction.GRANT,
            source=ConsentSource.STAFF_ATTESTATION,
            staff=actor,
            at=now,
            how_obtained=how_obtained,
            how_obtained_detail=detail if how_obtained == HowObtained.OTHER else "",
        )


# --- the marketing double opt-in -----------------------------------------------------


def _first_request_text(shop_name: str) -> str:
    return _(
        "%(shop)s would like to send you text messages. Reply YES to agree. Reply STOP to opt out."
    ) % {"shop": shop_name}


def _second_request_text(shop_name: str) -> str:
    return _(
        "Thank you! Reply YES again to confirm you want offers and promotions from %(shop)s "
        "by text. Reply STOP at any time to stop."
    ) % {"shop": shop_name}


def _confirmed_text(shop_name: str) -> str:
    return _(
        "You will now receive offers from %(shop)s by text. Reply STOP to stop, HELP for help."
    ) % {"shop": shop_name}


class OptInRefused(DomainError):
    code = "opt_in_refused"
    status = 409


def request_marketing_opt_in(*, actor: TeamMember, customer: Customer) -> TextSubscription:
    """Text the customer the first request of the double opt-in, in their language.
    Asking again while a request is pending sends it again."""
    require(actor, Permission.MESSAGE_CUSTOMERS)
    number = sms_number(customer)
    if not number:
        raise OptInRefused(
            _("No mobile number on file for %(name)s: add one on their profile.")
            % {"name": customer}
        )
    shop = get_shop()
    with transaction.atomic():
        sub = subscription_for(number, customer)
        if sub.opted_out_at is not None:
            raise OptInRefused(
                _("This number replied STOP: texts can't be sent until they text START.")
            )
        if sub.marketing_state == MarketingOptIn.CONFIRMED:
            raise OptInRefused(_("This customer already confirmed they want marketing texts."))
        with translation.override(customer_language(customer)):
            body = _first_request_text(shop.name)
        message = send_message(
            actor=actor, customer=customer, channel=Channel.SMS, body=body, kind=MessageKind.CONSENT
        )
        sub.marketing_state = MarketingOptIn.FIRST_REQUEST_SENT
        sub.first_request_at = timezone.now()
        sub.first_request_text = body
        sub.first_request_message_id = message.pk
        sub.save()
    return sub


def answer_opt_in(
    *, sub: TextSubscription, customer: Customer, reply: str, provider_message_id: str
) -> None:
    """A yes to the pending request (``sub`` locked, state in YES_MOVES): the first
    yes grants texts and sends the second request; the second confirms marketing."""
    now = timezone.now()
    shop = get_shop()
    new_state = YES_MOVES[sub.marketing_state]
    if new_state == MarketingOptIn.FIRST_YES:
        sub.first_reply_at = now
        sub.first_reply_text = reply
        _record(
            customer=customer,
            number=sub.number,
            purpose=Purpose.TRANSACTIONAL,
            action=ConsentAction.GRANT,
            source=ConsentSource.TEXT_REPLY,
            at=now,
            request_text=sub.first_request_text,
            reply_text=reply,
            provider_message_id=provider_message_id,
        )
        with translation.override(customer_language(customer)):
            body = _second_request_text(shop.name)
        message = _auto_text(customer, body)
        sub.marketing_state = MarketingOptIn.SECOND_REQUEST_SENT
        sub.second_request_at = timezone.now()
        sub.second_request_text = body
        sub.second_request_message_id = message.pk if message else None
    else:
        sub.confirmed_at = now
        sub.confirmed_reply_text = reply
        sub.marketing_state = MarketingOptIn.CONFIRMED
        _record(
            customer=customer,
            number=sub.number,
            purpose=Purpose.MARKETING,
            action=ConsentAction.GRANT,
            source=ConsentSource.TEXT_REPLY,
            at=now,
            request_text=sub.second_request_text,
            reply_text=reply,
            provider_message_id=provider_message_id,
        )
        with translation.override(customer_language(customer)):
            _auto_text(customer, _confirmed_text(shop.name))
    sub.save()


# --- STOP, START ---------------------------------------------------------------------


def opt_out(
    *,
    sub: TextSubscription,
    customer: Customer,
    reply: str,
    provider_message_id: str,
    confirm: bool = True,
) -> None:
    """STOP (``sub`` locked): one confirmation, then no text at all to the number; the
    marketing opt-in is withdrawn too (asked again from the start after START).
    ``confirm`` False: the provider already answered (see ``opted_out_at_provider``)."""
    now = timezone.now()
    if sub.opted_out_at is None and confirm:
        # The one confirmation goes before the number is marked (sending checks it).
        with translation.override(customer_language(customer)):
            _auto_text(
                customer,
                _(
                    "You will no longer receive texts from %(shop)s. Reply START to receive "
                    "them again."
                )
                % {"shop": get_shop().name},
            )
    purposes = [Purpose.TRANSACTIONAL]
    if sub.marketing_state != MarketingOptIn.NONE:
        purposes.append(Purpose.MARKETING)
    for purpose in purposes:
        _record(
            customer=customer,
            number=sub.number,
            purpose=purpose,
            action=ConsentAction.WITHDRAW,
            source=ConsentSource.KEYWORD,
            at=now,
            reply_text=reply,
            provider_message_id=provider_message_id,
        )
    sub.opted_out_at = sub.opted_out_at or now
    sub.marketing_state = MarketingOptIn.NONE
    sub.save(update_fields=["opted_out_at", "marketing_state", "updated_at"])


def opted_out_at_provider(*, number: str, customer: Customer, provider_message_id: str) -> None:
    """The provider refused a text because the number replied STOP to it (Twilio's error
    21610), a STOP we never saw: the number is marked as if it had, without a
    confirmation (the provider sent its own)."""
    with transaction.atomic():
        sub = subscription_for(number, customer)
        if sub.opted_out_at is None:
            opt_out(
                sub=sub,
                customer=customer,
                reply="",
                provider_message_id=provider_message_id,
                confirm=False,
            )


def opt_in(
    *, sub: TextSubscription, customer: Customer, reply: str, provider_message_id: str
) -> None:
    """START, UNSTOP (or YES with no request pending): texts may go again."""
    now = timezone.now()
    was_out = sub.opted_out_at is not None
    sub.opted_out_at = None
    sub.opted_in_at = now
    sub.save(update_fields=["opted_out_at", "opted_in_at", "updated_at"])
    SuppressedAddress.objects.filter(digest=suppression_digest(sub.number)).delete()
    _record(
        customer=customer,
        number=sub.number,
        purpose=Purpose.TRANSACTIONAL,
        action=ConsentAction.GRANT,
        source=ConsentSource.KEYWORD,
        at=now,
        reply_text=reply,
        provider_message_id=provider_message_id,
    )
    if was_out:
        with translation.override(customer_language(customer)):
            _auto_text(
                customer,
                _("You will receive texts from %(shop)s again. Reply STOP to stop.")
                % {"shop": get_shop().name},
            )


def help_text(customer: Customer) -> str:
    shop = get_shop()
    contacts = [contact for contact in (shop.contact_phone, shop.contact_email) if contact]
    with translation.override(customer_language(customer)):
        if contacts:
            return _("%(shop)s: contact us at %(contact)s. Reply STOP to stop texts.") % {
                "shop": shop.name,
                "contact": " / ".join(contacts),
            }
        return _("%(shop)s. Reply STOP to stop texts.") % {"shop": shop.name}


def answer_help(*, customer: Customer) -> None:
    _auto_text(customer, help_text(customer))
