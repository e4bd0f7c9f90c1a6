"""The citizen portal (一网通办): apply online with one merged form, drafts, the one-time
notice on screen, and "my applications" with timeline, delivery, results and rating."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.applications.constants import (
    ApplicantKind,
    ApplicationStatus,
    CaseStatus,
    DeliveryMethod,
    MaterialStatus,
)
from onevisit.applications.models import Application, ApplicationDraft, Case
from onevisit.applications.selectors import (
    application_detail,
    application_status_words,
    applications_visible_to,
    draft_latest,
    drafts_open,
    materials_asked,
    materials_awaiting_source,
    notices_open,
)
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Subject,
    application_delivery_change,
    application_supplement,
    draft_delete,
    draft_get,
    draft_save,
    draft_submit,
    fetch_preview,
    stages_skipped,
    subject_resolve,
)
from onevisit.applications.services.credit import CreditOptions, credit_options
from onevisit.catalogue.constants import LimitUnit
from onevisit.catalogue.selectors import evidence_type_names
from onevisit.certificates.constants import CertificateKind
from onevisit.errors import DomainError, InvalidInput
from onevisit.exchange.models import AccessLog
from onevisit.exchange.selectors import access_log_for_application, access_log_for_subject
from onevisit.exchange.sources import source_name
from onevisit.feedback.models import Reason, Score
from onevisit.feedback.selectors import rating_of, rectifications_of_application
from onevisit.feedback.services import RATABLE_STATUSES, rating_submit
from onevisit.web.context import waiting_for
from onevisit.web.merged_form import (
    applicant_values,
    delivery_choice,
    delivery_values,
    field_values,
    form_context,
    uploads_read,
)
from onevisit.web.outcomes import action_report, error_text
from onevisit.workdays.calendar import time_remaining
from onevisit.workflow.selectors import cases_awaiting_second_review
from onevisit.workflow.services import tolerated_material_supply


def _citizen(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.CITIZEN:
        raise PermissionDenied(_("只有办事群众和企业能在网上申请"))
    return user


# Applying online ---------------------------------------------------------------------

def _form_context(subject: Subject, *, draft: ApplicationDraft | None, consent: bool = False,
                  tolerated: Iterable[str] = (), commitment: Iterable[str] = (),
                  **kwargs: Any) -> dict[str, Any]:
    context = form_context(subject, uploaded=draft.uploads if draft else None, **kwargs)
    context["draft"] = draft
    context["fetch_preview"] = fetch_preview(subject)
    context["consent"] = consent
    context["credit"] = _credit_for(subject, kwargs.get("applicant") or {})
    context["tolerated_chosen"] = set(tolerated)
    context["commitment_chosen"] = set(commitment)
    return context


def _credit_for(subject: Subject, applicant: dict[str, Any]) -> CreditOptions | None:
    """What the applicant's credit tier offers (容缺, 告知承诺), for the form to show."""
    id_number = str(applicant.get("id_number") or "").strip().upper()
    if not id_number:
        return None
    return credit_options(id_number=id_number, region_id=str(subject.region_id))


def _account_values(user: Any, subject: Subject) -> dict[str, str]:
    """What the form can take from the applicant's own account."""
    known = {"applicant_id_number": user.id_number, "applicant_name": user.get_full_name(),
             "applicant_phone": user.phone, "phone": user.phone}
    return {f.key: known[f.key] for f in subject.fields if known.get(f.key)}


