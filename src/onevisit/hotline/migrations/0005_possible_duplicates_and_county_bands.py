from django.db import migrations, models

# The duplicate index after this migration holds bands of token rules version 5 (subjects
# matched as their subject, bands per county): `duplicates.TOKENS_VERSION`, held equal
# to the latest such migration's by a test.
REBUILDS_TOKENS_VERSION = 5


def rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every open ticket tokenized again under the current rules and its bands rebuilt, so
    that an existing instance's open tickets are matched as new ones are."""
    from onevisit.hotline.duplicates import duplicate_index_rebuild

    duplicate_index_rebuild(retokenize=True, tickets=apps.get_model("hotline", "Ticket"),
                            bands=apps.get_model("hotline", "DuplicateBand"))


class Migration(migrations.Migration):

    dependencies = [
        ("hotline", "0004_dispatch_models_of_format_1_inactive"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="possible_duplicates",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
