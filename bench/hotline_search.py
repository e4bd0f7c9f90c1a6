"""The portal search on queries as people type them: `data/hotline/search-queries.csv`
(90 queries written apart from the project's own data, see `data/hotline/README.md`),
each with the guides acceptable as its first result, or none when the right answer is
"no good match" (a matter outside the catalogue).

The queries are split in two halves, alternately within each kind (the first, third, …
of a kind are the development half, the second, fourth, … the test half): the search's
vocabulary and thresholds were tuned on the development half; the test half says how
that carries over.

Measured, over the demo catalogue's guides (the database gets the demo catalogue if it
has no guides, and its guides are indexed anew: the index's words follow the vocabulary
files):

- `search_run` (onevisit, the portal's search): the first result is acceptable, or, for
  a query with none, the answer is "no good match"; per kind of query and per half;
- the baseline, in the same run against the same index: a plain full-text query of the
  words as typed (`search_plain`: no synonyms, traditional characters, English phrases,
  spelling or weak-match steps; every word, else any word);
- the latency of a query, in alternating rounds of every query.
"""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.core.management import call_command
from django.db import connection

from bench.server import percentile_ms
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.search.models import SearchDocument
from onevisit.search.selectors import GUIDE_KINDS, search_plain, search_run
from onevisit.search.services import search_reindex
from onevisit.search.text import segmenter_warm

QUERIES = Path(__file__).resolve().parent / "data" / "hotline" / "search-queries.csv"
HALVES = ("development", "test")
KINDS = ("formal", "colloquial", "typo", "traditional", "english", "none")
ROUNDS = 5
TARGET_P95_MS = 50.0


@dataclass(frozen=True)
class SearchQuery:
    text: str
    acceptable: tuple[str, ...]  # keys acceptable as the first result; none: no good match
    kind: str
    half: str


def queries(path: Path = QUERIES) -> list[SearchQuery]:
    """The queries, each in its half (alternately within its kind)."""
    seen: dict[str, int] = {}
    found: list[SearchQuery] = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kind = row["说明"].strip()
            index = seen.get(kind, 0)
            seen[kind] = index + 1
            found.append(SearchQuery(text=row["查询"], acceptable=tuple(row["应找到"].split()),
                                     kind=kind, half=HALVES[index % 2]))
    return found


def is_right(keys: Sequence[str], query: SearchQuery) -> bool:
    if not query.acceptable:
        return not keys
    return bool(keys) and keys[0] in query.acceptable


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    right: dict[tuple[str, str], int] = field(default_factory=dict)  # (half, kind) → right
    said_none: dict[str, int] = field(default_factory=dict)  # half → answerable said none

    def count(self, half: str, kinds: Sequence[str]) -> int:
        return sum(self.right.get((half, kind), 0) for kind in kinds)


def _onevisit(text: str) -> list[str]:
    return [hit.document.key for hit in search_run(text=text).page]


def _baseline(text: str) -> list[str]:
    return search_plain(text=text)


def _measure(items: Sequence[SearchQuery], rounds: int) -> dict[str, Sample]:
    """Rounds of every query, onevisit's and the baseline's in turn; the rates from the
    first round."""
    samples = {"onevisit": Sample(), "baseline": Sample()}
    searches: dict[str, Callable[[str], list[str]]] = {
        "onevisit": _onevisit, "baseline": _baseline}
    for round_index in range(rounds):
        for key, search in searches.items():
            sample = samples[key]
            for query in items:
                started = time.perf_counter()
                keys = search(query.text)
                sample.latencies.append(time.perf_counter() - started)
                if round_index:
                    continue
                slot = (query.half, query.kind)
                sample.right[slot] = sample.right.get(slot, 0) + is_right(keys, query)
                if query.acceptable and not keys:
                    sample.said_none[query.half] = sample.said_none.get(query.half, 0) + 1
    return samples


def run(*, out: TextIO) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not SearchDocument.objects.filter(kind__in=GUIDE_KINDS).exists():
        out.write("loading the demo catalogue…\n")
        demo_catalogue_load()
    search_reindex(kinds=GUIDE_KINDS)
    load_seconds = time.perf_counter() - started
    segmenter_warm()
    items = queries()
    _measure(items, 1)  # warm-up: caches, the query planner
    samples = _measure(items, ROUNDS)
    mine, base = samples["onevisit"], samples["baseline"]

    totals = {(half, kind): sum(1 for q in items if q.half == half and q.kind == kind)
              for half in HALVES for kind in KINDS}
    guides = SearchDocument.objects.filter(kind__in=GUIDE_KINDS).count()
    out.write(f"\nonevisit bench hotline search — {len(items)} queries typed as people type "
              f"them ({QUERIES.name}); {guides} guides searched\n")
    out.write(f"database: {connection.vendor} · {os.cpu_count()} CPUs · {ROUNDS} rounds of "
              f"every query · demo catalogue found or loaded and indexed in "
              f"{load_seconds:.1f} s\n\n")
    out.write("first result acceptable (for `none`: answered \"no good match\"), "
              "onevisit / plain full-text baseline\n")
    out.write(f"{'kind':14}" + "".join(f"{half:>26}" for half in HALVES) + "\n")

    def cell(half: str, kinds: Sequence[str]) -> str:
        total = sum(totals[(half, kind)] for kind in kinds)
        return (f"{mine.count(half, kinds):>3}/{total:<3} {mine.count(half, kinds) / total:>5.0%}"
                f"  ({base.count(half, kinds):>2} {base.count(half, kinds) / total:>4.0%})")

    for kind in KINDS:
        out.write(f"{kind:14}" + "".join(f"{cell(half, [kind]):>26}" for half in HALVES) + "\n")
    out.write(f"{'all':14}" + "".join(f"{cell(half, KINDS):>26}" for half in HALVES) + "\n")
    answerable = {half: sum(totals[(half, kind)] for kind in KINDS if kind != "none")
                  for half in HALVES}
    for half in HALVES:
        out.write(f"{half} half: \"no good match\" right on {mine.count(half, ['none'])}/"
                  f"{totals[(half, 'none')]} queries outside the catalogue (baseline "
                  f"{base.count(half, ['none'])}); said wrongly of "
                  f"{mine.said_none.get(half, 0)}/{answerable[half]} answerable ones "
                  f"(baseline {base.said_none.get(half, 0)})\n")
    p50, p95 = percentile_ms(mine.latencies, 50), percentile_ms(mine.latencies, 95)
    out.write(f"\nlatency per query (the selector, with its result rows): onevisit p50 "
              f"{p50:.1f} ms, p95 {p95:.1f} ms; baseline p50 "
              f"{percentile_ms(base.latencies, 50):.1f} ms, p95 "
              f"{percentile_ms(base.latencies, 95):.1f} ms\n")
    met = "met" if p95 <= TARGET_P95_MS else "NOT met"
    out.write(f"target p95 ≤ {TARGET_P95_MS:.0f} ms: {met}\n")
    result: dict[str, Any] = {"p50_ms": p50, "p95_ms": p95}
    for half in HALVES:
        result[half] = {
            kind: {"queries": totals[(half, kind)], "onevisit": mine.right.get((half, kind), 0),
                   "baseline": base.right.get((half, kind), 0)} for kind in KINDS}
    return result
