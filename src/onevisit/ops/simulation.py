"""`onevisit simulate`: a synthetic population works through the real services.

Each simulated working day applicants file online or at the window, some forget a
material and come back after the one-time notice, reviewers work their queues (approving
most, asking for a correction or refusing now and then), couriers deliver and applicants
who chose window pickup come to the hall. Every visit and timestamp is recorded by the
services themselves, so the KPIs printed at the end are computed, not assumed.
"""

from __future__ import annotations

import datetime as dt
import random
import warnings
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from onevisit import clock
from onevisit.accounts.regions import scope_of, within
from onevisit.applications.constants import (
    ApplicationStatus,
    CaseStatus,
    Channel,
    DeliveryMethod,
)
from onevisit.applications.models import Application, Case
from onevisit.applications.services import (
    DeliveryChoice,
    Subject,
    Upload,
    application_supplement,
    subject_resolve,
)
from onevisit.catalogue.constants import LimitUnit
from onevisit.catalogue.selectors import items_published
from onevisit.delivery.models import Delivery, DeliveryStatus
from onevisit.delivery.services import (
    delivery_courier_delivered,
    delivery_courier_dispatch,
    delivery_download,
    delivery_pickup,
)
from onevisit.demo.forms import SAMPLE_PDF, FormFiller
from onevisit.demo.population import Population
from onevisit.demo.staff import Staff
from onevisit.errors import DomainError
from onevisit.lifeevents.selectors import life_events_published
from onevisit.metrics.selectors import Kpis, kpis
from onevisit.metrics.services import rollups_refresh
from onevisit.ops.demo_setup import demo_charges_pay, demo_file, demo_joint_opinions_give
from onevisit.supervision.rules import rules_scan
from onevisit.workdays.calendar import CalendarNotCoveredWarning, WorkingCalendar
from onevisit.workflow.models import WorkItemOutcome
from onevisit.workflow.services import (
    CorrectionEntry,
    case_approve,
    case_claim,
    case_reject,
    case_request_correction,
    deadline_scan,
)

TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class Settings:
    days: int
    per_day: int = 40
    online_share: float = 0.7
    forget_material: float = 0.15
    correction_rate: float = 0.04
    rejection_rate: float = 0.02
    # Cases one department decides in a day; the rest wait, and some run late.
    review_capacity: int = 8
    seed: int = 2017


@dataclass
class Report:
    start: dt.datetime
    end: dt.datetime
    kpis: Kpis
    events: Counter[str] = field(default_factory=Counter)


@dataclass
class _Pending:
    number: str
    at_window: bool


