from __future__ import annotations

from onevisit import clock
from onevisit.supervision.models import Alert, AlertKind


def alert_raise(
    *, kind: AlertKind, application_number: str, message: str, case_id: int = 0
) -> Alert:
    """Raise an alert, or return the open one of the same kind for the same subject."""
    alert, _created = Alert.objects.get_or_create(
        kind=kind, application_number=application_number, case_id=case_id,
        resolved_at=None, defaults={"message": message, "raised_at": clock.now()},
    )
    return alert
