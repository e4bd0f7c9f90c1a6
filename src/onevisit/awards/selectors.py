"""Reads of the award: calls, cases (blind for the experts), conflicts, the draw, the
ranking, the result and the score statistics (docs/awards.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from onevisit.accounts.models import Department, Role
from onevisit.accounts.regions import covers, is_staff_role, scope_of, within
from onevisit.awards import draw as algorithm
from onevisit.awards import scoring
from onevisit.awards.constants import CRITERIA, CallStatus, ConflictReason, Criterion, Tier
from onevisit.awards.models import (
    Award,
    AwardCall,
    AwardCase,
    CaseAttachment,
    DeclaredConflict,
    Expert,
    Notice,
    PanelVote,
    ReviewAssignment,
    ScoreSheet,
)
from onevisit.awards.result import CaseVote, Placed, UnitVote, result_compute, sheet_total
from onevisit.errors import NotAllowed, NotFound
from onevisit.files.services import file_read

# ------------------------------------------------------------------ who


def actor_is_awards_staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False)
                or getattr(actor, "role", None) == Role.AWARDS)


def actor_organises(actor: Any, call: AwardCall) -> bool:
    """The organisers' staff (案例评选工作人员): of one of the call's organising
    departments, acting in a region that covers the call's (or the instance's operators)."""
    if getattr(actor, "is_superuser", False):
        return True
    department_id = getattr(actor, "department_id", None)
    return bool(getattr(actor, "role", None) == Role.AWARDS and department_id
                and covers(scope_of(actor), call.region_id)
                and call.organiser_links.filter(department_id=department_id).exists())


def expert_of(user: Any) -> Expert | None:
    """The expert an account is, in the pool or taken out of it (an expert out of the
    pool is drawn no more, but still scores the cases she was drawn for)."""
    if getattr(user, "role", None) != Role.EXPERT or not getattr(user, "pk", None):
        return None
    return Expert.objects.filter(user=user).first()


def actor_unit(actor: Any) -> Department | None:
    """The department a staff account submits for; None for citizens and for staff
    without a department."""
    if not is_staff_role(actor) or not getattr(actor, "department_id", None):
        return None
    return actor.department  # type: ignore[no-any-return]


# ------------------------------------------------------------------ calls


def calls_public() -> QuerySet[AwardCall]:
    return AwardCall.objects.exclude(status=CallStatus.DRAFT).select_related("region")


def calls_visible(*, actor: Any) -> QuerySet[AwardCall]:
    if actor_is_awards_staff(actor):
        scope = scope_of(actor)
        calls = AwardCall.objects.select_related("region")
        return calls if not scope else calls.filter(
            Q(region__code__in=[scope[:n] for n in range(2, len(scope) + 1, 2)])
            | within("region", scope))
    return calls_public()


def call_get(*, call_id: int) -> AwardCall:
    call = AwardCall.objects.select_related("region").filter(pk=call_id).first()
    if call is None:
        raise NotFound(_("评选活动不存在"))
    return call


def call_organisers(*, call: AwardCall) -> list[Department]:
    return [link.department for link in
            call.organiser_links.select_related("department").order_by("position")]


# ------------------------------------------------------------------ cases


def cases_of_call(*, actor: Any, call: AwardCall) -> QuerySet[AwardCase]:
    if not actor_organises(actor, call):
        raise NotAllowed(_("只有本次评选的组织工作人员能查看全部参评案例"))
    return call.cases.select_related("region", "unit_department").order_by("number")


def cases_of_unit(*, actor: Any) -> QuerySet[AwardCase]:
    unit = actor_unit(actor)
    if unit is None:
        return AwardCase.objects.none()
    return (AwardCase.objects.filter(unit_department=unit).select_related("call")
            .order_by("-call__edition", "number"))


def case_get(*, actor: Any, case_id: int) -> AwardCase:
    """A case for its organisers and its own unit's staff; anyone else: not found."""
    case = (AwardCase.objects.select_related("call", "region", "unit_department")
            .prefetch_related("attachments").filter(pk=case_id).first())
    if case is None:
        raise NotFound(_("参评案例不存在"))
    unit = actor_unit(actor)
    if actor_organises(actor, case.call) or (unit is not None
                                             and case.unit_department_id == unit.pk):
        return case
    raise NotFound(_("参评案例不存在"))


