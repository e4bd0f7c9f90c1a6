"""Visits (跑次): every in-person trip, counted with its cause (DESIGN.md §3 rule 1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.regions import NOWHERE, is_staff_role, staff_region
from onevisit.applications.constants import (
    CITIZEN_CHOSEN_VISIT_CAUSES,
    CLERK_VISIT_CAUSES,
    VisitCause,
    VisitPurpose,
)
from onevisit.applications.models import (
    Application,
    Visit,
)
from onevisit.applications.receivers import AnomalyKind, anomaly_report
from onevisit.applications.services.common import actor_or_none, application_lock
from onevisit.applications.services.subjects import Subject
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.models import ServiceItem
from onevisit.errors import InvalidInput

MAX_CAUSE_NOTE = 500


def visit_cause_clean(*, cause: str, note: str) -> tuple[str, str]:
    """A cause the clerk may choose (or "" to let the rule decide) and its note."""
    errors: dict[str, str] = {}
    if cause and cause not in CLERK_VISIT_CAUSES:
        errors["visit_cause"] = _("未知的跑动原因")
    if len(note) > MAX_CAUSE_NOTE:
        errors["visit_cause_note"] = _("最多%(n)d个字") % {"n": MAX_CAUSE_NOTE}
    if errors:
        raise InvalidInput(_("跑动原因有误"), errors)
    return cause, note.strip()


def visit_cause_default(*, purpose: str, online: bool, courier: bool,
                        promised_visits: int) -> VisitCause:
    """The cause of a trip when the clerk names none. Filing at the window what could be
    filed online with no visit is the applicant's choice (a walk-in); so is fetching at
    the window a result the courier could have brought. Anything else counts against the
    promise until the clerk says otherwise."""
    if purpose == VisitPurpose.INTAKE:
        return (VisitCause.WALK_IN if online and promised_visits == 0
                else VisitCause.REQUIRED)
    if purpose == VisitPurpose.PICKUP:
        return VisitCause.PREFERS_WINDOW if courier else VisitCause.REQUIRED
    return VisitCause.UNRECORDED


def subject_visit_cause_default(*, subject: Subject, purpose: str) -> VisitCause:
    channels = [(stage.item.channel_online, stage.item.channel_courier)
                for stage in subject.stages]
    return _cause_from_channels(purpose=purpose, channels=channels,
                                promised_visits=subject.promised_visits)


def _application_cause_default(*, application: Application, purpose: str) -> VisitCause:
    channels = list(ServiceItem.objects.filter(pk__in=[s["item"] for s in application.stages])
                    .values_list("channel_online", "channel_courier"))
    return _cause_from_channels(purpose=purpose, channels=channels,
                                promised_visits=application.promised_visits)


def _cause_from_channels(*, purpose: str, channels: list[tuple[bool, bool]],
                         promised_visits: int) -> VisitCause:
    """The default cause when every item (online, courier) allows the channel."""
    return visit_cause_default(
        purpose=purpose, online=bool(channels) and all(online for online, _c in channels),
        courier=bool(channels) and all(courier for _o, courier in channels),
        promised_visits=promised_visits)


def visits_counted(application: Application) -> int:
    """The trips that count against the item's promise: those the government caused."""
    return application.visits.exclude(cause__in=CITIZEN_CHOSEN_VISIT_CAUSES).count()


def _window_region(actor: Any) -> str | None:
    """Where the applicant went: the region of the staff member who received her."""
    code = staff_region(actor) if is_staff_role(actor) else NOWHERE
    return None if code == NOWHERE else code


def visit_add(
    *, application: Application, purpose: str, actor: Any, new_trip: bool = False,
    cause: str = "", note: str = "",
) -> Visit:
    """Count an in-person trip. What is done at the hall on the same day is one trip
    unless the clerk records that the applicant came back (DESIGN.md §3 rule 1). A new
    trip carries its cause (`visit_cause_default` when the clerk names none); only
    trips the government caused count against the promise (supervision alert)."""
    now = clock.now()
    today = dt.datetime.combine(
        now.astimezone(application.submitted_at.tzinfo).date(), dt.time.min,
        tzinfo=now.tzinfo,
    )
    visit = None if new_trip else (
        Visit.objects.filter(application=application, occurred_at__gte=today)
        .order_by("-occurred_at").first()
    )
    if visit is None:
        visit = Visit.objects.create(
            application=application, occurred_at=now, purposes=[purpose],
            cause=cause or _application_cause_default(application=application,
                                                      purpose=purpose),
            cause_note=note, clerk=actor_or_none(actor),
            region_id=_window_region(actor),
        )
        audit_record(actor=actor, action="visit.recorded", entity="application",
                     entity_id=application.number,
                     data={"purpose": purpose, "cause": visit.cause})
    elif purpose not in visit.purposes:
        visit.purposes = [*visit.purposes, purpose]
        visit.save(update_fields=["purposes"])
    count = visits_counted(application)
    if count > application.promised_visits:
        anomaly_report(
            kind=AnomalyKind.VISITS_EXCEEDED, application_number=application.number,
            message=_("计入承诺的跑动已有 %(count)d 次，承诺最多 %(promised)d 次")
            % {"count": count, "promised": application.promised_visits},
            evidence=_visits_evidence(application, count=count),
        )
    return visit


def _visits_evidence(application: Application, *, count: int) -> dict[str, Any]:
    """Each trip with its cause: the supervisor sees which trips the government caused."""
    return {
        "counted": count, "promised": application.promised_visits,
        "visits": [
            {"at": timezone.localtime(v.occurred_at).strftime("%Y-%m-%d %H:%M"),
             "cause": v.cause, "note": v.cause_note,
             "counted": v.cause not in CITIZEN_CHOSEN_VISIT_CAUSES}
            for v in application.visits.order_by("occurred_at", "id")
        ],
    }


@atomic_audited
def visit_record(*, number: str, purpose: str, actor: Any, new_trip: bool = False,
                 cause: str = "", note: str = "") -> Visit:
    if purpose not in VisitPurpose.values:
        raise InvalidInput(_("到访事由无效"), {"purpose": _("未知的到访事由")})
    cause, note = visit_cause_clean(cause=cause, note=note)
    application = application_lock(number=number)
    return visit_add(application=application, purpose=purpose, actor=actor,
                     new_trip=new_trip, cause=cause, note=note)
