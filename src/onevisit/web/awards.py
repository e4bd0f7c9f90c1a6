"""Pages of 公共管理创新案例评选 (docs/awards.md). The organisers' staff (案例评选工作人员):
their calls, a new call, and a call's page through its rounds — settings, cases, the
expert pool and its conflicts, the committed draw and its verification, the score sheets'
progress and statistics, the site visits, the panel's votes, the result by tier and the
sealed notice. Submitting units (any staff account of a department): submit a case and
see their own. Experts (评审专家): their drawn cases, blind, and a score sheet each. The
public: the published results by tier, the notice and its verification. Every write goes
through the awards services; no individual expert's score is ever shown in public."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onevisit import clock
from onevisit.accounts.models import Department, Region, RegionLevel, Role, User
from onevisit.accounts.regions import scope_of
from onevisit.applications.services.inputs import Upload
from onevisit.awards import selectors, services
from onevisit.awards.constants import (
    ALLOWED_TRANSITIONS,
    CASE_TIERS,
    DECLARED_REASONS,
    DEFAULT_QUOTAS,
    DEFAULT_WEIGHTS,
    SCORE_MAX,
    SCORE_MIN,
    CallStatus,
    ConflictReason,
    Criterion,
    Recommendation,
    Tier,
)
from onevisit.awards.models import AwardCall, AwardCase, DeclaredConflict, Expert
from onevisit.awards.notice import notice_context
from onevisit.errors import DomainError, NotAllowed, NotFound
from onevisit.inspection.draw import canonical
from onevisit.web.outcomes import action_report, error_text
from onevisit.web.workbench_materials import EXTENSIONS

# ------------------------------------------------------------------ helpers


def _number(value: str) -> int:
    """A whole number typed in a form; -1 when it is not one, which every service refuses
    with its own reason (so a bad number is named with every other problem)."""
    text = (value or "").strip()
    return int(text) if text.isdigit() else -1


def _date(value: str) -> Any:
    """A date typed in a form, or None: the service names a missing or bad date."""
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _moment(value: str, *, end: bool) -> Any:
    """The start (or the end) of a typed day in the site's time zone, or None."""
    day = _date(value)
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59) if end
                                                   else dt.time(0, 0)))


def _organiser(request: HttpRequest) -> Any:
    user = request.user
    if not selectors.actor_is_awards_staff(user):
        raise PermissionDenied(_("只有案例评选工作人员能管理评选活动"))
    return user


