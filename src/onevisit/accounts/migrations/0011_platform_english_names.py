"""Township platforms created before they were given English names get them."""

from typing import Any

from django.db import migrations
from django.db.models import Q

# The English labels of PlatformKind as of this migration.
LABELS_EN = {
    "governance": "comprehensive governance",
    "market": "market supervision",
    "enforcement": "comprehensive law enforcement",
    "convenience": "convenience services",
}


def platforms_named(apps: Any, schema_editor: Any) -> None:
    department = apps.get_model("accounts", "Department")
    unnamed = department.objects.exclude(platform="").filter(
        Q(name_en__isnull=True) | Q(name_en=""))
    for platform in unnamed.select_related("region"):
        label = LABELS_EN.get(platform.platform)
        if label:
            platform.name_en = f"{platform.region.name} {label} platform"
            platform.save(update_fields=["name_en"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_roles_towns_awards")]

    operations = [migrations.RunPython(platforms_named, migrations.RunPython.noop)]
