import django.db.models.deletion
from django.db import migrations, models


def regions_from_subjects(apps, schema_editor):  # type: ignore[no-untyped-def]
    """An application is handled where its item or life event is."""
    Application = apps.get_model("applications", "Application")
    for application in Application.objects.select_related("item", "life_event").iterator():
        subject = application.item or application.life_event
        application.region_id = subject.region_id
        application.save(update_fields=["region"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_user_region"),
        ("applications", "0008_applicationmaterial_due_at"),
        ("catalogue", "0001_initial"),
        ("lifeevents", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="region",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="accounts.region",
                                    verbose_name="办理地"),
        ),
        migrations.AddField(
            model_name="application",
            name="intake_region",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="accounts.region",
                                    verbose_name="受理地"),
        ),
        migrations.AddField(
            model_name="visit",
            name="region",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="accounts.region"),
        ),
        migrations.RunPython(regions_from_subjects, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="region",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="accounts.region",
                                    verbose_name="办理地"),
        ),
    ]
