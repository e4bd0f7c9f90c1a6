# The calendar's models now belong to `workdays`, which keeps their tables.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0002_work_item_outcome_cancelled'),
        ('workdays', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='CalendarOverride'),
                migrations.DeleteModel(name='CalendarYear'),
            ],
            database_operations=[],
        ),
    ]
