"""Electronic supervision as rules (电子监察): each rule looks at recorded facts, on the
case event where the fact happens or on the scheduled scan, and raises its alert with
the evidence it saw — once per subject. A firing is recorded (`RuleFiring`, keyed by
rule and subject), so re-evaluating the same facts never raises the alert again, even
after a supervisor closed it. A rule the administrator turned off fires nothing.

On events (called by the services where the fact is recorded):
  second correction, material beyond the guide, fee not in the guide, decided too fast,
  visits above the promise (through the applications' anomaly report).
On the schedule (`rules_scan`, a job in settings `_JOBS`):
  clock paused too long, case idle, personal data read without a case.
Deadlines (near-due and overdue) stay in the workflow's deadline scan, which reads its
settings from the same registry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import structlog
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import User
from onevisit.applications.constants import RUNNING_CASE_STATUSES, CaseStatus, NoticeKind
from onevisit.applications.models import ApplicationMaterial, Case, OneTimeNotice
from onevisit.applications.receivers import Anomaly, AnomalyKind
from onevisit.audit.models import AuditEvent
from onevisit.catalogue.models import MaterialRequirement
from onevisit.supervision.models import Alert, AlertKind, RuleFiring
from onevisit.supervision.registry import RULES, RuleSetting, rule_setting
from onevisit.supervision.selectors import staff_access_report
from onevisit.supervision.services import alert_from_anomaly, alert_raise
from onevisit.workdays.calendar import TZ, WorkingCalendar
from onevisit.workdays.constants import LimitUnit

log = structlog.get_logger(__name__)

# Reads of personal data are judged a day after the day they were made: a window
# clerk's read before filing is explained by the application she files within a day.
READS_SETTLE = dt.timedelta(days=1)
READS_LOOKBACK_DAYS = 7


def _iso(value: dt.datetime | None) -> str:
    return value.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def rule_fire(
    *, kind: AlertKind, key: str, message: str, evidence: dict[str, Any],
    application_number: str = "", case_id: int = 0, subject: str = "",
    region_id: str | None = None, setting: RuleSetting | None = None, refresh: bool = False,
) -> Alert | None:
    """Raise the rule's alert for `key` the first time its facts are seen; None when the
    rule is off or has fired for `key` already. With `refresh`, a later firing of the same
    key brings the still-open alert's message and evidence up to date (a third visit)."""
    setting = setting or rule_setting(kind)
    if not setting.enabled:
        return None
    if RULES[kind].threshold_label:  # the threshold in force, beside what it judged
        evidence = {**evidence, "rule_threshold": str(setting.threshold)}
    with transaction.atomic():
        firing, created = RuleFiring.objects.select_for_update().get_or_create(
            kind=kind, key=key, defaults={"fired_at": clock.now()})
        if not created:
            alert = firing.alert
            if refresh and alert is not None and alert.resolved_at is None:
                alert_raise(kind=kind, application_number=alert.application_number,
                            case_id=alert.case_id, subject=alert.subject, message=message,
                            evidence=evidence)
            return None
        alert = alert_raise(kind=kind, application_number=application_number,
                            case_id=case_id, subject=subject, message=message,
                            evidence=evidence, region_id=region_id)
        firing.alert = alert
        firing.save(update_fields=["alert"])
    log.info("rule_fired", kind=str(kind), key=key, alert=alert.pk)
    return alert


def _case_facts(case: Case) -> dict[str, Any]:
    return {"application": case.application.number, "item": case.item.name,
            "department": case.department.name, "case": case.pk}


# --- On case events ----------------------------------------------------------------


def correction_second_check(*, notice: OneTimeNotice) -> Alert | None:
    """一次告知: a correction notice that names a material an earlier correction notice of
    the same application (another department's: within one case a second notice is
    refused outright) could have named — present then, and not supplied since. Only
    notices issued while this case was already running count: a stage that started
    later could not have been part of them."""
    if notice.case_id is None:
        return None
    started_at = Case.objects.filter(pk=notice.case_id).values_list("started_at",
                                                                    flat=True).first()
    if started_at is None:
        return None
    earlier = list(OneTimeNotice.objects.filter(
        application_id=notice.application_id, kind=NoticeKind.CORRECTION, id__lt=notice.pk,
        issued_at__gte=started_at,
    ).select_related("case__department").order_by("issued_at", "id"))
    if not earlier:
        return None
    named_before = {entry["key"] for n in earlier for entry in n.entries}
    keys = [entry["key"] for entry in notice.entries if entry["key"] not in named_before]
    materials = ApplicationMaterial.objects.filter(application_id=notice.application_id,
                                                   key__in=keys)
    first = earlier[0]
    late = [m for m in materials
            if m.supplied_at is None or m.supplied_at <= first.issued_at]
    if not late:
        return None
    case = Case.objects.select_related("application", "item", "department").get(
        pk=notice.case_id)
    return rule_fire(
        kind=AlertKind.SECOND_CORRECTION, key=f"notice:{notice.number}",
        application_number=case.application.number, case_id=case.pk,
        message=_("补正告知书 %(notice)s 要求的%(names)s在首次补正告知书 %(first)s 出具时已经具备，"
                  "本应一次告知") % {"notice": notice.number, "first": first.number,
                                 "names": "、".join(m.name for m in late)},
        evidence={**_case_facts(case), "notice": notice.number,
                  "notice_issued_at": _iso(notice.issued_at), "first_notice": first.number,
                  "first_issued_at": _iso(first.issued_at),
                  "first_department": first.case.department.name if first.case else "",
                  "materials": [m.name for m in late]},
    )


