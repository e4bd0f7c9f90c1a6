"""The assessment's and the settlement's arithmetic, as plain functions of their inputs
(docs/towns.md "Formulas"): each indicator's score, the result and its demotion and exit
rules, and the incentive amounts. Services call them; tests check them directly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from onevisit.towns.constants import FAILED_RESULTS, AssessmentResult, TownStatus

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorScore:
    indicator: str
    actual: Decimal
    target: Decimal
    weight: int
    score: Decimal


def indicator_score(*, actual: Decimal, target: Decimal, weight: int) -> Decimal:
    """weight × min(actual / target, 1); a target of 0 asks nothing: the full weight."""
    if target <= 0:
        return cents(Decimal(weight))
    return cents(Decimal(weight) * min(actual / target, Decimal(1)))


def scores_compute(*, actuals: Mapping[str, Decimal], targets: Mapping[str, Decimal],
                   weights: Mapping[str, int]) -> tuple[list[IndicatorScore], Decimal]:
    """Each weighted indicator's score, and their total (the weights sum to 100)."""
    scores = [IndicatorScore(indicator=key, actual=actuals[key], target=targets[key],
                             weight=int(weight),
                             score=indicator_score(actual=actuals[key], target=targets[key],
                                                   weight=int(weight)))
              for key, weight in weights.items()]
    return scores, cents(sum((s.score for s in scores), Decimal(0)))


def result_decide(*, total: Decimal, pass_score: Decimal, warning_score: Decimal,
                  status: str, previous_result: str | None, failed_before: bool) -> str:
    """The result of a total for a town in `status`:

    - total ≥ the pass score: 合格 (the town met its targets);
    - total ≥ the warning score: 警告 (no reward, no deduction);
    - below the warning score the town failed its targets, and
      - it failed the year before too (any status), or it is a cultivation object that
        had failed in an earlier year: 退出;
      - otherwise a creation object is demoted (降格) to cultivation;
      - otherwise (a cultivation object failing for the first time): 不合格.
    """
    if total >= pass_score:
        return AssessmentResult.PASSED
    if total >= warning_score:
        return AssessmentResult.WARNING
    if previous_result in FAILED_RESULTS or (status == TownStatus.CULTIVATION
                                             and failed_before):
        return AssessmentResult.EXITED
    if status == TownStatus.CREATION:
        return AssessmentResult.DEMOTED
    return AssessmentResult.FAILED


# The status a result moves the town to, if any.
STATUS_AFTER: dict[str, str] = {
    AssessmentResult.DEMOTED: TownStatus.CULTIVATION,
    AssessmentResult.EXITED: TownStatus.EXITED,
}


def land_reward(*, new_land: Decimal, percent: int) -> Decimal:
    """用地奖励 = the year's actual new construction land × the reward percent."""
    return cents(new_land * Decimal(percent) / 100)


def land_deduction(*, new_land: Decimal, multiplier: int) -> Decimal:
    """用地倒扣 (negative) = −(the multiplier × the year's actual new construction land)."""
    return -cents(new_land * Decimal(multiplier))


def fiscal_reward(*, new_tax: Decimal, share_percent: int, return_percents: Sequence[int],
                  period_year: int) -> Decimal:
    """财政奖励 = 新增税收 × the province's share × the percent returned in this year of
    the creation period (`period_year` 1 for its first year); 0 beyond the list."""
    if not 1 <= period_year <= len(return_percents):
        return Decimal("0.00")
    return cents(new_tax * Decimal(share_percent) / 100
                 * Decimal(return_percents[period_year - 1]) / 100)
