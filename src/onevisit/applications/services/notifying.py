"""Telling the applicant what happened to her application (through `notifications`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from onevisit.accounts.models import Role
from onevisit.accounts.selectors import user_by_id_number
from onevisit.applications.constants import ApplicantKind
from onevisit.applications.models import Application, ApplicationMaterial
from onevisit.applications.selectors import tolerated_due_between
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.services import notification_send
from onevisit.workdays.calendar import deadline_after
from onevisit.workdays.constants import LimitUnit


def _recipient(application: Application) -> Any:
    """The account that filed online, or the account of the person filed for at the
    window (so she finds the message under 我的)."""
    if application.applicant is not None:
        return application.applicant
    if application.applicant_kind == ApplicantKind.PERSON:
        return user_by_id_number(id_number=application.applicant_id_number,
                                 role=Role.CITIZEN)
    return None


def applicant_notify(*, application: Application, event: str, key: str,
                     **context: str) -> None:
    """Tell the applicant about an event of her application, once per `key`, by every
    channel she has not opted out of; sent after the caller's transaction commits."""
    user = _recipient(application)
    data = application.data or {}
    phone = str(application.delivery_contact.get("phone") or data.get("applicant_phone")
                or data.get("phone") or "")
    notification_send(
        event=event, key=key, user=user, phone=phone,
        context={"title": application.title, "number": application.number, **context},
        link=reverse("web:my_application", kwargs={"number": application.number}),
    )


def when(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def tolerated_due_notify(*, application: Application, names: Iterable[str],
                         due_at: dt.datetime) -> None:
    """容缺: remind the applicant of the materials accepted as missing and the day they
    are due (once per application and due day)."""
    applicant_notify(application=application, event=NotifyEvent.TOLERATED_DUE,
                     key=f"{application.number}:{due_at:%Y%m%d}",
                     materials="、".join(names), due=when(due_at))


def tolerated_reminders_send(*, now: dt.datetime) -> int:
    """Remind each applicant whose 容缺 materials fall due by the end of the next working
    day: one message per application and due day, however often this runs."""
    until = deadline_after(start=now, limit=1, unit=LimitUnit.WORKING_DAYS).due_at
    due: dict[tuple[str, dt.datetime], list[ApplicationMaterial]] = {}
    for material in tolerated_due_between(after=now, until=until):
        if material.due_at is not None:
            due.setdefault((material.application.number, material.due_at), []).append(material)
    for (_number, due_at), materials in due.items():
        tolerated_due_notify(application=materials[0].application,
                             names=[m.name for m in materials], due_at=due_at)
    return len(due)
