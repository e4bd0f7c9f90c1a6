"""The citizens' verdict endpoints: the rectification loop (the department's answer with
its return call, the citizen's second verdict), the published rates, and the suggestions
column (submit; the published ones with their replies)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from onevisit.accounts.models import Role
from onevisit.api.auth import AUTH
from onevisit.api.idempotency import run_idempotent
from onevisit.api.schemas import NON_BLANK, ErrorOut, RowId
from onevisit.applications.selectors import applications_visible_to
from onevisit.errors import NotAllowed
from onevisit.feedback.models import Rectification, Suggestion
from onevisit.feedback.selectors import (
    author_masked,
    department_rates,
    rectifications_for_department,
    rectifications_of_applicant,
    suggestions_published,
)
from onevisit.feedback.services import (
    rectification_answer,
    rectification_second_verdict,
    suggestion_submit,
)

router = Router(tags=["verdict"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}


class RectificationOut(Schema):
    id: int
    application_number: str
    department: str
    score: int = Field(description="the bad rating's grade (1 or 2)")
    reasons: list[str]
    comment: str
    status: str = Field(description="open, answered, satisfied or unsatisfied")
    opened_at: dt.datetime
    due_at: dt.datetime
    overdue: bool = Field(description="the deadline passed unanswered (an alert was raised)")
    called_at: dt.datetime | None
    called_person: str
    call_summary: str
    measures: str
    answered_at: dt.datetime | None
    second_score: int | None
    second_comment: str


class RectificationAnswerIn(Schema):
    called_at: dt.datetime = Field(description="when the department called the citizen back")
    called_person: str = Field(max_length=64, pattern=NON_BLANK)
    call_summary: str = Field(max_length=2000, pattern=NON_BLANK)
    measures: str = Field(max_length=2000, pattern=NON_BLANK)


class SecondVerdictIn(Schema):
    score: int = Field(ge=1, le=5, description="the citizen's grade of the rectification")
    comment: str = Field(default="", max_length=500)


class DepartmentRateOut(Schema):
    department: str
    ratings: int
    average: float | None
    bad: int
    rectified: int
    on_time: int
    overdue_open: int
    satisfied: int
    second_verdicts: int
    rectified_rate: float | None
    satisfied_rate: float | None


class SuggestionIn(Schema):
    region: str = Field(max_length=12, description="GB/T 2260 code")
    title: str = Field(max_length=100, pattern=NON_BLANK)
    body: str = Field(max_length=3000, pattern=NON_BLANK)
    author_name: str = Field(default="", max_length=64)
    contact: str = Field(default="", max_length=64, description="never published")


class SuggestionOut(Schema):
    id: int
    title: str
    body: str
    author: str = Field(description="the name masked to its first character")
    submitted_at: dt.datetime
    status: str
    reply: str
    replied_at: dt.datetime | None


def _rectification_out(r: Rectification) -> dict[str, Any]:
    rating = r.rating
    return {
        "id": r.pk, "application_number": rating.application.number,
        "department": r.department.name, "score": rating.score, "reasons": rating.reasons,
        "comment": rating.comment, "status": r.status, "opened_at": r.opened_at,
        "due_at": r.due_at, "overdue": r.overdue_at is not None, "called_at": r.called_at,
        "called_person": r.called_person, "call_summary": r.call_summary,
        "measures": r.measures, "answered_at": r.answered_at,
        "second_score": r.second_score, "second_comment": r.second_comment,
    }


def _suggestion_out(s: Suggestion) -> dict[str, Any]:
    return {"id": s.pk, "title": s.title, "body": s.body,
            "author": author_masked(s.author_name),
            "submitted_at": s.submitted_at, "status": s.status, "reply": s.reply,
            "replied_at": s.replied_at}


@router.get("/rectifications", auth=AUTH, response={200: list[RectificationOut], **ERRORS})
def rectifications(request: HttpRequest,
                   limit: Annotated[int, Field(ge=1, le=500)] = 100) -> list[dict[str, Any]]:
    """A department's reviewers: its rectifications, open ones first. A citizen: those of
    her own applications."""
    user = request.auth  # type: ignore[attr-defined]
    if user.role == Role.REVIEWER:
        rows = rectifications_for_department(department_id=user.department_id)
    elif user.role == Role.CITIZEN:
        rows = rectifications_of_applicant(applications=applications_visible_to(user=user))
    else:
        raise NotAllowed(_("只有部门审批人员和申请人能查看差评整改"))
    return [_rectification_out(r) for r in
            rows.select_related("rating__application", "department")[:limit]]


@router.post("/rectifications/{rectification_id}/answer", auth=AUTH,
             response={200: RectificationOut, **ERRORS})
def answer(request: HttpRequest, rectification_id: RowId,
           payload: RectificationAnswerIn) -> Status[Any]:
    """The department's return call (回访) and its rectification, once."""
    user = request.auth  # type: ignore[attr-defined]

    def handler() -> tuple[int, Any]:
        rectification = rectification_answer(
            rectification_id=rectification_id, actor=user, called_at=payload.called_at,
            called_person=payload.called_person, call_summary=payload.call_summary,
            measures=payload.measures)
        return 200, RectificationOut(**_rectification_out(rectification)).model_dump(
            mode="json")

    return run_idempotent(request, endpoint=f"rectifications.{rectification_id}.answer",
                          payload=payload.dict(), handler=handler)


@router.post("/rectifications/{rectification_id}/second-verdict", auth=AUTH,
             response={200: RectificationOut, **ERRORS})
def second_verdict(request: HttpRequest, rectification_id: RowId,
                   payload: SecondVerdictIn) -> Status[Any]:
    """The applicant's second verdict (复评) on an answered rectification, once."""
    user = request.auth  # type: ignore[attr-defined]

    def handler() -> tuple[int, Any]:
        rectification = rectification_second_verdict(
            rectification_id=rectification_id, actor=user, score=payload.score,
            comment=payload.comment)
        return 200, RectificationOut(**_rectification_out(rectification)).model_dump(
            mode="json")

    return run_idempotent(request, endpoint=f"rectifications.{rectification_id}.verdict",
                          payload=payload.dict(), handler=handler)


@router.get("/verdict/rates", response={200: list[DepartmentRateOut]})
def rates(request: HttpRequest) -> list[dict[str, Any]]:
    """The published ratings and rectification rates per department (public)."""
    return [{**vars(rate), "rectified_rate": rate.rectified_rate,
             "satisfied_rate": rate.satisfied_rate} for rate in department_rates()]


@router.get("/suggestions", response={200: list[SuggestionOut]})
def suggestions(request: HttpRequest,
                limit: Annotated[int, Field(ge=1, le=500)] = 100) -> list[dict[str, Any]]:
    """改革建言: the published suggestions with their replies (public)."""
    return [_suggestion_out(s) for s in suggestions_published()[:limit]]


@router.post("/suggestions", auth=AUTH, response={201: SuggestionOut, **ERRORS})
def suggestion_create(request: HttpRequest, payload: SuggestionIn) -> Status[Any]:
    """Submit a suggestion; it is published only after a supervisor's moderation."""
    user = request.auth  # type: ignore[attr-defined]

    def handler() -> tuple[int, Any]:
        suggestion = suggestion_submit(region_code=payload.region, title=payload.title,
                                       body=payload.body, author_name=payload.author_name,
                                       contact=payload.contact, actor=user)
        return 201, SuggestionOut(**_suggestion_out(suggestion)).model_dump(mode="json")

    return run_idempotent(request, endpoint="suggestions.create", payload=payload.dict(),
                          handler=handler)