def material_beyond_guide_check(*, case: Case, demand_id: int, name: str,
                                reason: str) -> Alert | None:
    """材料: a department asked for a material its item's guide (the version the
    application was filed under) does not list."""
    listed = list(MaterialRequirement.objects.filter(item_id=case.item_id)
                  .values_list("name", flat=True))
    if name.strip() in {n.strip() for n in listed}:
        return None
    return rule_fire(
        kind=AlertKind.MATERIAL_BEYOND_GUIDE, key=f"demand:{demand_id}",
        application_number=case.application.number, case_id=case.pk,
        message=_("%(department)s 要求提交办事指南未列明的材料“%(name)s”") % {
            "department": case.department.name, "name": name},
        evidence={**_case_facts(case), "material": name, "reason": reason,
                  "guide_materials": listed},
    )


def fee_not_in_guide_check(*, case: Case, demand_id: int, amount: Decimal,
                           basis: str) -> Alert | None:
    """收费: a fee above what the item's guide states (nothing, for a free item), beyond
    the administrator's tolerance."""
    setting = rule_setting(AlertKind.FEE_NOT_IN_GUIDE)
    guide = case.item.fee_yuan
    if amount <= guide + setting.threshold:
        return None
    return rule_fire(
        kind=AlertKind.FEE_NOT_IN_GUIDE, key=f"demand:{demand_id}", setting=setting,
        application_number=case.application.number, case_id=case.pk,
        message=_("“%(item)s”收取 %(amount)s 元，办事指南%(guide)s") % {
            "item": case.item.name, "amount": amount,
            "guide": _("写明不收费") if not guide else
            _("列明的收费为 %(fee)s 元") % {"fee": guide}},
        evidence={**_case_facts(case), "amount_yuan": str(amount), "guide_fee_yuan": str(guide),
                  "guide_fee_note": case.item.fee_note, "basis": basis},
    )


def decision_speed_check(*, case: Case) -> Alert | None:
    """用时异常: a case decided sooner after its clock started than the administrator's
    plausible minimum. Items with a limit in minutes (即办件) are meant to be quick and
    are not judged."""
    setting = rule_setting(AlertKind.DECIDED_TOO_FAST)
    if (not setting.enabled or case.started_at is None or case.decided_at is None
            or case.item.limit_unit != LimitUnit.WORKING_DAYS):
        return None
    minutes = (case.decided_at - case.started_at).total_seconds() / 60
    if minutes >= float(setting.threshold):
        return None
    decider = case.decided_by
    return rule_fire(
        kind=AlertKind.DECIDED_TOO_FAST, key=f"case:{case.pk}", setting=setting,
        application_number=case.application.number, case_id=case.pk,
        message=_("“%(item)s”从开始计时到作出决定仅用 %(minutes).1f 分钟") % {
            "item": case.item.name, "minutes": minutes},
        evidence={**_case_facts(case), "started_at": _iso(case.started_at),
                  "decided_at": _iso(case.decided_at), "minutes": round(minutes, 1),
                  "decision": case.status,
                  "decided_by": (decider.get_full_name() or decider.username) if decider else ""},
    )


def visits_exceeded_check(*, application_number: str, message: str,
                          evidence: dict[str, Any]) -> Alert | None:
    """跑次: the trips counted against the promise exceed it by more than the tolerance;
    the alert lists each trip with its cause, and follows later trips while open."""
    setting = rule_setting(AlertKind.VISITS_EXCEEDED)
    if evidence.get("counted", 0) <= evidence.get("promised", 0) + setting.threshold:
        return None
    return rule_fire(kind=AlertKind.VISITS_EXCEEDED, key=f"application:{application_number}",
                     application_number=application_number, message=message,
                     evidence=evidence, setting=setting, refresh=True)


def anomaly_receive(anomaly: Anomaly) -> None:
    """What applications report: visits above the promise go through their rule; the
    rest (a year the calendar does not cover) become alerts as they are."""
    if anomaly.kind == AnomalyKind.VISITS_EXCEEDED:
        visits_exceeded_check(application_number=anomaly.application_number,
                              message=anomaly.message, evidence=anomaly.evidence)
    else:
        alert_from_anomaly(anomaly)


# --- On the schedule ---------------------------------------------------------------


def rules_scan() -> dict[str, int]:
    """The scheduled rules, each once over the current facts: how many alerts each raised."""
    return {
        "pause_too_long": len(_pauses_too_long()),
        "case_idle": len(_cases_idle()),
        "data_read_without_case": len(_reads_without_case()),
    }


