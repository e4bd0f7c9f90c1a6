"""Calls for entries: their definition (criteria weights, quotas, round sizes), the one
status transition service and what each step fixes (docs/awards.md)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Department, Region
from onevisit.accounts.regions import covers, scope_of
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.awards import result as rules
from onevisit.awards.constants import (
    ALLOWED_TRANSITIONS,
    CRITERIA,
    DEFAULT_QUOTAS,
    DEFAULT_WEIGHTS,
    EXPERTS_PER_CASE_MIN,
    TITLE_MAX,
    CallStatus,
    Criterion,
    Tier,
)
from onevisit.awards.models import (
    Award,
    AwardCall,
    AwardCase,
    CallOrganiser,
    CallStatusChange,
    Notice,
    PanelVote,
    ReviewAssignment,
    ScoreSheet,
)
from onevisit.awards.selectors import (
    actor_is_awards_staff,
    call_organisers,
    call_result_compute,
)
from onevisit.awards.services.access import (
    actor_or_none,
    call_locked,
    organiser_check,
    status_check,
)
from onevisit.awards.services.selection import panel_size
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.services import notification_send


def _int(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value if value is not None else "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def weights_clean(weights: Mapping[str, Any] | None) -> dict[str, int]:
    """The four criteria's weights: whole numbers 0–100 that sum to 100. Raises
    InvalidInput naming every bad weight, or the sum."""
    given = dict(DEFAULT_WEIGHTS if weights is None else weights)
    out: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key in sorted(set(given) - set(CRITERIA)):
        errors[f"weights_{key}"] = _("没有该评审标准")
    for criterion in Criterion:
        value = _int(given.get(criterion.value))
        if value is None or value > 100:
            errors[f"weights_{criterion.value}"] = (
                _("“%(criterion)s”的权重须为 0 至 100 的整数") % {"criterion": criterion.label})
        else:
            out[criterion.value] = value
    # The sum is named too when a weight is bad but still a number (20.5): every problem.
    typed = [_decimal(given.get(c.value)) for c in Criterion]
    if all(v is not None for v in typed) and sum(v or 0 for v in typed) != 100:
        total = sum((v for v in typed if v is not None), Decimal(0))
        errors["weights"] = _("四项评审标准的权重之和须为 100，现为 %(sum)s") % {
            "sum": f"{total.normalize():f}" if total == total.to_integral_value()
            else f"{total:f}"}
    if errors:
        raise InvalidInput(_("评审标准权重无效"), errors)
    return out


def _quotas(quotas: Mapping[str, Any] | None, errors: dict[str, str]) -> dict[str, int]:
    given = dict(DEFAULT_QUOTAS if quotas is None else quotas)
    out: dict[str, int] = {}
    for key in sorted(set(given) - set(Tier.values)):
        errors[f"quotas_{key}"] = _("没有该奖项")
    for tier in Tier:
        value = _int(given.get(tier.value))
        if value is None or value > 500:
            errors[f"quotas_{tier.value}"] = (
                _("“%(tier)s”的名额须为 0 至 500 的整数") % {"tier": tier.label})
        else:
            out[tier.value] = value
    return out


def _definition_clean(
    *, errors: dict[str, str], title: str, guidance_units: str, theme: str,
    weights: Mapping[str, Any] | None, opens_at: dt.datetime, closes_at: dt.datetime,
    experts_per_case: Any, shortlist_size: Any, quotas: Mapping[str, Any] | None,
    purpose: str, acknowledgement: str,
) -> dict[str, Any]:
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        errors["title"] = _("请填写评选活动名称（最多 200 字）")
    if len((theme or "").strip()) > 100:
        errors["theme"] = _("评选领域最多 100 字")
    if len((purpose or "").strip()) > 200:
        errors["purpose"] = _("评选目的最多 200 字")
    if len((acknowledgement or "").strip()) > 500:
        errors["acknowledgement"] = _("致谢最多 500 字")
    try:
        clean_weights = weights_clean(weights)
    except InvalidInput as exc:
        errors.update({k: str(v) for k, v in exc.errors.items()})
        clean_weights = {}
    if timezone.is_naive(opens_at) or timezone.is_naive(closes_at):
        errors["closes_at"] = _("申报起止时间须带时区")
    elif closes_at <= opens_at:
        errors["closes_at"] = _("申报截止须晚于申报开始")
    per_case = _int(experts_per_case)
    if per_case is None or not EXPERTS_PER_CASE_MIN <= per_case <= 15:
        errors["experts_per_case"] = _("每个案例的初评专家数须为 %(min)d 至 15 的整数") % {
            "min": EXPERTS_PER_CASE_MIN}
    shortlist = _int(shortlist_size)
    if shortlist is None or shortlist < 1 or shortlist > 1000:
        errors["shortlist_size"] = _("实地考察入围数须为 1 至 1000 的整数")
    clean_quotas = _quotas(quotas, errors)
    if (shortlist is not None and not any(k.startswith("quotas_") for k in errors)
            and shortlist < sum(clean_quotas[t] for t in Tier.values if t != Tier.ORGANISING)):
        errors["shortlist_size"] = _("实地考察入围数不能少于案例奖项名额之和 %(sum)d") % {
            "sum": sum(clean_quotas[t] for t in Tier.values if t != Tier.ORGANISING)}
    return {"title": title, "guidance_units": (guidance_units or "").strip(),
            "theme": (theme or "").strip(), "purpose": (purpose or "").strip(),
            "acknowledgement": (acknowledgement or "").strip(),
            "weights": clean_weights, "opens_at": opens_at,
            "closes_at": closes_at, "experts_per_case": per_case,
            "shortlist_size": shortlist, "quotas": clean_quotas}


def _organisers(codes: Sequence[str], scope: str, errors: dict[str, str],
                lead_code: str = "") -> list[Department]:
    """The organisers in their order: the lead organiser, whose seal the notice bears,
    first (else the first given)."""
    codes = [c for c in codes if c]
    if lead_code and lead_code not in codes:
        errors["lead"] = _("通报用印的主办单位须是所选的主办单位之一")
    elif lead_code:
        codes = [lead_code, *[c for c in codes if c != lead_code]]
    found = Department.objects.in_bulk(codes, field_name="code")
    if not codes or len(set(codes)) != len(codes) or len(found) != len(codes):
        errors["organisers"] = _("请选择至少一个主办单位（须为已有部门，不重复）")
        return []
    if any(not covers(scope, found[c].region_id) for c in codes):
        errors["organisers"] = _("主办单位须在您的行政区划内")
    return [found[c] for c in codes]


@atomic_audited
def call_create(
    *, actor: Any, edition: int, year: int, title: str, region_code: str,
    organiser_codes: Sequence[str], opens_at: dt.datetime, closes_at: dt.datetime,
    shortlist_size: int, guidance_units: str = "", theme: str = "",
    weights: Mapping[str, Any] | None = None, experts_per_case: int = EXPERTS_PER_CASE_MIN,
    quotas: Mapping[str, Any] | None = None, lead_code: str = "", purpose: str = "",
    acknowledgement: str = "",
) -> AwardCall:
    """A call for entries, in draft until it opens. `lead_code`: the organiser whose seal
    the notice bears (default: the first organiser)."""
    if not actor_is_awards_staff(actor):
        raise NotAllowed(_("只有案例评选工作人员能发起评选活动"))
    errors: dict[str, str] = {}
    scope = scope_of(actor)
    region = Region.objects.filter(code=region_code).first()
    if region is None or not covers(scope, region_code):
        errors["region"] = _("评选范围须在您的行政区划内")
    edition_value = _int(edition)
    if edition_value is None or edition_value < 1:
        errors["edition"] = _("届次须为正整数")
    elif AwardCall.objects.filter(edition=edition_value).exists():
        errors["edition"] = _("第 %(edition)d 届评选活动已存在") % {"edition": edition_value}
    year_value = _int(year)
    if year_value is None or not 2000 <= year_value <= 2100:
        errors["year"] = _("年度须为 2000 至 2100 之间的年份")
    organisers = _organisers(list(organiser_codes), scope, errors, lead_code)
    if organisers and not getattr(actor, "is_superuser", False) and all(
            d.pk != getattr(actor, "department_id", None) for d in organisers):
        errors["organisers"] = _("您所在的部门须为主办单位之一")
    fields = _definition_clean(
        errors=errors, title=title, guidance_units=guidance_units, theme=theme,
        weights=weights, opens_at=opens_at, closes_at=closes_at,
        experts_per_case=experts_per_case, shortlist_size=shortlist_size, quotas=quotas,
        purpose=purpose, acknowledgement=acknowledgement)
    if errors:
        raise InvalidInput(_("评选活动未保存"), errors)
    call = AwardCall.objects.create(
        edition=int(edition), year=int(year), region_id=region_code,
        created_by=actor_or_none(actor), created_at=clock.now(), **fields)
    CallOrganiser.objects.bulk_create(
        CallOrganiser(call=call, department=d, position=i) for i, d in enumerate(organisers))
    audit_record(actor=actor, action="awards.call_created", entity="award_call",
                 entity_id=call.pk, data={"edition": call.edition, "weights": call.weights,
                                          "quotas": call.quotas,
                                          "organisers": [d.code for d in organisers]})
    return call


@atomic_audited
def call_update(
    *, actor: Any, call: AwardCall, title: str, organiser_codes: Sequence[str],
    opens_at: dt.datetime, closes_at: dt.datetime, shortlist_size: int,
    guidance_units: str = "", theme: str = "", weights: Mapping[str, Any] | None = None,
    experts_per_case: int = EXPERTS_PER_CASE_MIN, quotas: Mapping[str, Any] | None = None,
    lead_code: str = "", purpose: str = "", acknowledgement: str = "",
) -> AwardCall:
    """A draft call's definition; frozen once it opens. Weights or quotas not given
    stay as they are; `lead_code` as in call_create."""
    call = call_locked(call)
    organiser_check(actor, call)
    status_check(call, CallStatus.DRAFT)
    errors: dict[str, str] = {}
    organisers = _organisers(list(organiser_codes), scope_of(actor), errors, lead_code)
    fields = _definition_clean(
        errors=errors, title=title, guidance_units=guidance_units, theme=theme,
        weights=call.weights if weights is None else weights, opens_at=opens_at,
        closes_at=closes_at, experts_per_case=experts_per_case,
        shortlist_size=shortlist_size, quotas=call.quotas if quotas is None else quotas,
        purpose=purpose, acknowledgement=acknowledgement)
    if errors:
        raise InvalidInput(_("评选活动未保存"), errors)
    for name, value in fields.items():
        setattr(call, name, value)
    call.save(update_fields=list(fields))
    call.organiser_links.all().delete()
    CallOrganiser.objects.bulk_create(
        CallOrganiser(call=call, department=d, position=i) for i, d in enumerate(organisers))
    audit_record(actor=actor, action="awards.call_updated", entity="award_call",
                 entity_id=call.pk, data={"weights": call.weights, "quotas": call.quotas,
                                          "organisers": [d.code for d in organisers]})
    return call


# ------------------------------------------------------------------ transitions


def _to_preliminary(call: AwardCall) -> dict[str, Any]:
    count = call.cases.count()
    if count == 0:
        raise InvalidInput(_("尚无参评案例，不能开始专家初评"), {"call": _("尚无参评案例")})
    return {"cases": count}


def _to_site_visit(call: AwardCall) -> dict[str, Any]:
    """Closing the preliminary review: every drawn sheet scored; fixes each case's
    score, rank and the shortlist (result.py), and reveals the draw's seed."""
    draw = getattr(call, "draw", None)
    if draw is None or draw.drawn_at is None:
        raise InvalidInput(_("初评专家尚未抽取"), {"draw": _("请先抽取初评专家")})
    missing = (ReviewAssignment.objects.filter(draw=draw, sheet__isnull=True)
               .values("case__number", "case__title").annotate(n=Count("id"))
               .order_by("case__number"))
    if missing:
        raise InvalidInput(_("还有评分表未提交，不能结束专家初评"), {
            f"case_{row['case__number']}": _("案例 %(number)s“%(title)s”还差 %(n)d 份评分表")
            % {"number": row["case__number"], "title": row["case__title"], "n": row["n"]}
            for row in missing})
    totals: dict[str, list[Any]] = {}
    for row in ScoreSheet.objects.filter(assignment__draw=draw).select_related(
            "assignment__case"):
        totals.setdefault(row.assignment.case.number, []).append(rules.sheet_total(
            {c: int(getattr(row, c)) for c in CRITERIA}, call.weights))
    cases = list(call.cases.all())
    scores = {c.number: rules.case_score(totals.get(c.number, [])) for c in cases}
    order = rules.ranking(scores)
    chosen = set(rules.shortlist(scores, call.shortlist_size))
    position = {number: i for i, number in enumerate(order, start=1)}
    for case in cases:
        case.preliminary_score = scores[case.number]
        case.preliminary_rank = position[case.number] if scores[case.number] is not None else None
        case.shortlisted = case.number in chosen
    AwardCase.objects.bulk_update(cases, ["preliminary_score", "preliminary_rank",
                                          "shortlisted"])
    # The round is over: the seed is revealed, so anyone can re-run the draw.
    draw.revealed_at = clock.now()
    draw.save(update_fields=["revealed_at"])
    return {"shortlist": sorted(chosen), "seed": draw.seed}


