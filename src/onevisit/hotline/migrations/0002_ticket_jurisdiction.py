import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def jurisdictions(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Existing tickets belong to the county of their place, else to the hotline's region."""
    Ticket = apps.get_model("hotline", "Ticket")
    home = settings.ONEVISIT["OPEN311_JURISDICTION"]
    for ticket in Ticket.objects.iterator():
        code = ticket.region_id[:6] if ticket.region_id else home
        ticket.jurisdiction_id = code
        ticket.save(update_fields=["jurisdiction"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_user_region"),
        ("hotline", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="jurisdiction",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="accounts.region",
                                    verbose_name="所属地区"),
        ),
        migrations.RunPython(jurisdictions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ticket",
            name="jurisdiction",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="accounts.region",
                                    verbose_name="所属地区"),
        ),
    ]
