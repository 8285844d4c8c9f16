"""Demo counter and phone orders (issue 5): at each location, one order handed over at
the counter to a customer known only by phone, one phone order for pickup with a staff
note, both paid in person, and one order waiting to be paid by a card link. Safe to run
again: each is found by its idempotency key first (orders.counter returns it)."""

from __future__ import annotations

from collections.abc import Callable

from comptoir.catalog.selectors import sellable_products
from comptoir.customers.models import Customer
from comptoir.errors import DomainError
from comptoir.orders.counter import NewCustomer, PaymentChoice, place_counter_order
from comptoir.orders.models import FulfilmentType, Order, PaymentLink
from comptoir.orders.services import FulfilmentChoice
from comptoir.shop.models import FulfilmentType as Offer
from comptoir.shop.models import Location
from comptoir.team.models import TeamMember

Report = Callable[[str], None]

PHONE_CUSTOMER = NewCustomer(first_name="Marcel", last_name="Dupuis", phone="+33612345001")
PHONE_NOTE = "Sans oignons, merci. Rappeler au 06 12 34 50 01 si retard."
LINK_CUSTOMER = NewCustomer(first_name="Zoé", last_name="Lambert", email="zoe.lambert@example.com")


def seed_demo_counter(*, owner: TeamMember, created: dict[str, int], report: Report) -> None:
    """Create what is missing of the demo counter orders and card links."""
    created.setdefault("orders", 0)
    created.setdefault("payment links", 0)
    for location in Location.objects.filter(is_active=True).order_by("position", "pk"):
        products = list(sellable_products(location).order_by("pk")[:3])
        if len(products) < 2:
            continue
        pickup = (
            FulfilmentChoice(type=FulfilmentType.PICKUP) if location.offers(Offer.PICKUP) else None
        )
        phone_customer = _existing(PHONE_CUSTOMER)
        _place(
            owner,
            location,
            f"demo-counter-{location.slug}-handed-over",
            [(products[0], 2)],
            phone_customer,
            None,
            "",
            PaymentChoice.IN_PERSON,
            created,
            report,
        )
        _place(
            owner,
            location,
            f"demo-counter-{location.slug}-phone-pickup",
            [(products[0], 1), (products[1], 2)],
            _existing(PHONE_CUSTOMER),
            pickup,
            PHONE_NOTE,
            PaymentChoice.IN_PERSON,
            created,
            report,
        )
        _place(
            owner,
            location,
            f"demo-counter-{location.slug}-card-link",
            [(products[-1], 1)],
            _existing(LINK_CUSTOMER),
            pickup,
            "",
            PaymentChoice.CARD_LINK,
            created,
            report,
        )


def _existing(new: NewCustomer) -> Customer | NewCustomer:
    """The demo customer's record once it exists (the phone-only one cannot be found by
    email), else its details to create it."""
    records = Customer.objects.filter(first_name=new.first_name, last_name=new.last_name)
    found = records.filter(phone=new.phone).first() if new.phone else None
    if found is None and new.email:
        found = records.filter(email=new.email).first()
    return found or new


def _place(
    owner: TeamMember,
    location: Location,
    key: str,
    lines: list,
    customer: Customer | NewCustomer,
    fulfilment: FulfilmentChoice | None,
    note: str,
    payment: str,
    created: dict[str, int],
    report: Report,
) -> None:
    before = (Order.objects.count(), PaymentLink.objects.count())
    try:
        place_counter_order(
            actor=owner,
            idempotency_key=key,
            location=location,
            lines=lines,
            customer=customer if isinstance(customer, Customer) else None,
            new_customer=customer if isinstance(customer, NewCustomer) else None,
            fulfilment=fulfilment,
            note=note,
            payment=payment,
        )
    except DomainError as error:
        report(f"Demo counter order {key} skipped: {error.message}")
        return
    created["orders"] += Order.objects.count() - before[0]
    created["payment links"] += PaymentLink.objects.count() - before[1]