def _pauses_too_long() -> list[Alert]:
    """时限暂停: a case waiting for a correction longer than the law allows (working days
    after the day it paused)."""
    setting = rule_setting(AlertKind.PAUSE_TOO_LONG)
    if not setting.enabled:
        return []
    now = clock.now()
    limit = int(setting.threshold)
    calendar = WorkingCalendar()
    today = now.astimezone(TZ).date()
    raised = []
    paused = (Case.objects.filter(status=CaseStatus.CORRECTION, paused_at__isnull=False,
                                  paused_at__lte=now - dt.timedelta(days=limit))
              .select_related("application", "item", "department")
              .annotate(notice_number=Subquery(
                  OneTimeNotice.objects.filter(case=OuterRef("pk"))
                  .order_by("-issued_at", "-id").values("number")[:1])))
    for case in paused:
        assert case.paused_at is not None  # noqa: S101 - filtered
        days = calendar.working_days_between(case.paused_at.astimezone(TZ).date(), today)
        if days <= limit:
            continue
        alert = rule_fire(
            kind=AlertKind.PAUSE_TOO_LONG, key=f"pause:{case.pk}:{case.paused_at.isoformat()}",
            setting=setting, application_number=case.application.number, case_id=case.pk,
            message=_("“%(item)s”暂停计时已 %(days)d 个工作日，超过上限 %(limit)d 个工作日") % {
                "item": case.item.name, "days": days, "limit": limit},
            evidence={**_case_facts(case), "paused_at": _iso(case.paused_at),
                      "working_days": days, "notice": case.notice_number or ""},
        )
        if alert is not None:
            raised.append(alert)
    return raised


def _cases_idle() -> list[Alert]:
    """无人处理: a running case with no action (a status change, a claim, a reassignment,
    a fetch — anything recorded about it) for more than N working days."""
    setting = rule_setting(AlertKind.CASE_IDLE)
    if not setting.enabled:
        return []
    now = clock.now()
    limit = int(setting.threshold)
    calendar = WorkingCalendar()
    today = now.astimezone(TZ).date()
    candidates = list(
        Case.objects.filter(status__in=RUNNING_CASE_STATUSES)
        .annotate(last_change=Max("status_changes__at"))
        .filter(last_change__lte=now - dt.timedelta(days=limit))
        .select_related("application", "item", "department"))
    recorded = dict(AuditEvent.objects.filter(
        entity="case", entity_id__in=[str(c.pk) for c in candidates],
    ).values("entity_id").annotate(last=Max("occurred_at")).values_list("entity_id", "last"))
    raised = []
    for case in candidates:
        last = max(filter(None, (case.last_change, recorded.get(str(case.pk)))))
        days = calendar.working_days_between(last.astimezone(TZ).date(), today)
        if days <= limit:
            continue
        alert = rule_fire(
            kind=AlertKind.CASE_IDLE, key=f"idle:{case.pk}:{last.isoformat()}", setting=setting,
            application_number=case.application.number, case_id=case.pk,
            message=_("“%(item)s”已连续 %(days)d 个工作日无人办理") % {
                "item": case.item.name, "days": days},
            evidence={**_case_facts(case), "last_action_at": _iso(last),
                      "working_days": days, "status": case.status},
        )
        if alert is not None:
            raised.append(alert)
    return raised


def _reads_without_case() -> list[Alert]:
    """数据使用: a staff member who, in one day, read the personal data of at least N
    people no case of hers explains (`staff_access_report`). Judged a day later, for
    each of the last days, once per person and day."""
    setting = rule_setting(AlertKind.DATA_READ_WITHOUT_CASE)
    if not setting.enabled:
        return []
    now = clock.now()
    last_day = (now - READS_SETTLE).astimezone(TZ).date() - dt.timedelta(days=1)
    raised = []
    for back in range(READS_LOOKBACK_DAYS):
        day = last_day - dt.timedelta(days=back)
        since = dt.datetime.combine(day, dt.time.min, tzinfo=TZ)
        report = staff_access_report(since=since, until=since + dt.timedelta(days=1),
                                     threshold=int(setting.threshold))
        flagged = [r for r in report if r.flagged]
        regions = {pk: own or department for pk, own, department in User.objects.filter(
            pk__in=[r.actor_id for r in flagged]).values_list(
                "pk", "region_id", "department__region_id")}
        for row in flagged:
            alert = rule_fire(
                kind=AlertKind.DATA_READ_WITHOUT_CASE, key=f"reads:{row.actor_id}:{day}",
                setting=setting, subject=f"staff:{row.actor_id}:{day:%Y%m%d}",
                region_id=regions.get(row.actor_id),
                message=_("%(name)s（%(department)s）%(day)s 查阅了 %(people)d 人的个人信息，"
                          "没有对应的办件") % {
                    "name": row.name, "department": row.department or row.role,
                    "day": day.isoformat(), "people": row.unmatched_people},
                evidence={"staff": row.name, "role": row.role, "department": row.department,
                          "day": day.isoformat(), "reads": row.reads, "people": row.people,
                          "unmatched_reads": row.unmatched_reads,
                          "unmatched_people": row.unmatched_people,
                          "link": "/dashboard/access/?days=7"},
            )
            if alert is not None:
                raised.append(alert)
    return raised
