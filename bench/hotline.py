"""`onevisit bench hotline`: the 12345 hotline's measured parts, each beside a baseline
from the same run — dispatch suggestions (`bench/hotline_dispatch.py`), duplicate
detection against the open tickets (`bench/hotline_duplicates.py`), the knowledge base
(`bench/hotline_knowledge.py`) and the portal search on queries as people type them
(`bench/hotline_search.py`)."""

from __future__ import annotations

from typing import Any, TextIO

from bench import hotline_dispatch, hotline_duplicates, hotline_knowledge, hotline_search

PARTS = ("dispatch", "duplicates", "knowledge", "search")


def run(*, out: TextIO, parts: list[str], train: int, test: int, folds: int,
        open_tickets: int, probes: int, entries: int, seed: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for part in parts or PARTS:
        out.write(f"\n== {part}\n")
        if part == "dispatch":
            results[part] = hotline_dispatch.run(out=out, train=train, test=test, folds=folds,
                                                 seed=seed)
        elif part == "duplicates":
            results[part] = hotline_duplicates.run(out=out, open_tickets=open_tickets,
                                                   probes=probes, seed=seed)
        elif part == "search":
            results[part] = hotline_search.run(out=out)
        else:
            results[part] = hotline_knowledge.run(out=out, entries=entries, seed=seed)
    return results
