import django.db.models.deletion
from django.db import migrations, models


def regions_from_applications(apps, schema_editor):  # type: ignore[no-untyped-def]
    Alert = apps.get_model("supervision", "Alert")
    Application = apps.get_model("applications", "Application")
    regions = dict(Application.objects.values_list("number", "region_id"))
    for alert in Alert.objects.filter(region__isnull=True).iterator():
        if alert.application_number in regions:
            alert.region_id = regions[alert.application_number]
            alert.save(update_fields=["region"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_user_region"),
        ("applications", "0009_application_region"),
        ("supervision", "0004_alert_kinds_follow_up_and_tolerated"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="region",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="accounts.region"),
        ),
        migrations.RunPython(regions_from_applications, migrations.RunPython.noop),
    ]
