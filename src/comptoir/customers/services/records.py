"""The merchant creates and edits customer records by hand (and the CSV import, through
the same functions): every change is one transaction that also writes the timeline and,
when the promotional-email consent changes, a consent row with its date and source.
Approving a record pending approval emails the customer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.customers.events import record_event
from comptoir.customers.models import (
    AddressRole,
    ConsentSource,
    Customer,
    CustomerAddress,
    EventKind,
    MarketingConsentChange,
)
from comptoir.customers.selectors import customer_for_staff
from comptoir.customers.services.order_stats import start_spending
from comptoir.errors import Conflict, DomainError
from comptoir.mail.services import queue_templated_email
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

Address = Mapping[str, str] | None


def create_customer(
    *,
    actor: TeamMember,
    fields: Mapping[str, Any],
    billing: Address = None,
    shipping: Address = None,
    source: ConsentSource = ConsentSource.BACK_OFFICE,
) -> Customer:
    """A new record from cleaned form values (customers.forms). ``shipping`` is ignored
    while ``fields["shipping_same_as_billing"]`` is true."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    with transaction.atomic():
        customer = Customer(**fields)
        customer.search_text = customer.computed_search_text()
        customer.save(force_insert=True)
        start_spending(customer)
        _save_addresses(customer, billing=billing, shipping=shipping)
        if customer.accepts_marketing:
            _record_consent(customer, accepts=True, source=source, actor=actor)
        record_event(
            customer,
            EventKind.CREATED,
            actor=actor,
            source="import" if source == ConsentSource.IMPORT else "back_office",
        )
    return customer


def update_customer(
    *,
    actor: TeamMember,
    customer_id: int,
    fields: Mapping[str, Any],
    billing: Address = None,
    shipping: Address = None,
    source: ConsentSource = ConsentSource.BACK_OFFICE,
    expected_updated_at: datetime | None = None,
) -> Customer:
    """Apply cleaned form values to a record ``actor`` may see. The timeline gets the
    names of the fields that changed (not their values); clearing "pending approval"
    approves the record and emails the customer. With ``expected_updated_at`` (when the
    edit page was opened), refuses with Conflict if the record changed since, so that
    one merchant's save does not silently undo another's."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    with transaction.atomic():
        visible = customer_for_staff(actor, customer_id)
        customer = Customer.objects.select_for_update(of=("self",)).get(pk=visible.pk)
        if customer.erased_at is not None:
            raise Conflict(
                _("This customer's personal data was erased: the record cannot be edited."),
                code="erased",
            )
        if expected_updated_at is not None and customer.updated_at != expected_updated_at:
            raise Conflict(
                _(
                    "Someone else changed this customer while you were editing. Check "
                    "the record below, then save again to keep your version."
                ),
                code="record_changed",
            )
        was_pending = customer.pending_approval
        was_accepting = customer.accepts_marketing
        changed = [field for field, value in fields.items() if getattr(customer, field) != value]
        for field in changed:
            setattr(customer, field, fields[field])
        customer.search_text = customer.computed_search_text()
        customer.save()
        changed += _save_addresses(customer, billing=billing, shipping=shipping)
        if customer.accepts_marketing != was_accepting:
            _record_consent(
                customer, accepts=customer.accepts_marketing, source=source, actor=actor
            )
        if changed:
            record_event(
                customer,
                EventKind.IMPORTED if source == ConsentSource.IMPORT else EventKind.EDITED,
                actor=actor,
                fields=sorted(changed),
            )
        if was_pending and not customer.pending_approval:
            _approved(customer, actor=actor)
    return customer


def approve_customer(*, actor: TeamMember, customer_id: int) -> Customer:
    """Lift "pending approval": the customer may sign in and is told so by email."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    with transaction.atomic():
        visible = customer_for_staff(actor, customer_id)
        customer = (
            Customer.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=visible.pk)
        )
        if not customer.pending_approval:
            raise DomainError(_("This customer is not pending approval."), code="not_pending")
        customer.pending_approval = False
        customer.save(update_fields=["pending_approval", "updated_at"])
        _approved(customer, actor=actor)
    return customer


def _approved(customer: Customer, *, actor: TeamMember) -> None:
    record_event(customer, EventKind.APPROVED, actor=actor)
    to = customer.user.email if customer.user is not None else customer.email
    if to:
        queue_templated_email(
            to=to,
            template="account_approved",
            context={"first_name": customer.first_name},
            language=customer.language or get_shop().published_language,
            kind="account_approved",
        )


def _record_consent(
    customer: Customer, *, accepts: bool, source: ConsentSource, actor: TeamMember | None
) -> None:
    MarketingConsentChange.objects.create(
        customer=customer, accepts=accepts, source=source, changed_by=actor
    )


def _save_addresses(customer: Customer, *, billing: Address, shipping: Address) -> list[str]:
    """Create, update or delete the record's billing and shipping addresses; returns
    the roles that changed ("billing_address", "shipping_address")."""
    wanted = {
        AddressRole.BILLING: billing,
        AddressRole.SHIPPING: None if customer.shipping_same_as_billing else shipping,
    }
    existing = {address.role: address for address in customer.record_addresses.all()}
    changed = []
    for role, values in wanted.items():
        current = existing.get(role)
        if values is None:
            if current is not None:
                current.delete()
                changed.append(f"{role}_address")
            continue
        if current is None:
            CustomerAddress.objects.create(customer=customer, role=role, **values)
            changed.append(f"{role}_address")
        elif any(getattr(current, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(current, field, value)
            current.save()
            changed.append(f"{role}_address")
    return changed
