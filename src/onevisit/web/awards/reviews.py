"""The experts' pages: their drawn cases, blind, and a score sheet each."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onevisit.accounts.models import Department
from onevisit.awards import selectors, services
from onevisit.awards.constants import (
    DECLARED_REASONS,
    SCORE_MAX,
    SCORE_MIN,
    ConflictReason,
    Criterion,
)
from onevisit.awards.models import AwardCase, DeclaredConflict, Expert
from onevisit.errors import DomainError, NotFound
from onevisit.web.awards.common import _expert, form_post
from onevisit.web.outcomes import error_text

# ------------------------------------------------------------------ experts


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    return _reviews_page(request, _expert(request))


def _reviews_page(request: HttpRequest, expert: Expert, *, typed: Any = None,
                  status: int = 200) -> HttpResponse:
    """The expert's drawn cases, by number and title only (blind), her declared
    conflicts and a form to declare one; a refused declaration keeps what was typed."""
    return render(request, "web/awards/reviews.html", {
        "expert": expert,
        "assignments": list(selectors.assignments_of(expert=expert)[:500]),
        "declared": list(DeclaredConflict.objects.filter(expert=expert)
                         .select_related("department", "case").order_by("id")),
        "departments": list(Department.objects.order_by("code")),
        "reasons": [(r, ConflictReason(r).label) for r in DECLARED_REASONS],
        "typed": typed or {},
    }, status=status)


@form_post("web:awards_reviews")
@login_required
def conflict(request: HttpRequest) -> HttpResponse:
    """The expert declares a conflict with a department or a unit by name (the cases
    she has not been drawn for stay unknown to her)."""
    expert = _expert(request)
    post = request.POST
    try:
        services.conflict_declare(
            actor=request.user, expert=expert, reason=post.get("reason", ""),
            note=post.get("note", ""), department_code=post.get("department", ""),
            unit_name=post.get("unit_name", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return _reviews_page(request, expert, typed=post, status=400)
    messages.success(request, _("已登记回避关系，今后的抽取不会把相关案例分给您"))
    return redirect("web:awards_reviews")


def _blind(request: HttpRequest, case_id: int) -> selectors.BlindCase:
    try:
        return selectors.case_blind(actor=request.user, case_id=case_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@login_required
def sheet(request: HttpRequest, case_id: int) -> HttpResponse:
    """A drawn case, blind, and the expert's score sheet; a refused sheet keeps what was
    typed. Another expert's case, or one not drawn for her, is not found."""
    _expert(request)
    blind = _blind(request, case_id)
    if request.method != "POST":
        return _sheet_page(request, blind)
    post = request.POST
    try:
        services.sheet_submit(actor=request.user,
                              case=AwardCase.objects.select_related("call").get(pk=blind.id),
                              scores={c: post.get(f"score_{c}", "") for c in Criterion.values},
                              comment=post.get("comment", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return _sheet_page(request, blind, typed=post, status=400)
    messages.success(request, _("已提交案例 %(number)s 的评分表") % {"number": blind.number})
    return redirect("web:awards_reviews")


def _sheet_page(request: HttpRequest, blind: selectors.BlindCase, *, typed: Any = None,
                status: int = 200) -> HttpResponse:
    sheet = blind.sheet
    criteria = [{
        "value": c.value, "label": c.label, "weight": blind.weights.get(c.value, 0),
        "score": (typed.get(f"score_{c.value}", "") if typed is not None
                  else getattr(sheet, c.value, "") if sheet is not None else ""),
    } for c in Criterion]
    comment = (typed.get("comment", "") if typed is not None
               else sheet.comment if sheet is not None else "")
    return render(request, "web/awards/sheet.html", {
        "case": blind, "criteria": criteria, "comment": comment,
        "score_min": SCORE_MIN, "score_max": SCORE_MAX,
    }, status=status)
