"""The rules from scores and votes to the result: the preliminary score, the shortlist's
tie rule, the majority, the quotas and the fall to the next tier."""

from __future__ import annotations

from decimal import Decimal

from onevisit.awards.constants import Tier
from onevisit.awards.result import (
    CaseVote,
    Placed,
    UnitVote,
    carried,
    case_score,
    ranking,
    result_compute,
    sheet_total,
    shortlist,
)

WEIGHTS = {"innovation": 30, "performance": 30, "replicability": 20, "importance": 20}
QUOTAS = {Tier.SPECIAL: 1, Tier.TOP_TEN: 2, Tier.EXCELLENCE: 2, Tier.ORGANISING: 1}


def vote(number: str, tier: str, votes_for: int = 10, score: str = "80",
         against: int = 3) -> CaseVote:
    return CaseVote(number=number, tier=tier, votes_for=votes_for, votes_against=against,
                    votes_abstain=0, score=Decimal(score))


def compute(cases: list[CaseVote], quotas: dict = QUOTAS,
            units: tuple[UnitVote, ...] = ()) -> list[tuple[str, int, str | None]]:
    placed = result_compute(quotas=quotas, cases=cases, units=units,
                            unit_of={c.number: f"单位{c.number}" for c in cases})
    return [(p.tier, p.position, p.case or p.unit_name) for p in placed]


def test_the_weighted_total_and_the_case_score():
    assert sheet_total({"innovation": 90, "performance": 80, "replicability": 70,
                        "importance": 60}, WEIGHTS) == Decimal("77")
    assert case_score([Decimal("77"), Decimal("80.5"), Decimal("81")]) == Decimal("79.500")
    assert case_score([Decimal("1"), Decimal("1"), Decimal("2")]) == Decimal("1.333")
    assert case_score([Decimal("1"), Decimal("2"), Decimal("2")]) == Decimal("1.667")
    assert case_score([]) is None


def test_ranking_by_score_then_number_and_the_shortlist_takes_every_tie_at_the_boundary():
    scores = {"003": Decimal("80"), "001": Decimal("85"), "002": Decimal("80"),
              "004": Decimal("70"), "005": None}
    assert ranking(scores) == ["001", "002", "003", "004", "005"]
    assert shortlist(scores, 2) == ["001", "002", "003"]
    assert shortlist(scores, 3) == ["001", "002", "003"]
    assert shortlist(scores, 4) == ["001", "002", "003", "004"]
    assert shortlist(scores, 9) == ["001", "002", "003", "004"]


def test_a_proposal_carries_with_more_than_half_of_the_votes_cast():
    assert carried(8, 7, 0)
    assert not carried(7, 7, 0)
    assert not carried(7, 0, 8)  # abstentions count as votes cast
    assert not carried(0, 0, 0)


def test_tiers_fill_by_quota_in_the_documented_order():
    cases = [
        vote("001", Tier.SPECIAL, 12),
        vote("002", Tier.SPECIAL, 14),          # more votes: takes the one special place
        vote("003", Tier.TOP_TEN, 12, "90"),
        vote("004", Tier.TOP_TEN, 12, "85"),
        vote("005", Tier.EXCELLENCE, 13),
        vote("006", Tier.EXCELLENCE, 13, "70"),
        vote("007", Tier.TOP_TEN, 6, against=9),  # did not carry
    ]
    assert compute(cases) == [
        (Tier.SPECIAL, 1, "002"),
        # 001 falls from 特别贡献奖 and ranks first in 十佳 (voted for a better tier);
        (Tier.TOP_TEN, 1, "001"), (Tier.TOP_TEN, 2, "003"),
        # 004 falls to 优秀奖 ahead of the cases voted for it; 006 finds no room.
        (Tier.EXCELLENCE, 1, "004"), (Tier.EXCELLENCE, 2, "005"),
    ]


def test_ties_on_votes_break_by_preliminary_score_then_number():
    cases = [vote("003", Tier.TOP_TEN, 10, "80"), vote("002", Tier.TOP_TEN, 10, "80"),
             vote("001", Tier.TOP_TEN, 10, "79.999")]
    assert compute(cases, {Tier.TOP_TEN: 2}) == [(Tier.TOP_TEN, 1, "002"),
                                                  (Tier.TOP_TEN, 2, "003")]


def test_changing_the_quotas_changes_the_counts_and_never_exceeds_them():
    cases = [vote(f"{i:03d}", Tier.SPECIAL, 10, str(90 - i)) for i in range(10)]
    for quotas, counts in (
        ({Tier.SPECIAL: 7, Tier.TOP_TEN: 10, Tier.EXCELLENCE: 16}, (7, 3, 0)),
        ({Tier.SPECIAL: 2, Tier.TOP_TEN: 3, Tier.EXCELLENCE: 4}, (2, 3, 4)),
        ({Tier.SPECIAL: 0, Tier.TOP_TEN: 0, Tier.EXCELLENCE: 1}, (0, 0, 1)),
    ):
        tiers = [t for t, _p, _c in compute(cases, quotas)]
        assert (tiers.count(Tier.SPECIAL), tiers.count(Tier.TOP_TEN),
                tiers.count(Tier.EXCELLENCE)) == counts


def test_a_case_never_rises_above_the_tier_it_was_voted_for():
    assert compute([vote("001", Tier.EXCELLENCE, 15)]) == [(Tier.EXCELLENCE, 1, "001")]


def test_organising_units_by_votes_then_recorded_order_within_the_quota():
    units = (UnitVote("温州市委政研室", 9, 6, 0, 0), UnitVote("杭州市委办公厅", 12, 3, 0, 1),
             UnitVote("嘉兴市委政研室", 12, 3, 0, 2), UnitVote("绍兴市委办公室", 5, 10, 0, 3))
    placed = result_compute(quotas={Tier.ORGANISING: 2}, cases=[], units=units, unit_of={})
    assert placed == [Placed(Tier.ORGANISING, 1, None, "杭州市委办公厅"),
                      Placed(Tier.ORGANISING, 2, None, "嘉兴市委政研室")]
