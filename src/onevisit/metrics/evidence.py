"""An alert's evidence for the supervisor: the rule, the application and its cases, the
trips, the rating, 12345 tickets naming it and the recorded events. It reads across the
apps an alert may concern (feedback, hotline, audit), so it sits above them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy

from onevisit.accounts.models import Department
from onevisit.applications.models import Application, Case, Visit
from onevisit.audit.models import AuditEvent
from onevisit.feedback.models import Rating, Rectification
from onevisit.hotline.models import Ticket
from onevisit.hotline.selectors import tickets_about_application
from onevisit.supervision.models import Alert, AlertKind
from onevisit.supervision.selectors import ALERT_EVENTS, ALERT_RULES


@dataclass(frozen=True)
class EvidenceEvent:
    at: dt.datetime
    action: str
    entity: str
    entity_id: str
    actor: str
    cause: bool  # one of the facts the alert's rule counts

    @property
    def action_label(self) -> str:
        """The event in words; the recorded code where there are none."""
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def entity_label(self) -> str:
        return str(ENTITY_LABELS.get(self.entity, self.entity))


# The recorded events an alert's evidence shows, in words (the audit log keeps codes).
ACTION_LABELS = {
    "application.submitted": gettext_lazy("提交申请"),
    "application.accepted": gettext_lazy("受理"),
    "application.supplemented": gettext_lazy("补交材料"),
    "application.completed": gettext_lazy("办结"),
    "application.rejected": gettext_lazy("不予许可，办件终止"),
    "application.delivery_changed": gettext_lazy("更改送达方式"),
    "application.result_withheld": gettext_lazy("等待容缺材料，暂缓出证"),
    "application.tolerated_supplied": gettext_lazy("补交容缺材料"),
    "application.tolerated_extended": gettext_lazy("容缺材料补交期限延长"),
    "case.claimed": gettext_lazy("认领"),
    "case.reassigned": gettext_lazy("改派"),
    "case.transition": gettext_lazy("办件状态变更"),
    "case.approved": gettext_lazy("准予"),
    "case.rejected": gettext_lazy("不予许可"),
    "case.correction_requested": gettext_lazy("要求补正"),
    "case.evidence_fetched": gettext_lazy("调取共享证照"),
    "case.fee_recorded": gettext_lazy("记录收费"),
    "case.material_demanded": gettext_lazy("另行要求材料"),
    "notice.issued": gettext_lazy("出具一次性告知"),
    "visit.recorded": gettext_lazy("记录到现场"),
    "certificate.issued": gettext_lazy("出具结果"),
    "certificate.refusal_issued": gettext_lazy("出具不予许可决定书"),
    "certificate.sealed": gettext_lazy("加盖电子印章"),
    "delivery.prepared": gettext_lazy("准备送达"),
    "delivery.dispatched": gettext_lazy("寄出"),
    "delivery.delivered": gettext_lazy("送达"),
    "rating.submitted": gettext_lazy("评价"),
    "alert.acknowledged": gettext_lazy("确认预警"),
    "alert.follow_up_sent": gettext_lazy("发出督办"),
    "alert.closed": gettext_lazy("关闭预警"),
    "follow_up.answered": gettext_lazy("答复督办"),
    "follow_up.escalated": gettext_lazy("督办逾期"),
    "application.evidence_retried": gettext_lazy("重新调取共享材料"),
    "case.first_approved": gettext_lazy("初审通过，待复核"),
    "case.false_material_found": gettext_lazy("认定提交虚假材料"),
    "experience.marked": gettext_lazy("登记为体验办事"),
    "experience.reported": gettext_lazy("提交体验办事报告"),
    "rectification.opened": gettext_lazy("差评转部门整改"),
    "rectification.answered": gettext_lazy("部门回访整改"),
    "rectification.second_verdict": gettext_lazy("群众复评"),
    "rectification.overdue": gettext_lazy("差评整改逾期"),
}
ENTITY_LABELS = {
    "application": gettext_lazy("办件"), "case": gettext_lazy("部门办件"),
    "alert": gettext_lazy("预警"), "follow_up": gettext_lazy("督办"),
    "rectification": gettext_lazy("差评整改"),
}


@dataclass(frozen=True)
class Evidence:
    """What an alert rests on: its rule, the application and its cases, the trips, the
    rating, 12345 tickets naming it, and the recorded events (audit log). No personal
    data beyond what the supervisor's role needs: no ID numbers."""

    rule: str
    application: Application | None
    cases: list[Case]
    case: Case | None
    visits: list[Visit]
    rating: Rating | None
    tickets: list[Ticket]
    events: list[EvidenceEvent]
    rectifications: list[Rectification]
    departments: list[Department]


def application_evidence(*, number: str, alert: Alert | None = None) -> Evidence:
    application = (Application.objects.select_related("item", "life_event")
                   .filter(number=number).first())
    cases = list(Case.objects.filter(application__number=number)
                 .select_related("item", "department").order_by("id"))
    case = next((c for c in cases if alert is not None and c.pk == alert.case_id), None)
    rating = Rating.objects.filter(application=application).first() if application else None
    rectifications = (list(rating.rectifications.select_related("department").order_by("id"))
                      if rating is not None else [])
    entities = Q(entity="application", entity_id=number) | Q(
        entity="case", entity_id__in=[str(c.pk) for c in cases]) | Q(
        entity="rectification", entity_id__in=[str(r.pk) for r in rectifications])
    if alert is not None:
        entities |= Q(entity="alert", entity_id=str(alert.pk)) | Q(
            entity="follow_up",
            entity_id__in=[str(pk) for pk in alert.follow_ups.values_list("pk", flat=True)])
    causes = ALERT_EVENTS.get(AlertKind(alert.kind), ()) if alert is not None else ()
    events = [
        EvidenceEvent(at=e.occurred_at, action=e.action, entity=e.entity,
                      entity_id=e.entity_id,
                      actor=(e.actor.get_full_name() or e.actor.username) if e.actor else "",
                      cause=e.action.startswith(causes) if causes else False)
        for e in AuditEvent.objects.filter(entities).select_related("actor")
        .order_by("occurred_at", "chain", "seq")[:500]
    ]
    department_ids = {c.department_id for c in cases}
    return Evidence(
        rule=str(ALERT_RULES.get(AlertKind(alert.kind), "")) if alert is not None else "",
        application=application, cases=cases, case=case,
        visits=list(application.visits.all()) if application else [],
        rating=rating, rectifications=rectifications,
        tickets=tickets_about_application(application) if application else [],
        events=events,
        departments=sorted(Department.objects.filter(pk__in=department_ids),
                           key=lambda d: (d.pk != (case.department_id if case else 0), d.code)),
    )
