"""Rollups by region: the figures of a day are kept per region, and which days are rolled
up (and when) moves to RollupDay. Rollups are derived data: the old rows are dropped and
the scheduler's refresh rebuilds the last year."""

import django.db.models.deletion
from django.db import migrations, models


def drop_rollups(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("metrics", "DailyRollup").objects.all().delete()
    apps.get_model("metrics", "HotlineRollup").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_user_region"),
        ("metrics", "0003_rollup_computed_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("day", models.DateField(unique=True)),
                ("computed_at", models.DateTimeField(null=True)),
            ],
            options={"ordering": ["day"]},
        ),
        migrations.RunPython(drop_rollups, migrations.RunPython.noop),
        migrations.RemoveField(model_name="dailyrollup", name="computed_at"),
        migrations.AlterField(model_name="dailyrollup", name="day", field=models.DateField()),
        migrations.AddField(
            model_name="dailyrollup", name="region",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="accounts.region"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="hotlinerollup", name="jurisdiction",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="accounts.region"),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(name="dailyrollup",
                                     options={"ordering": ["day", "region"]}),
        migrations.AddConstraint(
            model_name="dailyrollup",
            constraint=models.UniqueConstraint(fields=("day", "region"),
                                               name="daily_rollup_day_region"),
        ),
    ]
