from __future__ import annotations

from onevisit import clock
from onevisit.supervision.models import Alert, AlertKind


def alert_raise(
    *, kind: AlertKind, application_number: str, message: str, case_id: int = 0
) -> Alert:
    """Raise an alert, or return the open one of the same kind for the same subject with
    its message brought up to date (a third visit is reported as three, not two)."""
    alert, created = Alert.objects.get_or_create(
        kind=kind, application_number=application_number, case_id=case_id,
        resolved_at=None, defaults={"message": message, "raised_at": clock.now()},
    )
    if not created and alert.message != message:
        alert.message = message
        alert.save(update_fields=["message"])
    return alert


def alerts_raise_many(*, alerts: list[Alert]) -> None:
    """Raise many alerts at once; one already open for the same subject is left alone."""
    now = clock.now()
    for alert in alerts:
        alert.raised_at = now
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)


def alerts_resolve(*, case_id: int, kinds: list[AlertKind]) -> int:
    """Close a case's open alerts of these kinds (its deadline no longer runs)."""
    return Alert.objects.filter(case_id=case_id, kind__in=kinds,
                                resolved_at__isnull=True).update(resolved_at=clock.now())


def alerts_resolve_for_application(*, application_number: str, kinds: list[AlertKind]) -> int:
    """Close an application's open alerts of these kinds (what they reported is over)."""
    return Alert.objects.filter(application_number=application_number, kind__in=kinds,
                                resolved_at__isnull=True).update(resolved_at=clock.now())
