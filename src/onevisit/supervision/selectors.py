from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onevisit.accounts.models import Role, User
from onevisit.accounts.regions import scope_of, within
from onevisit.applications.constants import CaseStatus, VisitCause
from onevisit.applications.models import Application, Case
from onevisit.credit.constants import AppealKind, CreditSource, Severity
from onevisit.exchange.models import AccessLog
from onevisit.exchange.services import subject_digests
from onevisit.supervision.constants import AlertStatus, FollowUpStatus
from onevisit.supervision.models import Alert, AlertKind, FollowUpOrder
from onevisit.supervision.registry import RULES, rule_setting

ONE_DAY = dt.timedelta(days=1)


def alert_raised_for_case(*, kind: AlertKind) -> Exists:
    """An alert of `kind` was raised for the case and is open, or was closed by a
    supervisor: a closed alert is final, so the same lasting fact (the case still overdue)
    does not raise it again. Closing by the rule (the case decided) does not count."""
    return Exists(Alert.objects.filter(case_id=OuterRef("pk"), kind=kind).filter(
        Q(resolved_at__isnull=True) | Q(closed_by__isnull=False)))


def alerts_open(*, application_number: str) -> QuerySet[Alert]:
    return Alert.objects.filter(application_number=application_number, resolved_at__isnull=True)


# Each kind's rule, as the inbox states it beside the alert (DESIGN.md §3).
ALERT_RULES = {
    AlertKind.VISITS_EXCEEDED: gettext_lazy(
        "跑次：申请人到现场的次数超过事项承诺的最多跑动次数（每次到场都有记录）"),
    AlertKind.DEADLINE_NEAR: gettext_lazy("办理时限：部门办件已用去八成承诺时限（黄牌）"),
    AlertKind.OVERDUE: gettext_lazy("办理时限：部门办件超过承诺时限仍未办结（红牌）"),
    AlertKind.CALENDAR_NOT_COVERED: gettext_lazy(
        "工作日历：办理期限所在年份的节假日未录入，期限暂按周末规则计算"),
    AlertKind.BAD_RATING: gettext_lazy("好差评：差评须回访并整改"),
    AlertKind.FOLLOW_UP_OVERDUE: gettext_lazy("督办：被督办部门未在期限内答复"),
    AlertKind.TOLERATED_OVERDUE: gettext_lazy("容缺受理：承诺补交的材料过了补交期限仍未补交"),
    AlertKind.SECOND_CORRECTION: gettext_lazy(
        "一次告知：第二次补正要求的材料在第一次补正时已经存在，本应一次告知"),
    AlertKind.MATERIAL_BEYOND_GUIDE: gettext_lazy("材料：要求申请人提交办事指南未列明的材料"),
    AlertKind.FEE_NOT_IN_GUIDE: gettext_lazy("收费：办事指南写明不收费的事项收取了费用"),
    AlertKind.PAUSE_TOO_LONG: gettext_lazy("时限暂停：补正、听证等暂停计时超过法定上限"),
    AlertKind.DECIDED_TOO_FAST: gettext_lazy("用时异常：从受理到决定的用时短于合理下限"),
    AlertKind.CASE_IDLE: gettext_lazy("无人处理：部门办件连续多个工作日没有任何办理动作"),
    AlertKind.DATA_READ_WITHOUT_CASE: gettext_lazy(
        "数据使用：工作人员在没有对应办件的情况下查阅个人信息"),
    AlertKind.RECTIFICATION_OVERDUE: gettext_lazy("好差评：差评整改超过期限仍未完成"),
    AlertKind.EXPERIENCE_REPORT: gettext_lazy("体验办事：部门负责人以普通群众身份办事后的报告"),
    AlertKind.CREDIT_OBJECTION: gettext_lazy("信用：信用主体对信用记录提出异议或申请修复"),
}
# Audit actions that are the facts behind each kind (the rest of the history is context).
ALERT_EVENTS = {
    AlertKind.VISITS_EXCEEDED: ("visit.",),
    AlertKind.DEADLINE_NEAR: ("case.",),
    AlertKind.OVERDUE: ("case.",),
    AlertKind.CALENDAR_NOT_COVERED: ("application.accepted",),
    AlertKind.BAD_RATING: ("rating.",),
    AlertKind.FOLLOW_UP_OVERDUE: ("follow_up.",),
    AlertKind.SECOND_CORRECTION: ("notice.issued", "case.correction_requested"),
    AlertKind.MATERIAL_BEYOND_GUIDE: ("case.material_demanded",),
    AlertKind.FEE_NOT_IN_GUIDE: ("case.fee_recorded",),
    AlertKind.PAUSE_TOO_LONG: ("case.correction_requested", "application.supplemented"),
    AlertKind.DECIDED_TOO_FAST: ("case.claimed", "case.approved", "case.rejected"),
    AlertKind.CASE_IDLE: ("case.",),
}
# Ages the inbox filters by: raised at least this many days ago.
AGE_DAYS = (1, 3, 7, 30)
PAGE = 50


