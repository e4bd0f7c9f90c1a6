"""Score statistics: exact figures on a small example."""

from __future__ import annotations

from onevisit.awards import scoring

CRITERIA = ("innovation", "performance", "replicability", "importance")


def sheet(case: str, expert: str, *scores: int) -> scoring.Sheet:
    given = dict(zip(CRITERIA, scores, strict=True))
    return scoring.Sheet(case=case, expert=expert, scores=given,
                         total=sum(scores) / 4)  # equal weights: the plain mean


SHEETS = [
    sheet("A", "1", 80, 80, 80, 80), sheet("A", "2", 70, 70, 70, 70),
    sheet("A", "3", 90, 90, 90, 90),
    sheet("B", "1", 60, 60, 60, 60), sheet("B", "2", 60, 60, 60, 60),
    sheet("B", "3", 90, 60, 60, 60),
]


def test_per_criterion_mean_and_standard_deviation():
    figures = scoring.by_criterion(SHEETS)
    assert (figures["innovation"].count, figures["innovation"].mean,
            figures["innovation"].sd) == (6, 75.0, 12.58)  # sqrt(950 / 6) = 12.583
    # 80 70 90 60 60 60: sqrt(800 / 6) = 11.547
    assert (figures["performance"].mean, figures["performance"].sd) == (70.0, 11.55)


def test_per_case_spread():
    figures = scoring.by_case(SHEETS)
    assert (figures["A"].low, figures["A"].high, figures["A"].spread,
            figures["A"].mean, figures["A"].sd) == (70.0, 90.0, 20.0, 80.0, 8.16)
    assert (figures["B"].low, figures["B"].high, figures["B"].spread) == (60.0, 67.5, 7.5)


def test_per_expert_mean_and_leniency():
    figures = scoring.by_expert(SHEETS)
    # Expert 3: A 90 vs (80+70)/2 = 75 → +15; B 67.5 vs 60 → +7.5; mean +11.25.
    assert (figures["3"].sheets, figures["3"].mean, figures["3"].leniency) == (2, 78.75, 11.25)
    # Expert 2: A 70 vs 85 → -15; B 60 vs 63.75 → -3.75; mean -9.375.
    assert figures["2"].leniency == -9.38
    # Expert 1: A 80 vs 80 → 0; B 60 vs 63.75 → -3.75; mean -1.875.
    assert figures["1"].leniency == -1.88


def test_outliers_against_the_call_wide_spread_of_deviations():
    sheets = [*SHEETS] + [sheet(c, e, 70, 70, 70, 70) for c in "CDEFG" for e in "123"]
    found = scoring.outliers(sheets)
    # Innovation deviations: A: 0, -15, +15; B: -15, -15, +30; C–G: 0 (15 of them).
    # σ = sqrt((225·4 + 900) / 21) = 9.258; only +30 exceeds 2σ = 18.52.
    # The other criteria: A: 0, -15, +15; the rest 0: σ = sqrt(450 / 21) = 4.629, so
    # both ±15 of case A exceed 2σ = 9.26.
    assert [(o.case, o.expert, o.criterion, o.score, o.deviation, o.z) for o in found] == [
        ("A", "2", "performance", 70, -15.0, -3.24),
        ("A", "2", "replicability", 70, -15.0, -3.24),
        ("A", "2", "importance", 70, -15.0, -3.24),
        ("A", "3", "performance", 90, 15.0, 3.24),
        ("A", "3", "replicability", 90, 15.0, 3.24),
        ("A", "3", "importance", 90, 15.0, 3.24),
        ("B", "3", "innovation", 90, 30.0, 3.24),
    ]
    assert scoring.by_expert(sheets)["3"].outliers == found[3:]


def test_nothing_is_an_outlier_when_everyone_agrees():
    assert scoring.outliers([sheet("A", e, 70, 70, 70, 70) for e in "123"]) == []
