import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0007_user_department_lead"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="region",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="staff", to="accounts.region", verbose_name="所属行政区划",
                help_text="工作人员只能查看和办理本行政区划及下级的事务；留空则为所在部门的行政区划",
            ),
        ),
    ]
