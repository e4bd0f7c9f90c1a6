"""Reads of applications, with who may see which (DESIGN.md §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from onevisit.accounts.models import Role
from onevisit.accounts.regions import scope_of, within
from onevisit.applications.constants import (
    CITIZEN_CHOSEN_VISIT_CAUSES,
    ApplicationStatus,
    CaseStatus,
    MaterialStatus,
    NoticeKind,
    VisitCause,
)
from onevisit.applications.models import (
    Application,
    ApplicationDraft,
    ApplicationMaterial,
    Case,
    OneTimeNotice,
    RegistrationRecord,
    Visit,
)


def applications_visible_to(*, user: Any) -> QuerySet[Application]:
    """Citizens see their own, wherever handled; reviewers their department's; window
    clerks those handled or accepted in their region; supervisors those handled in
    their region (its subtree: a city's supervisor sees its counties')."""
    queryset = Application.objects.all()
    role = getattr(user, "role", None)
    if user.is_superuser:
        return queryset
    scope = scope_of(user)
    if role == Role.CLERK:
        return queryset.filter(within("region", scope) | within("intake_region", scope))
    if role == Role.SUPERVISOR:
        return queryset.filter(within("region", scope))
    if role == Role.REVIEWER:
        return queryset.filter(cases__department_id=user.department_id).distinct()
    if role == Role.CITIZEN:
        own = Q(applicant=user)
        if user.id_number:
            own |= Q(applicant_id_number=user.id_number)
        return queryset.filter(own)
    return queryset.none()


def id_unmasked_for(*, user: Any, application: Application) -> bool:
    """Whether the user's role needs the full ID number: the applicant and the clerk."""
    role = getattr(user, "role", None)
    return role == Role.CLERK or application.applicant_id_number == getattr(user, "id_number", None)


def application_detail(*, user: Any, number: str) -> Application | None:
    return (
        applications_visible_to(user=user)
        .filter(number=number)
        .select_related("delivery")
        .prefetch_related(
            "visits", "materials", "notices", "certificates__department",
            Prefetch("cases", queryset=Case.objects.select_related("item", "department")),
        )
        .first()
    )


def application_status_words(application: Application) -> str:
    """The application's state in words. An application completed while one of its
    stages was refused (证照联办: the permit refused, the licence granted) says so: it
    is completed in part, not refused, and not wholly granted (docs/bundles.md)."""
    if application.status != ApplicationStatus.COMPLETED:
        return str(application.get_status_display())
    refused = [case.item.name for case in application.cases.all()
               if case.status == CaseStatus.REJECTED]
    if not refused:
        return str(application.get_status_display())
    return _("部分办结：%(refused)s 不予许可，其余事项已办结") % {"refused": "、".join(refused)}


def registration_records_of(*, user: Any, after_id: int | None = None
                            ) -> QuerySet[RegistrationRecord]:
    """The 多证合一 records a department's reviewer sees: her department's only (a
    department belongs to one region, so this is region-scoped too), newest first,
    a page at a time after `after_id`."""
    department_id = getattr(user, "department_id", None)
    if getattr(user, "role", None) != Role.REVIEWER or department_id is None:
        return RegistrationRecord.objects.none()
    records = RegistrationRecord.objects.filter(department_id=department_id).select_related(
        "application").order_by("-id")
    if after_id is not None:
        records = records.filter(id__lt=after_id)
    return records


def notices_open(application: Application) -> list[OneTimeNotice]:
    """The notices still waiting for the applicant: the latest intake notice while the
    application waits for a supplement, and every unanswered correction notice."""
    notices = list(application.notices.all())
    intake = [n for n in notices if n.kind == NoticeKind.INTAKE]
    waiting = intake[-1:] if application.status == ApplicationStatus.NEEDS_SUPPLEMENT else []
    return waiting + [n for n in notices
                      if n.kind == NoticeKind.CORRECTION and n.resolved_at is None]


def materials_asked(application: Application) -> list[ApplicationMaterial]:
    """The materials the applicant is asked for now: those the open notices name, and
    those waiting for a source that has not answered (she may upload them instead)."""
    asked = {entry["key"] for notice in notices_open(application) for entry in notice.entries}
    return [m for m in application.materials.all()
            if m.key in asked or m.status == MaterialStatus.AWAITING_SOURCE]


