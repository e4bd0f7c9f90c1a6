from django.db import migrations, models

from onevisit.hotline.duplicates.index import duplicate_index_retokenized

# The duplicate index after this migration holds bands of token rules version 5 (subjects
# matched as their subject, bands per county): `duplicates.TOKENS_VERSION`, held equal
# to the latest such migration's by a test.
REBUILDS_TOKENS_VERSION = 5


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
        migrations.RunPython(duplicate_index_retokenized, migrations.RunPython.noop),
    ]
