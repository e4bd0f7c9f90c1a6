"""Score statistics of a preliminary review, free of the database (docs/awards.md).

- Per criterion: the count, mean and population standard deviation of every score given.
- Per case: the sheets' weighted totals — their count, mean, lowest, highest, spread
  (highest − lowest) and population standard deviation.
- Per expert: the sheets scored, the mean of their totals, and the leniency: the mean,
  over the expert's sheets, of (the sheet's total − the mean total of the other experts'
  sheets of the same case); a case the expert alone scored does not count. Positive:
  more lenient than the colleagues, negative: stricter.
- Outliers: a score's deviation is the score minus the mean of the other experts' scores
  of the same case and criterion. Over the whole call, per criterion, the deviations'
  root mean square σ is taken; a score whose |deviation| exceeds OUTLIER_Z × σ is an
  outlier (with its deviation and z = deviation / σ). With σ = 0 nothing is an outlier.
Figures are floats rounded to two decimals for display; the result never uses them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from onevisit.awards.constants import CRITERIA, OUTLIER_Z


@dataclass(frozen=True)
class Sheet:
    case: str
    expert: str
    scores: Mapping[str, int]
    total: float


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float
    sd: float
    low: float
    high: float

    @property
    def spread(self) -> float:
        return round(self.high - self.low, 2)


@dataclass(frozen=True)
class Outlier:
    case: str
    expert: str
    criterion: str
    score: int
    deviation: float
    z: float


@dataclass(frozen=True)
class ExpertFigures:
    expert: str
    sheets: int
    mean: float
    leniency: float | None
    outliers: list[Outlier]


def summary(values: Sequence[float]) -> Summary:
    if not values:
        return Summary(count=0, mean=0.0, sd=0.0, low=0.0, high=0.0)
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return Summary(count=len(values), mean=round(mean, 2), sd=round(sd, 2),
                   low=round(min(values), 2), high=round(max(values), 2))


def by_criterion(sheets: Sequence[Sheet]) -> dict[str, Summary]:
    return {c: summary([float(s.scores[c]) for s in sheets]) for c in CRITERIA}


def by_case(sheets: Sequence[Sheet]) -> dict[str, Summary]:
    totals: dict[str, list[float]] = defaultdict(list)
    for sheet in sheets:
        totals[sheet.case].append(sheet.total)
    return {case: summary(values) for case, values in totals.items()}


def _others(sheets: Sequence[Sheet]) -> dict[str, list[Sheet]]:
    of_case: dict[str, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        of_case[sheet.case].append(sheet)
    return of_case


def outliers(sheets: Sequence[Sheet]) -> list[Outlier]:
    of_case = _others(sheets)
    deviations: list[tuple[Sheet, str, float]] = []
    for sheet in sheets:
        others = [o for o in of_case[sheet.case] if o.expert != sheet.expert]
        if not others:
            continue
        for c in CRITERIA:
            mean = sum(o.scores[c] for o in others) / len(others)
            deviations.append((sheet, c, sheet.scores[c] - mean))
    sigma = {c: math.sqrt(sum(d * d for _s, cc, d in deviations if cc == c)
                          / max(1, sum(1 for _s, cc, _d in deviations if cc == c)))
             for c in CRITERIA}
    return [Outlier(case=s.case, expert=s.expert, criterion=c, score=s.scores[c],
                    deviation=round(d, 2), z=round(d / sigma[c], 2))
            for s, c, d in deviations if sigma[c] > 0 and abs(d) > OUTLIER_Z * sigma[c]]


def by_expert(sheets: Sequence[Sheet]) -> dict[str, ExpertFigures]:
    of_case = _others(sheets)
    found = outliers(sheets)
    mine: dict[str, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        mine[sheet.expert].append(sheet)
    out = {}
    for expert, own in mine.items():
        gaps = []
        for sheet in own:
            others = [o.total for o in of_case[sheet.case] if o.expert != expert]
            if others:
                gaps.append(sheet.total - sum(others) / len(others))
        out[expert] = ExpertFigures(
            expert=expert, sheets=len(own),
            mean=round(sum(s.total for s in own) / len(own), 2),
            leniency=round(sum(gaps) / len(gaps), 2) if gaps else None,
            outliers=[o for o in found if o.expert == expert])
    return out
