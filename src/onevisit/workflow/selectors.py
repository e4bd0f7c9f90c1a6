from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from onevisit.applications.constants import CaseStatus
from onevisit.applications.models import Case


def department_queue(*, actor: Any) -> QuerySet[Case]:
    """The reviewer's department queue, most urgent first."""
    return (
        Case.objects.filter(
            department_id=actor.department_id,
            status__in=[CaseStatus.PENDING, CaseStatus.IN_REVIEW],
        )
        .select_related("application", "item")
        .order_by("due_at", "id")
    )
