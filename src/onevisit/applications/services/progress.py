"""办件进度查询: anyone holding a receipt looks up the application's progress without
signing in — by the receipt number (or the application number) and a second factor: the
last six characters of the applicant's ID number, or the query code printed on the
receipt.

What it shows is the item, the stage names, dates and statuses: nothing about the
applicant. A wrong second factor gets exactly what an unknown number gets (no way to
learn which numbers exist), both factors are compared in constant time, and every lookup
is logged — a found one, and one naming a real number with a wrong factor, also in the
applicant's own access log ("谁查看了我的数据")."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

import structlog
from django.db.models import Q
from django.utils.translation import gettext as _

from onevisit.applications.models import Application
from onevisit.exchange.models import FetchOutcome
from onevisit.exchange.services import personal_data_read_log
from onevisit.lifeevents.models import LifeEventStage

log = structlog.get_logger(__name__)

ID_TAIL = 6
MAX_NUMBER = 32
MAX_FACTOR = 32
# What the access log says was read, and why.
PROGRESS_EVIDENCE = "progress_lookup"


@dataclass(frozen=True)
class StageProgress:
    name: str
    department: str
    status: str
    started_at: dt.datetime | None
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class Progress:
    number: str
    receipt_number: str
    title: str
    status: str
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    stages: list[StageProgress]


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison; an empty expected value never matches."""
    matched = hmac.compare_digest(given.encode(), expected.encode())
    return matched and bool(expected)


def stage_names(application: Application) -> dict[str, str]:
    """The name of each of the application's stages by its key, in the reader's language:
    the life event's stage names, or the item's name for a single item."""
    if application.life_event_id is None:
        return {case.stage_key: case.item.name for case in application.cases.all()}
    return {stage.key: stage.name
            for stage in LifeEventStage.objects.filter(life_event_id=application.life_event_id)}


@dataclass(frozen=True)
class SkippedStage:
    name: str
    reason: str  # "免于办理：是否位于已完成区域环评的区域：是"


def stages_skipped(application: Application) -> list[SkippedStage]:
    """The stages the filed form made unnecessary (免于办理: 区域环评, 区域能评), with why:
    they have no department case, and the receipt and the application's page say so."""
    skipped = [stage for stage in application.stages if stage.get("skipped")]
    if not skipped:
        return []
    names = stage_names(application)
    return [SkippedStage(name=names.get(stage["key"], stage["key"]), reason=stage["skipped"])
            for stage in skipped]


def progress_lookup(*, number: str, factor: str, address: str) -> Progress | None:
    """The application's progress, or None when the number is unknown or the factor
    wrong (the caller says the same neutral thing for both)."""
    number = number.strip().upper()[:MAX_NUMBER]
    factor = factor.strip().upper()[:MAX_FACTOR]
    application = (Application.objects.filter(Q(receipt_number=number) | Q(number=number))
                   .select_related("item", "life_event").first()) if number else None
    id_tail = application.applicant_id_number.upper()[-ID_TAIL:] if application else ""
    code = application.query_code if application else ""
    # Both factors are always compared, so the time taken says nothing about which matched.
    by_id = _same(factor, id_tail if len(factor) == ID_TAIL else "")
    by_code = _same(factor, code)
    found = application is not None and bool(factor) and (by_id or by_code)
    log.info("progress_lookup", outcome="found" if found else "not_found",
             known_number=application is not None, address=address[:64])
    if application is None:
        return None
    personal_data_read_log(
        actor=None, subject=application.applicant_id_number,
        application_number=application.number, evidence_type=PROGRESS_EVIDENCE,
        purpose=str(_("办件进度公开查询（凭回执编号）") if found else
                    _("办件进度公开查询：第二验证信息不符，未显示")),
        outcome=FetchOutcome.FOUND if found else FetchOutcome.REFUSED)
    return _progress(application) if found else None


def _subject_name(application: Application) -> str:
    """The item or life event's name in the reader's language (the filed title else)."""
    subject = application.life_event or application.item
    return subject.name if subject is not None else application.title


def _progress(application: Application) -> Progress:
    names = stage_names(application)
    cases = application.cases.select_related("item", "department").order_by("id")
    return Progress(
        number=application.number, receipt_number=application.receipt_number or "",
        title=_subject_name(application),
        status=str(application.get_status_display()),
        submitted_at=application.submitted_at, accepted_at=application.accepted_at,
        due_at=application.due_at, completed_at=application.completed_at,
        stages=[StageProgress(
            name=names.get(case.stage_key) or case.item.name,
            department=case.department.name, status=str(case.get_status_display()),
            started_at=case.started_at, decided_at=case.decided_at) for case in cases],
    )
