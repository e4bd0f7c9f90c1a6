"""The rules that turn recorded scores and votes into the result, free of the database so
the stored result can be recomputed and checked (docs/awards.md).

Preliminary score: a sheet's total is the weighted mean of its four criteria
(Σ weight × score / 100, weights summing to 100); a case's preliminary score is the mean
of its sheets' totals, rounded half-up to three decimals. Ranking: score descending,
then case number ascending.

Shortlist for the site visits: the first ``shortlist_size`` cases of the ranking, and
every case tied with the last of them on score (a tie at the boundary takes all, never
drops one by its number).

The comprehensive selection: a proposal carries when its votes for are more than half of
the votes cast (for + against + abstain). The cases whose proposal carried are ranked by
(the proposed tier, best first; votes for, most first; preliminary score, highest first;
case number), and placed in that order, each in the best tier at or below its proposed
one that still has room under the call's quota; a case that finds no room in any case
tier is not placed. A quota is never exceeded and a case never rises above the tier it
was voted for. The organising award: units whose proposal carried, ranked by votes for
(most first) and then in the order their votes were recorded, the first ``quota`` placed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from onevisit.awards.constants import CASE_TIERS, CRITERIA, Tier

THOUSANDTH = Decimal("0.001")


def sheet_total(scores: Mapping[str, int], weights: Mapping[str, int]) -> Decimal:
    """A sheet's weighted total (0–100), exact."""
    return Decimal(sum(int(weights[c]) * int(scores[c]) for c in CRITERIA)) / 100


def case_score(totals: Sequence[Decimal]) -> Decimal | None:
    """The mean of a case's sheet totals, rounded half-up to three decimals."""
    if not totals:
        return None
    return (sum(totals, Decimal(0)) / len(totals)).quantize(THOUSANDTH, ROUND_HALF_UP)


def ranking(scores: Mapping[str, Decimal | None]) -> list[str]:
    """Case numbers by score descending, then number; unscored cases last."""
    return sorted(scores, key=lambda n: (scores[n] is None, -(scores[n] or 0), n))


def shortlist(scores: Mapping[str, Decimal | None], size: int) -> list[str]:
    """The first `size` of the ranking and every case tied with the last of them."""
    ranked = [n for n in ranking(scores) if scores[n] is not None]
    if size <= 0 or not ranked:
        return []
    if len(ranked) <= size:
        return ranked
    boundary = scores[ranked[size - 1]]
    return [n for n in ranked if n in ranked[:size] or scores[n] == boundary]


def carried(votes_for: int, votes_against: int, votes_abstain: int) -> bool:
    """More than half of the votes cast were for."""
    return 2 * votes_for > votes_for + votes_against + votes_abstain


@dataclass(frozen=True)
class CaseVote:
    number: str
    tier: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    score: Decimal


@dataclass(frozen=True)
class UnitVote:
    unit_name: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    order: int


@dataclass(frozen=True)
class Placed:
    tier: str
    position: int
    case: str | None
    unit_name: str


def result_compute(*, quotas: Mapping[str, int], cases: Iterable[CaseVote],
                   units: Iterable[UnitVote], unit_of: Mapping[str, str]) -> list[Placed]:
    """The placed cases and organising units, in the notice's order (tier, position)."""
    rank = {tier: i for i, tier in enumerate(CASE_TIERS)}
    eligible = sorted(
        (v for v in cases if v.tier in rank
         and carried(v.votes_for, v.votes_against, v.votes_abstain)),
        key=lambda v: (rank[v.tier], -v.votes_for, -v.score, v.number))
    placed: dict[str, list[str]] = {tier: [] for tier in CASE_TIERS}
    for vote in eligible:
        for tier in CASE_TIERS[rank[vote.tier]:]:
            if len(placed[tier]) < int(quotas.get(tier, 0)):
                placed[tier].append(vote.number)
                break
    out = [Placed(tier=tier, position=i, case=number, unit_name=unit_of[number])
           for tier in CASE_TIERS for i, number in enumerate(placed[tier], start=1)]
    organising = sorted(
        (u for u in units if carried(u.votes_for, u.votes_against, u.votes_abstain)),
        key=lambda u: (-u.votes_for, u.order))[:int(quotas.get(Tier.ORGANISING, 0))]
    out += [Placed(tier=Tier.ORGANISING.value, position=i, case=None, unit_name=u.unit_name)
            for i, u in enumerate(organising, start=1)]
    return out