def materials_awaiting_source(application: Application) -> list[ApplicationMaterial]:
    """Materials whose source did not answer; the fetch is retried in the background."""
    return [m for m in application.materials.all()
            if m.status == MaterialStatus.AWAITING_SOURCE]


def drafts_open(*, owner: Any) -> QuerySet[ApplicationDraft]:
    """The owner's drafts not yet submitted, latest first."""
    return ApplicationDraft.objects.filter(owner=owner, application__isnull=True)


def draft_latest(*, owner: Any, item_code: str = "",
                 life_event_code: str = "") -> ApplicationDraft | None:
    """The owner's latest unsubmitted draft of this item or life event (to resume it)."""
    return drafts_open(owner=owner).filter(item_code=item_code,
                                           life_event_code=life_event_code).first()


def applications_waiting_for_applicant(*, user: Any) -> dict[str, str]:
    """需要您办理: the citizen's applications that wait for her to act, each with what she
    has to do — materials the one-time notice asks for, a correction, taxes and fees to
    pay, a material accepted under 容缺 still to supply. Application number → what to do."""
    mine = applications_visible_to(user=user)
    waiting: dict[str, str] = {}
    for number in mine.filter(status=ApplicationStatus.NEEDS_SUPPLEMENT).values_list(
            "number", flat=True):
        waiting[number] = _("按一次性告知书补齐材料")
    for number in mine.filter(status=ApplicationStatus.ACCEPTED,
                              cases__status=CaseStatus.CORRECTION).values_list(
            "number", flat=True):
        waiting.setdefault(number, _("补正材料"))
    for number in mine.filter(status=ApplicationStatus.ACCEPTED,
                              cases__status=CaseStatus.AWAITING_PAYMENT,
                              cases__paid_at__isnull=True).values_list("number", flat=True):
        waiting.setdefault(number, _("缴纳税费"))
    for number in mine.filter(status=ApplicationStatus.ACCEPTED,
                              materials__status=MaterialStatus.TOLERATED).values_list(
            "number", flat=True):
        waiting.setdefault(number, _("补交容缺受理的材料"))
    return waiting


def applications_matching(*, user: Any, query: str, limit: int = 50) -> list[Application]:
    """Applications the user may see by their number, their receipt number or the
    applicant's ID number — what a window clerk has in hand when the applicant comes back."""
    query = query.strip().upper()
    if not query:
        return []
    return list(applications_visible_to(user=user).filter(
        Q(number=query) | Q(receipt_number=query) | Q(applicant_id_number=query))[:limit])


@dataclass(frozen=True)
class VisitCauseRow:
    """Trips of one cause to one department's matters (a life event: its own row)."""

    department: str
    cause: str
    cause_label: str
    government_caused: bool
    trips: int


def visit_causes_count(*, since: dt.datetime, until: dt.datetime,
                       scope: str = "") -> list[VisitCauseRow]:
    """The root causes of trips beyond what an item requires (跑多次的原因), per cause and
    department, for trips made in [since, until) to a window in `scope` ("" : all; a trip
    counts where the applicant went, 跨域通办 included): every trip but the one an item
    requires in person. The government-caused ones are those supervision counts."""
    where = (within("region", scope)
             | (Q(region__isnull=True) & within("application__region", scope))) if scope else Q()
    rows = (Visit.objects.filter(where, occurred_at__gte=since, occurred_at__lt=until)
            .exclude(cause=VisitCause.REQUIRED)
            .values("application__item__department__name", "application__life_event__name",
                    "cause")
            .annotate(trips=Count("id")))
    result = [
        VisitCauseRow(
            department=str(row["application__item__department__name"]
                           or row["application__life_event__name"] or ""),
            cause=row["cause"], cause_label=str(VisitCause(row["cause"]).label),
            government_caused=row["cause"] not in CITIZEN_CHOSEN_VISIT_CAUSES,
            trips=row["trips"],
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.trips, r.department, r.cause))


def tolerated_due_between(*, after: dt.datetime, until: dt.datetime
                          ) -> QuerySet[ApplicationMaterial]:
    """Materials accepted under 容缺 and not yet supplied whose due date falls in
    (after, until], soonest first, with their application: what a "容缺 due soon" reminder
    reads (e.g. after=now, until=now + one working day), once per material and window."""
    return (ApplicationMaterial.objects
            .filter(status=MaterialStatus.TOLERATED, due_at__gt=after, due_at__lte=until,
                    application__status=ApplicationStatus.ACCEPTED)
            .select_related("application").order_by("due_at", "id"))
