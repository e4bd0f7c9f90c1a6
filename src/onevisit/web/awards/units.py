"""Submitting units: submit a case, see their own, open its attachments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.services.inputs import Upload
from onevisit.awards import selectors, services
from onevisit.awards.constants import (
    CallStatus,
)
from onevisit.errors import DomainError, NotAllowed, NotFound
from onevisit.web.awards.common import _number, form_post
from onevisit.web.outcomes import error_text
from onevisit.web.workbench_materials import EXTENSIONS

# ------------------------------------------------------------------ submitting units


def _unit(request: HttpRequest) -> Any:
    user = request.user
    if selectors.actor_unit(user) is None:
        raise PermissionDenied(_("只有部门或地方政府的工作人员能申报案例"))
    return user


@login_required
def submit(request: HttpRequest) -> HttpResponse:
    return _submit_page(request, _unit(request))


def _submit_page(request: HttpRequest, user: Any, *, typed: Any = None,
                 status: int = 200) -> HttpResponse:
    now = clock.now()
    open_calls = [c for c in selectors.calls_public().filter(status=CallStatus.OPEN)
                  if c.opens_at <= now < c.closes_at]
    return render(request, "web/awards/submit.html", {
        "open_calls": open_calls,
        "cases": list(selectors.cases_of_unit(actor=user).select_related("award")[:200]),
        "unit": selectors.actor_unit(user), "typed": typed or {},
    }, status=status)


@form_post("web:awards_submit")
@login_required
def submit_case(request: HttpRequest) -> HttpResponse:
    user = _unit(request)
    post = request.POST
    call = selectors.calls_public().filter(pk=_number(post.get("call", ""))).first()
    uploads = [Upload(key=f"attachment-{i}", filename=f.name or "", content=f.read())
               for i, f in enumerate(request.FILES.getlist("attachments"))]
    try:
        if call is None:
            raise NotAllowed(_("请选择正在征集案例的评选活动"))
        case = services.case_submit(actor=user, call=call, title=post.get("title", ""),
                                    text=post.get("text", ""),
                                    unit_name=post.get("unit_name", ""), attachments=uploads)
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return _submit_page(request, user, typed=post, status=400)
    messages.success(request, _("已申报案例 %(number)s“%(title)s”") % {
        "number": case.number, "title": case.title})
    return redirect("web:awards_submit")


@login_required
def unit_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """A unit's own case, read-only: what it submitted, with its attachments."""
    user = _unit(request)
    try:
        case = selectors.case_get(actor=user, case_id=case_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    unit = selectors.actor_unit(user)
    if unit is None or case.unit_department_id != unit.pk:
        raise Http404(_("参评案例不存在"))  # an organiser's staff read it on the call's page
    return render(request, "web/awards/unit_case.html", {"case": case})


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """An attachment for the case's organisers, its unit and its drawn experts."""
    try:
        found, content = selectors.attachment_read(actor=request.user,
                                                   attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    response = HttpResponse(content, content_type=found.content_type)
    # Named by its number, not by its file name, which may name the unit (blind review).
    extension = EXTENSIONS.get(found.content_type, "bin")
    response["Content-Disposition"] = (
        f'attachment; filename="attachment-{found.pk}.{extension}"')
    return response
