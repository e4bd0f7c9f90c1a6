from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from onevisit.supervision.models import Alert, AlertKind


def alert_open_for_case(*, kind: AlertKind) -> Exists:
    """For annotating or filtering cases: an open alert of `kind` exists for the case."""
    return Exists(Alert.objects.filter(case_id=OuterRef("pk"), kind=kind,
                                       resolved_at__isnull=True))


def alerts_open(*, application_number: str) -> QuerySet[Alert]:
    return Alert.objects.filter(application_number=application_number, resolved_at__isnull=True)
