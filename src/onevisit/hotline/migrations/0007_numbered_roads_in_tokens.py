from django.db import migrations

from onevisit.hotline.duplicates.index import duplicate_index_retokenized

# The duplicate index after this migration holds bands of token rules version 6 (a
# numbered or directed road joined to its name: 文一路, 文一西路): `duplicates.
# TOKENS_VERSION`, held equal to the latest such migration's by a test.
REBUILDS_TOKENS_VERSION = 6


class Migration(migrations.Migration):

    dependencies = [
        ("hotline", "0006_ticket_event_data"),
    ]

    operations = [
        migrations.RunPython(duplicate_index_retokenized, migrations.RunPython.noop),
    ]
