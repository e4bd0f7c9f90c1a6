"""The draw algorithm (docs/inspection.md), free of the database so that anyone can re-run
it from the published parameters and the revealed seed.

- The parameters are serialised as canonical JSON (keys sorted, no spaces, UTF-8); their
  SHA-256 is published with the commitment, the SHA-256 of the seed's text.
- A stream of random integers: HMAC-SHA256 keyed by the seed (its 32 bytes) over
  ``b"onevisit-draw-v1" || parameters SHA-256 (32 bytes) || counter (8 bytes, big-endian)``
  for counter = 0, 1, 2, …; each 32-byte block gives four unsigned 64-bit big-endian
  numbers; a number below n is drawn by rejection (u < 2^64 - 2^64 mod n, then u mod n).
- Targets: for each credit tier in order A, B, C, D, the tier's candidates (in their
  published order) are shuffled by Fisher–Yates (i from the last index down to 1, j drawn
  below i + 1, swap) and the first ceil(count × percent / 100) are taken.
- Inspectors: for each drawn target in order, the inspectors not in conflict with it (in
  their published order) are shuffled, then stably sorted by how many targets each has
  been given so far; the first is taken, then the first after it from another
  department (if any; else the next one).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

ALGORITHM = "onevisit-draw-v1"
_DOMAIN = b"onevisit-draw-v1"
TIERS = ("A", "B", "C", "D")
T = TypeVar("T")


class DrawImpossible(ValueError):
    """A drawn target has fewer than two inspectors it is not in conflict with."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def canonical(value: Any) -> bytes:
    """The one byte string a JSON value hashes as."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parameters_digest(parameters: dict[str, Any]) -> str:
    return sha256_hex(canonical(parameters))


def commitment_of(seed: str) -> str:
    """The published commitment to a seed: SHA-256 of its text (64 hex digits)."""
    return sha256_hex(seed.encode("ascii"))


class Stream:
    """Uniform integers from HMAC-SHA256 in counter mode."""

    def __init__(self, *, seed: str, parameters_sha256: str) -> None:
        self._key = bytes.fromhex(seed)
        self._context = _DOMAIN + bytes.fromhex(parameters_sha256)
        self._counter = 0
        self._buffer = b""

    def _u64(self) -> int:
        if len(self._buffer) < 8:
            block = hmac.new(self._key, self._context + self._counter.to_bytes(8, "big"),
                             hashlib.sha256).digest()
            self._counter += 1
            self._buffer += block
        value, self._buffer = self._buffer[:8], self._buffer[8:]
        return int.from_bytes(value, "big")

    def below(self, n: int) -> int:
        if n < 1:
            raise ValueError("n must be positive")
        limit = (2**64 // n) * n
        while True:
            value = self._u64()
            if value < limit:
                return value % n


def shuffled(stream: Stream, values: Sequence[T]) -> list[T]:
    """Fisher–Yates, from the last position down."""
    out = list(values)
    for i in range(len(out) - 1, 0, -1):
        j = stream.below(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def sample_size(count: int, percent: int) -> int:
    """ceil(count × percent / 100): any ratio above zero checks at least one candidate."""
    return (count * percent + 99) // 100


@dataclass(frozen=True)
class Drawn:
    target: str
    tier: str
    inspectors: tuple[str, str]


def run(*, seed: str, parameters: dict[str, Any]) -> list[Drawn]:
    """The draw: the same (seed, parameters) always give the same list."""
    stream = Stream(seed=seed, parameters_sha256=parameters_digest(parameters))
    selected: list[tuple[str, str]] = []
    for tier in TIERS:
        pool = [entry["target"] for entry in parameters["candidates"].get(tier, [])]
        count = sample_size(len(pool), int(parameters["ratios"].get(tier, 0)))
        selected += [(target, tier) for target in shuffled(stream, pool)[:count]]
    inspectors = [entry["id"] for entry in parameters["inspectors"]]
    department = {entry["id"]: entry["department"] for entry in parameters["inspectors"]}
    conflicts = {(pair[0], pair[1]) for pair in parameters["conflicts"]}
    load = dict.fromkeys(inspectors, 0)
    drawn = []
    for target, tier in selected:
        eligible = [i for i in inspectors if (i, target) not in conflicts]
        if len(eligible) < 2:
            raise DrawImpossible(target)
        order = sorted(shuffled(stream, eligible), key=load.__getitem__)
        first = order[0]
        second = next((i for i in order[1:] if department[i] != department[first]), order[1])
        load[first] += 1
        load[second] += 1
        drawn.append(Drawn(target=target, tier=tier, inspectors=(first, second)))
    return drawn
