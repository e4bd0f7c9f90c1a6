"""Visits (跑次): every in-person trip, counted (DESIGN.md §3 rule 1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import (
    VisitPurpose,
)
from onevisit.applications.models import (
    Application,
    Visit,
)
from onevisit.applications.receivers import AnomalyKind, anomaly_report
from onevisit.applications.services.common import actor_or_none, application_lock
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import InvalidInput


def visit_add(
    *, application: Application, purpose: str, actor: Any, new_trip: bool = False
) -> Visit:
    """Count an in-person trip. What is done at the hall on the same day is one trip
    unless the clerk records that the applicant came back (DESIGN.md §3 rule 1)."""
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
        visit = Visit.objects.create(application=application, occurred_at=now,
                                     purposes=[purpose], clerk=actor_or_none(actor))
        audit_record(actor=actor, action="visit.recorded", entity="application",
                     entity_id=application.number, data={"purpose": purpose})
    elif purpose not in visit.purposes:
        visit.purposes = [*visit.purposes, purpose]
        visit.save(update_fields=["purposes"])
    count = Visit.objects.filter(application=application).count()
    if count > application.promised_visits:
        anomaly_report(
            kind=AnomalyKind.VISITS_EXCEEDED, application_number=application.number,
            message=_("已跑动 %(count)d 次，承诺最多 %(promised)d 次")
            % {"count": count, "promised": application.promised_visits},
        )
    return visit


@atomic_audited
def visit_record(*, number: str, purpose: str, actor: Any, new_trip: bool = False) -> Visit:
    if purpose not in VisitPurpose.values:
        raise InvalidInput(_("到访事由无效"), {"purpose": _("未知的到访事由")})
    application = application_lock(number=number)
    return visit_add(application=application, purpose=purpose, actor=actor,
                         new_trip=new_trip)
