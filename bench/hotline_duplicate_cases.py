"""Duplicate matching on real-style paraphrases (`bench/data/hotline/duplicate-cases.csv`),
a part of `onevisit bench hotline --parts duplicates`.

The set was written apart from the generator of the demo tickets (see
`bench/data/README.md`): for each case an original complaint, paraphrases (the same matter
in other words, by another caller, sometimes in a neighbouring township, with a title or
none) and look-alikes (`distinct`: the same matter at another number or compound, another
matter at the same place). Its cases are split in two halves by their number: the odd
ones are the development half (looked at while the score and the vocabulary were made),
the even ones the test half (only measured). Both are printed.

The originals are open tickets among a background of `background` generated open tickets
(`onevisit.demo.tickets`) moved into the set's townships (嘉兴市南湖区), in a SQLite
database of their own, built afresh each run; the originals take random places in the
order of filing, so the most-recent-first band reads favour neither. Each paraphrase and
look-alike is then filed against them as a new ticket (`ticket_tokens`,
`duplicate_matches`), without a title when it has none (the service then titles it with
its first 30 characters), under a caller of its own.

- paraphrase recall: paraphrases merged into their case's original (the first sure match,
  what the service acts on);
- false merges: paraphrases merged into another ticket and look-alikes merged at all, each
  named; merge precision: right merges of all merges;
- near misses shown (可能重复): paraphrases whose original is among the possible duplicates
  and which were not merged; look-alikes shown a possible duplicate (the agent sees it,
  nothing is merged).
"""

from __future__ import annotations

import csv
import hashlib
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bench.server import percentile_ms
from onevisit.demo.tickets import tickets_generate
from onevisit.hotline import duplicates
from onevisit.hotline.duplicates import duplicate_bands, duplicate_matches, ticket_tokens
from onevisit.hotline.models import DuplicateBand, Ticket
from onevisit.hotline.services.common import caller_digest

CASES = Path(__file__).resolve().parent / "data" / "hotline" / "duplicate-cases.csv"
BACKGROUND = 20_000  # generated open tickets around the originals, at most
TITLE_CHARS = 30  # a ticket filed without a title is titled with its text's beginning


@dataclass(frozen=True)
class Row:
    case: str
    role: str  # original, paraphrase, distinct
    caller: str
    title: str
    text: str
    address: str
    region_code: str

    @property
    def half(self) -> str:
        return "dev" if int("".join(c for c in self.case if c.isdigit()) or 0) % 2 else "test"

    @property
    def filed_title(self) -> str:
        return (self.title.strip() or self.text.strip()[:TITLE_CHARS])[:120]


def rows_read(path: Path = CASES) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Row(case=r["案例"], role=r["角色"], caller=r["来电人"], title=r["工单标题"],
                    text=r["诉求内容"], address=r["地址"], region_code=r["区划代码"])
                for r in csv.DictReader(handle)]


def _phone(caller: str) -> str:
    """A caller of the set's own phone number (each caller another person)."""
    return "139" + str(int(hashlib.blake2b(caller.encode(), digest_size=4).hexdigest(), 16)
                       % 100_000_000).zfill(8)


@dataclass
class Filed:
    row: Row
    merged_into: str = ""  # the case ("" none, "background" a generated ticket)
    merged_number: str = ""
    kind: str = ""
    possible: list[str] = field(default_factory=list)  # the cases shown as 可能重复
    score_own: float | None = None  # the original's score, when matched at all
    seconds: float = 0.0


@dataclass
class Figures:
    half: str
    paraphrases: int
    distinct: int
    recall: float
    merged_paraphrases: int
    wrong_paraphrases: list[str]
    distinct_merged: list[str]
    precision: float
    near_paraphrases: int
    near_distinct: int


def _insert(rows: list[tuple[str, str, str, str, str, str, str]], out: TextIO) -> dict[int, str]:
    """Open tickets (type, title, text, region, address, phone, case), their bands; the
    case each ticket id tells."""
    from django.db import connection

    from bench.hotline_duplicates import _TicketInsert

    insert = _TicketInsert(connection)
    cases: dict[int, str] = {}
    tickets, bands = [], []
    for pk, (type_, title, text, region, address, phone, case) in enumerate(rows, start=1):
        tokens = ticket_tokens(title=title, text=text, address=address)
        values = (type_, "phone", title, text, region, address, "", phone, caller_digest(phone),
                  " ".join(tokens), 0)
        row = insert.row(pk, values)
        row[[f.attname for f in insert.fields].index("status")] = "dispatched"
        tickets.append(row)
        bands.extend((band, pk) for band in dict.fromkeys(
            duplicate_bands(tokens, region_code=region, address=address)))
        cases[pk] = case
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.executemany(insert.sql, tickets)
        cursor.executemany(f"INSERT INTO {DuplicateBand._meta.db_table} (band, ticket_id) "
                           "VALUES (%s, %s)", bands)
        cursor.execute("COMMIT")
    out.write(f"  indexed {len(tickets):,} open tickets\n")
    return cases