@login_required
def apply(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The merged form of an item or a life event: save as a draft, resume, submit."""
    user = _citizen(request)
    try:
        subject = subject_resolve(item_code=code if kind == "items" else None,
                                  life_event_code=code if kind == "life-events" else None)
    except DomainError as exc:
        raise Http404(error_text(exc)) from exc
    draft_id = request.POST.get("draft") or request.GET.get("draft")
    try:
        draft = draft_get(draft_id=int(draft_id), actor=user) if draft_id else None
    except (ValueError, DomainError) as exc:
        raise Http404(_("草稿不存在")) from exc
    if draft is not None and draft.application is not None:
        return redirect("web:my_application", number=draft.application.number)
    if draft is None and request.method != "POST":
        # The guide's 在线申请 resumes the draft of the same item or life event.
        earlier = draft_latest(owner=user, item_code=code if kind == "items" else "",
                               life_event_code=code if kind == "life-events" else "")
        if earlier is not None:
            messages.info(request, _("已为您打开上次保存的草稿，可以继续填写"))
            return redirect(f"{request.path}?draft={earlier.pk}")
    if request.method != "POST":
        return render(request, "web/portal/apply.html", _form_context(
            subject, values=draft.data if draft else _account_values(user, subject),
            applicant=draft.applicant if draft else {
                "kind": ApplicantKind.PERSON, "name": user.get_full_name() or user.first_name,
                "id_number": user.id_number},
            delivery=draft.delivery if draft else {"method": DeliveryMethod.DOWNLOAD},
            draft=draft, errors={}, message=""))
    post = request.POST
    values = field_values(post, subject)
    applicant = applicant_values(post)
    delivery = delivery_values(post)
    consent = post.get("consent") == "1"
    try:
        draft = draft_save(
            actor=user, subject=subject, data=values, applicant=Applicant(**applicant),
            delivery=DeliveryChoice(**delivery), uploads=uploads_read(request),
            draft_id=draft.pk if draft else None,
        )
        if post.get("action") != "submit":
            messages.success(request, _("草稿已保存，可以随时回来继续填写"))
            return redirect(f"{request.path}?draft={draft.pk}")
        filing = draft_submit(draft_id=draft.pk, actor=user, consent=consent,
                              tolerated=post.getlist("tolerated"),
                              commitment=post.getlist("commitment"))
    except InvalidInput as exc:
        return render(request, "web/portal/apply.html", _form_context(
            subject, values=values, applicant=applicant, delivery=delivery, draft=draft,
            consent=consent, errors=exc.errors, message=error_text(exc),
            tolerated=post.getlist("tolerated"), commitment=post.getlist("commitment")),
            status=422)
    except DomainError as exc:
        return render(request, "web/portal/apply.html", _form_context(
            subject, values=values, applicant=applicant, delivery=delivery, draft=draft,
            consent=consent, errors={}, message=error_text(exc)), status=exc.status)
    number = filing.application.number if filing else draft.application.number  # type: ignore[union-attr]
    return redirect("web:my_application", number=number)


@require_POST
@login_required
def draft_discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    try:
        draft_delete(draft_id=draft_id, actor=_citizen(request))
    except DomainError as exc:
        raise Http404(error_text(exc)) from exc
    messages.success(request, _("草稿已删除"))
    return redirect("web:my_applications")


# My applications ---------------------------------------------------------------------

@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    applications = applications_visible_to(user=user).select_related("rating").annotate(
        partly=Exists(Case.objects.filter(application=OuterRef("pk"),
                                          status=CaseStatus.REJECTED)))[:200]
    drafts = drafts_open(owner=user)
    waiting = waiting_for(user)
    return render(request, "web/portal/my_applications.html", {
        "applications": [(a, waiting.get(a.number, "")) for a in applications],
        "waiting": [(a, waiting[a.number]) for a in applications if a.number in waiting],
        "drafts": drafts})


@dataclass(frozen=True)
class Moment:
    at: dt.datetime
    text: str
    who: str = ""


def deadline_words(case: Case, now: dt.datetime) -> str:
    """The state of a case's clock as a person would say it."""
    if case.status in (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.CANCELLED):
        return _("已于 %(day)s 办结") % {
            "day": f"{timezone.localtime(case.decided_at):%Y-%m-%d}"} if case.decided_at else ""
    if case.status == CaseStatus.WAITING:
        return _("等前置环节办完后开始计时")
    if case.status == CaseStatus.CORRECTION:
        return _("等您补正材料，办理时限暂停（%(left)s）") % {
            "left": _time_left(case.remaining or 0, case.item.limit_unit)}
    if case.status == CaseStatus.AWAITING_PAYMENT:
        return _("等您缴纳税费，办理时限暂停（%(left)s）") % {
            "left": _time_left(case.remaining or 0, case.item.limit_unit)}
    if case.due_at is None:
        return ""
    due = f"{timezone.localtime(case.due_at):%Y-%m-%d %H:%M}"
    if case.due_at < now:
        return _("已超过承诺时限（应于 %(due)s 前办结），已转电子监察督办") % {"due": due}
    left = time_remaining(now=now, due_at=case.due_at, unit=case.item.limit_unit)
    return _("%(left)s，%(due)s 前办结") % {
        "left": _time_left(left, case.item.limit_unit), "due": due}


def _time_left(n: int, unit: str) -> str:
    if unit == LimitUnit.MINUTES:
        return ngettext("还剩 %(n)d 分钟（按工作时间计算）", "还剩 %(n)d 分钟（按工作时间计算）",
                        n) % {"n": n}
    return ngettext("还剩 %(n)d 个工作日", "还剩 %(n)d 个工作日", n) % {"n": n}


def _timeline(application: Application) -> list[Moment]:
    moments = [Moment(c.at, str(c.get_status_display()))
               for c in application.status_changes.all()]
    for case in application.cases.all():
        moments += [Moment(c.at, f"{case.department.name}：{c.get_status_display()}",
                           c.note) for c in case.status_changes.all()
                    if c.status != CaseStatus.WAITING]
    moments += [Moment(n.issued_at, _("出具%(kind)s %(number)s") % {
        "kind": n.get_kind_display(), "number": n.number}) for n in application.notices.all()]
    moments += [Moment(v.occurred_at, _("到大厅办事（第 %(n)s 次跑动）") % {"n": index})
                for index, v in enumerate(application.visits.all(), start=1)]
    delivery = getattr(application, "delivery", None)
    if delivery is not None:
        moments += [Moment(e.at, _("送达：%(kind)s %(note)s") % {
            "kind": _DELIVERY_EVENTS.get(e.kind, e.kind), "note": e.note})
            for e in delivery.events.all()]
    return sorted(moments, key=lambda m: m.at)


_DELIVERY_EVENTS = {
    "ready": gettext_lazy("结果已生成"), "booked": gettext_lazy("已预约快递"),
    "dispatched": gettext_lazy("已交快递"), "delivered": gettext_lazy("快递已签收"),
    "picked_up": gettext_lazy("已在窗口领取"), "downloaded": gettext_lazy("已下载"),
}


def _next_step(application: Application) -> str:
    if materials_awaiting_source(application):
        return _("部分材料正在向持有部门获取，系统自动重试，获取后自动完成受理检查；"
                 "您也可以直接上传这些材料")
    if application.status == ApplicationStatus.NEEDS_SUPPLEMENT:
        return _("请按一次性告知书补齐下列材料，补齐后自动受理，无需到大厅")
    if any(c.status == CaseStatus.CORRECTION for c in application.cases.all()):
        return _("审批部门请您补正材料，请在下方上传，时限在补正期间暂停")
    if any(c.status == CaseStatus.AWAITING_PAYMENT and c.paid_at is None
           for c in application.cases.all()):
        return _("请缴纳应缴的税费（见下方明细），可在网上缴纳，缴清后各部门继续办理")
    if application.status == ApplicationStatus.ACCEPTED and any(
            m.status == MaterialStatus.TOLERATED for m in application.materials.all()):
        return _("请在期限内补交容缺受理的材料；补交前办理结果暂缓出具")
    if application.status == ApplicationStatus.ACCEPTED:
        return _("已受理，各部门正在办理，无需您再做什么")
    if application.status == ApplicationStatus.COMPLETED:
        return _("已办结，请下载或查收办理结果，并对本次服务作出评价")
    if application.status == ApplicationStatus.REJECTED:
        return _("不予许可，决定书（含理由、依据和复议、诉讼途径）见下方；可以对本次服务作出评价")
    return ""


def _own_application(request: HttpRequest, number: str) -> tuple[Any, Application]:
    user = _citizen(request)
    application = application_detail(user=user, number=number)
    if application is None:
        raise Http404(_("办件 %(number)s 不存在") % {"number": number})
    return user, application


def _case_rows(application: Application, now: dt.datetime) -> list[tuple[Case, str, str]]:
    """Each department's case: its status as the applicant should read it, and its time."""
    cases = list(application.cases.all())
    second = cases_awaiting_second_review(case.pk for case in cases)
    return [(case, _("初审同意，待复核") if case.pk in second else case.get_status_display(),
             deadline_words(case, now)) for case in cases]


@login_required
def my_application(request: HttpRequest, number: str) -> HttpResponse:
    _user, application = _own_application(request, number)
    now = clock.now()
    rating = rating_of(application=application)
    return render(request, "web/portal/application.html", {
        "application": application, "next_step": _next_step(application),
        "status_words": application_status_words(application),
        "waiting": waiting_for(_user).get(application.number, ""),
        "cases": _case_rows(application, now),
        "skipped": stages_skipped(application),
        "timeline": _timeline(application),
        "asked": materials_asked(application),
        "awaiting": materials_awaiting_source(application),
        "open_notices": notices_open(application),
        "delivery": getattr(application, "delivery", None),
        "delivery_methods": DeliveryMethod.choices,
        "delivery_open": application.status not in (ApplicationStatus.COMPLETED,
                                                    ApplicationStatus.REJECTED),
        "rating": rating, "ratable": rating is None and application.status in RATABLE_STATUSES,
        "scores": Score.choices, "reasons": Reason.choices,
        "rectifications": rectifications_of_application(application=application),
        "access_log": _access_rows(access_log_for_application(application_number=number)),
        "refusals": [c for c in application.cases.all() if c.status == CaseStatus.REJECTED],
        "results": [c for c in application.certificates.all()
                    if c.kind == CertificateKind.RESULT],
        "decisions": [c for c in application.certificates.all()
                      if c.kind == CertificateKind.REFUSAL],
        "tolerated": [m for m in application.materials.all() if m.tolerated_missing],
        "tolerated_waiting": [m for m in application.materials.all()
                              if m.status == MaterialStatus.TOLERATED],
        "committed": [m for m in application.materials.all()
                      if m.status == MaterialStatus.COMMITTED],
    })


def _post_action(request: HttpRequest, number: str, action: Any, done: str) -> HttpResponse:
    action_report(request, action, done)
    return redirect("web:my_application", number=number)


@require_POST
@login_required
def my_supplement(request: HttpRequest, number: str) -> HttpResponse:
    user, _application = _own_application(request, number)
    uploads = uploads_read(request)
    return _post_action(
        request, number,
        lambda: application_supplement(number=number, uploads=uploads, actor=user),
        _("材料已提交"))


@require_POST
@login_required
def my_tolerated_supply(request: HttpRequest, number: str) -> HttpResponse:
    """Supply a material accepted under 容缺; the withheld result follows."""
    user, _application = _own_application(request, number)
    uploads = uploads_read(request)
    return _post_action(
        request, number,
        lambda: tolerated_material_supply(number=number, uploads=uploads, actor=user),
        _("容缺材料已补交"))


@require_POST
@login_required
def my_delivery(request: HttpRequest, number: str) -> HttpResponse:
    user, _application = _own_application(request, number)
    choice = delivery_choice(request.POST)
    return _post_action(
        request, number,
        lambda: application_delivery_change(number=number, delivery=choice, actor=user),
        _("送达方式已更新"))


@require_POST
@login_required
def my_rating(request: HttpRequest, number: str) -> HttpResponse:
    user, _application = _own_application(request, number)
    post = request.POST
    try:
        score = int(post.get("score", ""))
    except ValueError:
        score = 0
    return _post_action(
        request, number,
        lambda: rating_submit(number=number, score=score, reasons=post.getlist("reasons"),
                              comment=post.get("comment", ""), actor=user),
        _("感谢您的评价"))


@login_required
def my_access_log(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    rows = access_log_for_subject(subject=user.id_number)[:500] if user.id_number else []
    return render(request, "web/portal/access_log.html", {"rows": _access_rows(rows)})


def _access_rows(rows: Iterable[AccessLog]) -> list[tuple[AccessLog, str, str]]:
    """Each read with the names of its source and of what was read."""
    names = evidence_type_names() | {"id_number": _("证件号码"), "material": _("您提交的申请材料"),
                                     "applicant": _("以您的名义提交申请")}
    sources = {"onevisit": _("本平台")}
    return [(row, sources.get(row.source) or source_name(row.source),
             "、".join(names.get(code, code) for code in row.evidence_type.split(",")))
            for row in rows]
