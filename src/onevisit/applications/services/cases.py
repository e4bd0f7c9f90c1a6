"""Department cases: acceptance into cases, stage order, their one transition service
and the case clock it owns."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import (
    ALLOWED_CASE_TRANSITIONS,
    PAUSED_CASE_STATUSES,
    ApplicationStatus,
    CaseStatus,
    NoticeKind,
)
from onevisit.applications.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseStatusChange,
    OneTimeNotice,
    RegistrationRecord,
)
from onevisit.applications.receivers import AnomalyKind, anomaly_report, closed_report
from onevisit.applications.services.common import (
    actor_or_none,
    application_transition,
    serial_number,
)
from onevisit.applications.services.notices import notice_issue
from onevisit.applications.services.notifying import applicant_notify, when
from onevisit.applications.services.subjects import Subject
from onevisit.applications.services.tolerated import tolerated_due_set
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.charges import charges_compute_many, charges_total
from onevisit.catalogue.models import ItemField
from onevisit.errors import Conflict, NotFound
from onevisit.notifications.constants import NotifyEvent
from onevisit.workdays.calendar import WorkingCalendar, deadline_after, time_remaining


def application_accept(*, application: Application, subject: Subject, actor: Any) -> list[Case]:
    """Acceptance: one receipt, one case per item; cases whose stage depends on no other
    start at once, in parallel (DESIGN.md §3 rule 4). A stage the form made unnecessary
    (`subject_for_form`: 区域环评, 区域能评) gets no case; the stages after it were given
    what it depended on instead."""
    now = clock.now()
    application_transition(application, ApplicationStatus.ACCEPTED, actor)
    calendar = WorkingCalendar()  # read once for every clock started here
    deadline = deadline_after(
        start=now, limit=application.committed_limit, unit=application.limit_unit,
        calendar=calendar,
    )
    application.accepted_at = now
    application.due_at = deadline.due_at
    application.due_provisional = deadline.provisional
    # The receipt is the accepting window's (跨域通办: another county's window).
    application.receipt_number = serial_number(
        "SL", application.pk, region=application.intake_region_id or application.region_id)
    application.query_code = query_code_new()
    application.save(update_fields=[
        "status", "accepted_at", "due_at", "due_provisional", "receipt_number", "query_code",
    ])
    cases = []
    # 免于办理 (区域环评): a skipped stage gets no department case; the receipt says why.
    stages = [stage for stage in subject.stages if not stage.skipped]
    charged = charges_compute_many(item_codes={stage.item.code for stage in stages},
                                   data=application.data, on=timezone.localdate(now))
    for stage in stages:
        charges = [line.as_dict() for line in charged[stage.item.code]]
        case = Case(
            application=application, item=stage.item, department=stage.item.department,
            stage_key=stage.key, depends_on=stage.depends_on, status=CaseStatus.WAITING,
            charges=charges, charges_yuan=charges_total(charges),
        )
        if not stage.depends_on:
            case.status = _started_status(case)
            _clock_start(case, now, calendar)
            if case.status == CaseStatus.AWAITING_PAYMENT:
                _clock_pause(case, now, calendar)
        cases.append(case)
    Case.objects.bulk_create(cases)
    CaseStatusChange.objects.bulk_create(
        CaseStatusChange(case=case, status=case.status, at=now, actor=actor_or_none(actor))
        for case in cases
    )
    tolerated_due_set(application=application, subject=subject, now=now)
    if deadline.provisional:
        anomaly_report(kind=AnomalyKind.CALENDAR_NOT_COVERED,
                       application_number=application.number,
                       message=_("工作日历未覆盖办理期限所在年份，期限按周末规则暂计"))
    audit_record(actor=actor, action="application.accepted", entity="application",
                 entity_id=application.number,
                 data={"receipt": application.receipt_number, "cases": len(cases),
                       "skipped": [stage.key for stage in subject.stages if stage.skipped],
                       "due_at": application.due_at})
    applicant_notify(application=application, event=NotifyEvent.ACCEPTED,
                     key=application.number, receipt=application.receipt_number,
                     due=when(application.due_at))
    payment_due_notify(application=application, cases=cases)
    return cases


def payment_due_notify(*, application: Application, cases: list[Case]) -> None:
    """Tell the applicant what to pay for the cases that now wait for it (once per case)."""
    due = [case for case in cases
           if case.status == CaseStatus.AWAITING_PAYMENT and case.paid_at is None]
    if not due:
        return
    lines = [line for case in due for line in case.charges if Decimal(line["amount_yuan"])]
    applicant_notify(
        application=application, event=NotifyEvent.PAYMENT_DUE,
        key=f"{application.number}:pay:{'-'.join(str(case.pk) for case in due)}",
        amount=f"{sum((case.charges_yuan for case in due), Decimal(0)):.2f}",
        charges="、".join(f"{line['charge']} {line['amount_yuan']} 元" for line in lines))


def query_code_new() -> str:
    """The receipt's query code (查询码): eight random digits, easy to type from paper."""
    return f"{secrets.randbelow(10**8):08d}"


