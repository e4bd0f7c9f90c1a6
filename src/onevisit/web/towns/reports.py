"""A town's annual report: the county fills the typed figures with their evidence, sees
the figures the government holds fetched, and submits; the office opens the evidence,
assesses, publishes the year's results and settles into the ledger."""

from __future__ import annotations

from typing import Any

from csp.constants import NONE, SELF
from csp.decorators import csp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onevisit.errors import DomainError, InvalidInput
from onevisit.exchange.sources import source_name
from onevisit.files.services import file_read
from onevisit.towns.constants import (
    ENTERPRISES_SOURCE,
    TAX_SOURCE,
    WHOLE_FIGURES,
    Figure,
    Indicator,
)
from onevisit.towns.models import Town
from onevisit.towns.selectors import (
    is_towns_office,
    may_report,
    method_published,
    report_evidence_get,
    town_detail,
)
from onevisit.towns.services import (
    assessment_settle,
    assessments_publish,
    report_assess,
    report_held_fetch,
    report_submit,
)
from onevisit.web.outcomes import action_report
from onevisit.web.towns.common import (
    form_post,
    office_of,
    refused,
    staff_of,
    this_year,
    town_of,
)

# An annual report's evidence: at most this many bytes a file (the service sniffs the type).
EVIDENCE_UPLOAD_MAX = 10 * 1024 * 1024


@login_required
def report_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = staff_of(request)
    return _report_page(request, user, town_of(request, code), year)


def _report_page(request: HttpRequest, user: Any, town: Town, year: int, *,
                 typed: QueryDict | None = None, errors: dict[str, Any] | None = None,
                 held: Any = None, submitted: bool = False,
                 status: int = 200) -> HttpResponse:
    """The report of a town's year, or its form for the county while the year is one the
    town reports (a listed town, a year of its creation period that has begun); `typed`
    and `errors` refill a refused form, `submitted` when the refusal was the submit's."""
    detail = town_detail(town=town)
    report = next((r for r in detail.reports if r.year == year), None)
    assessment = next((a for a in detail.assessments if a.year == year), None)
    errors = errors or {}
    evidence = list(report.evidence.all()) if report is not None else []
    figures = [{
        "key": figure.value, "label": figure.label,
        "inputmode": "numeric" if figure in WHOLE_FIGURES else "decimal",
        "value": getattr(report, figure.value) if report is not None else None,
        "typed": typed.get(figure.value, "") if typed else "",
        "error": errors.get(figure.value, ""),
        "evidence_error": errors.get(f"evidence_{figure.value}", ""),
        "evidence": [e for e in evidence if e.figure == figure.value],
    } for figure in Figure]
    reporting = town.reports_on(year, current_year=this_year())
    scores = [{"label": Indicator(key).label, **value}
              for key, value in (assessment.scores.items() if assessment else [])]
    return render(request, "web/towns/report.html", {
        "town": town, "year": year, "report": report, "assessment": assessment,
        "figures": figures, "scores": scores, "held": held, "errors": errors,
        "typed": typed or {}, "office": is_towns_office(user), "submitted": submitted,
        "may_report": report is None and may_report(user, town) and reporting,
        "reporting": reporting,
        "target": next((t for t in detail.targets if t.year == year), None),
        "method": assessment.method if assessment else method_published(),
        "ledger": [entry for entry in detail.ledger if entry.year == year],
        # The registries the figures came from: the report's own, or those asked now
        # (their names, kept in Chinese by the exchange, shown in the page's language).
        "tax_source": _(source_name(report.tax_source if report else TAX_SOURCE)),
        "enterprises_source": _(source_name(report.enterprises_source if report
                                            else ENTERPRISES_SOURCE)),
    }, status=status)