@dataclass(frozen=True)
class InboxFilter:
    status: str = ""
    kind: str = ""
    department: str = ""  # a department code
    older_than_days: int = 0
    mine: bool = False
    region: str = ""  # a city or county within the supervisor's region ("" : all of it)


def alerts_inbox(*, actor: Any, now: dt.datetime, where: InboxFilter,
                 before_id: int | None = None) -> QuerySet[Alert]:
    """The supervisors' inbox, newest first (keyset: pass the last id seen as
    `before_id`). A department's alerts are those of its cases, and those about a whole
    application it has a case of."""
    alerts = Alert.objects.filter(within("region", scope_of(actor)))
    if where.status:
        alerts = alerts.filter(status=where.status)
    if where.kind:
        alerts = alerts.filter(kind=where.kind)
    if where.region:
        alerts = alerts.filter(within("region", where.region))
    if where.department:
        cases = Case.objects.filter(department__code=where.department)
        alerts = alerts.filter(
            Q(case_id__in=cases.values("pk"))
            | Q(case_id=0, application_number__in=cases.values("application__number")))
    if where.older_than_days:
        alerts = alerts.filter(raised_at__lte=now - dt.timedelta(days=where.older_than_days))
    if where.mine:
        alerts = alerts.filter(acknowledged_by=actor)
    if before_id is not None:
        alerts = alerts.filter(pk__lt=before_id)
    return alerts.select_related("region").annotate(
        open_follow_ups=Count("follow_ups", filter=Q(follow_ups__status=FollowUpStatus.OPEN)),
    ).order_by("-id")


def alert_status_counts(*, actor: Any, region: str = "") -> dict[str, int]:
    """How many alerts of each status the supervisor's region holds (narrowed to one of
    its counties when the inbox is)."""
    counts = dict(Alert.objects.filter(within("region", scope_of(actor)), within("region", region))
                  .values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in AlertStatus.values}


def alert_get(*, alert_id: int, actor: Any) -> Alert | None:
    """The alert if it lies in the actor's region."""
    return Alert.objects.select_related("acknowledged_by", "closed_by").filter(
        within("region", scope_of(actor)), pk=alert_id).first()


def alert_close_reason(alert: Alert) -> str:
    """The reason as the reader reads it: a closing by the alert's own rule is translated."""
    return _(alert.close_reason) if alert.closed_by_id is None and alert.close_reason else \
        alert.close_reason


def follow_ups_of_alert(*, alert: Alert) -> list[FollowUpOrder]:
    return list(alert.follow_ups.select_related("department", "requested_by", "answered_by")
                .order_by("requested_at", "id"))


def follow_ups_for_department(*, department_id: int) -> QuerySet[FollowUpOrder]:
    """A department's 督办: unanswered first, soonest deadline first."""
    return (FollowUpOrder.objects.filter(department_id=department_id)
            .select_related("alert", "requested_by", "answered_by")
            .order_by("-status", "due_at", "id"))


def follow_ups_open_count(*, department_id: int) -> int:
    return FollowUpOrder.objects.filter(department_id=department_id,
                                        status=FollowUpStatus.OPEN).count()


def alerts_open_numbers(*, kind: AlertKind, numbers: list[str]) -> set[str]:
    """Which of these applications already have an open alert of `kind`."""
    return set(Alert.objects.filter(kind=kind, application_number__in=numbers,
                                    resolved_at__isnull=True)
               .values_list("application_number", flat=True))


@dataclass(frozen=True)
class StaffAccess:
    """One staff member's reads of personal data in a period, and how many of them no
    case of hers explains."""

    actor_id: int
    name: str
    role: str
    department: str
    reads: int
    people: int
    unmatched_reads: int
    unmatched_people: int
    flagged: bool


