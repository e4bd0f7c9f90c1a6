"""Numbering, locking and the application's status history shared by the intake services."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import (
    ALLOWED_APPLICATION_TRANSITIONS,
    ApplicationStatus,
)
from onevisit.applications.models import (
    Application,
    ApplicationStatusChange,
)
from onevisit.errors import Conflict, NotFound


def serial_number(prefix: str, pk: int, *, region: str) -> str:
    """A document number: prefix, the issuing county's code (the first six digits of the
    region's: a township's number carries its county), date, and the row's own key —
    unique across the province without a shared counter that concurrent filings would
    queue on. The date is the day in Hangzhou (ADR 0001)."""
    return f"{prefix}{region[:6]}{timezone.localdate(clock.now()):%Y%m%d}{pk:08d}"


def number_placeholder() -> str:
    """A unique value a numbered row holds for the moment between insert and numbering."""
    return uuid.uuid4().hex


def application_transition(application: Application, to: str, actor: Any) -> None:
    if to not in ALLOWED_APPLICATION_TRANSITIONS[application.status]:
        raise Conflict(
            _("办件当前状态为“%(status)s”，不能变为“%(to)s”")
            % {
                "status": application.get_status_display(),
                "to": ApplicationStatus(to).label,
            }
        )
    application.status = to
    ApplicationStatusChange.objects.create(
        application=application, status=to, at=clock.now(), actor=actor_or_none(actor)
    )


def actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def application_lock(*, number: str) -> Application:
    application = Application.objects.select_for_update().filter(number=number).first()
    if application is None:
        raise NotFound(_("办件 %(number)s 不存在") % {"number": number})
    return application
