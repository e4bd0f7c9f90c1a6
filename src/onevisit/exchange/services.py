"""Once-only fetches (DESIGN.md §3 rule 3): every read names its case and purpose and is
logged in the same transaction; the applicant can read that log."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, cast

import structlog
from django.conf import settings
from django.db import transaction

from onevisit import clock
from onevisit.errors import NotAllowed
from onevisit.exchange.models import AccessLog, FetchOutcome, RegistryRecord
from onevisit.exchange.sources import (
    Evidence,
    SourceUnavailable,
    source_get,
    sources_supplementing,
)

log = structlog.get_logger(__name__)


def subject_digest(subject: str) -> str:
    """A keyed digest of an ID number: lets the log be searched without storing it. Keyed
    by ONEVISIT_DIGEST_KEY, not the secret key, so rotating the secret key never breaks a
    lookup (docs/security.md)."""
    return _digest(_digest_keys()[0], subject)


def subject_digests(subject: str) -> list[str]:
    """The subject's digest under the current key and every earlier one still configured
    (ONEVISIT_DIGEST_KEY_FALLBACKS): what a lookup must match after a key rotation."""
    return [_digest(key, subject) for key in _digest_keys()]


def _digest_keys() -> list[str]:
    return cast(list[str], settings.ONEVISIT["DIGEST_KEYS"])


def _digest(key: str, subject: str) -> str:
    return hmac.new(key.encode(), subject.encode(), hashlib.sha256).hexdigest()


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


@dataclass(frozen=True)
class Fetched:
    """What one request came back with. `evidence` is set only when it was found valid."""

    request: FetchRequest
    outcome: FetchOutcome
    evidence: Evidence | None = None


class PurposeRefused(NotAllowed):
    """An evidence type the case's item does not name was asked for (purpose limitation)."""


def evidence_fetch(*, requests: list[FetchRequest], allowed: Collection[str]) -> list[Fetched]:
    """Ask the sources, one batch per source; writes nothing.

    Purpose limitation (DESIGN.md §3 rule 3): a request for an evidence type outside
    `allowed` — the types the item's materials name — is refused without asking any
    source. A source that is down or slow answers ERROR; the caller falls back to an
    upload or waits for a background retry. Call it outside a database transaction when
    you can: a remote source may take its whole timeout."""
    on = clock.now().date()
    answers: dict[tuple[str, str, str], Evidence | None] = {}
    failed: set[str] = set()
    by_source: dict[str, list[FetchRequest]] = {}
    for request in requests:
        if request.evidence_type in allowed:
            by_source.setdefault(request.source, []).append(request)
    for source, asked in by_source.items():
        purpose = "；".join(dict.fromkeys(r.purpose for r in asked))[:2000]
        try:
            found = source_get(source).fetch_many(
                wanted=list(dict.fromkeys((r.evidence_type, r.subject) for r in asked)),
                purpose=purpose,
            )
        except SourceUnavailable as error:
            failed.add(source)
            log.warning("evidence_source_unavailable", source=source, error=str(error))
            continue
        for (evidence_type, subject), evidence in found.items():
            answers[(source, evidence_type, subject)] = evidence
    newer = _supplements_fetch(by_source)
    results = []
    for request in requests:
        evidence = (newer.get((request.evidence_type, request.subject))
                    or answers.get((request.source, request.evidence_type, request.subject)))
        if request.evidence_type not in allowed:
            results.append(Fetched(request, FetchOutcome.REFUSED))
        elif evidence is None and request.source in failed:
            results.append(Fetched(request, FetchOutcome.ERROR))
        elif evidence is None:
            results.append(Fetched(request, FetchOutcome.NOT_FOUND))
        elif evidence.expired(on=on):
            results.append(Fetched(request, FetchOutcome.EXPIRED))
        else:
            results.append(Fetched(request, FetchOutcome.FOUND, evidence))
    return results


def _supplements_fetch(
    by_source: dict[str, list[FetchRequest]],
) -> dict[tuple[str, str], Evidence]:
    """What the supplementing sources (the certificate library) hold for requests named to
    other sources: a certificate issued here is newer than the registry's copy (a flat
    sold here is the buyer's before the property registry says so)."""
    newer: dict[tuple[str, str], Evidence] = {}
    for supplement in sources_supplementing():
        pairs = list(dict.fromkeys((r.evidence_type, r.subject)
                                   for source, asked in by_source.items()
                                   if source != supplement.code for r in asked))
        if not pairs:
            continue
        try:
            found = supplement.fetch_many(wanted=pairs)
        except SourceUnavailable as error:
            log.warning("evidence_source_unavailable", source=supplement.code,
                        error=str(error))
            continue
        newer |= {pair: evidence for pair, evidence in found.items() if evidence is not None}
    return newer


def access_log_write(*, fetched: Iterable[Fetched], application_number: str, actor: Any,
                     case_id: int | None = None) -> None:
    """Log every request — found, not found, failed or refused — naming who asked, for
    which application and case, which evidence, which source, on which legal basis."""
    now = clock.now()
    AccessLog.objects.bulk_create([
        AccessLog(
            at=now, actor=actor if getattr(actor, "pk", None) else None,
            application_number=application_number, case_id=case_id,
            evidence_type=f.request.evidence_type,
            source=f.evidence.source if f.evidence is not None else f.request.source,
            subject_digest=subject_digest(f.request.subject),
            subject_masked=subject_mask(f.request.subject), purpose=f.request.purpose,
            outcome=f.outcome,
        )
        for f in fetched
    ])


def evidence_fetch_logged(
    *, requests: list[FetchRequest], allowed: Collection[str], application_number: str,
    actor: Any, case_id: int | None = None,
) -> list[Fetched]:
    """Fetch and log in one step (the log row is committed even if a request was refused)."""
    fetched = evidence_fetch(requests=requests, allowed=allowed)
    with transaction.atomic():
        access_log_write(fetched=fetched, application_number=application_number, actor=actor,
                         case_id=case_id)
    return fetched


# The source of a staff member's read of data held here (not a fetch from a registry).
LOCAL_SOURCE = "onevisit"


@transaction.atomic
def personal_data_read_log(*, actor: Any, subject: str, application_number: str,
                           purpose: str, evidence_type: str = "id_number",
                           case_id: int | None = None,
                           outcome: str = FetchOutcome.FOUND) -> None:
    """Log a staff member's read of a person's data held here — her unmasked ID number, or
    the registry records fetched for her application (DESIGN.md §8): it shows in the
    person's own access log beside the registry fetches."""
    AccessLog.objects.create(
        at=clock.now(), actor=actor, application_number=application_number, case_id=case_id,
        evidence_type=evidence_type[:64], source=LOCAL_SOURCE,
        subject_digest=subject_digest(subject), subject_masked=subject_mask(subject),
        purpose=purpose, outcome=outcome,
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
