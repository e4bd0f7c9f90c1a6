"""Recording a credit fact. The same fact from the same source is recorded once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import SubjectKind
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.credit.constants import CreditSource, Severity
from onevisit.credit.models import CreditRecord
from onevisit.errors import InvalidInput


@atomic_audited
def credit_record_add(
    *, subject_kind: SubjectKind, subject_code: str, subject_name: str, source: CreditSource,
    reference: str, severity: Severity, fact: str, legal_basis: str, region_id: str,
    valid_days: int, actor: Any = None, valid_from: dt.datetime | None = None,
) -> CreditRecord:
    """Record a fact about a subject, in force for `valid_days` calendar days from
    `valid_from` (now). Sending the same (source, reference, subject) again returns the
    record already made."""
    if valid_days < 1:
        raise InvalidInput(_("信用记录的有效期至少一天"), {"valid_days": _("至少 1 天")})
    start = valid_from or clock.now()
    record, created = CreditRecord.objects.get_or_create(
        source=source, reference=reference, subject_code=subject_code, defaults={
            "subject_kind": subject_kind, "subject_name": subject_name,
            "severity": severity, "fact": fact, "legal_basis": legal_basis,
            "region_id": region_id, "valid_from": start,
            "valid_until": start + dt.timedelta(days=valid_days),
            "recorded_at": clock.now(), "recorded_by": actor,
        },
    )
    if created:
        audit_record(actor=actor, action="credit.recorded", entity="credit_record",
                     entity_id=record.pk, data={"subject": subject_code, "source": source,
                                                "reference": reference,
                                                "severity": severity})
    return record