def _call_of_organiser(user: Any, call_id: int) -> AwardCall:
    """A call its organisers' staff manage; any other call is not found."""
    try:
        call = selectors.call_get(call_id=call_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if not selectors.actor_organises(user, call):
        raise Http404(_("评选活动不存在"))
    return call


def _expert(request: HttpRequest) -> Expert:
    expert = selectors.expert_of(request.user)
    if expert is None:
        raise PermissionDenied(_("只有专家库中的评审专家能评审案例"))
    return expert


def _organiser_departments(user: Any) -> list[Department]:
    """The departments that may organise a call of this person: her region's own."""
    scope = scope_of(user)
    return list(Department.objects.filter(region_id=scope or "33").order_by("code"))


# ------------------------------------------------------------------ organisers


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    return _calls_page(request, _organiser(request))


def _form(typed: Any = None, call: AwardCall | None = None) -> dict[str, Any]:
    """The call form's values: what was typed in a refused post, else the call's own
    (editing a draft), else the defaults (a new call)."""
    if typed:
        values: dict[str, Any] = {key: typed.get(key, "") for key in (
            "edition", "year", "title", "theme", "guidance_units", "opens_on", "closes_on",
            "experts_per_case", "shortlist_size")}
        values["organisers"] = typed.getlist("organisers")
        weights = {c: typed.get(f"weight_{c}", "") for c in Criterion.values}
        quotas = {t: typed.get(f"quota_{t}", "") for t in Tier.values}
    elif call is not None:
        values = {"title": call.title, "theme": call.theme,
                  "guidance_units": call.guidance_units,
                  "opens_on": f"{timezone.localtime(call.opens_at):%Y-%m-%d}",
                  "closes_on": f"{timezone.localtime(call.closes_at):%Y-%m-%d}",
                  "experts_per_case": call.experts_per_case,
                  "shortlist_size": call.shortlist_size,
                  "organisers": [d.code for d in selectors.call_organisers(call=call)]}
        weights, quotas = dict(call.weights), dict(call.quotas)
    else:
        values = {"experts_per_case": 3, "organisers": []}
        weights, quotas = dict(DEFAULT_WEIGHTS), dict(DEFAULT_QUOTAS)
    values["weights"] = [(c.value, c.label, weights.get(c.value, "")) for c in Criterion]
    values["quotas"] = [(t.value, t.label, quotas.get(t.value, "")) for t in Tier]
    return values


def _calls_page(request: HttpRequest, user: Any, *, typed: Any = None,
                status: int = 200) -> HttpResponse:
    """The calls and the new-call form; a refused post fills the form again."""
    return render(request, "web/awards/calls.html", {
        # The calls she organises: another department's call is not hers to open.
        "calls": [c for c in selectors.calls_visible(actor=user)[:200]
                  if selectors.actor_organises(user, c)],
        "departments": _organiser_departments(user), "form": _form(typed),
    }, status=status)


def _definition(post: Any) -> dict[str, Any]:
    """A call's definition as the form posts it (the services name every bad value)."""
    return {
        "title": post.get("title", ""), "organiser_codes": post.getlist("organisers"),
        "guidance_units": post.get("guidance_units", ""), "theme": post.get("theme", ""),
        "weights": {c: post.get(f"weight_{c}", "") for c in Criterion.values},
        "quotas": {t: post.get(f"quota_{t}", "") for t in Tier.values},
        "opens_at": _moment(post.get("opens_on", ""), end=False),
        "closes_at": _moment(post.get("closes_on", ""), end=True),
        "experts_per_case": _number(post.get("experts_per_case", "")),
        "shortlist_size": _number(post.get("shortlist_size", "")),
    }


@require_POST
@login_required
def call_new(request: HttpRequest) -> HttpResponse:
    user = _organiser(request)
    post = request.POST
    try:
        call = services.call_create(
            actor=user, edition=_number(post.get("edition", "")),
            year=_number(post.get("year", "")), region_code=scope_of(user) or "33",
            **_definition(post))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return _calls_page(request, user, typed=post, status=400)
    messages.success(request, _("已草拟评选活动“%(title)s”") % {"title": call.title})
    return redirect("web:awards_call", call_id=call.pk)


def _pool(experts: list[Expert], cases: list[AwardCase]) -> list[dict[str, Any]]:
    """The expert pool, each expert with the cases he must not review (derived and
    declared conflicts) and the conflicts declared."""
    pairs = selectors.conflict_pairs(experts=experts, cases=cases)
    number = {c.pk: c.number for c in cases}
    declared: dict[int, list[DeclaredConflict]] = {}
    for conflict in (DeclaredConflict.objects.filter(expert__in=experts)
                     .select_related("case", "department")):
        declared.setdefault(conflict.expert_id, []).append(conflict)
    return [{"expert": e, "cases": sorted(number[c] for x, c in pairs if x == e.pk),
             "declared": declared.get(e.pk, [])} for e in experts]


def _chart(experts: list[selectors.ExpertStat],
           criteria: list[selectors.CriterionStat]) -> dict[str, Any]:
    return {
        "experts": [{"name": s.expert.name, "leniency": s.leniency} for s in experts],
        "criteria": [{"name": s.label, "mean": s.mean, "sd": s.sd} for s in criteria],
    }


@login_required
def call_page(request: HttpRequest, call_id: int) -> HttpResponse:
    user = _organiser(request)
    return _call_page(request, user, _call_of_organiser(user, call_id))


@require_POST
@login_required
def call_settings(request: HttpRequest, call_id: int) -> HttpResponse:
    """A draft call's settings; a refused post keeps what was typed."""
    user = _organiser(request)
    call = _call_of_organiser(user, call_id)
    try:
        services.call_update(actor=user, call=call, **_definition(request.POST))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return _call_page(request, user, call, typed=request.POST, status=400)
    messages.success(request, _("已保存评选活动的设置"))
    return redirect("web:awards_call", call_id=call.pk)


def _call_page(request: HttpRequest, user: Any, call: AwardCall, *, typed: Any = None,
               status: int = 200) -> HttpResponse:
    cases = list(selectors.cases_of_call(actor=user, call=call)
                 .prefetch_related("assignments__expert", "assignments__sheet", "attachments"))
    experts = list(Expert.objects.select_related("region", "department").order_by("id"))
    draw = selectors.draw_public(call=call)
    sheets_total = sum(len(c.assignments.all()) for c in cases)
    sheets_done = sum(1 for c in cases for a in c.assignments.all()
                      if getattr(a, "sheet", None) is not None)
    expert_figures = selectors.expert_stats(call=call)
    criterion_figures = selectors.criterion_stats(call=call)
    stage = call.status
    published = stage == CallStatus.PUBLISHED
    result_preview = (selectors.call_result_compute(call=call)
                      if stage == CallStatus.SELECTION else [])
    titles = {c.number: c for c in cases}
    return render(request, "web/awards/call.html", {
        "call": call, "organisers": selectors.call_organisers(call=call),
        "weights": [(c.label, call.weights.get(c.value, 0)) for c in Criterion],
        "quotas": [(t.label, call.quotas.get(t.value, 0)) for t in Tier],
        "next": [(s.replace("_", "-"), CallStatus(s).label) for s in CallStatus.values
                 if s in ALLOWED_TRANSITIONS.get(stage, set())
                 and s != CallStatus.PUBLISHED],
        "cases": cases, "experts": experts, "pool": _pool(experts, cases),
        "reasons": [(r, ConflictReason(r).label) for r in DECLARED_REASONS],
        "draw": draw,
        "verified": selectors.draw_verify(call=call) if draw and draw.seed else None,
        "sheets_total": sheets_total, "sheets_done": sheets_done,
        "ranking": selectors.case_ranking(call=call),
        "expert_stats": [(s, [(o, Criterion(o.criterion).label) for o in s.outliers])
                         for s in expert_figures],
        "criterion_stats": criterion_figures,
        "spread": selectors.case_spread(call=call),
        "chart": _chart(expert_figures, criterion_figures),
        "chart_labels": {"leniency": _("宽严度（与其他专家评分之差）"), "mean": _("平均分"),
                         "sd": _("标准差")},
        "shortlist": selectors.shortlist(call=call),
        "recommendations": Recommendation.choices,
        "votes": list(call.votes.select_related("case").order_by("tier", "id")),
        "case_tiers": [(t, Tier(t).label) for t in CASE_TIERS],
        "result_preview": [(Tier(p.tier).label, p.position, p.unit_name,
                            titles.get(p.case or "")) for p in result_preview],
        "result": selectors.awards_by_tier(call=call) if published else [],
        "result_checked": selectors.call_result_check(call=call) if published else None,
        "notice": getattr(call, "notice", None) if published else None,
        "today": timezone.localdate(clock.now()),
        "form": _form(typed, call) if call.status == CallStatus.DRAFT else None,
        "settings_refused": typed is not None,
        "departments": _organiser_departments(user) if call.status == CallStatus.DRAFT else [],
    }, status=status)


def _case_of(call: AwardCall, value: str) -> AwardCase | None:
    number = _number(value)
    return call.cases.filter(pk=number).first() if number > 0 else None


# A call's action: from the organiser, the call and the post, the service to run and
# the message to leave when it succeeds.
Action = Callable[[Any, AwardCall, Any], tuple[Callable[[], Any], str]]


def _moved(to: str) -> Action:
    def move(user: Any, call: AwardCall, post: Any) -> tuple[Callable[[], Any], str]:
        return (lambda: services.call_transition(actor=user, call=call, to=to,
                                                 note=post.get("note", "")),
                _("评选活动已进入“%(status)s”阶段") % {"status": CallStatus(to).label})
    return move


# The stages an organiser moves a call to by hand; publication has its own action.
ACTIONS: dict[str, Action] = {
    status.replace("_", "-"): _moved(status)
    for status in (CallStatus.OPEN, CallStatus.PRELIMINARY, CallStatus.SITE_VISIT,
                   CallStatus.SELECTION)
}


def _action(name: str) -> Callable[[Action], Action]:
    def register(function: Action) -> Action:
        ACTIONS[name] = function
        return function
    return register


@_action("publish")
def _publish(user: Any, call: AwardCall, post: Any) -> tuple[Callable[[], Any], str]:
    return (lambda: services.call_publish(actor=user, call=call,
                                          notice_date=_date(post.get("notice_date", ""))),
            _("已公布评选结果并签发通报"))


@_action("draw-commit")
def _draw_commit(user: Any, call: AwardCall, post: Any) -> tuple[Callable[[], Any], str]:
    return (lambda: services.review_draw_commit(actor=user, call=call),
            _("已公示抽取参数和种子承诺值"))


@_action("draw-run")
def _draw_run(user: Any, call: AwardCall, post: Any) -> tuple[Callable[[], Any], str]:
    return (lambda: services.review_draw_run(actor=user, call=call),
            _("已抽取初评专家；种子在专家初评结束时公开"))


@_action("visit")
def _visit(user: Any, call: AwardCall, post: Any) -> tuple[Callable[[], Any], str]:
    case = _case_of(call, post.get("case", ""))
    if case is None:
        raise Http404(_("参评案例不存在"))
    return (lambda: services.visit_record(
        actor=user, case=case, visited_on=_date(post.get("visited_on", "")),
        members=post.get("members", ""), findings=post.get("findings", ""),
        recommendation=post.get("recommendation", "")),
        _("已登记案例 %(number)s 的实地考察报告") % {"number": case.number})


@_action("panel")
def _panel(user: Any, call: AwardCall, post: Any) -> tuple[Callable[[], Any], str]:
    return (lambda: services.panel_record(
        actor=user, call=call, panel_date=_date(post.get("panel_date", "")),
        panel_members=post.get("panel_members", "")), _("已登记综合评选委员会"))


@_action("vote")
def _vote(user: Any, call: AwardCall, post: Any) -> tuple[Callable[[], Any], str]:
    tier = post.get("tier", "")
    case = _case_of(call, post.get("case", "")) if tier != Tier.ORGANISING else None
    return (lambda: services.vote_record(
        actor=user, call=call, tier=tier, case=case, unit_name=post.get("unit_name", ""),
        votes_for=_number(post.get("votes_for", "")),
        votes_against=_number(post.get("votes_against", "")),
        votes_abstain=_number(post.get("votes_abstain", ""))), _("已登记表决结果"))


@_action("conflict")
def _conflict(user: Any, call: AwardCall, post: Any) -> tuple[Callable[[], Any], str]:
    expert = Expert.objects.filter(pk=_number(post.get("expert", ""))).first()
    if expert is None:
        raise Http404(_("评审专家不存在"))
    case = _case_of(call, post.get("case", ""))
    return (lambda: services.conflict_declare(
        actor=user, expert=expert, reason=post.get("reason", ""), note=post.get("note", ""),
        case=case, unit_name="" if case else post.get("unit_name", "")),
        _("已登记%(name)s的回避关系") % {"name": expert.name})


@require_POST
@login_required
def call_action(request: HttpRequest, call_id: int, action: str) -> HttpResponse:
    user = _organiser(request)
    call = _call_of_organiser(user, call_id)
    if action not in ACTIONS:
        raise Http404(_("未知的操作"))
    service, done = ACTIONS[action](user, call, request.POST)
    action_report(request, service, done)
    anchor = {"visit": "#visits", "panel": "#selection", "vote": "#selection",
              "conflict": "#experts"}.get(action, "")
    return redirect(reverse("web:awards_call", args=[call.pk]) + anchor)


@login_required
def experts(request: HttpRequest) -> HttpResponse:
    return _experts_page(request, _organiser(request))


def _experts_page(request: HttpRequest, user: Any, *, typed: Any = None,
                  status: int = 200) -> HttpResponse:
    """The expert pool (专家库): who is in it, taking one out or back, and putting an
    expert account in; a refused registration keeps what was typed."""
    return render(request, "web/awards/experts.html", {
        "experts": list(Expert.objects.select_related("user", "region", "department")
                        .order_by("id")),
        "accounts": list(User.objects.filter(role=Role.EXPERT, award_expert__isnull=True)
                         .order_by("username")),
        "regions": list(Region.objects.filter(
            level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY],
            code__startswith=scope_of(user)).order_by("code")),
        "departments": list(Department.objects.select_related("region").order_by("code")),
        "typed": typed or {},
    }, status=status)


