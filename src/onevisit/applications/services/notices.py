"""One-time notices (一次性告知, DESIGN.md §3 rule 2)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.models import (
    Application,
    ApplicationMaterial,
    Case,
    OneTimeNotice,
)
from onevisit.applications.services.common import actor_or_none, number_placeholder, serial_number
from onevisit.applications.services.notifying import applicant_notify
from onevisit.audit.services import audit_record
from onevisit.errors import Conflict
from onevisit.notifications.constants import NotifyEvent


def notice_issue(
    *, application: Application, kind: str, materials: list[ApplicationMaterial], actor: Any,
    case: Case | None = None,
) -> OneTimeNotice:
    """Issue a one-time notice (一次性告知, DESIGN.md §3 rule 2).

    A later notice of the same scope may name only what the earlier one named (still
    outstanding) or what was supplied after it; naming a material the earlier notice could
    have named is the defect the reform forbids, and is refused.
    """
    now = clock.now()
    previous = (
        OneTimeNotice.objects.filter(application=application, kind=kind, case=case)
        .order_by("-issued_at", "-id")
        .first()
    )
    if previous is not None:
        named_before = {entry["key"] for entry in previous.entries}
        late = [
            m.name for m in materials
            if m.key not in named_before
            and (m.supplied_at is None or m.supplied_at <= previous.issued_at)
        ]
        if late:
            raise Conflict(
                _(
                    "一次性告知：%(names)s 在上一份告知书 %(number)s 出具时已可审查，"
                    "应当在那时一并告知，不能再次告知"
                )
                % {"names": "、".join(late), "number": previous.number}
            )
        if previous.resolved_at is None:
            previous.resolved_at = now
            previous.save(update_fields=["resolved_at"])
    notice = OneTimeNotice.objects.create(
        application=application, case=case, kind=kind, number=number_placeholder(), issued_at=now,
        issued_by=actor_or_none(actor),
        entries=[
            {"key": m.key, "name": m.name, "problem": str(m.problem), "status": m.status}
            for m in materials
        ],
    )
    notice.number = serial_number("GZ", notice.pk, region=application.region_id)
    OneTimeNotice.objects.filter(pk=notice.pk).update(number=notice.number)
    audit_record(actor=actor, action="notice.issued", entity="application",
                 entity_id=application.number,
                 data={"notice": notice.number, "kind": kind, "case": case.pk if case else None,
                       "materials": [m.key for m in materials]})
    applicant_notify(application=application, event=NotifyEvent.CORRECTION, key=notice.number,
                     notice=notice.number,
                     materials="；".join(f"{m.name}（{m.problem}）" if m.problem else m.name
                                        for m in materials))
    return notice