class Simulation:
    def __init__(self, *, settings: Settings, population: Population, staff: Staff) -> None:
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.filler = FormFiller(population, self.rng)
        self.staff = staff
        self.events: Counter[str] = Counter()
        self.subjects = self._subjects()
        self.supplements: list[_Pending] = []

    def _subjects(self) -> list[tuple[Subject, float]]:
        """What people apply for: life events often, every single item of the county whose
        hall the simulation runs now and then (another county's items are handed over,
        parcels and all, by that county's hall)."""
        subjects = [(subject_resolve(life_event_code=event.code), 4.0)
                    for event in life_events_published()]
        subjects += [(subject_resolve(item_code=item.code), 1.0)
                     for item in items_published().filter(
                         within("region", scope_of(self.staff.clerk))).order_by("code")]
        return subjects

    def run(self, *, start: dt.date) -> Report:
        calendar = WorkingCalendar()
        day = start if calendar.is_working_day(start) else calendar.add_working_days(start, 1)
        first = dt.datetime.combine(day, dt.time(9), tzinfo=TZ)
        simulated = []
        for _ in range(self.settings.days):
            self._day(day)
            simulated.append(day)
            day = calendar.add_working_days(day, 1)
        end = dt.datetime.combine(day, dt.time(9), tzinfo=TZ)
        rollups_refresh(days=simulated)
        return Report(start=first, end=end, kpis=kpis(since=first, until=end),
                      events=self.events)

    # ----------------------------------------------------------------- one working day

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)

    def _day(self, day: dt.date) -> None:
        self._supplements(day)
        for index in range(self.settings.per_day):
            moment = self._at(day, 9) + dt.timedelta(minutes=index * 420 // self.settings.per_day)
            with clock.frozen_at(moment):
                number = self._file()
            if number:
                self._work_instant(number, moment)
        with clock.frozen_at(self._at(day, 12)):
            self._payments()
        with clock.frozen_at(self._at(day, 15)):
            self._review_queues()
        with clock.frozen_at(self._at(day, 17)):
            self._deliveries()
        with clock.frozen_at(self._at(day, 23, 59)):
            raised = deadline_scan()
            self.events["supervision: rule alerts"] += sum(rules_scan().values())
        self.events["supervision: yellow alerts (80% of time used)"] += raised["yellow"]
        self.events["supervision: red alerts (overdue)"] += raised["red"]

    def _file(self) -> str | None:
        subjects, weights = zip(*self.subjects, strict=True)
        subject = self.rng.choices(subjects, weights=weights)[0]
        online_ok = all(stage.item.channel_online for stage in subject.stages)
        window_ok = all(stage.item.channel_window for stage in subject.stages)
        online = online_ok and (not window_ok or self.rng.random() < self.settings.online_share)
        filer = self.filler.filer_for(fields=subject.fields, materials=subject.materials)
        forgets = 1 if self.rng.random() < self.settings.forget_material else 0
        courier_ok = all(stage.item.channel_courier for stage in subject.stages)
        if courier_ok and self.rng.random() < 0.6:
            delivery = DeliveryChoice(method=DeliveryMethod.COURIER, recipient=filer.person.name,
                                      phone=filer.person.phone, address=filer.person.address)
        else:
            method = DeliveryMethod.DOWNLOAD if online else DeliveryMethod.PICKUP
            delivery = DeliveryChoice(method=method)
        try:
            application = demo_file(
                subject=subject, filler=self.filler, filer=filer, staff=self.staff,
                channel=Channel.ONLINE if online else Channel.WINDOW, delivery=delivery,
                leave_out=forgets,
            ).application
        except DomainError as exc:
            self.events[f"refused at filing: {exc.message}"] += 1
            return None
        self.events[f"filed {application.channel}"] += 1
        if application.status == ApplicationStatus.NEEDS_SUPPLEMENT:
            self.events["one-time notices at intake"] += 1
            # Some come back to the window; most send the rest online.
            self.supplements.append(_Pending(application.number,
                                             at_window=not online and self.rng.random() < 0.5))
        return application.number

    def _supplements(self, day: dt.date) -> None:
        pending, self.supplements = self.supplements, []
        for index, item in enumerate(pending):
            application = Application.objects.get(number=item.number)
            wanted = sorted({entry["key"] for notice in application.notices.filter(
                resolved_at__isnull=True) for entry in notice.entries})
            if not wanted:
                continue
            moment = self._at(day, 8, 30) + dt.timedelta(minutes=index % 30)
            with clock.frozen_at(moment):
                actor = self.staff.clerk if item.at_window else self.staff.citizen
                application_supplement(
                    number=item.number, actor=actor, at_window=item.at_window, new_trip=True,
                    uploads=[Upload(key=key, filename="scan.pdf", content=SAMPLE_PDF)
                             for key in wanted],
                )
            self.events["supplements at the window" if item.at_window
                        else "supplements online"] += 1
            self._work_instant(item.number, moment)

    def _work_instant(self, number: str, moment: dt.datetime) -> None:
        """Minute-limit items (二手房, 50 minutes) are decided while the applicant waits."""
        for step in range(6):
            with clock.frozen_at(moment + dt.timedelta(minutes=8 * step + 4)):
                self._pay(Application.objects.get(number=number))
            cases = list(Case.objects.filter(
                application__number=number, status=CaseStatus.PENDING,
                item__limit_unit=LimitUnit.MINUTES,
            ).select_related("item"))
            if not cases:
                return
            for case in cases:
                with clock.frozen_at(moment + dt.timedelta(minutes=8 * (step + 1))):
                    self._decide(case)

    def _payments(self) -> None:
        """Applicants pay what they owe online, the day they are told."""
        for application in Application.objects.filter(
                cases__status=CaseStatus.AWAITING_PAYMENT, cases__paid_at__isnull=True,
                status=ApplicationStatus.ACCEPTED).distinct():
            self._pay(application)

    def _pay(self, application: Application) -> None:
        before = application.cases.filter(paid_at__isnull=False).count()
        try:
            demo_charges_pay(application=application)
        except DomainError as exc:
            self.events[f"payment refused: {exc.message}"] += 1
            return
        if application.cases.filter(paid_at__isnull=False).count() > before:
            self.events["payments (统一公共支付)"] += 1

    def _review_queues(self) -> None:
        done: Counter[int] = Counter()
        for case in Case.objects.filter(status=CaseStatus.PENDING).select_related(
            "item"
        ).order_by("due_at"):
            if done[case.department_id] < self.settings.review_capacity:
                done[case.department_id] += 1
                self._decide(case)

    def _decide(self, case: Case) -> None:
        # A bad-credit applicant's case, approved once, is signed off by the lead (复核).
        second = case.work_items.filter(outcome=WorkItemOutcome.FIRST_APPROVED).exists()
        reviewer = (self.staff.leads if second else self.staff.reviewers)[case.department.code]
        roll = self.rng.random()
        uploads = [m.key for m in case.application.materials.all()
                   if m.key.startswith(f"upload:{case.item.code}:")]
        try:
            # A joint review (多审合一) is decided once every participant's opinion is in.
            demo_joint_opinions_give(case=case, staff=self.staff)
            # A decision is the claimer's: the reviewer takes the case from the queue first.
            case_claim(case_id=case.pk, actor=reviewer)
            if roll < self.settings.rejection_rate:
                case_reject(case_id=case.pk, actor=reviewer, reason="申请人不符合法定条件",
                            legal_basis=case.item.legal_basis.splitlines()[0])
                self.events["refusals"] += 1
            elif roll < self.settings.rejection_rate + self.settings.correction_rate and uploads:
                case_request_correction(
                    case_id=case.pk, actor=reviewer,
                    entries=[CorrectionEntry(key=self.rng.choice(uploads),
                                             problem="扫描件不清晰，请重新提交")],
                )
                self.supplements.append(_Pending(case.application.number, at_window=False))
                self.events["correction requests"] += 1
            else:
                case_approve(case_id=case.pk, actor=reviewer)
                self.events["approvals"] += 1
        except DomainError as exc:
            self.events[f"decision refused: {exc.message}"] += 1

    def _deliveries(self) -> None:
        for delivery in Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).select_related(
            "application"
        ):
            if delivery.method == DeliveryMethod.COURIER:
                delivery_courier_dispatch(tracking_number=delivery.tracking_number,
                                          actor=self.staff.clerk)
                delivery_courier_delivered(tracking_number=delivery.tracking_number,
                                           note="本人签收", actor=self.staff.courier)
                self.events["courier deliveries"] += 1
            elif delivery.method == DeliveryMethod.PICKUP:
                delivery_pickup(number=delivery.application.number, actor=self.staff.clerk)
                self.events["window pickups"] += 1
            elif delivery.method == DeliveryMethod.DOWNLOAD:
                delivery_download(number=delivery.application.number,
                                  actor=self.staff.citizen)
                self.events["downloads"] += 1


def simulate(*, settings: Settings, population: Population, staff: Staff,
             start: dt.date) -> Report:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalendarNotCoveredWarning)
        report = Simulation(settings=settings, population=population, staff=staff).run(
            start=start
        )
    uncovered = sum(1 for w in caught if issubclass(w.category, CalendarNotCoveredWarning))
    if uncovered:
        report.events["deadlines counted provisionally (calendar year not covered)"] = uncovered
    return report