# Yellow (黄牌) once this share of the allowed time is used; red (红牌) past the deadline.
WARN_SHARE = 0.8


def _clock_start(case: Case, now: dt.datetime, calendar: WorkingCalendar | None = None
                 ) -> None:
    deadline = deadline_after(start=now, limit=case.item.committed_limit,
                              unit=case.item.limit_unit, calendar=calendar)
    case.started_at = now
    case.due_at = deadline.due_at
    case.due_provisional = deadline.provisional
    case.warn_at = now + (deadline.due_at - now) * WARN_SHARE


def _clock_pause(case: Case, now: dt.datetime, calendar: WorkingCalendar | None = None
                 ) -> None:
    case.remaining = time_remaining(now=now, due_at=case.due_at or now,
                                    unit=case.item.limit_unit, calendar=calendar)
    case.paused_at = now


def _started_status(case: Case) -> CaseStatus:
    """Where a case goes when its stage starts: the queue, or 待缴费 while its taxes and
    fees are unpaid (its clock paused: the applicant has the next move). A case that
    completes on payment waits there even when paid ahead, for `workflow` to settle it."""
    if case.charges_yuan > 0 and (case.paid_at is None or case.item.completes_on_payment):
        return CaseStatus.AWAITING_PAYMENT
    return CaseStatus.PENDING


def case_lock(*, case_id: int) -> tuple[Application, Case]:
    """Lock the case's application, then the case: the one order every writer of a case
    takes its locks in, so two writers never wait on each other crosswise."""
    application_id = Case.objects.filter(pk=case_id).values_list("application_id", flat=True)
    if not application_id:
        raise NotFound(_("部门办件 %(id)s 不存在") % {"id": case_id})
    application = Application.objects.select_for_update().get(pk=application_id[0])
    case = Case.objects.select_for_update().select_related("item").get(pk=case_id)
    return application, case


@atomic_audited
def case_transition(*, case_id: int, to: str, actor: Any, note: str = "",
                    legal_basis: str = "") -> Case:
    """The one way a department case changes state (STYLE.md §3): lock it, check
    ALLOWED_CASE_TRANSITIONS, save the fields the move owns, append the status row.

    The move owns the case's clock (DESIGN.md §3 rule 5): a case leaving WAITING starts
    it, a correction (补正) pauses it keeping the time left, the correction's arrival
    resumes it with that time. A decision records when, by whom and why (`note`), and a
    refusal its `legal_basis`. An illegal move is refused with a Conflict, nothing changed.
    """
    _application, case = case_lock(case_id=case_id)
    _case_move(case=case, to=to, actor=actor, note=note, legal_basis=legal_basis)
    return case


def _case_move(*, case: Case, to: str, actor: Any, note: str, legal_basis: str) -> None:
    """`case_transition` on a case its caller has locked (application first)."""
    if to not in ALLOWED_CASE_TRANSITIONS[case.status]:
        raise Conflict(
            _("部门办件当前状态为“%(status)s”，不能变为“%(to)s”")
            % {"status": case.get_status_display(), "to": CaseStatus(to).label}
        )
    now = clock.now()
    before = case.status
    fields = ["status"]
    if before == CaseStatus.WAITING:
        _clock_start(case, now)
        fields += ["started_at", "due_at", "warn_at", "due_provisional"]
    if to in PAUSED_CASE_STATUSES:
        _clock_pause(case, now)
        fields += ["remaining", "paused_at"]
    elif before in PAUSED_CASE_STATUSES and to == CaseStatus.PENDING:
        deadline = deadline_after(start=now, limit=case.remaining or 0,
                                  unit=case.item.limit_unit)
        # The yellow mark keeps its distance from the deadline: the pause moved both.
        margin = (case.due_at - case.warn_at) if case.due_at and case.warn_at \
            else dt.timedelta()
        case.due_at = deadline.due_at
        case.warn_at = max(now, deadline.due_at - margin)
        case.due_provisional = deadline.provisional
        case.paused_at = None
        case.remaining = None
        fields += ["due_at", "warn_at", "due_provisional", "paused_at", "remaining"]
    if to in (CaseStatus.APPROVED, CaseStatus.REJECTED):
        case.decided_at = now
        case.decided_by = actor_or_none(actor)
        case.decision_reason = note
        case.decision_legal_basis = legal_basis if to == CaseStatus.REJECTED else ""
        fields += ["decided_at", "decided_by", "decision_reason", "decision_legal_basis"]
    case.status = to
    case.save(update_fields=fields)
    CaseStatusChange.objects.create(case=case, status=to, at=now, actor=actor_or_none(actor),
                                    note=note)
    audit_record(actor=actor, action="case.transition", entity="case", entity_id=case.pk,
                 data={"from": before, "to": to, "due_at": case.due_at})


