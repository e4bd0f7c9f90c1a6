"""Credit records for tests: a subject put into a tier by the points it carries."""

from __future__ import annotations

from typing import Any

from onevisit.accounts.models import SubjectKind
from onevisit.credit.constants import CreditSource, Severity
from onevisit.credit.models import CreditRecord
from onevisit.credit.services import credit_record_add

# Under the default rule: one minor record is B, one general C, one serious D.
TIER_SEVERITY = {"B": Severity.MINOR, "C": Severity.GENERAL, "D": Severity.SERIOUS}


def record(code: str, severity: Severity = Severity.GENERAL, *, reference: str = "R-1",
           kind: SubjectKind = SubjectKind.PERSON, region: str = "330106",
           **overrides: Any) -> CreditRecord:
    values: dict[str, Any] = {
        "subject_kind": kind, "subject_code": code, "subject_name": "王小明",
        "source": CreditSource.REGISTRY_IMPORT, "reference": reference,
        "severity": severity, "fact": "拒不履行生效判决", "legal_basis": "《民事诉讼法》",
        "region_id": region, "valid_days": 365,
    }
    values.update(overrides)
    return credit_record_add(**values)


def put_in_tier(code: str, tier: str, **overrides: Any) -> CreditRecord | None:
    if tier == "A":
        return None
    return record(code, TIER_SEVERITY[tier], **overrides)
