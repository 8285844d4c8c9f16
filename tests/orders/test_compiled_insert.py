"""comptoir.compiled_insert.insert writes the row save(force_insert=True) writes."""

import pytest
import time_machine
from django.db import IntegrityError, transaction

from comptoir.compiled_insert import insert, insert_many
from comptoir.customers.models import Customer, CustomerSpending
from comptoir.orders.models import Order, OrderLine, OrderNumber, Payment
from comptoir.partners.models import PartnerOrder
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db


def _row(model, pk):
    found = model.objects.get(pk=pk)
    return {
        field.attname: getattr(found, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key
    }


@time_machine.travel("2026-12-02 08:00:00+00:00", tick=False)
def test_the_rows_are_those_save_writes(location):
    product = stocked(location, price=450)
    order = checkout(location, [(product, 2)], fulfilment=PICKUP)
    fields = {
        "order": order,
        "gateway": "test",
        "account": "acct",
        "reference": "ch_1",
        "method": "card",
        "amount": 900,
        "currency": "EUR",
        "card_brand": "visa",
        "card_last4": "4242",
    }
    saved = Payment(**fields)
    saved.save(force_insert=True)
    inserted = insert(Payment(**{**fields, "reference": "ch_2"}))
    assert inserted.pk and inserted.pk != saved.pk
    assert not inserted._state.adding and inserted._state.db == "default"
    assert _row(Payment, inserted.pk) == {**_row(Payment, saved.pk), "reference": "ch_2"}

    # auto_now / auto_now_add fields and a model's defaults, as save() fills them
    one = Customer(email="a@example.com", first_name="A")
    one.save(force_insert=True)
    two = insert(Customer(email="b@example.com", first_name="A"))
    assert _row(Customer, two.pk) == {**_row(Customer, one.pk), "email": "b@example.com"}


def test_a_model_of_only_its_key_gets_new_numbers():
    first, second = insert(OrderNumber()), insert(OrderNumber())
    assert second.pk == first.pk + 1
    assert OrderNumber.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_a_key_given_by_the_model_is_saved_by_save():
    customer = insert(Customer(email="c@example.com"))
    spending = insert(CustomerSpending(customer=customer))
    assert CustomerSpending.objects.get(pk=customer.pk).order_count == 0
    assert spending.pk == customer.pk


def test_a_unique_constraint_refuses_as_save_does(location):
    insert(Customer(email="d@example.com"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(Customer(email="D@example.com"))
    assert Customer.objects.filter(email__iexact="d@example.com").count() == 1


def test_an_unsaved_related_object_is_refused_as_save_does():
    with pytest.raises(ValueError, match="unsaved related object"):
        insert(PartnerOrder(order=Order(), partner_id=1, external_id="x", unknown_items=[]))


@time_machine.travel("2026-12-02 08:00:00+00:00", tick=False)
def test_several_rows_are_those_bulk_create_writes_their_keys_in_order(location):
    product = stocked(location, price=450)
    order = checkout(location, [(product, 1)], fulfilment=PICKUP)

    def lines(prefix):
        return [
            OrderLine(
                order=order,
                product=product if n else None,
                name=f"{prefix}{n}",
                unit_price=100 * n,
                quantity=n + 1,
                total=100 * n * (n + 1),
            )
            for n in range(3)
        ]

    bulk = OrderLine.objects.bulk_create(lines("bulk"))
    many = insert_many(lines("many"))
    assert [
        line.name for line in OrderLine.objects.filter(pk__in=[m.pk for m in many]).order_by("pk")
    ] == ["many0", "many1", "many2"]
    for made, reference in zip(many, bulk, strict=True):
        assert not made._state.adding
        assert OrderLine.objects.get(pk=made.pk).name == made.name
        assert _row(OrderLine, made.pk) == {**_row(OrderLine, reference.pk), "name": made.name}
    assert insert_many([]) == []


def test_a_model_with_a_save_receiver_is_saved_by_save():
    from django.db.models.signals import post_save

    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    insert(OrderNumber())  # compiled before the receiver comes
    post_save.connect(receiver, sender=OrderNumber)
    try:
        made = insert(OrderNumber())
    finally:
        post_save.disconnect(receiver, sender=OrderNumber)
    assert seen == [(made.pk, True)]