@atomic_audited
def case_clock_pause(*, case_id: int, materials: list[ApplicationMaterial], actor: Any,
                     note: str) -> OneTimeNotice:
    """Correction request (补正): one notice naming everything; the case clock stops."""
    application, case = case_lock(case_id=case_id)
    notice = notice_issue(application=application, kind=NoticeKind.CORRECTION,
                           materials=materials, actor=actor, case=case)
    _case_move(case=case, to=CaseStatus.CORRECTION, actor=actor, note=note, legal_basis="")
    return notice


def cases_start_ready(*, application: Application, actor: Any) -> list[Case]:
    """Start every waiting case whose stages it depends on are all approved: to the
    queue, or to 待缴费 while its charges are unpaid. The application is locked by the
    caller."""
    cases = list(application.cases.select_for_update().select_related("item"))
    approved = {c.stage_key for c in cases if c.status == CaseStatus.APPROVED}
    started = []
    for case in cases:
        if case.status == CaseStatus.WAITING and set(case.depends_on) <= approved:
            _case_move(case=case, to=_started_status(case), actor=actor, note="",
                       legal_basis="")
            started.append(case)
    payment_due_notify(application=application, cases=started)
    return started


def case_credit_code_set(*, case: Case, code: str, actor: Any) -> None:
    """The approval of a registration (企业设立登记) gave the company its unified social
    credit code: kept on the case, for the licence, the records and the permits of the
    same application to carry (一照一码). The application is locked by the caller."""
    case.credit_code = code
    case.save(update_fields=["credit_code"])
    audit_record(actor=actor, action="case.credit_code_assigned", entity="case",
                 entity_id=case.pk, data={"credit_code": code})


def application_credit_code(application: Application) -> str:
    """The company's credit code for this application: the one a registration in it
    assigned, else the one the applicant gave (an existing company)."""
    assigned = application.cases.exclude(credit_code="").values_list(
        "credit_code", flat=True).first()
    return assigned or str(application.data.get("company_uscc", "")).strip().upper()


def case_record(*, application: Application, case: Case, credit_code: str,
                actor: Any) -> RegistrationRecord:
    """A record stage (多证合一: 信息共享直接登记) that started: its department's record is
    made from the one filing — the fields its item asks for, as filed — with the
    licence's credit code, and the case is approved by the system (no reviewer, no
    second trip, no second form). The application is locked by the caller."""
    keys = ItemField.objects.filter(item_id=case.item_id).values_list("field__key", flat=True)
    record = RegistrationRecord.objects.create(
        case=case, application=application, department_id=case.department_id,
        name=case.item.name, credit_code=credit_code,
        company_name=str(application.data.get("company_name") or application.applicant_name),
        data={key: application.data[key] for key in keys if key in application.data},
        legal_basis=case.item.legal_basis, recorded_at=clock.now(),
    )
    _case_move(case=case, to=CaseStatus.APPROVED, actor=None,
               note=_("多证合一：依营业执照信息直接登记（统一社会信用代码 %(code)s）")
               % {"code": credit_code}, legal_basis="")
    audit_record(actor=actor, action="case.recorded", entity="case", entity_id=case.pk,
                 data={"application": application.number, "credit_code": credit_code,
                       "record": record.pk})
    return record


def cases_charges_paid(*, application: Application, case_ids: list[int], actor: Any,
                       note: str) -> list[Case]:
    """The applicant paid these cases' charges (the payment platform confirmed it): each
    is marked paid; one waiting in 待缴费 goes to its department's queue, its clock
    resuming, unless it completes on payment: `workflow` settles those. The cases paid
    now; the application is locked by the caller."""
    now = clock.now()
    paid = []
    for case in application.cases.select_for_update().select_related("item").filter(
            pk__in=case_ids, paid_at__isnull=True):
        case.paid_at = now
        case.save(update_fields=["paid_at"])
        if case.status == CaseStatus.AWAITING_PAYMENT and not case.item.completes_on_payment:
            _case_move(case=case, to=CaseStatus.PENDING, actor=actor, note=note,
                       legal_basis="")
        paid.append(case)
    audit_record(actor=actor, action="case.charges_paid", entity="application",
                 entity_id=application.number, data={"cases": [c.pk for c in paid]})
    return paid


def application_finish(*, application: Application, approved: bool, actor: Any) -> None:
    """Close the application once its cases are decided (completed or rejected); the
    archive hears of it (`receivers.closed_report`)."""
    now = clock.now()
    target = ApplicationStatus.COMPLETED if approved else ApplicationStatus.REJECTED
    application_transition(application, target, actor)
    application.completed_at = now
    application.save(update_fields=["status", "completed_at"])
    closed_report(application=application)
    audit_record(actor=actor, action=f"application.{target}", entity="application",
                 entity_id=application.number, data={})
    if not approved:
        refused = application.cases.filter(status=CaseStatus.REJECTED).first()
        applicant_notify(application=application, event=NotifyEvent.REFUSED,
                         key=application.number,
                         reason=refused.decision_reason if refused else "")
