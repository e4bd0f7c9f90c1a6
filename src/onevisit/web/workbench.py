"""The department workbench (后台审批): the queue by urgency, one case under review, and
the reviewer's decisions. Every decision goes through the workflow services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.accounts.selectors import department_reviewers
from onevisit.applications.constants import CaseStatus, MaterialStatus
from onevisit.applications.models import Case
from onevisit.applications.selectors import application_status_words, registration_records_of
from onevisit.applications.services import case_material_keys, subject_of
from onevisit.catalogue.constants import FieldType, LimitUnit
from onevisit.catalogue.models import FieldDef
from onevisit.certificates.constants import CertificateKind
from onevisit.errors import DomainError
from onevisit.exchange.services import personal_data_read_log, subject_mask
from onevisit.exchange.sources import source_name
from onevisit.hotline.selectors import tickets_about_application
from onevisit.web.outcomes import error_text
from onevisit.workdays.calendar import WorkingCalendar, limit_text, time_remaining
from onevisit.workflow.constants import RefusalKind
from onevisit.workflow.joint import joint_review_state, joint_reviews_for
from onevisit.workflow.models import WorkItemOutcome
from onevisit.workflow.selectors import (
    QueueView,
    Urgency,
    case_for_review,
    case_urgency,
    department_corrections,
    department_queue,
    department_queue_counts,
)
from onevisit.workflow.services import (
    CorrectionEntry,
    case_approve,
    case_claim,
    case_false_material_find,
    case_fee_record,
    case_material_demand,
    case_reassign,
    case_reject,
    case_request_correction,
    tolerated_deadline_extend,
)

# Cases a queue page shows; the next page starts after the last one (keyset pagination).
QUEUE_PAGE = 50
CORRECTIONS_UNDER_QUEUE = 10  # the rest in the queue's own "waiting for the applicant" view


def reviewer_of(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.REVIEWER or user.department_id is None:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有部门审批人员能使用审批工作台"))
    return user


@dataclass(frozen=True)
class QueueRow:
    case: Case
    urgency: Urgency | None
    status: str
    deadline: str  # how late, or how much time is left
    due: str  # the deadline, local time


def _time_left(case: Case, now: dt.datetime, calendar: WorkingCalendar) -> str:
    """How late, or how much working time is left (working days, or working minutes)."""
    if case.due_at is None:
        return ""
    if case.due_at <= now:
        return _("已超期 %(late)s") % {"late": timesince(case.due_at, now)}
    unit = case.item.limit_unit
    left = time_remaining(now=now, due_at=case.due_at, unit=unit, calendar=calendar)
    return _("剩余 %(left)s") % {"left": limit_text(limit=left, unit=unit)}


def _queue_row(case: Case, now: dt.datetime, calendar: WorkingCalendar) -> QueueRow:
    """The row's texts, made here rather than by template filters: a queue page shows
    fifty rows, and per row the filters cost more than the rest of the page."""
    urgency = case_urgency(case=case, now=now)
    deadline = due = ""
    if case.due_at is not None:
        deadline = _time_left(case, now, calendar)
        due = f"{timezone.localtime(case.due_at):%Y-%m-%d %H:%M}"
    status = str(CaseStatus(case.status).label)
    if getattr(case, "first_approved", False) and case.status == CaseStatus.PENDING:
        status = _("初审同意，待复核")
    return QueueRow(case=case, urgency=urgency, status=status, deadline=deadline, due=due)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    reviewer = reviewer_of(request)
    now = clock.now()
    after = request.GET.get("after", "")
    after_case_id = int(after) if after.isdigit() else None
    asked = request.GET.get("view", "")
    view = QueueView(asked) if asked in {v.value for v in QueueView} else QueueView.ALL
    cases = [] if view == QueueView.CORRECTION else list(
        department_queue(actor=reviewer, after_case_id=after_case_id, view=view,
                         now=now)[:QUEUE_PAGE + 1])
    # Cases waiting for a correction stay in view (their clocks paused): the longest
    # waiting under the queue's first page, all of them, page by page, in their own view.
    shown = {QueueView.CORRECTION: QUEUE_PAGE,
             QueueView.ALL: 0 if after_case_id else CORRECTIONS_UNDER_QUEUE}.get(view, 0)
    corrections = list(department_corrections(
        actor=reviewer, after_case_id=after_case_id if view == QueueView.CORRECTION else None,
    )[:shown + 1]) if shown else []
    paged_rows = corrections if view == QueueView.CORRECTION else cases
    calendar = WorkingCalendar()
    return render(request, "web/workbench/queue.html", {
        "rows": [_queue_row(case, now, calendar) for case in cases[:QUEUE_PAGE]],
        "corrections": [_correction_row(case, now) for case in corrections[:shown]],
        "more_corrections": len(corrections) > shown and view == QueueView.ALL,
        "department": reviewer.department, "view": view, "views": QUEUE_VIEWS,
        "counts": department_queue_counts(actor=reviewer, now=now),
        "next_after": (paged_rows[QUEUE_PAGE - 1].pk if len(paged_rows) > QUEUE_PAGE
                       else None),
        "paged": after_case_id is not None,
        # 施工图“多审合一”: the joint reviews the department takes part in, not as lead.
        "joint_count": joint_reviews_for(actor=reviewer).count(),
    })


QUEUE_VIEWS = [
    (QueueView.ALL, gettext_lazy("全部")), (QueueView.MINE, gettext_lazy("我认领的")),
    (QueueView.UNCLAIMED, gettext_lazy("待认领")),
    (QueueView.CORRECTION, gettext_lazy("等待补正或缴费")),
    (QueueView.OVERDUE, gettext_lazy("已超期")),
]


@dataclass(frozen=True)
class CorrectionRow:
    case: Case
    paused_for: str  # how long the clock has been paused
    paused_since: str  # when it paused, local time
    left: str  # the time the case had left when it paused


def _correction_row(case: Case, now: dt.datetime) -> CorrectionRow:
    paused = case.paused_at or now
    return CorrectionRow(
        case=case, paused_for=timesince(paused, now),
        paused_since=f"{timezone.localtime(paused):%Y-%m-%d %H:%M}",
        left=(ngettext("暂停时剩余 %(n)d 分钟", "暂停时剩余 %(n)d 分钟", case.remaining or 0)
              if case.item.limit_unit == LimitUnit.MINUTES
              else ngettext("暂停时剩余 %(n)d 个工作日", "暂停时剩余 %(n)d 个工作日",
                            case.remaining or 0)) % {"n": case.remaining or 0},
    )


# The record keys registries commonly use, in people's words; others are shown as sent.
RECORD_LABELS = {
    "name": gettext_lazy("姓名或名称"),
    "holder_name": gettext_lazy("持证人"),
    "owner_name": gettext_lazy("权利人"),
    "id_number": gettext_lazy("证件号码"),
    "holder_id_number": gettext_lazy("持证人证件号码"),
    "owner_id_number": gettext_lazy("权利人证件号码"),
    "gender": gettext_lazy("性别"),
    "birth_date": gettext_lazy("出生日期"),
    "address": gettext_lazy("地址"),
    "ethnicity": gettext_lazy("民族"),
    "valid_from": gettext_lazy("有效期起"),
    "valid_until": gettext_lazy("有效期至"),
    "issuing_authority": gettext_lazy("签发机关"),
    "number": gettext_lazy("证号"),
    "certificate_number": gettext_lazy("证号"),
    "legal_representative": gettext_lazy("法定代表人"),
    "uscc": gettext_lazy("统一社会信用代码"),
    "type": gettext_lazy("类型"),
    "registered_capital": gettext_lazy("注册资本"),
    "established_on": gettext_lazy("成立日期"),
    "business_term": gettext_lazy("营业期限"),
    "business_scope": gettext_lazy("经营范围"),
    "industry": gettext_lazy("行业"),
    "registered_on": gettext_lazy("登记日期"),
    "registry": gettext_lazy("登记机关"),
    "authority": gettext_lazy("登记机构"),
    "spouse_name": gettext_lazy("配偶姓名"),
    "spouse_id_number": gettext_lazy("配偶证件号码"),
    "properties": gettext_lazy("不动产"),
    "use": gettext_lazy("用途"),
    "land_use": gettext_lazy("土地用途"),
    "right_type": gettext_lazy("权利类型"),
    "right_nature": gettext_lazy("权利性质"),
    "co_ownership": gettext_lazy("共有情况"),
    "household_number": gettext_lazy("户号"),
    "householder": gettext_lazy("户主"),
    "relation_to_householder": gettext_lazy("与户主关系"),
    "registration_authority": gettext_lazy("登记机关"),
    "township_code": gettext_lazy("乡镇街道代码"),
    "newborn_name": gettext_lazy("新生儿姓名"),
    "mother_name": gettext_lazy("母亲姓名"),
    "mother_id_number": gettext_lazy("母亲证件号码"),
    "father_name": gettext_lazy("父亲姓名"),
    "father_id_number": gettext_lazy("父亲证件号码"),
    "birth_place": gettext_lazy("出生地点"),
    "hospital": gettext_lazy("接生机构"),
    "issued_on": gettext_lazy("签发日期"),
    "birth_time": gettext_lazy("出生时间"),
    "gestational_weeks": gettext_lazy("出生孕周"),
    "length_cm": gettext_lazy("身长（厘米）"),
    "weight_grams": gettext_lazy("体重（克）"),
}


def _record_value(key: str, value: Any) -> str:
    """One value as people read it: ID numbers masked, lists and nested records spelled
    out with their own labels."""
    if isinstance(value, dict):
        return "；".join(f"{RECORD_LABELS.get(k, k)}：{_record_value(k, v)}"
                        for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, list):
        return " | ".join(_record_value(key, item) for item in value)
    return subject_mask(str(value)) if key.endswith("id_number") else str(value)


def record_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """A fetched record as the registry returned it."""
    return [(str(RECORD_LABELS.get(key, key)), _record_value(key, value))
            for key, value in record.items() if value not in (None, "", [], {})]


@login_required
def registrations(request: HttpRequest) -> HttpResponse:
    """多证合一登记信息: the records the department's record stages made from filings
    (its own only), newest first, a page at a time."""
    reviewer = reviewer_of(request)
    after = request.GET.get("after", "")
    after_id = int(after) if after.isdigit() else None
    records = list(registration_records_of(user=reviewer, after_id=after_id)[:QUEUE_PAGE + 1])
    shown = records[:QUEUE_PAGE]
    labels = dict(FieldDef.objects.filter(
        key__in={key for record in shown for key in record.data}).values_list("key", "label"))
    return render(request, "web/workbench/registrations.html", {
        "department": reviewer.department,
        "records": [(record, [(labels.get(key, key), _record_value(key, value))
                              for key, value in record.data.items()
                              if value not in (None, "", [], {})])
                    for record in shown],
        "next_after": records[QUEUE_PAGE - 1].pk if len(records) > QUEUE_PAGE else None,
        "paged": after_id is not None,
    })


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    reviewer = reviewer_of(request)
    case = case_for_review(actor=reviewer, case_id=case_id)
    if case is None:
        raise Http404(_("本部门没有这个办件"))
    application = case.application
    subject = subject_of(application)
    own = case_material_keys(subject=subject, item_code=case.item.code)
    fields = [
        (f.label, subject_mask(str(value)) if f.type == FieldType.RESIDENT_ID else value)
        for f in subject.fields
        if (value := application.data.get(f.key)) not in (None, "")
    ]
    registry = [
        (material, source_name(material.source), record_rows(material.evidence))
        for material in application.materials.all()
        if material.key in own and material.status == MaterialStatus.FETCHED and material.evidence
    ]
    claim = next((w for w in case.work_items.all() if w.finished_at is None), None)
    if registry:
        personal_data_read_log(
            actor=reviewer, subject=application.applicant_id_number,
            application_number=application.number, case_id=case.pk,
            evidence_type=",".join(sorted({m.evidence_type for m, _s, _r in registry})),
            purpose=_("审查办件：%(item)s") % {"item": case.item.name},
        )
    return render(request, "web/workbench/case.html", {
        "case": case, "application": application, "registry": registry,
        "application_status": application_status_words(application),
        "applicant_id": subject_mask(application.applicant_id_number),
        "urgency": case_urgency(case=case, now=clock.now()), "fields": fields,
        "time_left": _time_left(case, clock.now(), WorkingCalendar()),
        "materials": [(m, m.key in own, source_name(m.source) if m.source else "")
                      for m in application.materials.all()],
        "others": [c for c in application.cases.all() if c.pk != case.pk],
        # 12345 complaints about this application, for the department to see.
        "tickets": tickets_about_application(application),
        "claim": claim, "claimed_by_me": claim is not None and claim.assignee_id == reviewer.pk,
        "is_lead": reviewer.department_lead,
        "colleagues": department_reviewers(department_id=case.department_id)
        if reviewer.department_lead else [],
        "refusal_kinds": RefusalKind.choices,
        "decisions": [c for c in application.certificates.all()
                      if c.kind == CertificateKind.REFUSAL],
        "tolerated": [m for m in application.materials.all()
                      if m.tolerated_missing and m.key in own],
        "first_approval": next((w for w in case.work_items.all()
                                if w.outcome == WorkItemOutcome.FIRST_APPROVED), None),
        "demands": list(case.demands.all()),
        "joint": joint_review_state(case=case),
    })


@require_POST
@login_required
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    reviewer = reviewer_of(request)
    post = request.POST
    try:
        if action == "claim":
            case_claim(case_id=case_id, actor=reviewer)
            messages.success(request, _("已认领"))
        elif action == "approve":
            approved = case_approve(case_id=case_id, actor=reviewer, note=post.get("note", ""))
            messages.success(request, _("已准予") if approved.status == CaseStatus.APPROVED
                             else _("已初审同意，转另一名审批人员复核"))
        elif action == "false-material":
            case_false_material_find(case_id=case_id, actor=reviewer, fact=post.get("fact", ""))
            messages.success(request, _("已认定提交虚假材料，记入申请人信用记录"))
        elif action == "reject":
            case_reject(case_id=case_id, actor=reviewer, reason=post.get("reason", ""),
                        legal_basis=post.get("legal_basis", ""),
                        refusal=post.get("refusal", RefusalKind.NOT_PERMITTED))
            messages.success(request, _("已作出决定，决定书已出具"))
        elif action == "reassign":
            assignee = post.get("assignee", "")
            case_reassign(case_id=case_id, actor=reviewer,
                          assignee_id=int(assignee) if assignee.isdigit() else 0,
                          reason=post.get("reason", ""))
            messages.success(request, _("已改派"))
        elif action == "extend":
            days = post.get("working_days", "")
            tolerated_deadline_extend(case_id=case_id, actor=reviewer, key=post.get("key", ""),
                                      working_days=int(days) if days.isdigit() else 0,
                                      reason=post.get("reason", ""))
            messages.success(request, _("已延长容缺材料补交期限"))
        elif action == "fee":
            case_fee_record(case_id=case_id, actor=reviewer,
                            amount_yuan=post.get("amount_yuan", ""), basis=post.get("basis", ""))
            messages.success(request, _("已记录收费"))
        elif action == "demand":
            case_material_demand(case_id=case_id, actor=reviewer, name=post.get("name", ""),
                                 reason=post.get("reason", ""))
            messages.success(request, _("已记录材料要求"))
        elif action == "correct":
            entries = [CorrectionEntry(key=key, problem=post.get(f"problem:{key}", ""))
                       for key in post.getlist("material")]
            notice = case_request_correction(case_id=case_id, actor=reviewer, entries=entries,
                                             note=post.get("note", ""))
            messages.success(request, _("已出具补正告知书 %(number)s") % {"number": notice.number})
        else:
            raise Http404(_("未知的操作"))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect("web:workbench_case", case_id=case_id)
