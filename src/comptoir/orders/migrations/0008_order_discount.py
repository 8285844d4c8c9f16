"""The order records the coupon's discount; its total becomes what was paid
(subtotal + fees - discount, decision 0020). Orders placed with a coupon before this
migration get their discount from the coupon and their total (and the customer's total
spent, for orders that count as revenue) lowered by it."""

import django.db.models.expressions
from django.db import migrations, models
from django.db.models import F, Q


def backfill_discounts(apps, schema_editor):
    from comptoir.coupons.codes import display

    Coupon = apps.get_model("coupons", "Coupon")
    Order = apps.get_model("orders", "Order")
    CustomerSpending = apps.get_model("customers", "CustomerSpending")
    used = Coupon.objects.filter(redeemed_order__isnull=False, amount_applied__gt=0)
    for coupon in used.select_related("redeemed_order__fulfilment"):
        order = coupon.redeemed_order
        if order.discount:
            continue
        amount = min(coupon.amount_applied, order.subtotal + order.fees)
        Order.objects.filter(pk=order.pk).update(
            discount=amount, discount_code=display(coupon.code), total=F("total") - amount
        )
        fulfilment = getattr(order, "fulfilment", None)
        cancelled = order.state == "cancelled" or (
            fulfilment is not None and fulfilment.state == "cancelled"
        )
        if not cancelled:
            CustomerSpending.objects.filter(
                Q(customer_id=order.customer_id), Q(total_spent__gte=amount)
            ).update(total_spent=F("total_spent") - amount)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_fulfilment_proposed_index"),
        ("coupons", "0002_inbox_notice_index"),
        ("customers", "0007_order_stats"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="order",
            name="order_total_is_subtotal_plus_fees",
        ),
        migrations.AddField(
            model_name="order",
            name="discount",
            field=models.PositiveBigIntegerField(default=0, verbose_name="discount"),
        ),
        migrations.AddField(
            model_name="order",
            name="discount_code",
            field=models.CharField(blank=True, max_length=24, verbose_name="coupon"),
        ),
        migrations.RunPython(backfill_discounts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "total",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                models.F("subtotal"), "+", models.F("fees")
                            ),
                            "-",
                            models.F("discount"),
                        ),
                    )
                ),
                name="order_total_is_subtotal_plus_fees_less_discount",
            ),
        ),
    ]
