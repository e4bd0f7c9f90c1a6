"""One electronic receipt per collecting department of an order: the receipt names its
order by a foreign key (no longer one-to-one) and keeps its own amount (its department's
lines). A receipt issued before covered its whole order, so it keeps the order's amount."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models


def amounts_from_orders(apps, schema_editor):
    receipt_model = apps.get_model("payments", "ElectronicReceipt")
    for receipt in receipt_model.objects.select_related("order"):
        receipt.amount_yuan = receipt.order.amount_yuan
        receipt.save(update_fields=["amount_yuan"])


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0002_trade_status_labels"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="electronicreceipt",
            options={"ordering": ["-issued_at", "number"], "verbose_name": "电子票据",
                     "verbose_name_plural": "电子票据"},
        ),
        migrations.AlterField(
            model_name="electronicreceipt",
            name="order",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="receipts", to="payments.paymentorder"),
        ),
        migrations.AddField(
            model_name="electronicreceipt",
            name="amount_yuan",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"),
                                      max_digits=14, verbose_name="金额（元）"),
            preserve_default=False,
        ),
        migrations.RunPython(amounts_from_orders, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="electronicreceipt",
            constraint=models.UniqueConstraint(fields=("order", "department"),
                                               name="payment_receipt_one_per_department"),
        ),
    ]
