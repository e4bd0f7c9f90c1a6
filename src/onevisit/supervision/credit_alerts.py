"""Credit appeals in the supervisor's inbox: a subject's objection (异议) or repair
application (信用修复) raises a CREDIT_OBJECTION alert in the record's region, closed by
the decision. Credit sits below supervision, so the two are joined here, in one
transaction each (docs/credit.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.audit.services import atomic_audited
from onevisit.credit.models import CreditAppeal
from onevisit.credit.services import credit_appeal_decide, credit_appeal_file
from onevisit.files.services import files_guard
from onevisit.supervision.constants import AlertStatus
from onevisit.supervision.models import Alert, AlertKind
from onevisit.supervision.services import alert_raise


def _subject(appeal: CreditAppeal) -> str:
    return f"credit-appeal:{appeal.pk}"


@files_guard()
@atomic_audited
def credit_appeal_file_alerted(*, record_id: int, kind: str, statement: str, actor: Any,
                               evidence: str = "", evidence_file: bytes = b"",
                               evidence_file_name: str = "") -> CreditAppeal:
    """File the appeal (`credit_appeal_file`) and tell the record region's supervisors."""
    appeal = credit_appeal_file(record_id=record_id, kind=kind, statement=statement,
                                actor=actor, evidence=evidence, evidence_file=evidence_file,
                                evidence_file_name=evidence_file_name)
    record = appeal.record
    alert_raise(
        kind=AlertKind.CREDIT_OBJECTION, application_number="", subject=_subject(appeal),
        region_id=record.region_id,
        message=_("%(name)s对信用记录“%(fact)s”提出%(kind)s，请在规定期限内核实处理") % {
            "name": record.subject_name, "fact": record.fact[:60],
            "kind": appeal.get_kind_display()},
        evidence={"appeal": appeal.pk, "record": record.pk, "kind": appeal.kind,
                  "source": record.source, "severity": record.severity,
                  "reference": record.reference})
    return appeal


@atomic_audited
def credit_appeal_decide_alerted(*, appeal_id: int, grant: bool, reason: str,
                                 actor: Any) -> CreditAppeal:
    """Decide the appeal (`credit_appeal_decide`) and close its alert."""
    appeal = credit_appeal_decide(appeal_id=appeal_id, grant=grant, reason=reason, actor=actor)
    Alert.objects.filter(kind=AlertKind.CREDIT_OBJECTION, application_number="",
                         subject=_subject(appeal), resolved_at__isnull=True).update(
        status=AlertStatus.CLOSED, resolved_at=clock.now(), closed_by=actor,
        close_reason=f"{appeal.get_status_display()}：{appeal.decision_reason}")
    return appeal
