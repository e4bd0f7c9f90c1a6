"""Reads of the audit log."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from onevisit.audit.models import AuditEvent


def audit_events_about(*, refs: Iterable[tuple[str, str]]) -> QuerySet[AuditEvent]:
    """The events about these entities, as (entity, entity_id) pairs, in chain order."""
    by_entity: dict[str, set[str]] = {}
    for entity, entity_id in refs:
        by_entity.setdefault(entity, set()).add(str(entity_id))
    if not by_entity:
        return AuditEvent.objects.none()
    condition = Q()
    for entity, ids in sorted(by_entity.items()):
        condition |= Q(entity=entity, entity_id__in=sorted(ids))
    return AuditEvent.objects.filter(condition).order_by("occurred_at", "chain", "seq")