@form_post("web:towns_report", "code", "year")
@login_required
def report_fetch(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """获取: the figures the government holds, fetched (and logged) before submitting."""
    user = staff_of(request)
    town = town_of(request, code)
    try:
        held = report_held_fetch(actor=user, code=code, year=year)
    except DomainError as exc:
        return _report_page(request, user, town, year, typed=request.POST,
                            errors=refused(request, exc), status=400)
    for reason in held.errors.values():
        messages.error(request, str(reason))
    return _report_page(request, user, town, year, typed=request.POST, held=held)


def _held_again(user: Any, code: str, year: int, post: QueryDict,
                errors: dict[str, Any]) -> Any:
    """The held figures shown again after a refused submit, when the form had them shown
    (获取 before submitting) and the town and year are still good: fetched (and logged)
    again, as every showing of them is."""
    if not post.get("fetched") or "town" in errors or "year" in errors:
        return None
    try:
        return report_held_fetch(actor=user, code=code, year=year)
    except InvalidInput:
        return None


def _uploads(request: HttpRequest) -> dict[str, list[tuple[str, bytes]]]:
    """Each figure's evidence files as the service takes them; a file too big goes as a
    content the service refuses by size, naming it."""
    evidence: dict[str, list[tuple[str, bytes]]] = {}
    for figure in Figure.values:
        for upload in request.FILES.getlist(f"evidence_{figure}"):
            content = (upload.read() if upload.size is not None
                       and upload.size <= EVIDENCE_UPLOAD_MAX
                       else b"\x00" * (EVIDENCE_UPLOAD_MAX + 1))
            evidence.setdefault(figure, []).append((upload.name or "", content))
    return evidence


@form_post("web:towns_report", "code", "year")
@login_required
def report_new(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = staff_of(request)
    town = town_of(request, code)
    post = request.POST
    try:
        report_submit(actor=user, code=code, year=year,
                      figures={figure: post.get(figure, "") for figure in Figure.values},
                      evidence=_uploads(request), note=post.get("note", ""))
    except DomainError as exc:
        errors = refused(request, exc)
        return _report_page(request, user, town, year, typed=post, errors=errors,
                            held=_held_again(user, code, year, post, errors),
                            submitted=True, status=400)
    messages.success(request, _("已报送 %(year)d 年度报告") % {"year": year})
    return redirect("web:towns_report", code=code, year=year)


@form_post("web:towns_report", "code", "year")
@login_required
def report_action(request: HttpRequest, code: str, year: int, action: str) -> HttpResponse:
    """The office's steps on a submitted report: assess, publish the year's results,
    settle (事后结算) into the ledger."""
    user = office_of(request)
    if action == "assess":
        action_report(request, lambda: report_assess(
            actor=user, code=code, year=year, note=request.POST.get("note", "")),
            _("已完成考核评分"))
    elif action == "publish":
        action_report(request, lambda: assessments_publish(actor=user, year=year),
                      _("已公布 %(year)d 年度考核结果") % {"year": year})
    elif action == "settle":
        action_report(request, lambda: assessment_settle(actor=user, code=code, year=year),
                      _("已结算，奖惩记入台账"))
    else:
        raise Http404(_("未知的操作"))
    return redirect("web:towns_report", code=code, year=year)


EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


@login_required
# The file's own policy: it runs nothing (django-csp types its decorators for views
# without URL arguments).
@csp({"default-src": [NONE], "img-src": [SELF], "object-src": [SELF],  # type: ignore[arg-type]
      "frame-ancestors": [SELF]})
def evidence_file(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """One evidence file of a report, for the office and the town's county to open."""
    staff_of(request)
    evidence = report_evidence_get(evidence_id=evidence_id, user=request.user)
    if evidence is None:
        raise Http404(_("没有这份证明材料"))
    extension = EXTENSIONS.get(evidence.content_type, "bin")
    response = HttpResponse(file_read(evidence.file),
                            content_type=evidence.content_type if extension != "bin"
                            else "application/octet-stream")
    # The uploader's file name never reaches the header.
    response["Content-Disposition"] = (
        f'{"attachment" if extension == "bin" else "inline"}; '
        f'filename="town-evidence-{evidence.pk}.{extension}"')
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
