"""The draw algorithm on its own: deterministic, conflict-free, two inspectors a target,
the tiers' sampling ratios."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onevisit.inspection import draw as algorithm

INSPECTORS = [{"id": f"I{n}", "department": "sc" if n < 4 else "zf"} for n in range(1, 7)]


def _parameters(conflicts: list[list[str]] | None = None) -> dict:
    return {
        "plan": "JC1", "ratios": {"A": 10, "B": 50, "C": 100, "D": 100},
        "candidates": {
            "A": [{"target": f"A{n:02d}", "items": ["x"]} for n in range(20)],
            "B": [{"target": f"B{n:02d}", "items": ["x"]} for n in range(6)],
            "C": [{"target": "C00", "items": ["x"]}, {"target": "C01", "items": ["x"]}],
            "D": [],
        },
        "inspectors": INSPECTORS, "conflicts": conflicts or [],
    }


SEED = "ab" * 32


def test_the_same_seed_and_parameters_draw_the_same_and_another_seed_does_not():
    first = algorithm.run(seed=SEED, parameters=_parameters())
    again = algorithm.run(seed=SEED, parameters=_parameters())
    other = algorithm.run(seed="cd" * 32, parameters=_parameters())

    assert first == again
    assert first != other


def test_each_tier_is_sampled_at_its_ratio_rounding_up():
    drawn = algorithm.run(seed=SEED, parameters=_parameters())

    by_tier = {tier: [d.target for d in drawn if d.tier == tier] for tier in "ABCD"}
    assert {tier: len(targets) for tier, targets in by_tier.items()} == {
        "A": 2, "B": 3, "C": 2, "D": 0}
    assert all(target.startswith(tier) for tier, ts in by_tier.items() for target in ts)
    assert algorithm.sample_size(0, 100) == 0
    assert algorithm.sample_size(1, 1) == 1


def test_the_commitment_is_the_sha256_of_the_seeds_text():
    assert algorithm.commitment_of(SEED) == hashlib.sha256(SEED.encode()).hexdigest()


@settings(max_examples=200, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32))
def test_conflicted_pairs_are_never_drawn_and_each_target_gets_two_inspectors(seed):
    # Every A and B target conflicts with I1 and I4; C00 with all but I2 and I5.
    conflicts = ([[i, f"A{n:02d}"] for n in range(20) for i in ("I1", "I4")]
                 + [[i, f"B{n:02d}"] for n in range(6) for i in ("I1", "I4")]
                 + [[i, "C00"] for i in ("I1", "I3", "I4", "I6")])
    drawn = algorithm.run(seed=seed.hex(), parameters=_parameters(conflicts))

    blocked = {tuple(pair) for pair in conflicts}
    for entry in drawn:
        first, second = entry.inspectors
        assert first != second
        assert (first, entry.target) not in blocked
        assert (second, entry.target) not in blocked
    c00 = next(d for d in drawn if d.target == "C00")
    assert set(c00.inspectors) == {"I2", "I5"}


@settings(max_examples=50, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32))
def test_a_joint_team_comes_from_two_departments_and_the_work_is_shared(seed):
    drawn = algorithm.run(seed=seed.hex(), parameters=_parameters())

    department = {i["id"]: i["department"] for i in INSPECTORS}
    assert all(department[d.inspectors[0]] != department[d.inspectors[1]] for d in drawn)
    loads = [sum(i["id"] in d.inspectors for d in drawn) for i in INSPECTORS]
    assert max(loads) - min(loads) <= 1


def test_a_target_without_two_free_inspectors_cannot_be_drawn():
    conflicts = [[i["id"], "C00"] for i in INSPECTORS[1:]]
    with pytest.raises(algorithm.DrawImpossible) as refused:
        algorithm.run(seed=SEED, parameters=_parameters(conflicts))

    assert refused.value.target == "C00"
