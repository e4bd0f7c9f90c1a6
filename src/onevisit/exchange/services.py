"""Once-only fetches (DESIGN.md §3 rule 3): every read names its case and purpose and is
logged in the same transaction; the applicant can read that log."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction

from onevisit import clock
from onevisit.exchange.models import AccessLog, FetchOutcome, RegistryRecord
from onevisit.exchange.sources import Evidence, SourceUnavailable, source_get

log = structlog.get_logger(__name__)


def subject_digest(subject: str) -> str:
    """A keyed digest of an ID number: lets the log be searched without storing it."""
    return hmac.new(settings.SECRET_KEY.encode(), subject.encode(), hashlib.sha256).hexdigest()


def subject_mask(subject: str) -> str:
    if len(subject) <= 8:
        return subject[:2] + "*" * max(len(subject) - 2, 0)
    return subject[:4] + "*" * (len(subject) - 8) + subject[-4:]


@transaction.atomic
def evidence_fetch(
    *, evidence_type: str, source: str, subject: str, purpose: str, application_number: str,
    actor: Any, case_id: int | None = None,
) -> Evidence | None:
    """Fetch evidence for a filing and log the read. Returns None if not held, expired or
    the source is down — the caller then asks for an upload instead."""
    outcome = FetchOutcome.NOT_FOUND
    evidence: Evidence | None = None
    try:
        evidence = source_get(source).fetch(evidence_type=evidence_type, subject=subject)
    except SourceUnavailable:
        outcome = FetchOutcome.ERROR
        log.warning("evidence_source_unavailable", source=source, evidence_type=evidence_type)
    now = clock.now()
    if evidence is not None:
        outcome = FetchOutcome.FOUND
        if evidence.expired(on=now.date()):
            outcome = FetchOutcome.EXPIRED
            evidence = None
    AccessLog.objects.create(
        at=now, actor=actor if getattr(actor, "pk", None) else None,
        application_number=application_number, case_id=case_id, evidence_type=evidence_type,
        source=source, subject_digest=subject_digest(subject),
        subject_masked=subject_mask(subject), purpose=purpose, outcome=outcome,
    )
    return evidence


@dataclass(frozen=True)
class RegistryEntry:
    source: str
    evidence_type: str
    subject: str
    data: dict[str, Any]
    valid_until: dt.date | None = None


def registry_records_put(*, entries: Iterable[RegistryEntry]) -> None:
    """Upsert registry records in batches, keyed on (evidence type, subject)."""
    RegistryRecord.objects.bulk_create(
        [
            RegistryRecord(source=e.source, evidence_type=e.evidence_type, subject=e.subject,
                           data=e.data, valid_until=e.valid_until)
            for e in entries
        ],
        batch_size=1000, update_conflicts=True, unique_fields=["evidence_type", "subject"],
        update_fields=["source", "data", "valid_until"],
    )


def registry_record_put(
    *, source: str, evidence_type: str, subject: str, data: dict[str, Any],
    valid_until: Any = None,
) -> RegistryRecord:
    record, _ = RegistryRecord.objects.update_or_create(
        evidence_type=evidence_type, subject=subject,
        defaults={"source": source, "data": data, "valid_until": valid_until},
    )
    return record