def _figures(half: str, filed: list[Filed]) -> Figures:
    mine = [f for f in filed if f.row.half == half or half == "all"]
    paraphrases = [f for f in mine if f.row.role == "paraphrase"]
    distinct = [f for f in mine if f.row.role == "distinct"]
    right = [f for f in paraphrases if f.merged_into == f.row.case]
    wrong = [f for f in paraphrases if f.merged_into and f.merged_into != f.row.case]
    merged_distinct = [f for f in distinct if f.merged_into]
    merges = len(right) + len(wrong) + len(merged_distinct)
    return Figures(
        half=half, paraphrases=len(paraphrases), distinct=len(distinct),
        recall=len(right) / len(paraphrases) if paraphrases else float("nan"),
        merged_paraphrases=len(right),
        wrong_paraphrases=[f"{f.row.caller}→{f.merged_into}" for f in wrong],
        distinct_merged=[f"{f.row.caller}→{f.merged_into}" for f in merged_distinct],
        precision=len(right) / merges if merges else float("nan"),
        near_paraphrases=sum(1 for f in paraphrases
                             if not f.merged_into and f.row.case in f.possible),
        near_distinct=sum(1 for f in distinct if not f.merged_into and f.possible),
    )


def run(*, out: TextIO, background: int, seed: int, path: Path = CASES) -> dict[str, Any]:
    """Build the database, file every paraphrase and look-alike, print the figures."""
    from bench.hotline_duplicates import _database, _prepare

    rows = rows_read(path)
    originals = [row for row in rows if row.role == "original"]
    townships = sorted({row.region_code for row in rows})
    generated = tickets_generate(count=background, seed=seed + 17)
    rng = random.Random(seed)
    # The background moved into the set's townships, each generated township to one.
    moved = {code: townships[index % len(townships)] for index, code in
             enumerate(sorted({ticket.region_code for ticket in generated}))}
    open_rows = [(t.type, t.title, t.text, moved[t.region_code], t.address, t.caller_phone,
                  "background") for t in generated]
    for row in originals:
        open_rows.insert(rng.randrange(len(open_rows) + 1),
                         ("complaint", row.filed_title, row.text, row.region_code, row.address,
                          _phone(row.caller), row.case))
    filed: list[Filed] = []
    with tempfile.TemporaryDirectory() as folder, _database(Path(folder) / "cases.sqlite3"):
        started_all = time.perf_counter()
        from django.db import connection

        _prepare(connection)
        out.write(f"real-style set: {len(originals)} originals among {background:,} generated "
                  f"open tickets in {len(townships)} townships of 南湖区\n")
        cases = _insert(open_rows, out)
        numbers = dict(Ticket.objects.values_list("pk", "number"))
        by_number = {numbers[pk]: case for pk, case in cases.items()}
        for row in rows:
            if row.role == "original":
                continue
            started = time.perf_counter()
            tokens = ticket_tokens(title=row.filed_title, text=row.text, address=row.address)
            matches = duplicate_matches(tokens=tokens, region_code=row.region_code,
                                        address=row.address,
                                        caller_digest=caller_digest(_phone(row.caller)))
            seconds = time.perf_counter() - started
            sure = [m for m in matches if m.kind != "possible"]
            result = Filed(row=row, seconds=seconds,
                           possible=[by_number[m.number] for m in matches
                                     if m.kind == "possible"])
            if sure:
                result.merged_into = by_number[sure[0].number]
                result.merged_number, result.kind = sure[0].number, sure[0].kind
            own = [m.score for m in matches if by_number[m.number] == row.case]
            result.score_own = own[0] if own else None
            filed.append(result)
        elapsed = time.perf_counter() - started_all
    figures = [_figures(half, filed) for half in ("dev", "test", "all")]
    out.write(f"{'half':6}{'para.':>7}{'recall':>8}{'distinct':>10}{'false merges':>14}"
              f"{'precision':>11}{'near: para.':>13}{'near: dist.':>13}\n")
    for f in figures:
        false = len(f.wrong_paraphrases) + len(f.distinct_merged)
        out.write(f"{f.half:6}{f.paraphrases:>7}{f.recall:>8.3f}{f.distinct:>10}{false:>14}"
                  f"{f.precision:>11.3f}{f.near_paraphrases:>13}{f.near_distinct:>13}\n")
    for f in figures[:2]:
        if f.wrong_paraphrases or f.distinct_merged:
            out.write(f"  false merges ({f.half}): "
                      f"{', '.join([*f.distinct_merged, *f.wrong_paraphrases])}\n")
    times = [f.seconds for f in filed]
    out.write(f"(merge threshold {duplicates.SAME_MATTER_THRESHOLD}, possible duplicates from "
              f"{duplicates.POSSIBLE_THRESHOLD}; near: para. = paraphrases not merged whose "
              f"original is shown as 可能重复, dist. = look-alikes shown one; precision = "
              f"right merges of all merges; dev = odd cases, test = even; tokens + matching "
              f"p50 {percentile_ms(times, 50):.2f} ms, p95 {percentile_ms(times, 95):.2f} ms; "
              f"{elapsed:.0f} s in all)\n")
    return {"figures": figures, "filed": filed}