@dataclass(frozen=True)
class BlindCase:
    """What an expert sees of a case: nothing of its unit, department or region (the
    text itself may still name them: docs/awards.md)."""

    id: int
    number: str
    title: str
    text: str
    attachments: list[tuple[int, str, str, int]]
    call_title: str
    weights: dict[str, int]
    sheet: ScoreSheet | None
    editable: bool


def case_blind(*, actor: Any, case_id: int) -> BlindCase:
    """The blind view of a case, for an expert drawn for it (or the organisers)."""
    case = (AwardCase.objects.select_related("call").prefetch_related("attachments")
            .filter(pk=case_id).first())
    if case is None:
        raise NotFound(_("参评案例不存在"))
    expert = expert_of(actor)
    assignment = (ReviewAssignment.objects.select_related("sheet")
                  .filter(case=case, expert=expert).first() if expert else None)
    if assignment is None and not actor_organises(actor, case.call):
        raise NotFound(_("参评案例不存在"))
    sheet = getattr(assignment, "sheet", None) if assignment else None
    return BlindCase(
        id=case.pk, number=case.number, title=case.title, text=case.text,
        attachments=[(a.pk, a.name, a.content_type, a.size) for a in case.attachments.all()],
        call_title=case.call.title, weights=dict(case.call.weights), sheet=sheet,
        editable=assignment is not None and case.call.status == CallStatus.PRELIMINARY)


def attachment_read(*, actor: Any, attachment_id: int) -> tuple[CaseAttachment, bytes]:
    """An attachment and its content, for the case's organisers, its unit's staff and
    its drawn experts; anyone else: not found."""
    attachment = (CaseAttachment.objects.select_related("case__call")
                  .filter(pk=attachment_id).first())
    if attachment is None:
        raise NotFound(_("附件不存在"))
    case = attachment.case
    unit = actor_unit(actor)
    expert = expert_of(actor)
    if not (actor_organises(actor, case.call)
            or (unit is not None and case.unit_department_id == unit.pk)
            or (expert is not None and case.assignments.filter(expert=expert).exists())):
        raise NotFound(_("附件不存在"))
    return attachment, file_read(attachment.file)


def assignments_of(*, expert: Expert, call: AwardCall | None = None,
                   ) -> QuerySet[ReviewAssignment]:
    rows = (ReviewAssignment.objects.filter(expert=expert)
            .select_related("case", "case__call", "sheet").order_by("case__number"))
    return rows if call is None else rows.filter(case__call=call)


# ------------------------------------------------------------------ conflicts


def _unit_parts(unit_name: str) -> set[str]:
    return {part.strip() for part in unit_name.split("、") if part.strip()} | {unit_name}


def _derived(expert: Expert, case: AwardCase) -> list[str]:
    reasons = []
    if ((expert.department_id and expert.department_id == case.unit_department_id)
            or expert.affiliation.strip() in _unit_parts(case.unit_name)):
        reasons.append(ConflictReason.OWN_UNIT.value)
    code = expert.region_id or ""
    if expert.local_official and len(code) >= 4 and str(case.region_id).startswith(code):
        reasons.append(ConflictReason.SAME_COUNTY.value)
    return reasons


def declared_matches(conflict: DeclaredConflict, case: AwardCase) -> bool:
    return bool(conflict.case_id == case.pk
                or (conflict.department_id and conflict.department_id == case.unit_department_id)
                or (conflict.unit_name and conflict.unit_name in _unit_parts(case.unit_name)))


def conflicts_between(*, expert: Expert, case: AwardCase) -> list[str]:
    """Every reason the expert must not review the case (回避): derived (own unit; a
    local official's own region) and declared."""
    declared = [c.reason for c in DeclaredConflict.objects.filter(expert=expert)
                if declared_matches(c, case)]
    return sorted({*_derived(expert, case), *declared})


def _declared_of(experts: list[Expert]) -> dict[int, list[DeclaredConflict]]:
    declared: dict[int, list[DeclaredConflict]] = {}
    for conflict in (DeclaredConflict.objects.filter(expert__in=experts)
                     .select_related("case", "department")):
        declared.setdefault(conflict.expert_id, []).append(conflict)
    return declared