def _to_selection(call: AwardCall) -> dict[str, Any]:
    missing = list(call.cases.filter(shortlisted=True, visit__isnull=True)
                   .order_by("number").values_list("number", "title"))
    if missing:
        raise InvalidInput(_("还有入围案例没有实地考察报告"), {
            f"case_{n}": _("案例 %(number)s“%(title)s”缺少实地考察报告") % {
                "number": n, "title": title} for n, title in missing})
    return {}


def _to_published(call: AwardCall, notice_date: dt.date | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if call.panel_date is None or not call.panel_members.strip():
        errors["panel"] = _("请先登记综合评选的日期和评选委员会成员")
    votes = list(PanelVote.objects.filter(call=call).select_related("case").order_by("id"))
    if not votes:
        errors["votes"] = _("尚未登记任何表决结果")
    members = panel_size(call)
    for vote in votes:
        if members and _vote_total(vote) > members:
            errors[f"vote_{vote.pk}"] = _(
                "“%(subject)s”的表决共 %(sum)d 票，超过评选委员会人数 %(n)d") % {
                "subject": (f"{vote.case.number} {vote.case.title}" if vote.case
                            else vote.unit_name),
                "sum": _vote_total(vote), "n": members}
    if not call_organisers(call=call):
        errors["organisers"] = _("评选活动没有主办单位，通报无法用印")
    if errors:
        raise InvalidInput(_("评选结果未通报"), errors)
    placed = call_result_compute(call=call)
    cases = {c.number: c for c in call.cases.all()}
    Award.objects.bulk_create(
        Award(call=call, tier=p.tier, position=p.position,
              case=cases[p.case] if p.case else None, unit_name=p.unit_name) for p in placed)
    now = clock.now()
    call.notice_date = notice_date or timezone.localdate(now)
    call.save(update_fields=["notice_date"])
    notice = Notice.objects.create(
        call=call, number=f"CX{call.year}{call.edition:03d}", issued_at=now,
        department=call_organisers(call=call)[0],
        verification_code=secrets.token_hex(8).upper())
    _result_notify(call=call, placed={p.case: p.tier for p in placed if p.case})
    return {"awards": len(placed), "notice": notice.number}


def _vote_total(vote: PanelVote) -> int:
    return vote.votes_for + vote.votes_against + vote.votes_abstain


def _result_notify(*, call: AwardCall, placed: Mapping[str, str]) -> None:
    """Tell whoever submitted each case what it won (or that it won nothing)."""
    with translation.override(settings.LANGUAGE_CODE):  # the words of record are Chinese
        outcomes = {number: str(Tier(tier).label) for number, tier in placed.items()}
        nothing = _("未获奖")
    for case in call.cases.select_related("submitter").filter(submitter__isnull=False):
        notification_send(
            event=NotifyEvent.AWARD_RESULT, key=f"case-{case.pk}", user=case.submitter,
            link=reverse("web:awards_public", kwargs={"call_id": call.pk}),
            context={"call": call.title, "title": case.title,
                     "outcome": outcomes.get(case.number, nothing)})


@atomic_audited
def call_transition(*, actor: Any, call: AwardCall, to: str, note: str = "",
                    notice_date: dt.date | None = None) -> AwardCall:
    """Move a call along ALLOWED_TRANSITIONS; each step checks and fixes what it closes
    (constants.py). Publishing stores the result and the notice (通报)."""
    call = call_locked(call)
    organiser_check(actor, call)
    if to not in ALLOWED_TRANSITIONS.get(call.status, set()):
        raise Conflict(_("评选活动当前为“%(status)s”阶段，不能转为“%(to)s”") % {
            "status": CallStatus(call.status).label,
            "to": CallStatus(to).label if to in CallStatus.values else to})
    if to == CallStatus.PRELIMINARY:
        data = _to_preliminary(call)
    elif to == CallStatus.SITE_VISIT:
        data = _to_site_visit(call)
    elif to == CallStatus.SELECTION:
        data = _to_selection(call)
    elif to == CallStatus.PUBLISHED:
        data = _to_published(call, notice_date)
    else:
        data = {}
    before = call.status
    call.status = to
    call.save(update_fields=["status"])
    CallStatusChange.objects.create(call=call, from_status=before, to_status=to,
                                    at=clock.now(), by=actor_or_none(actor),
                                    note=(note or "").strip()[:255])
    audit_record(actor=actor, action="awards.call_transition", entity="award_call",
                 entity_id=call.pk, data={"from": before, "to": to, **data})
    return call


def call_publish(*, actor: Any, call: AwardCall, notice_date: dt.date | None = None,
                 ) -> Notice:
    """Publish the result: compute and store it, and issue the notice (通报)."""
    call = call_transition(actor=actor, call=call, to=CallStatus.PUBLISHED,
                           notice_date=notice_date)
    return Notice.objects.get(call=call)


@atomic_audited
def panel_record(*, actor: Any, call: AwardCall, panel_date: dt.date,
                 panel_members: str) -> AwardCall:
    """When the comprehensive selection panel met and who sat on it."""
    call = call_locked(call)
    organiser_check(actor, call)
    status_check(call, CallStatus.SELECTION)
    members = "\n".join(m.strip() for m in (panel_members or "").splitlines() if m.strip())
    errors: dict[str, str] = {}
    if not members:
        errors["panel_members"] = _("请填写评选委员会成员（每行一个）")
    if not isinstance(panel_date, dt.date) or panel_date > timezone.localdate(clock.now()):
        errors["panel_date"] = _("请填写不晚于今天的评选日期")
    largest = max((_vote_total(v) for v in PanelVote.objects.filter(call=call)), default=0)
    if members and largest > len(members.splitlines()):
        errors["panel_members"] = _(
            "已登记的表决中有 %(sum)d 票，评选委员会成员不能少于 %(sum)d 人") % {"sum": largest}
    if errors:
        raise InvalidInput(_("综合评选信息未保存"), errors)
    call.panel_date = panel_date
    call.panel_members = members
    call.save(update_fields=["panel_date", "panel_members"])
    audit_record(actor=actor, action="awards.panel_recorded", entity="award_call",
                 entity_id=call.pk, data={"date": panel_date.isoformat(),
                                          "members": len(members.splitlines())})
    return call
