"""The citizens' verdict on the web: the public rates and the suggestions column, the
citizen's second verdict, the department's rectifications and an official's experience
on the workbench, and the tokenised survey page. Every write goes through the feedback
services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.accounts.regions import is_staff_role
from onevisit.errors import DomainError, InvalidInput
from onevisit.feedback.models import Score
from onevisit.feedback.selectors import (
    author_masked,
    department_rates,
    experiences_of,
    invitation_by_token,
    rectifications_for_department,
    suggestion_regions,
    suggestions_published,
    window_rates,
)
from onevisit.feedback.services import (
    experience_mark,
    experience_report,
    rectification_answer,
    rectification_second_verdict,
    suggestion_submit,
    survey_answer,
)
from onevisit.web.outcomes import action_report, error_text, rate_limited

SUGGESTION_FIELDS = ("region", "title", "body", "author_name", "contact")


def verdict_public(request: HttpRequest) -> HttpResponse:
    """公示: ratings and rectification rates per department and per window."""
    return render(request, "web/verdict/public.html", {
        "rates": department_rates(), "windows": window_rates()})


def suggestions(request: HttpRequest) -> HttpResponse:
    """改革建言: the published suggestions with their replies, and the form to suggest."""
    values = dict.fromkeys(SUGGESTION_FIELDS, "")
    context: dict[str, Any] = {"errors": {}, "message": "", "sent": False}
    status = 200
    if request.method == "POST":
        if (refused := rate_limited(request, "appeal")) is not None:
            return refused
        values |= {key: request.POST.get(key, "").strip() for key in SUGGESTION_FIELDS}
        user = request.user if request.user.is_authenticated else None
        try:
            suggestion_submit(region_code=values["region"], title=values["title"],
                              body=values["body"], author_name=values["author_name"],
                              contact=values["contact"], actor=user)
        except DomainError as exc:
            context |= {"message": error_text(exc),
                        "errors": exc.errors if isinstance(exc, InvalidInput) else {}}
            status = exc.status
        else:
            values = dict.fromkeys(SUGGESTION_FIELDS, "")
            context["sent"] = True
            status = 201
    rows = [(s, author_masked(s.author_name)) for s in suggestions_published()[:100]]
    regions = suggestion_regions()
    return render(request, "web/verdict/suggestions.html",
                  context | {"values": values, "rows": rows, "regions": regions},
                  status=status)


@require_POST
@login_required
def second_verdict(request: HttpRequest, rectification_id: int) -> HttpResponse:
    """The citizen's second verdict on a rectification (from 我的办件)."""
    number = request.POST.get("number", "")
    score = int(s) if (s := request.POST.get("score", "")).isdigit() else 0
    action_report(request, lambda: rectification_second_verdict(
        rectification_id=rectification_id, actor=request.user, score=score,
        comment=request.POST.get("comment", "")), _("感谢您的复评"))
    if number:
        return redirect("web:my_application", number=number)
    return redirect("web:my_applications")


def _reviewer(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.REVIEWER:
        raise PermissionDenied(_("只有部门审批人员能处理整改"))
    return user


@login_required
def rectifications(request: HttpRequest) -> HttpResponse:
    """The department's rectifications on its workbench, the open ones first."""
    user = _reviewer(request)
    return render(request, "web/verdict/rectifications.html", {
        "rows": rectifications_for_department(department_id=user.department_id)[:200],
        "department": user.department, "now": clock.now()})


def _moment(value: str) -> dt.datetime | None:
    """A datetime-local field's value in the site's time, or now when left blank."""
    if not value:
        return clock.now()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.now().tzinfo)


@require_POST
@login_required
def rectification_answer_view(request: HttpRequest, rectification_id: int) -> HttpResponse:
    user = _reviewer(request)
    post = request.POST
    action_report(request, lambda: rectification_answer(
        rectification_id=rectification_id, actor=user, called_at=_moment(post.get("called_at", "")),
        called_person=post.get("called_person", ""), call_summary=post.get("call_summary", ""),
        measures=post.get("measures", "")), _("整改答复已提交"))
    return redirect("web:rectifications")


def _official(request: HttpRequest) -> Any:
    if not is_staff_role(request.user):
        raise PermissionDenied(_("只有工作人员能登记体验办事"))
    return request.user


@login_required
def experience(request: HttpRequest) -> HttpResponse:
    """体验办事: mark an application filed as a citizen, and write its report."""
    user = _official(request)
    if request.method == "POST":
        number = request.POST.get("number", "").strip()
        action_report(request, lambda: experience_mark(number=number, actor=user),
                      _("已登记为体验办事"))
        return redirect("web:experience")
    return render(request, "web/verdict/experience.html",
                  {"rows": experiences_of(official=user)})


@require_POST
@login_required
def experience_report_view(request: HttpRequest, experience_id: int) -> HttpResponse:
    user = _official(request)
    action_report(request, lambda: experience_report(
        experience_id=experience_id, actor=user, report=request.POST.get("report", "")),
        _("体验报告已提交电子监察"))
    return redirect("web:experience")


def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    """The respondent's page: no sign-in, the link's token is the key."""
    invitation = invitation_by_token(token=token)
    if invitation is None:
        raise Http404(_("调查链接无效"))
    survey = invitation.survey
    questions = list(survey.questions.all())
    context: dict[str, Any] = {"survey": survey, "questions": questions, "errors": {},
                               "values": {}, "message": "", "done": False,
                               "title": invitation.application.title,
                               "scale": [(n, Score(n).label) for n in range(5, 0, -1)]}
    if invitation.answered_at is not None:
        return render(request, "web/verdict/survey.html", context | {"done": True})
    if request.method != "POST":
        return render(request, "web/verdict/survey.html", context)
    values = {str(q.pk): request.POST.get(f"q{q.pk}", "") for q in questions}
    try:
        survey_answer(token=token, answers=values)
    except DomainError as exc:
        return render(request, "web/verdict/survey.html", context | {
            "values": {f"q{k}": v for k, v in values.items()}, "message": error_text(exc),
            "errors": exc.errors if isinstance(exc, InvalidInput) else {}},
            status=exc.status)
    return render(request, "web/verdict/survey.html", context | {"done": True})