def _pairs(experts: list[Expert], cases: list[AwardCase],
           declared: dict[int, list[DeclaredConflict]]) -> set[tuple[int, int]]:
    return {(e.pk, c.pk) for e in experts for c in cases
            if _derived(e, c) or any(declared_matches(d, c) for d in declared.get(e.pk, []))}


def conflict_pairs(*, experts: Iterable[Expert], cases: Iterable[AwardCase],
                   ) -> set[tuple[int, int]]:
    """(expert id, case id) of every conflicted pair."""
    experts = list(experts)
    return _pairs(experts, list(cases), _declared_of(experts))


@dataclass(frozen=True)
class PoolEntry:
    expert: Expert
    cases: list[str]  # the numbers of the cases she must not review
    declared: list[DeclaredConflict]


def expert_pool(*, experts: Iterable[Expert], cases: Iterable[AwardCase]) -> list[PoolEntry]:
    """The pool, each expert with the cases she must not review (derived and declared
    conflicts) and the conflicts declared."""
    experts, cases = list(experts), list(cases)
    declared = _declared_of(experts)
    pairs = _pairs(experts, cases, declared)
    number = {c.pk: c.number for c in cases}
    return [PoolEntry(expert=e, cases=sorted(number[c] for x, c in pairs if x == e.pk),
                      declared=declared.get(e.pk, [])) for e in experts]


# ------------------------------------------------------------------ the draw


@dataclass(frozen=True)
class DrawView:
    algorithm: str
    commitment: str
    parameters_sha256: str
    committed_at: Any
    drawn_at: Any
    seed: str
    parameters: dict[str, Any] | None


def draw_public(*, call: AwardCall) -> DrawView | None:
    """What anyone may see of the draw: the commitment at once; the seed and the
    parameters once revealed."""
    draw = getattr(call, "draw", None) if call.pk else None
    if draw is None:
        return None
    revealed = draw.revealed_at is not None
    return DrawView(algorithm=draw.algorithm, commitment=draw.commitment,
                    parameters_sha256=draw.parameters_sha256,
                    committed_at=draw.committed_at, drawn_at=draw.drawn_at,
                    seed=draw.seed if revealed else "",
                    parameters=draw.parameters if revealed else None)


def draw_verify(*, call: AwardCall) -> bool:
    """Re-run the draw from its revealed seed and compare with the stored assignments."""
    draw = getattr(call, "draw", None)
    if draw is None or draw.revealed_at is None:
        return False
    expected = [(d.case, e) for d in algorithm.run(seed=draw.seed, parameters=draw.parameters)
                for e in d.experts]
    stored = [(a.case.number, str(a.expert_id))
              for a in draw.assignments.select_related("case").order_by("position")]
    return expected == stored


# ------------------------------------------------------------------ scores and ranking


def sheets_of(*, call: AwardCall) -> list[scoring.Sheet]:
    rows = (ScoreSheet.objects.filter(assignment__case__call=call)
            .select_related("assignment__case").order_by("assignment__position"))
    out = []
    for row in rows:
        scores = {c: int(getattr(row, c)) for c in CRITERIA}
        out.append(scoring.Sheet(case=row.assignment.case.number,
                                 expert=str(row.assignment.expert_id), scores=scores,
                                 total=float(sheet_total(scores, call.weights))))
    return out


@dataclass(frozen=True)
class RankedCase:
    case: AwardCase
    score: Decimal | None
    rank: int | None
    sheets: int
    shortlisted: bool


def case_ranking(*, call: AwardCall) -> list[RankedCase]:
    """The cases by preliminary rank (fixed when the preliminary review closed), then
    number; with the count of sheets scored so far."""
    counts: dict[int, int] = {}
    for case_id in ScoreSheet.objects.filter(assignment__case__call=call).values_list(
            "assignment__case_id", flat=True):
        counts[case_id] = counts.get(case_id, 0) + 1
    cases = sorted(call.cases.select_related("region"),
                   key=lambda c: (c.preliminary_rank is None, c.preliminary_rank or 0, c.number))
    return [RankedCase(case=c, score=c.preliminary_score, rank=c.preliminary_rank,
                       sheets=counts.get(c.pk, 0), shortlisted=c.shortlisted) for c in cases]


