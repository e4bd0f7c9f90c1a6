"""The 100,000 applications: their cases in stage order, status history and claims."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Any

from django.db import transaction

from bench.pages_data.items import is_enterprise_item
from bench.pages_data.province import County, others_ensure
from onevisit import clock
from onevisit.accounts.models import Role, User
from onevisit.applications.constants import (
    ApplicantKind,
    ApplicationStatus,
    CaseStatus,
    Channel,
    DeliveryMethod,
)
from onevisit.applications.models import (
    Application,
    ApplicationStatusChange,
    Case,
    CaseStatusChange,
)
from onevisit.audit.services import AuditEntry, audit_record_at
from onevisit.catalogue.constants import ItemStatus, LimitUnit
from onevisit.catalogue.models import ServiceItem
from onevisit.demo.catalogue.reference import DISTRICT
from onevisit.demo.population import Population
from onevisit.lifeevents.models import LifeEvent
from onevisit.workflow.models import WorkItem

NUMBER_PREFIX = "PB"
BATCH = 5000
AUDIT_BATCH = 1000
# In the province data set the first this many applications are 西湖区's (the county whose
# pages are measured, as in the one-county set); the rest spread over the other counties.
LOCAL_APPLICATIONS = 100_000


@dataclass(frozen=True)
class StageDef:
    key: str
    item: ServiceItem
    depends_on: tuple[str, ...]


@dataclass(frozen=True)
class SubjectDef:
    item: ServiceItem | None
    life_event: LifeEvent | None
    title: str
    stages: tuple[StageDef, ...]
    committed_limit: int
    limit_unit: str
    promised_visits: int


def _subjects() -> tuple[list[SubjectDef], list[float]]:
    """Every published item and life event with a cumulative weight: items by a Zipf-like
    popularity (a few items are asked for often), life events 15% together."""
    items = list(ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).order_by("code"))
    by_code = {item.code: item for item in items}
    subjects = [SubjectDef(item=i, life_event=None, title=i.name,
                           stages=(StageDef("main", i, ()),),
                           committed_limit=i.committed_limit, limit_unit=i.limit_unit,
                           promised_visits=i.promised_visits) for i in items]
    shuffled = list(range(len(items)))
    Random(11).shuffle(shuffled)
    weights = [0.85 / (rank + 1) ** 0.8 for rank in shuffled]
    scale = sum(weights)
    weights = [w / scale * 0.85 for w in weights]
    events = [e for e in LifeEvent.objects.filter(published=True).prefetch_related("stages")
              if all(s.item_code in by_code for s in e.stages.all())]
    for event in events:
        subjects.append(SubjectDef(
            item=None, life_event=event, title=event.name,
            stages=tuple(StageDef(s.key, by_code[s.item_code], tuple(s.depends_on))
                         for s in event.stages.all()),
            committed_limit=event.committed_limit, limit_unit=event.limit_unit,
            promised_visits=event.promised_visits))
        weights.append(0.15 / len(events))
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return subjects, cumulative


def applications_ensure(*, target: int, province: bool, population: Population,
                         progress: Callable[[str], None]) -> int:
    """Applications up to `target`; with `province`, those after the first
    LOCAL_APPLICATIONS go round the province's other counties (`province.py`)."""
    existing = Application.objects.filter(number__startswith=NUMBER_PREFIX).count()
    missing = target - Application.objects.count()
    if missing <= 0:
        return 0
    subjects, weights = _subjects()
    reviewers = dict(User.objects.filter(role=Role.REVIEWER, department__isnull=False)
                     .order_by("-pk").values_list("department_id", "pk"))
    others: list[County] = []
    if province and existing + missing > LOCAL_APPLICATIONS:
        others = others_ensure({stage.item.department_id for subject in subjects
                                for stage in subject.stages})
        for county in others:
            reviewers |= county.reviewers
    now = clock.now()
    made = 0
    while made < missing:
        size = min(BATCH, missing - made)
        maker = _Maker(rng=Random(f"pages-{existing + made}"), now=now, population=population,
                       reviewers=reviewers, others=others)
        with transaction.atomic():
            maker.write(start=existing + made, count=size, subjects=subjects, weights=weights)
        made += size
        progress(f"applications: {made:,} of {missing:,}")
    return made


