"""Once-only fetches (DESIGN.md §3 rule 3): every read names its case and purpose and is
logged in the same transaction; the applicant can read that log."""

from __future__ import annotations

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


@dataclass(frozen=True)
class FetchRequest:
    evidence_type: str
    source: str
    subject: str
    purpose: str


def evidence_fetch_many(
    *, requests: list[FetchRequest], application_number: str, actor: Any,
    case_id: int | None = None,
) -> list[Evidence | None]:
    """Fetch evidence for a filing and log every read, in the caller's transaction.

    Each answer is None if the evidence is not held, has expired, or its source is down
    — the caller then asks for an upload instead."""
    now = clock.now()
    answers: dict[tuple[str, str, str], Evidence | None] = {}
    failed: set[str] = set()
    by_source: dict[str, list[tuple[str, str]]] = {}
    for request in requests:
        by_source.setdefault(request.source, []).append((request.evidence_type, request.subject))
    for source, wanted in by_source.items():
        try:
            found = source_get(source).fetch_many(wanted=wanted)
        except SourceUnavailable:
            failed.add(source)
            log.warning("evidence_source_unavailable", source=source)
            continue
        for (evidence_type, subject), evidence in found.items():
            answers[(source, evidence_type, subject)] = evidence
    results: list[Evidence | None] = []
    logs = []
    for request in requests:
        evidence = answers.get((request.source, request.evidence_type, request.subject))
        if request.source in failed:
            outcome = FetchOutcome.ERROR
        elif evidence is None:
            outcome = FetchOutcome.NOT_FOUND
        elif evidence.expired(on=now.date()):
            outcome, evidence = FetchOutcome.EXPIRED, None
        else:
            outcome = FetchOutcome.FOUND
        results.append(evidence)
        logs.append(AccessLog(
            at=now, actor=actor if getattr(actor, "pk", None) else None,
            application_number=application_number, case_id=case_id,
            evidence_type=request.evidence_type, source=request.source,
            subject_digest=subject_digest(request.subject),
            subject_masked=subject_mask(request.subject), purpose=request.purpose,
            outcome=outcome,
        ))
    AccessLog.objects.bulk_create(logs)
    return results


@transaction.atomic
def personal_data_read_log(*, actor: Any, subject: str, application_number: str,
                           purpose: str) -> None:
    """Log a staff member's read of a person's unmasked ID number (DESIGN.md §8): it shows
    in the person's own access log beside the registry fetches."""
    AccessLog.objects.create(
        at=clock.now(), actor=actor, application_number=application_number,
        evidence_type="id_number", source="onevisit", subject_digest=subject_digest(subject),
        subject_masked=subject_mask(subject), purpose=purpose, outcome=FetchOutcome.FOUND,
    )


def registry_records_put(*, entries: Iterable[Evidence]) -> None:
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
