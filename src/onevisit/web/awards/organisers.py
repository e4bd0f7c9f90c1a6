"""The organisers' pages: calls, a call's rounds and its actions, the expert pool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Department, Region, RegionLevel, Role, User
from onevisit.accounts.regions import scope_of
from onevisit.awards import selectors, services
from onevisit.awards.constants import (
    ALLOWED_TRANSITIONS,
    CASE_TIERS,
    DECLARED_REASONS,
    DEFAULT_QUOTAS,
    DEFAULT_WEIGHTS,
    CallStatus,
    ConflictReason,
    Criterion,
    Recommendation,
    Tier,
)
from onevisit.awards.models import AwardCall, AwardCase, Expert
from onevisit.errors import DomainError
from onevisit.web.awards.common import (
    _call_of_organiser,
    _date,
    _moment,
    _number,
    _organiser,
    _organiser_departments,
    form_post,
)
from onevisit.web.outcomes import action_report, error_text

# ------------------------------------------------------------------ organisers


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    return _calls_page(request, _organiser(request))


def _form(typed: Any = None, call: AwardCall | None = None) -> dict[str, Any]:
    """The call form's values: what was typed in a refused post, else the call's own
    (editing a draft), else the defaults (a new call)."""
    if typed:
        values: dict[str, Any] = {key: typed.get(key, "") for key in (
            "edition", "year", "title", "theme", "guidance_units", "purpose",
            "acknowledgement", "opens_on", "closes_on",
            "experts_per_case", "shortlist_size")}
        values["organisers"] = typed.getlist("organisers")
        values["lead"] = typed.get("lead", "")
        weights = {c: typed.get(f"weight_{c}", "") for c in Criterion.values}
        quotas = {t: typed.get(f"quota_{t}", "") for t in Tier.values}
    elif call is not None:
        values = {"title": call.title, "theme": call.theme,
                  "guidance_units": call.guidance_units, "purpose": call.purpose,
                  "acknowledgement": call.acknowledgement,
                  "opens_on": f"{timezone.localtime(call.opens_at):%Y-%m-%d}",
                  "closes_on": f"{timezone.localtime(call.closes_at):%Y-%m-%d}",
                  "experts_per_case": call.experts_per_case,
                  "shortlist_size": call.shortlist_size,
                  "organisers": [d.code for d in selectors.call_organisers(call=call)]}
        values["lead"] = values["organisers"][0] if values["organisers"] else ""
        weights, quotas = dict(call.weights), dict(call.quotas)
    else:
        values = {"experts_per_case": 3, "organisers": [], "lead": ""}
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
        "lead_code": post.get("lead", ""), "purpose": post.get("purpose", ""),
        "acknowledgement": post.get("acknowledgement", ""),
        "guidance_units": post.get("guidance_units", ""), "theme": post.get("theme", ""),
        "weights": {c: post.get(f"weight_{c}", "") for c in Criterion.values},
        "quotas": {t: post.get(f"quota_{t}", "") for t in Tier.values},
        "opens_at": _moment(post.get("opens_on", ""), end=False),
        "closes_at": _moment(post.get("closes_on", ""), end=True),
        "experts_per_case": _number(post.get("experts_per_case", "")),
        "shortlist_size": _number(post.get("shortlist_size", "")),
    }


@form_post("web:awards_calls")
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


@form_post("web:awards_call")
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


def _kept(action: str, post: Any) -> dict[str, Any]:
    """What a refused action's form had typed, for the form shown again."""
    if action == "visit":
        return {"visit": {"case": _number(post.get("case", "")),
                          **{k: post.get(k, "") for k in (
                              "visited_on", "members", "findings", "recommendation")}}}
    if action == "panel":
        return {"panel": {k: post.get(k, "") for k in ("panel_date", "panel_members")}}
    if action == "vote":
        return {"vote": {"case": _number(post.get("case", "")),
                         **{k: post.get(k, "") for k in (
                             "tier", "unit_name", "votes_for", "votes_against",
                             "votes_abstain")}}}
    if action == "publish":
        return {"publish": {"notice_date": post.get("notice_date", "")}}
    return {}


def _call_page(request: HttpRequest, user: Any, call: AwardCall, *, typed: Any = None,
               kept: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
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
        "cases": cases, "experts": experts,
        "pool": selectors.expert_pool(experts=experts, cases=cases),
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
        "votes": sorted(call.votes.select_related("case").order_by("id"),
                        key=lambda vote: Tier.values.index(vote.tier)),  # best tier first
        "case_tiers": [(t, Tier(t).label) for t in CASE_TIERS],
        "result_preview": [(Tier(p.tier).label, p.position, p.unit_name,
                            titles.get(p.case or "")) for p in result_preview],
        "result": selectors.awards_by_tier(call=call) if published else [],
        "result_checked": selectors.call_result_check(call=call) if published else None,
        "notice": getattr(call, "notice", None) if published else None,
        "today": timezone.localdate(clock.now()),
        "form": _form(typed, call) if call.status == CallStatus.DRAFT else None,
        "settings_refused": typed is not None, "kept": kept or {},
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


@form_post("web:awards_call")
@login_required
def call_action(request: HttpRequest, call_id: int, action: str) -> HttpResponse:
    user = _organiser(request)
    call = _call_of_organiser(user, call_id)
    if action not in ACTIONS:
        raise Http404(_("未知的操作"))
    service, done = ACTIONS[action](user, call, request.POST)
    try:
        service()
    except DomainError as exc:
        # Refused: the page again, its form holding every value typed.
        messages.error(request, error_text(exc))
        return _call_page(request, user, call, kept=_kept(action, request.POST), status=400)
    messages.success(request, done)
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


@form_post("web:awards_experts")
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


@form_post("web:awards_experts")
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