def _calendar(limit: int, unit: str) -> dt.timedelta:
    """The span a limit allows, roughly: working days take 7/5 calendar days (synthetic
    data; the real services compute deadlines on the working-day calendar)."""
    if unit == LimitUnit.MINUTES:
        return dt.timedelta(minutes=max(limit, 1))
    return dt.timedelta(days=max(limit, 1) * 7 / 5)


@dataclass
class _Stage:
    case: Case
    changes: list[tuple[str, dt.datetime]]
    claimed_at: dt.datetime | None = None


class _Maker:
    """Makes one batch of applications with their cases, status history and claims."""

    def __init__(self, *, rng: Random, now: dt.datetime, population: Population,
                 reviewers: dict[int, int], others: list[County]) -> None:
        self.rng = rng
        self.now = now
        self.people = population.people
        self.companies = population.companies
        self.reviewers = reviewers
        self.others = others

    def write(self, *, start: int, count: int, subjects: list[SubjectDef],
              weights: list[float]) -> None:
        applications: list[Application] = []
        plans: list[tuple[Application, list[_Stage], list[tuple[str, dt.datetime]]]] = []
        for index in range(start, start + count):
            subject = self.rng.choices(subjects, cum_weights=weights)[0]
            application, stages, changes = self._application(index, subject)
            applications.append(application)
            plans.append((application, stages, changes))
        Application.objects.bulk_create(applications, batch_size=2000)
        for application, stages, _changes in plans:
            for stage in stages:
                stage.case.application = application
        cases = [stage.case for _a, stages, _c in plans for stage in stages]
        Case.objects.bulk_create(cases, batch_size=2000)
        ApplicationStatusChange.objects.bulk_create(
            (ApplicationStatusChange(application=application, status=status, at=at)
             for application, _stages, changes in plans for status, at in changes),
            batch_size=5000)
        CaseStatusChange.objects.bulk_create(
            (CaseStatusChange(case=stage.case, status=status, at=at,
                              actor_id=self.reviewers.get(stage.case.department_id)
                              if status not in (CaseStatus.WAITING, CaseStatus.PENDING)
                              else None)
             for _a, stages, _c in plans for stage in stages for status, at in stage.changes),
            batch_size=5000)
        WorkItem.objects.bulk_create(
            (WorkItem(case=stage.case, department_id=stage.case.department_id,
                      assignee_id=self.reviewers[stage.case.department_id],
                      claimed_at=stage.claimed_at)
             for _a, stages, _c in plans for stage in stages
             if stage.case.status == CaseStatus.IN_REVIEW and stage.claimed_at is not None),
            batch_size=5000)
        self._audit(plans)

    def _audit(self, plans: list[tuple[Application, list[_Stage],
                                       list[tuple[str, dt.datetime]]]]) -> None:
        """One audit event per status change, at its time, appended to the chains as the
        services append theirs (hashed, linked, the head signed), so the log grows with
        the data set and `onevisit audit verify` is measured at its size."""
        events = [
            AuditEntry(occurred_at=at.astimezone(dt.UTC), actor_id=None,
                       action=f"application.{status}", entity="application",
                       entity_id=str(application.pk),
                       data={"number": application.number, "status": status})
            for application, _stages, changes in plans for status, at in changes
        ] + [
            AuditEntry(occurred_at=at.astimezone(dt.UTC),
                       actor_id=self.reviewers.get(stage.case.department_id)
                       if status not in (CaseStatus.WAITING, CaseStatus.PENDING) else None,
                       action=f"case.{status}", entity="case", entity_id=str(stage.case.pk),
                       data={"application": application.number, "status": status})
            for application, stages, _c in plans for stage in stages
            for status, at in stage.changes
        ]
        events.sort(key=lambda event: event.occurred_at)
        for start in range(0, len(events), AUDIT_BATCH):
            audit_record_at(events[start:start + AUDIT_BATCH])

    def _application(self, index: int, subject: SubjectDef) -> tuple[
            Application, list[_Stage], list[tuple[str, dt.datetime]]]:
        rng = self.rng
        draw = rng.random()
        if draw < 0.015:
            status = ApplicationStatus.NEEDS_SUPPLEMENT
        elif draw < 0.035:
            status = ApplicationStatus.REJECTED
        elif draw < 0.14:
            status = ApplicationStatus.ACCEPTED
        else:
            status = ApplicationStatus.COMPLETED
        stages, accepted_at, finished_at = self._stages(subject, status)
        region_id = (subject.item or subject.life_event).region_id
        if self.others and index >= LOCAL_APPLICATIONS and region_id == DISTRICT:
            # 西湖区's work of another county (the city's and the province's stays theirs).
            county = self.others[(index - LOCAL_APPLICATIONS) % len(self.others)]
            region_id = county.code
            for stage in stages:
                case = stage.case
                case.department_id = county.departments.get(case.department_id,
                                                            case.department_id)
                if case.decided_by_id is not None:
                    case.decided_by_id = self.reviewers.get(case.department_id)
        if status == ApplicationStatus.NEEDS_SUPPLEMENT:
            submitted_at = self.now - dt.timedelta(days=rng.uniform(0.1, 20))
        else:
            submitted_at = accepted_at - dt.timedelta(minutes=rng.uniform(0, 30))
        changes = [(ApplicationStatus.SUBMITTED, submitted_at)]
        if status == ApplicationStatus.NEEDS_SUPPLEMENT:
            changes.append((ApplicationStatus.NEEDS_SUPPLEMENT, submitted_at))
        else:
            changes.append((ApplicationStatus.ACCEPTED, accepted_at))
        if finished_at is not None:
            changes.append((status, finished_at))
        if subject.life_event is not None:
            enterprise = subject.life_event.code in ("business-startup", "investment-filing")
        else:
            enterprise = is_enterprise_item(subject.title)
        person = self.people[rng.randrange(len(self.people))]
        company = self.companies[rng.randrange(len(self.companies))] if enterprise else None
        day = f"{submitted_at:%Y%m%d}"
        accepted = status != ApplicationStatus.NEEDS_SUPPLEMENT
        data: dict[str, Any] = {"applicant_name": person.name,
                                "applicant_id_number": person.id_number,
                                "applicant_phone": person.phone}
        if company is not None:
            data |= {"company_name": company.name, "company_uscc": company.uscc}
        application = Application(
            number=f"{NUMBER_PREFIX}{day}{index:08d}", item=subject.item,
            life_event=subject.life_event, title=subject.title,
            region_id=region_id,
            applicant_kind=ApplicantKind.ENTERPRISE if company else ApplicantKind.PERSON,
            applicant_name=company.name if company else person.name,
            applicant_id_number=company.uscc if company else person.id_number,
            channel=Channel.ONLINE if rng.random() < 0.7 else Channel.WINDOW,
            status=status, data=data,
            stages=[{"key": s.key, "item": s.item.pk, "depends_on": list(s.depends_on)}
                    for s in subject.stages],
            promised_visits=subject.promised_visits, committed_limit=subject.committed_limit,
            limit_unit=subject.limit_unit, submitted_at=submitted_at,
            accepted_at=accepted_at if accepted else None, completed_at=finished_at,
            due_at=accepted_at + _calendar(subject.committed_limit, subject.limit_unit)
            if accepted else None,
            receipt_number=f"PS{day}{index:08d}" if accepted else None,
            delivery_method=rng.choice(DeliveryMethod.values),
        )
        return application, stages, changes

    def _stages(self, subject: SubjectDef, status: str) -> tuple[
            list[_Stage], dt.datetime, dt.datetime | None]:
        """The cases of one application: when it was accepted, when it finished."""
        rng = self.rng
        spans = [_calendar(s.item.committed_limit, s.item.limit_unit) for s in subject.stages]
        if status == ApplicationStatus.NEEDS_SUPPLEMENT:
            return [], self.now, None
        if status == ApplicationStatus.ACCEPTED:
            return self._open_stages(subject, spans)
        rejected_at = rng.randrange(len(subject.stages)) if (
            status == ApplicationStatus.REJECTED) else -1
        # Offsets from acceptance first; then the whole story is placed in the past year.
        decided: dict[str, dt.timedelta] = {}
        timeline: list[tuple[StageDef, str, dt.timedelta | None, dt.timedelta | None,
                             dt.timedelta]] = []
        for number, (stage, span) in enumerate(zip(subject.stages, spans, strict=True)):
            if rejected_at >= 0 and number > rejected_at:
                timeline.append((stage, CaseStatus.CANCELLED, None, None,
                                 max(decided.values())))
                continue
            ready = max((decided[d] for d in stage.depends_on if d in decided),
                        default=dt.timedelta())
            outcome = CaseStatus.REJECTED if number == rejected_at else CaseStatus.APPROVED
            # One in ten is decided late; the others within the committed time.
            done = ready + span * (rng.uniform(1.05, 1.6) if rng.random() < 0.1
                                   else rng.uniform(0.1, 0.95))
            decided[stage.key] = done
            timeline.append((stage, outcome, ready, span, done))
        finished = max(decided.values())
        accepted_at = self.now - finished - dt.timedelta(days=rng.uniform(0.5, 365))
        stages = [self._stage(stage, outcome, accepted_at,
                              None if ready is None else accepted_at + ready, span,
                              accepted_at + done)
                  for stage, outcome, ready, span, done in timeline]
        return stages, accepted_at, accepted_at + finished

    def _open_stages(self, subject: SubjectDef, spans: list[dt.timedelta]) -> tuple[
            list[_Stage], dt.datetime, None]:
        """An application still being worked on: stages before the running ones approved,
        the running ones green, yellow (黄牌) or red (红牌), later ones waiting."""
        rng = self.rng
        draw = rng.random()
        used = (rng.uniform(1.05, 3.0) if draw < 0.12 else rng.uniform(0.8, 0.99)
                if draw < 0.30 else rng.uniform(0.02, 0.79))
        # The first stages may be approved already: how many is drawn below.
        approved_keys: set[str] = set()
        for stage in subject.stages:
            if set(stage.depends_on) <= approved_keys and rng.random() < 0.35 and (
                    len(approved_keys) + 1 < len(subject.stages)):
                approved_keys.add(stage.key)
        running = [s for s in subject.stages
                   if s.key not in approved_keys and set(s.depends_on) <= approved_keys]
        started = self.now - max(spans) * used
        accepted_at = started - (max(spans) * rng.uniform(0.1, 0.9) if approved_keys
                                 else dt.timedelta())
        stages = []
        for stage, span in zip(subject.stages, spans, strict=True):
            if stage.key in approved_keys:
                stages.append(self._stage(stage, CaseStatus.APPROVED, accepted_at, accepted_at,
                                          span, started))
            elif stage in running:
                begun = self.now - span * used
                status = rng.choices((CaseStatus.PENDING, CaseStatus.IN_REVIEW,
                                      CaseStatus.CORRECTION), (55, 40, 5))[0]
                stages.append(self._stage(stage, status, accepted_at, begun, span, None))
            else:
                stages.append(self._stage(stage, CaseStatus.WAITING, accepted_at, None, None,
                                          None))
        return stages, accepted_at, None

    def _stage(self, stage: StageDef, status: str, accepted_at: dt.datetime,
               started_at: dt.datetime | None, span: dt.timedelta | None,
               decided_at: dt.datetime | None) -> _Stage:
        item = stage.item
        case = Case(item=item, department_id=item.department_id, stage_key=stage.key,
                    depends_on=list(stage.depends_on), status=status)
        changes: list[tuple[str, dt.datetime]] = [
            (CaseStatus.WAITING if stage.depends_on else CaseStatus.PENDING, accepted_at)]
        if started_at is not None and span is not None:
            case.started_at, case.due_at = started_at, started_at + span
            case.warn_at = started_at + span * 0.8
            if stage.depends_on:
                changes.append((CaseStatus.PENDING, started_at))
        claimed = None
        if status in (CaseStatus.IN_REVIEW, CaseStatus.CORRECTION, CaseStatus.APPROVED,
                      CaseStatus.REJECTED) and started_at is not None:
            limit = min(self.now, decided_at or self.now)
            claimed = started_at + (limit - started_at) * self.rng.uniform(0.05, 0.5)
            changes.append((CaseStatus.IN_REVIEW, claimed))
        if status == CaseStatus.CORRECTION and claimed is not None and span is not None:
            case.paused_at = claimed + (self.now - claimed) / 2
            left = case.due_at - case.paused_at if case.due_at else dt.timedelta()
            case.remaining = max(1, round(left / dt.timedelta(days=1) * 5 / 7))
            changes.append((CaseStatus.CORRECTION, case.paused_at))
        if decided_at is not None:
            case.decided_at = decided_at
            if status != CaseStatus.CANCELLED:
                case.decided_by_id = self.reviewers.get(item.department_id)
            if status == CaseStatus.REJECTED:
                case.decision_reason = "申请材料所载内容不符合法定条件"
                case.decision_legal_basis = item.legal_basis.splitlines()[0]
            changes.append((status, decided_at))
        return _Stage(case=case, changes=changes, claimed_at=claimed)
