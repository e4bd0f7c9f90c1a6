"""The electronic-supervision part of the demo: facts that the rules of 电子监察 catch,
recorded through the real services at their own moments, then one run of the scheduled
rules — so the supervisor's inbox opens with alerts of most rules, each with its
evidence, and the scorecard has figures for departments and a window.

A 企业开办一件事 filed at a hall window six weeks ago: the licence decided two minutes
after it started (办理用时异常短, which a supervisor checks and closes); the seal office
asks a correction, then the tax office asks another naming a material that was there at
the first (二次补正); both corrections are never answered (时限暂停超过上限); the
applicant had to come back twice (跑次); the social-insurance case is never touched
(无人处理, and overdue). A fee is charged on the free seal item and a material beyond
its guide is asked for. A window clerk reads three people's data with no application
(无办件查阅个人信息).
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from onevisit import clock
from onevisit.applications.constants import ApplicationStatus, Channel, VisitPurpose
from onevisit.applications.models import Application, Case
from onevisit.applications.services import (
    Applicant,
    Upload,
    application_submit,
    case_material_keys,
    subject_resolve,
    visit_record,
)
from onevisit.demo.forms import SAMPLE_PDF, FormFiller
from onevisit.demo.hall import demo_hall_ensure
from onevisit.demo.population import Population
from onevisit.demo.staff import Staff
from onevisit.exchange.services import personal_data_read_log
from onevisit.hall.models import ServiceWindow
from onevisit.hall.services import ticket_call_next, ticket_finish, ticket_issue, ticket_serve
from onevisit.supervision.models import Alert, AlertKind
from onevisit.supervision.rules import rules_scan
from onevisit.supervision.services import alert_close
from onevisit.workdays.calendar import WorkingCalendar
from onevisit.workflow.models import CaseDemand
from onevisit.workflow.services import (
    CorrectionEntry,
    case_approve,
    case_claim,
    case_fee_record,
    case_material_demand,
    case_request_correction,
    deadline_scan,
)

SEED = 2026
TZ = ZoneInfo("Asia/Shanghai")
LIFE_EVENT = "business-startup"
DAYS_AGO = 42
# The material beyond the guide the seal office asks for: it also marks the demo as staged.
DEMO_DEMAND = "法定代表人手写签名样本"


def _case(application: Application, stage: str) -> Case:
    return Case.objects.select_related("item", "department").get(application=application,
                                                                  stage_key=stage)


def _correct(*, application: Application, stage: str, staff: Staff, skip: set[str]) -> set[str]:
    """The stage's reviewer asks a correction of one of its materials not in `skip`."""
    case = _case(application, stage)
    subject = subject_resolve(life_event_code=LIFE_EVENT)
    keys = sorted(case_material_keys(subject=subject, item_code=case.item.code) - skip)
    if not keys:
        return set()
    reviewer = staff.reviewers[case.department.code]
    case_claim(case_id=case.pk, actor=reviewer)
    case_request_correction(case_id=case.pk, actor=reviewer, note="",
                            entries=[CorrectionEntry(key=keys[0], problem="信息与登记不一致")])
    return {keys[0]}


def _window_filing(*, population: Population, staff: Staff) -> Application:
    """File the life event at window 1 of the demo hall, under a queue number."""
    hall = demo_hall_ensure()
    window = ServiceWindow.objects.filter(hall=hall).order_by("number").first()
    subject = subject_resolve(life_event_code=LIFE_EVENT)
    filler = FormFiller(population, random.Random(SEED))
    filer = filler.filer_for(fields=subject.fields, materials=subject.materials)
    ticket = None
    if window is not None:
        category = window.categories.order_by("order").first()
        if category is not None:
            ticket_issue(category_id=category.pk, actor=staff.clerk)
            ticket = ticket_call_next(window_id=window.pk, actor=staff.clerk)
            if ticket is not None:
                ticket_serve(ticket_id=ticket.pk, actor=staff.clerk, window_id=window.pk)
    application = application_submit(
        subject=subject, applicant=Applicant(kind=filer.kind, name=filer.name,
                                             id_number=filer.id_number),
        data=filler.data(fields=subject.fields, filer=filer), channel=Channel.WINDOW,
        actor=staff.clerk, consent=True,
        uploads=[Upload(key=key, filename="scan.pdf", content=SAMPLE_PDF)
                 for key in filler.uploads(materials=subject.materials)],
    ).application
    if ticket is not None and window is not None:
        ticket_finish(ticket_id=ticket.pk, actor=staff.clerk, window_id=window.pk,
                      application_numbers=[application.number])
    return application


def demo_rules_stage(*, population: Population, staff: Staff) -> dict[str, int]:
    """Idempotent: once its facts are recorded (its material demand marks them), nothing is
    staged again. Returns what the scheduled rules raised."""
    if CaseDemand.objects.filter(name=DEMO_DEMAND).exists():
        return {}
    now = clock.now()
    calendar = WorkingCalendar()
    date = (now - dt.timedelta(days=DAYS_AGO)).astimezone(TZ).date()
    while not calendar.is_working_day(date):  # the hall gives numbers on working days
        date -= dt.timedelta(days=1)
    day = dt.datetime.combine(date, dt.time(10), tzinfo=TZ)
    with clock.frozen_at(day):
        application = _window_filing(population=population, staff=staff)
    if application.status != ApplicationStatus.ACCEPTED:
        return {}
    licence = _case(application, "licence")
    reviewer = staff.reviewers[licence.department.code]
    with clock.frozen_at(day + dt.timedelta(minutes=2)):
        case_claim(case_id=licence.pk, actor=reviewer)
        case_approve(case_id=licence.pk, actor=reviewer, note="材料齐全")
    fast = Alert.objects.filter(kind=AlertKind.DECIDED_TOO_FAST, case_id=licence.pk).first()
    if fast is not None:  # the supervisor looked into it the same afternoon
        with clock.frozen_at(day + dt.timedelta(hours=5)):
            alert_close(alert_id=fast.pk, actor=staff.supervisor,
                        reason="经核实：材料齐全、系统自动比对通过，当场办结属实")
    with clock.frozen_at(day + dt.timedelta(days=1)):
        named = _correct(application=application, stage="seal", staff=staff, skip=set())
        seal = _case(application, "seal")
        seal_reviewer = staff.reviewers[seal.department.code]
        case_fee_record(case_id=seal.pk, actor=seal_reviewer, amount_yuan="150",
                        basis="印章刻制费")
        case_material_demand(case_id=seal.pk, actor=seal_reviewer, name=DEMO_DEMAND,
                             reason="刻制法人章需要")
    with clock.frozen_at(day + dt.timedelta(days=2)):
        _correct(application=application, stage="tax", staff=staff, skip=named)
    for offset, cause in ((3, "missing_notice"), (6, "second_trip_demanded")):
        with clock.frozen_at(day + dt.timedelta(days=offset)):
            visit_record(number=application.number, purpose=VisitPurpose.OTHER,
                         actor=staff.clerk, new_trip=True, cause=cause,
                         note="到窗口说明补正材料")
    with clock.frozen_at(now - dt.timedelta(days=3)):
        for person in population.people[:3]:
            personal_data_read_log(actor=staff.clerk, subject=person.id_number,
                                   application_number="", purpose="窗口查询")
    deadline_scan()
    return rules_scan()
