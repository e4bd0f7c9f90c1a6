# The calendar's models move here from `workflow`; their tables stay where they are.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('workflow', '0002_work_item_outcome_cancelled'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CalendarOverride',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True)),
                        ('is_working_day', models.BooleanField()),
                        ('note', models.CharField(blank=True, max_length=128)),
                    ],
                    options={
                        'db_table': 'workflow_calendaroverride',
                        'ordering': ['date'],
                    },
                ),
                migrations.CreateModel(
                    name='CalendarYear',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(unique=True)),
                        ('note', models.CharField(blank=True, max_length=255)),
                    ],
                    options={
                        'db_table': 'workflow_calendaryear',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
