from __future__ import annotations

from django.db.models import Exists, OuterRef

from onevisit.supervision.models import Alert, AlertKind


def alert_open_for_case(*, kind: AlertKind) -> Exists:
    """For annotating or filtering cases: an open alert of `kind` exists for the case."""
    return Exists(Alert.objects.filter(case_id=OuterRef("pk"), kind=kind,
                                       resolved_at__isnull=True))
