from __future__ import annotations

from django.db.models import QuerySet

from onevisit.supervision.models import Alert


def alerts_open() -> QuerySet[Alert]:
    return Alert.objects.filter(resolved_at__isnull=True)


def alerts_for_application(*, application_number: str) -> QuerySet[Alert]:
    return Alert.objects.filter(application_number=application_number)
