"""施工图“多审合一” in the workbench: a participating department's list of the joint reviews
it takes part in, and one joint review where its reviewer records the department's opinion.
The lead's side is the ordinary case page (web/workbench.py), which shows every opinion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onevisit.applications.services import case_material_keys, subject_of
from onevisit.catalogue.constants import FieldType
from onevisit.errors import DomainError, NotFound
from onevisit.exchange.services import subject_mask
from onevisit.web.outcomes import error_text
from onevisit.web.workbench import reviewer_of
from onevisit.workflow.joint import (
    joint_opinion_record,
    joint_opinions_given,
    joint_review_case,
    joint_review_state,
    joint_reviews_for,
)
from onevisit.workflow.models import OpinionVerdict

# Joint reviews a page lists: the running ones, soonest deadline first.
JOINT_PAGE = 100


@login_required
def joint_reviews(request: HttpRequest) -> HttpResponse:
    reviewer = reviewer_of(request)
    cases = list(joint_reviews_for(actor=reviewer)[:JOINT_PAGE])
    given = joint_opinions_given(actor=reviewer, case_ids=[case.pk for case in cases])
    return render(request, "web/workbench/joint_reviews.html", {
        "department": reviewer.department,
        "rows": [(case, given.get(case.pk)) for case in cases],
    })


@login_required
def joint_review(request: HttpRequest, case_id: int) -> HttpResponse:
    reviewer = reviewer_of(request)
    try:
        case = joint_review_case(case_id=case_id, actor=reviewer)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if request.method == "POST":
        try:
            joint_opinion_record(case_id=case.pk, actor=reviewer,
                                 verdict=request.POST.get("verdict", ""),
                                 text=request.POST.get("text", ""))
            messages.success(request, _("已出具本部门的联合审查意见"))
        except DomainError as exc:
            messages.error(request, error_text(exc))
        return redirect("web:joint_review", case_id=case.pk)
    application = case.application
    subject = subject_of(application)
    own = case_material_keys(subject=subject, item_code=case.item.code)
    state = joint_review_state(case=case)
    return render(request, "web/workbench/joint_review.html", {
        "case": case, "application": application, "state": state,
        "mine": next((o for o in state.opinions if o.department_id == reviewer.department_id),
                     None) if state else None,
        "fields": [
            (f.label, subject_mask(str(value)) if f.type == FieldType.RESIDENT_ID else value)
            for f in subject.fields
            if f.key.startswith(("project_", "building_", "company_"))
            and (value := application.data.get(f.key)) not in (None, "")],
        "materials": [m for m in application.materials.all() if m.key in own],
        "verdicts": OpinionVerdict.choices,
    })