@require_POST
@login_required
def expert_new(request: HttpRequest) -> HttpResponse:
    user = _organiser(request)
    post = request.POST
    account = User.objects.filter(pk=_number(post.get("user", "")), role=Role.EXPERT).first()
    try:
        expert = services.expert_register(
            actor=user, user=account, name=post.get("name", ""),
            affiliation=post.get("affiliation", ""),
            department_code=post.get("department", ""), region_code=post.get("region", ""),
            local_official=post.get("local_official") == "1", field=post.get("field", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return _experts_page(request, user, typed=post, status=400)
    messages.success(request, _("%(name)s已入专家库") % {"name": expert.name})
    return redirect("web:awards_experts")


@require_POST
@login_required
def expert_active(request: HttpRequest, expert_id: int) -> HttpResponse:
    user = _organiser(request)
    expert = Expert.objects.filter(pk=expert_id).first()
    if expert is None:
        raise Http404(_("评审专家不存在"))
    active = request.POST.get("active") == "1"
    action_report(request, lambda: services.expert_set_active(actor=user, expert=expert,
                                                             active=active),
                  _("%(name)s已回到专家库") % {"name": expert.name} if active
                  else _("%(name)s已出库，不再参加新的抽取") % {"name": expert.name})
    return redirect("web:awards_experts")


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


@require_POST
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


# ------------------------------------------------------------------ experts


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """The expert's drawn cases, by number and title only (blind)."""
    expert = _expert(request)
    return render(request, "web/awards/reviews.html", {
        "expert": expert,
        "assignments": list(selectors.assignments_of(expert=expert)[:500]),
    })


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


# ------------------------------------------------------------------ public pages


def public_calls(request: HttpRequest) -> HttpResponse:
    return render(request, "web/awards/public_calls.html",
                  {"calls": list(selectors.calls_public()[:100])})


def _public_call(call_id: int) -> AwardCall:
    call = selectors.calls_public().filter(pk=call_id).first()
    if call is None:
        raise Http404(_("评选活动不存在"))
    return call


def public_call(request: HttpRequest, call_id: int) -> HttpResponse:
    """A call as the public sees it: its criteria and weights, the rounds, the draw's
    commitment (and, once the preliminary review closed, its seed and verification),
    and once published the result by tier with the notice. No expert's score is shown."""
    call = _public_call(call_id)
    published = call.status == CallStatus.PUBLISHED
    draw = selectors.draw_public(call=call)
    return render(request, "web/awards/public_call.html", {
        "call": call, "organisers": selectors.call_organisers(call=call),
        "weights": [(c.label, call.weights.get(c.value, 0)) for c in Criterion],
        "quotas": [(t.label, call.quotas.get(t.value, 0)) for t in Tier],
        "guidance": [g.strip() for g in call.guidance_units.splitlines() if g.strip()],
        "case_count": call.cases.count(), "draw": draw,
        "verified": selectors.draw_verify(call=call) if draw and draw.seed else None,
        "notice": notice_context(call) if published else None,
        "verification_code": call.notice.verification_code if published else "",
    })


def public_parameters(request: HttpRequest, call_id: int) -> HttpResponse:
    """The draw's parameters exactly as hashed, once the seed is revealed: `sha256sum` of
    this file is the published hash, and with the seed anyone can redraw."""
    draw = selectors.draw_public(call=_public_call(call_id))
    if draw is None or draw.parameters is None:
        raise Http404(_("抽取参数在专家初评结束时公开"))
    response = HttpResponse(canonical(draw.parameters),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="award-{call_id}-parameters.json"'
    return response


def notice_download(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _public_call(call_id)
    if call.status != CallStatus.PUBLISHED:
        raise Http404(_("评选结果尚未公布"))
    notice = call.notice
    response = HttpResponse(services.notice_pdf(notice=notice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{call.edition}.pdf"'
    return response


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """The notice's online check: the code printed on it finds the notice on record."""
    code = code or request.GET.get("code", "")
    notice = selectors.notice_by_code(code=code) if code else None
    return render(request, "web/awards/verify.html", {
        "code": code, "notice": notice,
    }, status=404 if code and notice is None else 200)


urlpatterns = [
    path("awards/", public_calls, name="awards"),
    path("awards/verify/", verify, name="awards_verify"),
    path("awards/verify/<str:code>/", verify, name="awards_verify_code"),
    path("awards/<int:call_id>/", public_call, name="awards_public"),
    path("awards/<int:call_id>/notice.pdf", notice_download, name="awards_notice"),
    path("awards/<int:call_id>/parameters.json", public_parameters,
         name="awards_parameters"),
    path("workbench/awards/", calls, name="awards_calls"),
    path("workbench/awards/new/", call_new, name="awards_call_new"),
    path("workbench/awards/experts/", experts, name="awards_experts"),
    path("workbench/awards/experts/new/", expert_new, name="awards_expert_new"),
    path("workbench/awards/experts/<int:expert_id>/active/", expert_active,
         name="awards_expert_active"),
    path("workbench/awards/submit/", submit, name="awards_submit"),
    path("workbench/awards/submit/case/", submit_case, name="awards_submit_case"),
    path("workbench/awards/attachments/<int:attachment_id>/", attachment,
         name="awards_attachment"),
    path("workbench/awards/reviews/", reviews, name="awards_reviews"),
    path("workbench/awards/reviews/<int:case_id>/", sheet, name="awards_sheet"),
    path("workbench/awards/<int:call_id>/", call_page, name="awards_call"),
    path("workbench/awards/<int:call_id>/settings/", call_settings, name="awards_settings"),
    path("workbench/awards/<int:call_id>/<slug:action>/", call_action,
         name="awards_action"),
]
