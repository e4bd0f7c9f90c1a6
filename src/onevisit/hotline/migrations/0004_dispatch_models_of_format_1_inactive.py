"""Dispatch models of format 1 (jieba's words and a logistic regression) cannot be read by
the character n-gram model of format 2: they are deactivated (kept, as every earlier
model is), and dispatch uses the keyword rules until `hotline learn` — which the scheduler
runs nightly — or `hotline train` stores a model of format 2."""

import io

import numpy as np
from django.db import migrations


def _format(payload: bytes) -> int:
    try:
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            return int(arrays["format"][0])
    except (OSError, ValueError, KeyError):
        return 0


def deactivate(apps, schema_editor):
    model = apps.get_model("hotline", "DispatchModel")
    stale = [pk for pk, payload in model.objects.filter(active=True)
             .values_list("pk", "payload") if _format(bytes(payload)) != 2]
    model.objects.filter(pk__in=stale).update(active=False)


class Migration(migrations.Migration):
    dependencies = [("hotline", "0003_ticket_location_and_contact")]
    operations = [migrations.RunPython(deactivate, migrations.RunPython.noop)]