def staff_access_report(*, since: dt.datetime, until: dt.datetime, scope: str = "",
                        threshold: int = 20) -> list[StaffAccess]:
    """Who read whose data between `since` and `until`, most unexplained first.

    A read is explained when it was for an application the reader handled: filed it (a
    window clerk), or her department has a case of it (a reviewer); a clerk's read before
    filing (the window preview, a search by ID number) is explained by an application she
    filed for the same person within a day. Staff who read the data of `threshold` or
    more people without such a case are flagged for the supervisor to look into."""
    logged = (AccessLog.objects.filter(at__gte=since, at__lt=until, actor__isnull=False)
             .exclude(actor__role=Role.CITIZEN))
    if scope:  # the staff of the supervisor's region: their own region, else their department's
        logged = logged.filter(within("actor__region", scope)
                             | (Q(actor__region__isnull=True)
                                & within("actor__department__region", scope)))
    rows: list[dict[str, Any]] = [dict(row) for row in logged.values(
        "actor_id", "at", "application_number", "subject_digest")]
    numbers = {r["application_number"] for r in rows if r["application_number"]}
    filed_by = dict(Application.objects.filter(number__in=numbers)
                    .values_list("number", "filed_by_id"))
    departments: dict[str, set[int]] = defaultdict(set)
    for number, department_id in Case.objects.filter(application__number__in=numbers) \
            .values_list("application__number", "department_id"):
        departments[number].add(department_id)
    actors = {u.pk: u for u in User.objects.filter(pk__in={r["actor_id"] for r in rows})
              .select_related("department")}
    filed: dict[int, list[tuple[dt.datetime, list[str]]]] = defaultdict(list)
    for actor_id, at, id_number in Application.objects.filter(
        filed_by_id__in=actors, submitted_at__gte=since, submitted_at__lt=until + ONE_DAY,
    ).values_list("filed_by_id", "submitted_at", "applicant_id_number"):
        filed[actor_id].append((at, subject_digests(id_number)))

    def explained(row: dict[str, Any]) -> bool:
        actor = actors[row["actor_id"]]
        number = row["application_number"]
        if number:
            return (filed_by.get(number) == actor.pk
                    or actor.department_id in departments.get(number, set()))
        return any(row["subject_digest"] in digests and row["at"] <= at <= row["at"] + ONE_DAY
                   for at, digests in filed[actor.pk])

    by_actor: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_actor[row["actor_id"]].append(row)
    report = []
    for actor_id, reads in by_actor.items():
        actor = actors[actor_id]
        unmatched = [r for r in reads if not explained(r)]
        unmatched_people = len({r["subject_digest"] for r in unmatched})
        report.append(StaffAccess(
            actor_id=actor_id, name=actor.get_full_name() or actor.username,
            role=actor.get_role_display(),
            department=actor.department.name if actor.department else "",
            reads=len(reads), people=len({r["subject_digest"] for r in reads}),
            unmatched_reads=len(unmatched), unmatched_people=unmatched_people,
            flagged=unmatched_people >= threshold,
        ))
    return sorted(report, key=lambda a: (-a.unmatched_people, -a.reads, a.name))


# What each fact in an alert's evidence is, in words (rules record keys and numbers).
EVIDENCE_LABELS = {
    "application": gettext_lazy("办件编号"),
    "item": gettext_lazy("事项"),
    "department": gettext_lazy("部门"),
    "case": gettext_lazy("部门办件"),
    "started_at": gettext_lazy("开始计时"),
    "due_at": gettext_lazy("办理期限"),
    "share_used": gettext_lazy("已用时限比例"),
    "decided_at": gettext_lazy("作出决定"),
    "decision": gettext_lazy("决定"),
    "decided_by": gettext_lazy("决定人"),
    "minutes": gettext_lazy("用时（分钟）"),
    "notice": gettext_lazy("补正告知书"),
    "notice_issued_at": gettext_lazy("出具时间"),
    "first_notice": gettext_lazy("首次补正告知书"),
    "first_issued_at": gettext_lazy("首次告知时间"),
    "first_department": gettext_lazy("首次告知部门"),
    "materials": gettext_lazy("本可一次告知的材料"),
    "material": gettext_lazy("要求的材料"),
    "reason": gettext_lazy("部门说明的理由"),
    "guide_materials": gettext_lazy("办事指南列明的材料"),
    "amount_yuan": gettext_lazy("收取金额（元）"),
    "guide_fee_yuan": gettext_lazy("指南列明的收费（元）"),
    "guide_fee_note": gettext_lazy("指南收费说明"),
    "basis": gettext_lazy("部门说明的收费依据"),
    "paused_at": gettext_lazy("暂停计时"),
    "working_days": gettext_lazy("工作日数"),
    "last_action_at": gettext_lazy("最后办理动作"),
    "status": gettext_lazy("办件状态"),
    "staff": gettext_lazy("工作人员"),
    "role": gettext_lazy("角色"),
    "day": gettext_lazy("日期"),
    "reads": gettext_lazy("查阅次数"),
    "people": gettext_lazy("涉及人数"),
    "unmatched_reads": gettext_lazy("无对应办件的查阅次数"),
    "unmatched_people": gettext_lazy("无对应办件涉及人数"),
    "counted": gettext_lazy("计入承诺的跑动次数"),
    "promised": gettext_lazy("承诺最多跑动次数"),
    "visits": gettext_lazy("每次到场及原因"),
    "rule_threshold": gettext_lazy("规则阈值"),
    "link": gettext_lazy("查看详情"),
    # A credit objection or repair (信用异议待处理).
    "source": gettext_lazy("记录来源"),
    "severity": gettext_lazy("失信程度"),
    "reference": gettext_lazy("来源编号"),
    # An official's experience report (体验办事报告).
    "official": gettext_lazy("体验人"),
    "title": gettext_lazy("办理事项"),
    "channel": gettext_lazy("办理渠道"),
    "submitted_at": gettext_lazy("提交时间"),
    "completed_at": gettext_lazy("办结时间"),
    "report": gettext_lazy("体验报告"),
}

