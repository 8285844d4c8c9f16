"""The one lock of a shopper's saved things: their customer record's row. Every change to
their cards, addresses, phones or emails takes it first (inside the change's
transaction), so two tabs choosing the primary one, or two first saves racing to become
primary, are done one after the other instead of breaking the one-primary constraints."""

from __future__ import annotations

from comptoir.customers.models import Customer


def lock_customer(customer: Customer) -> None:
    Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk").first()
