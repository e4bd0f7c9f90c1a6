"""The draw of the preliminary review's experts (专家初评), free of the database so that
anyone can re-run it from the published parameters and the revealed seed
(docs/awards.md). It reuses the inspection draw's primitives (`onevisit.inspection.draw`):
canonical JSON, the HMAC-SHA256 counter-mode stream and its Fisher–Yates shuffle.

- The parameters: ``{"algorithm", "call", "experts_per_case", "cases": [case numbers in
  order], "experts": [expert ids as text, in order], "conflicts": [[expert id, case
  number], …] sorted}``; their canonical JSON's SHA-256 is fixed with the commitment (the
  SHA-256 of the seed's text) before the draw runs.
- The stream: HMAC-SHA256 keyed by the seed over ``b"onevisit-draw-v1" || parameters
  SHA-256 || counter`` (the inspection draw's stream, unchanged).
- For each case in order: the experts not in conflict with it (in their published order)
  are shuffled (Fisher–Yates, from the last position down), then stably sorted by how
  many cases each has been given so far, and the first ``experts_per_case`` are taken.
  Least-loaded first keeps the load even: without conflicts no expert has more than one
  case more than another.
- A case with fewer unconflicted experts than ``experts_per_case`` makes the draw
  impossible; `shortfalls` names every such case before anything is committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onevisit.inspection.draw import Stream, parameters_digest, shuffled

ALGORITHM = "onevisit-award-draw-v1"


class DrawImpossible(ValueError):
    """A case has fewer unconflicted experts than the call needs."""

    def __init__(self, case: str, available: int) -> None:
        super().__init__(case)
        self.case = case
        self.available = available


@dataclass(frozen=True)
class Drawn:
    case: str
    experts: tuple[str, ...]


def parameters_build(*, call: int, experts_per_case: int, cases: Iterable[str],
                     experts: Iterable[str], conflicts: Iterable[tuple[str, str]],
                     ) -> dict[str, Any]:
    """The draw's parameters in their one published form."""
    return {
        "algorithm": ALGORITHM,
        "call": call,
        "experts_per_case": experts_per_case,
        "cases": list(cases),
        "experts": list(experts),
        "conflicts": sorted([expert, case] for expert, case in set(conflicts)),
    }


def _eligible(parameters: dict[str, Any]) -> dict[str, list[str]]:
    conflicts = {(pair[0], pair[1]) for pair in parameters["conflicts"]}
    return {case: [e for e in parameters["experts"] if (e, case) not in conflicts]
            for case in parameters["cases"]}


def shortfalls(parameters: dict[str, Any]) -> dict[str, int]:
    """The cases that cannot get enough experts, each with how many it could get."""
    needed = int(parameters["experts_per_case"])
    return {case: len(pool) for case, pool in _eligible(parameters).items()
            if len(pool) < needed}


def run(*, seed: str, parameters: dict[str, Any]) -> list[Drawn]:
    """The draw: the same (seed, parameters) always give the same list."""
    stream = Stream(seed=seed, parameters_sha256=parameters_digest(parameters))
    needed = int(parameters["experts_per_case"])
    load = dict.fromkeys(parameters["experts"], 0)
    eligible = _eligible(parameters)
    drawn = []
    for case in parameters["cases"]:
        pool = eligible[case]
        if len(pool) < needed:
            raise DrawImpossible(case, len(pool))
        chosen = sorted(shuffled(stream, pool), key=load.__getitem__)[:needed]
        for expert in chosen:
            load[expert] += 1
        drawn.append(Drawn(case=case, experts=tuple(chosen)))
    return drawn