def shortlist(*, call: AwardCall) -> list[AwardCase]:
    return list(call.cases.filter(shortlisted=True).select_related("region")
                .prefetch_related(Prefetch("visit")).order_by("preliminary_rank", "number"))


# ------------------------------------------------------------------ the result


def call_result_compute(*, call: AwardCall) -> list[Placed]:
    """The result from the recorded votes and preliminary scores (result.py's rules)."""
    votes = list(PanelVote.objects.filter(call=call).select_related("case").order_by("id"))
    cases = [CaseVote(number=v.case.number, tier=v.tier, votes_for=v.votes_for,
                      votes_against=v.votes_against, votes_abstain=v.votes_abstain,
                      score=v.case.preliminary_score or Decimal(0))
             for v in votes if v.case is not None]
    units = [UnitVote(unit_name=v.unit_name, votes_for=v.votes_for,
                      votes_against=v.votes_against, votes_abstain=v.votes_abstain,
                      order=i) for i, v in enumerate(votes) if v.case is None]
    unit_of = {v.case.number: v.case.unit_name for v in votes if v.case is not None}
    return result_compute(quotas=call.quotas, cases=cases, units=units, unit_of=unit_of)


def call_result_stored(*, call: AwardCall) -> list[Placed]:
    rank = {tier: i for i, tier in enumerate(Tier.values)}
    rows = sorted(Award.objects.filter(call=call).select_related("case"),
                  key=lambda a: (rank[a.tier], a.position))
    return [Placed(tier=a.tier, position=a.position,
                   case=a.case.number if a.case else None, unit_name=a.unit_name)
            for a in rows]


def call_result_check(*, call: AwardCall) -> bool:
    """Whether the stored result equals the one recomputed from the scores and votes."""
    return call_result_stored(call=call) == call_result_compute(call=call)


def notice_by_code(*, code: str) -> Notice | None:
    """The published notice with this verification code (the public check)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return Notice.objects.select_related("call", "department").filter(
        verification_code=code).first()


def awards_by_tier(*, call: AwardCall) -> list[tuple[str, str, list[Award]]]:
    """The stored result as the notice lists it: (tier, its label, its awards)."""
    rows = list(Award.objects.filter(call=call).select_related("case").order_by("position"))
    return [(tier.value, str(tier.label), [a for a in rows if a.tier == tier.value])
            for tier in Tier]


# ------------------------------------------------------------------ statistics


@dataclass(frozen=True)
class ExpertStat:
    expert: Expert
    sheets: int
    mean: float
    leniency: float | None
    outliers: list[scoring.Outlier]


@dataclass(frozen=True)
class CriterionStat:
    criterion: str
    label: str
    weight: int
    count: int
    mean: float
    sd: float


@dataclass(frozen=True)
class CaseSpread:
    case: AwardCase
    count: int
    mean: float
    low: float
    high: float
    spread: float
    sd: float


def expert_stats(*, call: AwardCall) -> list[ExpertStat]:
    figures = scoring.by_expert(sheets_of(call=call))
    experts = Expert.objects.in_bulk([int(k) for k in figures])
    return [ExpertStat(expert=experts[int(k)], sheets=f.sheets, mean=f.mean,
                       leniency=f.leniency, outliers=f.outliers)
            for k, f in sorted(figures.items(), key=lambda kv: int(kv[0]))]


def criterion_stats(*, call: AwardCall) -> list[CriterionStat]:
    figures = scoring.by_criterion(sheets_of(call=call))
    return [CriterionStat(criterion=c.value, label=str(c.label),
                          weight=int(call.weights.get(c.value, 0)), count=figures[c].count,
                          mean=figures[c].mean, sd=figures[c].sd) for c in Criterion]


def case_spread(*, call: AwardCall) -> list[CaseSpread]:
    figures = scoring.by_case(sheets_of(call=call))
    cases = {c.number: c for c in call.cases.all()}
    return [CaseSpread(case=cases[n], count=s.count, mean=s.mean, low=s.low, high=s.high,
                       spread=s.spread, sd=s.sd) for n, s in sorted(figures.items())]
