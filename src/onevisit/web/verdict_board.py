"""The supervisors' side of the citizens' verdict on the dashboard: rectification rates,
surveys (build, sample and send, results), moderation of the suggestions column, and
third-party evaluation (draw, logged export, whole-file import, results)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onevisit.accounts.models import Role
from onevisit.accounts.regions import covers, scope_of
from onevisit.accounts.selectors import regions_below
from onevisit.errors import DomainError
from onevisit.feedback.constants import QuestionKind
from onevisit.feedback.selectors import (
    department_rates,
    evaluation_summary,
    samples_visible,
    suggestions_for_moderation,
    survey_get,
    survey_results,
    surveys_visible,
    window_rates,
)
from onevisit.feedback.services import (
    QuestionInput,
    evaluation_export,
    evaluation_import,
    evaluation_sample_draw,
    results_file_read,
    rows_csv,
    rows_xlsx,
    suggestion_moderate,
    suggestion_reply,
    survey_create,
    survey_send,
)
from onevisit.web.outcomes import action_report, error_text

# How many question rows the questionnaire form offers.
QUESTION_ROWS = 6
UPLOAD_MAX = 2 * 1024 * 1024


def _supervisor(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.SUPERVISOR and not user.is_superuser:
        raise PermissionDenied(_("只有电子监察人员或管理员能查看群众评价"))
    return user


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _size(value: str) -> int:
    return int(value) if value.isdigit() else 0


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = _supervisor(request)
    scope = scope_of(user)
    regions = regions_below(scope)
    # A city's supervisor compares its counties: the rates of the one picked (within hers).
    picked = request.GET.get("region", "").strip()
    if picked and covers(scope, picked) and any(r.code == picked for r in regions):
        scope = picked
    return render(request, "web/verdict/board.html", {
        "regions": regions, "scope": scope,
        "rates": department_rates(scope=scope), "windows": window_rates(scope=scope),
        "surveys": surveys_visible(actor=user)[:20],
        "samples": [(sample, evaluation_summary(sample=sample) if sample.imported_at else None)
                    for sample in samples_visible(actor=user)[:20]],
        "waiting": suggestions_for_moderation(actor=user).filter(status="pending").count()})


@login_required
def surveys(request: HttpRequest) -> HttpResponse:
    """The surveys, and the form to build one."""
    user = _supervisor(request)
    typed: Any = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        questions = [
            QuestionInput(kind=post.get(f"kind{n}", ""), text=post.get(f"text{n}", ""),
                          choices=post.get(f"choices{n}", "").replace("／", "/").split("/"))
            for n in range(1, QUESTION_ROWS + 1) if post.get(f"text{n}", "").strip()]
        try:
            survey = survey_create(title=post.get("title", ""), intro=post.get("intro", ""),
                                   questions=questions, actor=user)
        except DomainError as exc:
            messages.error(request, error_text(exc))
            typed, status = post, 400  # the form again, as typed, to correct
        else:
            messages.success(request, _("问卷已保存，请抽样发放"))
            return redirect("web:survey_board", survey_id=survey.pk)
    rows = [{"n": n, "kind": typed.get(f"kind{n}", ""), "text": typed.get(f"text{n}", ""),
             "choices": typed.get(f"choices{n}", "")} for n in range(1, QUESTION_ROWS + 1)]
    return render(request, "web/verdict/surveys.html", {
        "surveys": surveys_visible(actor=user), "rows": rows,
        "kinds": QuestionKind.choices, "typed": typed}, status=status)


@login_required
def survey_board(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _survey_board(request, survey_id, typed={}, status=200)


def _survey_board(request: HttpRequest, survey_id: int, *, typed: Mapping[str, str],
                  status: int) -> HttpResponse:
    user = _supervisor(request)
    survey = survey_get(actor=user, survey_id=survey_id)
    if survey is None:
        raise Http404(_("问卷不存在"))
    return render(request, "web/verdict/survey_board.html", {
        "survey": survey, "questions": survey.questions.all(), "typed": typed,
        "results": survey_results(survey=survey)}, status=status)


@require_POST
@login_required
def survey_send_view(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = _supervisor(request)
    post = request.POST
    try:
        survey_send(survey_id=survey_id, actor=user, size=_size(post.get("size", "")),
                    completed_from=_date(post.get("completed_from", "")),
                    completed_until=_date(post.get("completed_until", "")),
                    seed=post.get("seed", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return _survey_board(request, survey_id, typed=post, status=exc.status)
    messages.success(request, _("问卷已按抽样发放"))
    return redirect("web:survey_board", survey_id=survey_id)


@login_required
def suggestions_board(request: HttpRequest) -> HttpResponse:
    user = _supervisor(request)
    return render(request, "web/verdict/suggestions_board.html",
                  {"rows": suggestions_for_moderation(actor=user)[:200]})


@require_POST
@login_required
def suggestion_action(request: HttpRequest, suggestion_id: int, action: str) -> HttpResponse:
    user = _supervisor(request)
    post = request.POST
    if action in ("publish", "reject"):
        action_report(request, lambda: suggestion_moderate(
            suggestion_id=suggestion_id, actor=user, publish=action == "publish",
            reason=post.get("reason", "")),
            _("建言已公开") if action == "publish" else _("已不予公开"))
    elif action == "reply":
        action_report(request, lambda: suggestion_reply(
            suggestion_id=suggestion_id, actor=user, reply=post.get("reply", "")),
            _("答复已公开"))
    else:
        raise Http404
    return redirect("web:suggestions_board")


@login_required
def evaluations(request: HttpRequest) -> HttpResponse:
    """The evaluation samples, and the form to draw one."""
    user = _supervisor(request)
    typed: Any = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        try:
            sample = evaluation_sample_draw(
                actor=user, title=post.get("title", ""), size=_size(post.get("size", "")),
                completed_from=_date(post.get("completed_from", "")),
                completed_until=_date(post.get("completed_until", "")),
                seed=post.get("seed", ""))
        except DomainError as exc:
            messages.error(request, error_text(exc))
            typed, status = post, 400  # the form again, as typed, to correct
        else:
            messages.success(request, _("样本已抽取"))
            return redirect("web:evaluation", sample_id=sample.pk)
    return render(request, "web/verdict/evaluations.html",
                  {"samples": samples_visible(actor=user), "typed": typed}, status=status)


def _sample(request: HttpRequest, sample_id: int) -> Any:
    sample = samples_visible(actor=_supervisor(request)).filter(pk=sample_id).first()
    if sample is None:
        raise Http404(_("评估样本不存在"))
    return sample


@login_required
def evaluation(request: HttpRequest, sample_id: int) -> HttpResponse:
    sample = _sample(request, sample_id)
    return render(request, "web/verdict/evaluation.html", {
        "sample": sample, "summary": evaluation_summary(sample=sample),
        "results": sample.results.all(),
        "exports": sample.exports.select_related("exported_by"),
        "import_errors": request.session.pop("evaluation_errors", [])})


@require_POST
@login_required
def evaluation_export_view(request: HttpRequest, sample_id: int) -> HttpResponse:
    """The sample as Excel or CSV, for the evaluator; logged with its purpose."""
    user = _supervisor(request)
    sample = _sample(request, sample_id)
    try:
        rows = evaluation_export(sample_id=sample.pk, actor=user,
                                 purpose=request.POST.get("purpose", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("web:evaluation", sample_id=sample.pk)
    if request.POST.get("format") == "csv":
        response = HttpResponse(rows_csv(rows), content_type="text/csv; charset=utf-8")
        extension = "csv"
    else:
        response = HttpResponse(
            rows_xlsx(rows, title=_("评估样本")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        extension = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="evaluation-{sample.pk}.{extension}"'
    return response


@require_POST
@login_required
def evaluation_import_view(request: HttpRequest, sample_id: int) -> HttpResponse:
    """The evaluator's results file: all rows or none; every bad row named."""
    user = _supervisor(request)
    sample = _sample(request, sample_id)
    upload = request.FILES.get("file")
    if upload is None or upload.size is None or upload.size > UPLOAD_MAX:
        messages.error(request, _("请选择不超过 2 MB 的结果文件（.xlsx 或 .csv）"))
        return redirect("web:evaluation", sample_id=sample.pk)
    content = upload.read(UPLOAD_MAX + 1)
    try:
        rows = results_file_read(content=content, filename=upload.name or "")
        stored = evaluation_import(sample_id=sample.pk, actor=user, rows=rows)
    except DomainError as exc:
        request.session["evaluation_errors"] = [str(e) for e in getattr(exc, "errors", {})
                                                .values()]
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已导入 %(n)d 条结果") % {"n": len(stored)})
    return redirect("web:evaluation", sample_id=sample.pk)