# A credit alert's kind of request, in words.
CREDIT_KIND_LABEL = gettext_lazy("申请类型")

# Recorded for machines (the case's id: the page links the case already; the credit
# appeal's and record's ids: the credit page shows them).
EVIDENCE_HIDDEN = frozenset({"case", "appeal", "record"})


@dataclass(frozen=True)
class EvidenceRow:
    key: str
    label: str
    value: str
    items: tuple[str, ...] = ()  # a list of facts, one line each
    link: str = ""


def _visit_line(visit: dict[str, Any]) -> str:
    cause = visit.get("cause", "")
    label = str(VisitCause(cause).label) if cause in VisitCause.values else str(cause)
    counted = _("计入承诺") if visit.get("counted") else _("申请人自选，不计入")
    note = f"（{visit['note']}）" if visit.get("note") else ""
    return f"{visit.get('at', '')} · {label}{note} · {counted}"


def alert_evidence_rows(*, alert: Alert) -> list[EvidenceRow]:
    """The facts the alert's rule recorded, in words, in the order it recorded them; a
    fact this version has no words for is shown by its key."""
    rows = []
    credit = alert.kind == AlertKind.CREDIT_OBJECTION
    for key, value in (alert.evidence or {}).items():
        if key in EVIDENCE_HIDDEN or value in ("", None, []):
            continue
        label = str(EVIDENCE_LABELS.get(key, key))
        if credit and key == "kind":
            rows.append(EvidenceRow(key=key, label=str(CREDIT_KIND_LABEL),
                                    value=_choice(AppealKind, value)))
        elif credit and key == "source":
            rows.append(EvidenceRow(key=key, label=label, value=_choice(CreditSource, value)))
        elif credit and key == "severity":
            rows.append(EvidenceRow(key=key, label=label, value=_choice(Severity, value)))
        elif key in ("submitted_at", "completed_at") and isinstance(value, str):
            rows.append(EvidenceRow(key=key, label=label, value=_local_minute(value)))
        elif key == "visits" and isinstance(value, int):
            rows.append(EvidenceRow(key=key, label=_("跑动次数"), value=str(value)))
        elif key == "link":
            rows.append(EvidenceRow(key=key, label=label, value="", link=str(value)))
        elif key == "visits" and isinstance(value, list):
            rows.append(EvidenceRow(key=key, label=label, value="",
                                    items=tuple(_visit_line(v) for v in value)))
        elif isinstance(value, list):
            rows.append(EvidenceRow(key=key, label=label, value="",
                                    items=tuple(str(v) for v in value)))
        elif key in ("status", "decision") and value in CaseStatus.values:
            rows.append(EvidenceRow(key=key, label=label, value=str(CaseStatus(value).label)))
        elif key == "share_used" and isinstance(value, int | float):
            rows.append(EvidenceRow(key=key, label=label, value=f"{value:.0%}"))
        else:
            rows.append(EvidenceRow(key=key, label=label, value=str(value)))
    if credit:
        rows.append(EvidenceRow(key="link", label=_("到信用异议和修复处理"), value="",
                                link="/dashboard/credit/"))
    return rows


def _choice(choices: Any, value: Any) -> str:
    """A recorded code in words (the code itself where this version has none)."""
    return str(choices(value).label) if value in choices.values else str(value)


def _local_minute(value: str) -> str:
    """A recorded ISO timestamp as the page shows times: local, to the minute."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        return value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class RuleRow:
    kind: str
    name: str
    text: str
    when: str
    enabled: bool
    threshold: str
    threshold_label: str
    fired: int


def rules_overview() -> list[RuleRow]:
    """The registry as supervisors read it: each rule, its setting and how many alerts it
    has raised."""
    fired = dict(Alert.objects.filter(kind__in=list(RULES)).values_list("kind")
                 .annotate(n=Count("id")).order_by())
    rows = []
    for kind, spec in RULES.items():
        setting = rule_setting(kind)
        rows.append(RuleRow(
            kind=kind, name=str(kind.label), text=str(ALERT_RULES.get(kind, "")),
            when=str(spec.when), enabled=setting.enabled,
            threshold=str(setting.threshold) if spec.threshold_label else "",
            threshold_label=str(spec.threshold_label), fired=fired.get(kind, 0)))
    return rows
