import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def count_existing_orders(apps, schema_editor):
    """A row for every existing record, from its orders (cancelled orders do not count
    in the total spent)."""
    Customer = apps.get_model("customers", "Customer")
    CustomerSpending = apps.get_model("customers", "CustomerSpending")
    Order = apps.get_model("orders", "Order")
    ids = Customer.objects.values_list("pk", flat=True).iterator(chunk_size=5000)
    batch = []
    for pk in ids:
        batch.append(CustomerSpending(customer_id=pk))
        if len(batch) == 5000:
            CustomerSpending.objects.bulk_create(batch)
            batch = []
    CustomerSpending.objects.bulk_create(batch)
    orders = Order.objects.filter(customer=OuterRef("customer_id"))
    totals = (
        orders.order_by()
        .values("customer")
        .annotate(n=Count("pk"), spent=Sum("total", filter=~Q(state="cancelled")))
    )
    latest = orders.order_by("-placed_at", "-pk")
    CustomerSpending.objects.filter(
        customer__in=Order.objects.values("customer")
    ).update(
        order_count=Coalesce(Subquery(totals.values("n")[:1]), Value(0)),
        total_spent=Coalesce(
            Subquery(totals.values("spent")[:1]), Value(0), output_field=models.BigIntegerField()
        ),
        last_order_at=Subquery(latest.values("placed_at")[:1]),
        last_location_id=Subquery(latest.values("location_id")[:1]),
    )


def add_last_order_index(apps, schema_editor):
    """The directory's "last order" sort (newest first, records without orders last):
    PostgreSQL needs NULLS LAST in the index to use it; SQLite, where NULL sorts first
    anyway, takes no NULLS LAST in an index."""
    nulls = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        "CREATE INDEX spending_last_order_idx ON customers_customerspending "
        f"(last_order_at DESC{nulls}, customer_id DESC)"
    )


def drop_last_order_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX spending_last_order_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_customer_erased_at"),
        ("shop", "0003_delivery_zones_donations"),
        ("orders", "0003_account_history_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerSpending",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="spending",
                        serialize=False,
                        to="customers.customer",
                    ),
                ),
                ("order_count", models.PositiveIntegerField(default=0, verbose_name="orders")),
                ("total_spent", models.BigIntegerField(default=0, verbose_name="total spent")),
                (
                    "last_order_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last order"),
                ),
                (
                    "last_location",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="shop.location",
                        verbose_name="location of last order",
                    ),
                ),
            ],
            options={
                "verbose_name": "customer spending",
                "indexes": [
                    models.Index(
                        models.OrderBy(models.F("total_spent"), descending=True),
                        models.OrderBy(models.F("customer_id"), descending=True),
                        name="spending_total_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(count_existing_orders, migrations.RunPython.noop),
        migrations.RunPython(add_last_order_index, drop_last_order_index),
    ]
