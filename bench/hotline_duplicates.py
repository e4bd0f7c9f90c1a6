"""`onevisit bench hotline_duplicates`: 最多投一次 — a new 12345 ticket matched against
1,000,000 open tickets.

The data set: `open_tickets` synthetic tickets of 西湖区 (`onevisit.demo.tickets`), all
open, with their tokens and duplicate bands, in a SQLite database of its own in the data
directory (`bench/hotline-duplicates-<seed>-t<tokens version>-<vocabulary>.sqlite3`:
a change of the token rules or of the segmenter's vocabulary makes another), never the
configured one. It is built once with bulk inserts — chunks of `CHUNK` tickets generated
and tokenized in a process pool, one transaction each, so that an interrupted build
resumes — and kept; the bands alone are rebuilt when the matching parameters change.

The probes, for bases drawn from the open tickets of the types the service matches
(complaints, reports, help requests, suggestions), a third of each:

- near-duplicates: the same case told by another caller (`near_duplicates`);
- repeats: the same caller on the same case again (`repeat_of`);
- hard negatives: a ticket of the base's department and township that is another matter
  (another kind of matter, or the same kind at another address).

Each probe is tokenized and matched (`ticket_tokens`, `duplicate_matches`: the time per
new ticket); the service acts on the first match. It is right when the matched ticket
tells the probe's case: the base, or a twin — an open ticket of the same matter whose
problem is told with the same particulars at the same address (the generator draws
such twins independently; nothing tells them apart). Precision: right first matches of
all first matches; recall: near-duplicates and repeats whose first match is right (a
repeat's also of the kind same_caller). The case is a strict judge: the same matter at
the same address told with another of the matter's phrasings counts as wrong. The pair
figures are exact: whether a probe's base is among its matches, for a near-duplicate or
a repeat (pair recall) and never for a hard negative (pair precision).

The baseline, in the same run on the same database: no bands — every open ticket of the
probe's township read through the region index and scored with the same exact score, on
a subset of the probes (it takes seconds each).

Then the real-style set (`bench/hotline_duplicate_cases.py`): paraphrases and look-alikes
written apart from the generator, against their originals among generated open tickets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from bench import hotline_duplicate_cases
from bench.server import percentile_ms
from onevisit.accounts.services import regions_load
from onevisit.demo.tickets import GeneratedTicket, near_duplicates, repeat_of, tickets_generate
from onevisit.hotline import duplicates
from onevisit.hotline.constants import OPEN_STATUSES
from onevisit.hotline.duplicates import (
    duplicate_bands,
    duplicate_matches,
    duplicate_score,
    ticket_tokens,
)
from onevisit.hotline.models import DuplicateBand, Ticket
from onevisit.hotline.services.common import caller_digest
from onevisit.search import text as search_text

CHUNK = 10_000
TARGET_MS = 5.0
MATCHED_TYPES = ("complaint", "report", "help", "suggestion")
BASE_CHUNKS = 10  # bases are drawn from this many chunks spread over the data set
BASELINE_PROBES = 60
NEGATIVE_POOL = 30_000
CREATED = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


# --------------------------------------------------------------------------- database


@contextmanager
def _database(path: Path) -> Iterator[BaseDatabaseWrapper]:
    """The default connection of this thread pointed at a SQLite file of its own."""
    base = connections.settings["default"]
    options = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; "
                               "PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;",
               "timeout": 20}
    settings_dict = {**base, "ENGINE": "django.db.backends.sqlite3", "NAME": str(path),
                     "OPTIONS": options, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                     "TEST": {**base.get("TEST", {}), "NAME": None}}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    previous = connections["default"]
    connections["default"] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        connections["default"] = previous


def _meta(db: BaseDatabaseWrapper, key: str) -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def _meta_set(db: BaseDatabaseWrapper, key: str, value: str) -> None:
    with db.cursor() as cursor:
        cursor.execute("INSERT OR REPLACE INTO bench_meta (key, value) VALUES (%s, %s)",
                       [key, value])


def _prepare(db: BaseDatabaseWrapper) -> None:
    call_command("migrate", verbosity=0)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key TEXT PRIMARY KEY, value TEXT)")
        # The case each ticket tells, to judge a match (see the module's docstring).
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_case (ticket_id INTEGER PRIMARY KEY, "
                       "case_key INTEGER NOT NULL)")
    if not _meta(db, "regions"):
        regions_load()
        _meta_set(db, "regions", "loaded")


# --------------------------------------------------------------------------- the data set


def case_key(ticket: GeneratedTicket) -> int:
    """Tickets telling the same case: the same matter, its problem with the same
    particulars, at the same address."""
    case = ticket.case
    told = case.core.format_map(case.slots)
    digest = hashlib.blake2b(f"{case.matter.key}\x1f{told}\x1f{case.address}".encode(),
                             digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _vocabulary_digest() -> str:
    """The segmenter's vocabulary files, digested: the stored tokens depend on them."""
    digest = hashlib.blake2b(digest_size=4)
    for path in sorted(search_text.DATA.glob("*.txt")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _chunk_seed(seed: int, chunk: int) -> int:
    return seed * 1_000_003 + chunk


def _generated(seed: int, chunk: int) -> list[GeneratedTicket]:
    return tickets_generate(count=CHUNK, seed=_chunk_seed(seed, chunk))


def _chunk_rows(job: tuple[int, int]) -> tuple[int, list[tuple[Any, ...]]]:
    """A chunk's tickets as plain values (in a worker process)."""
    seed, chunk = job
    rows = []
    for ticket in _generated(seed, chunk):
        tokens = ticket_tokens(title=ticket.title, text=ticket.text, address=ticket.address)
        rows.append((ticket.type, ticket.channel, ticket.title, ticket.text,
                     ticket.region_code, ticket.address, ticket.caller_name,
                     ticket.caller_phone, caller_digest(ticket.caller_phone), " ".join(tokens),
                     case_key(ticket)))
    return chunk, rows


class _TicketInsert:
    """INSERT of whole ticket rows: every column, the model's defaults where the data set
    has no value."""

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        self.fields = list(Ticket._meta.concrete_fields)
        self.defaults = {field.attname: field.get_db_prep_save(field.get_default(), db)
                         for field in self.fields if not field.primary_key}
        columns = ", ".join(str(field.column) for field in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {Ticket._meta.db_table} ({columns}) VALUES ({marks})"
        self.db = db
        self.statuses = [status.value for status in OPEN_STATUSES]

    def row(self, pk: int, values: tuple[Any, ...]) -> list[Any]:
        (type_, channel, title, text, region, address, name, phone, digest, tokens,
         _key) = values
        created = CREATED + dt.timedelta(seconds=pk * 2)
        given = {
            "id": pk, "number": f"RX{pk:010d}", "type": type_, "channel": channel,
            "status": self.statuses[pk % len(self.statuses)], "caller_name": name,
            "caller_phone": phone, "caller_digest": digest, "title": title[:120],
            "text": text, "region_id": region, "jurisdiction_id": region[:6],
            "address": address[:200], "limit_days": 5,
            "created_at": self.db.ops.adapt_datetimefield_value(created), "tokens": tokens,
        }
        return [given[field.attname] if field.attname in given else self.defaults[field.attname]
                for field in self.fields]


def _build(db: BaseDatabaseWrapper, *, open_tickets: int, seed: int, out: TextIO) -> float:
    """Generate, tokenize and insert the missing chunks; the seconds it took."""
    chunks = -(-open_tickets // CHUNK)
    with db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_case")
        present = cursor.fetchone()[0]
    done = present // CHUNK
    if done >= chunks:
        return 0.0
    out.write(f"building the data set: chunks {done + 1}–{chunks} of {CHUNK} tickets…\n")
    started = time.perf_counter()
    insert = _TicketInsert(db)
    context = multiprocessing.get_context("fork")
    db.close()  # each forked worker would otherwise share this connection
    with context.Pool(os.cpu_count() or 1) as pool:
        jobs = [(seed, chunk) for chunk in range(done, chunks)]
        for chunk, rows in pool.imap(_chunk_rows, jobs):
            first = chunk * CHUNK + 1
            tickets = [insert.row(first + offset, values) for offset, values in enumerate(rows)]
            bands = [(band, first + offset) for offset, values in enumerate(rows)
                     for band in dict.fromkeys(
                         duplicate_bands(values[9].split(), region_code=values[4],
                                         address=values[5]))]
            with db.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.executemany(insert.sql, tickets)
                cursor.executemany(
                    f"INSERT INTO {DuplicateBand._meta.db_table} (band, ticket_id) "
                    "VALUES (%s, %s)", bands)
                cursor.executemany(
                    "INSERT INTO bench_case (ticket_id, case_key) VALUES (%s, %s)",
                    [(first + offset, values[10]) for offset, values in enumerate(rows)])
                cursor.execute("COMMIT")
            if (chunk + 1) % 10 == 0:
                out.write(f"  {(chunk + 1) * CHUNK:,} tickets "
                          f"({time.perf_counter() - started:.0f} s)\n")
    _meta_set(db, "bands", _bands_version())
    seconds = time.perf_counter() - started
    # An interrupted build resumed: the time of every part.
    _meta_set(db, "build_seconds", str(float(_meta(db, "build_seconds") or 0) + seconds))
    return seconds


def _bands_version() -> str:
    return (f"{duplicates.BANDS}x{duplicates.ROWS}+{duplicates.KEY_SUBJECTS}x"
            f"{duplicates.KEY_ANCHORS}:{duplicates.RARE_FREQUENCY}:"
            f"{duplicates.TOKENS_VERSION}")


def _bands_rebuild(db: BaseDatabaseWrapper, out: TextIO) -> float:
    """The bands again from the stored tokens, when the matching parameters changed."""
    if _meta(db, "bands") == _bands_version():
        return 0.0
    out.write(f"rebuilding the duplicate bands ({_bands_version()})…\n")
    started = time.perf_counter()
    table = DuplicateBand._meta.db_table
    with db.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                       "AND tbl_name = %s AND sql IS NOT NULL", [table])
        indexes = cursor.fetchall()
        cursor.execute("BEGIN")
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"SELECT id, tokens, region_id, address FROM {Ticket._meta.db_table} "
                       "ORDER BY id")
        rows = cursor.fetchall()
        batch: list[tuple[int, int]] = []
        for pk, tokens, region, address in rows:
            batch.extend((band, pk) for band in dict.fromkeys(
                duplicate_bands(tokens.split(), region_code=region or "", address=address)))
            if len(batch) >= 100_000:
                cursor.executemany(f"INSERT INTO {table} (band, ticket_id) VALUES (%s, %s)",
                                   batch)
                batch = []
        cursor.executemany(f"INSERT INTO {table} (band, ticket_id) VALUES (%s, %s)", batch)
        for _name, sql in indexes:
            cursor.execute(sql)
        cursor.execute("COMMIT")
    _meta_set(db, "bands", _bands_version())
    return time.perf_counter() - started


# --------------------------------------------------------------------------- probes


@dataclass
class Probe:
    kind: str  # near, repeat, negative
    ticket: GeneratedTicket
    base_id: int  # the open ticket it was made from (near, repeat) or beside (negative)
    key: int  # the case it tells


def _probes(*, open_tickets: int, count: int, seed: int) -> list[Probe]:
    """A third each: near-duplicates, repeats and hard negatives, for bases drawn from
    chunks spread over the data set (old tickets and new)."""
    rng = random.Random(seed)
    chunks = -(-open_tickets // CHUNK)
    spread = sorted({round(index * (chunks - 1) / max(1, BASE_CHUNKS - 1))
                     for index in range(min(BASE_CHUNKS, chunks))})
    wanted = max(1, -(-count // 3))
    bases: list[tuple[int, GeneratedTicket]] = []
    for chunk in spread:
        matched = [(chunk * CHUNK + offset + 1, ticket)
                   for offset, ticket in enumerate(_generated(seed, chunk))
                   if ticket.type in MATCHED_TYPES and chunk * CHUNK + offset < open_tickets]
        bases.extend(rng.sample(matched, min(-(-wanted // len(spread)), len(matched))))
    pool = tickets_generate(count=NEGATIVE_POOL, seed=seed + 7)
    probes: list[Probe] = []
    for base_id, base in bases[:wanted]:
        others = [ticket for ticket in pool
                  if ticket.department_code == base.department_code
                  and ticket.region_code == base.region_code and ticket.type in MATCHED_TYPES
                  and (ticket.case.matter.key != base.case.matter.key
                       or (ticket.address and base.address and ticket.address != base.address))]
        made = [("near", near_duplicates(base, count=1, rng=rng)[0]),
                ("repeat", repeat_of(base, rng))]
        if others:
            made.append(("negative", rng.choice(others)))
        probes.extend(Probe(kind, ticket, base_id, case_key(ticket)) for kind, ticket in made)
    return probes[:count]


@dataclass
class Outcome:
    probe: Probe
    first: int | None  # the ticket matched first: the one the service acts on
    kind: str  # of the first match
    matched: set[int]  # every ticket matched
    seconds: float  # tokens and matching
    matching: float  # matching alone


def _match(probe: Probe) -> Outcome:
    ticket = probe.ticket
    started = time.perf_counter()
    tokens = ticket_tokens(title=ticket.title, text=ticket.text, address=ticket.address)
    tokenized = time.perf_counter()
    matches = duplicate_matches(tokens=tokens, region_code=ticket.region_code,
                                address=ticket.address,
                                caller_digest=caller_digest(ticket.caller_phone))
    done = time.perf_counter()
    first = matches[0] if matches else None  # the caller's own first, then the best
    return Outcome(probe, first.ticket_id if first else None, first.kind if first else "",
                   {match.ticket_id for match in matches}, done - started, done - tokenized)


def _baseline(probe: Probe) -> Outcome:
    """No bands: every open ticket of the township read and scored."""
    ticket = probe.ticket
    started = time.perf_counter()
    tokens = ticket_tokens(title=ticket.title, text=ticket.text, address=ticket.address)
    tokenized = time.perf_counter()
    digest = caller_digest(ticket.caller_phone)
    found = []
    rows = (Ticket.objects.filter(region_id=ticket.region_code, status__in=OPEN_STATUSES)
            .values_list("pk", "tokens", "address", "caller_digest"))
    for pk, other, other_address, other_digest in rows.iterator(chunk_size=5000):
        same_caller = bool(digest) and other_digest == digest
        scored = duplicate_score(tokens=tokens, other_tokens=other.split(),
                                 address=ticket.address, other_address=other_address,
                                 same_region=True, same_caller=same_caller)
        threshold = (duplicates.SAME_CALLER_THRESHOLD if same_caller
                     else duplicates.SAME_MATTER_THRESHOLD)
        if scored.score >= threshold:
            found.append((not same_caller, -scored.score, pk))
    found.sort()
    done = time.perf_counter()
    first = found[0] if found else None
    return Outcome(probe, first[2] if first else None,
                   ("same_matter" if first[0] else "same_caller") if first else "",
                   {pk for _other, _score, pk in found[:5]}, done - started, done - tokenized)


def _keys(db: BaseDatabaseWrapper, ids: set[int]) -> dict[int, int]:
    ordered = sorted(ids)
    keys: dict[int, int] = {}
    with db.cursor() as cursor:
        for start in range(0, len(ordered), 500):
            part = ordered[start:start + 500]
            cursor.execute("SELECT ticket_id, case_key FROM bench_case WHERE ticket_id IN "
                           f"({', '.join(['%s'] * len(part))})", part)
            keys.update(cursor.fetchall())
    return keys


@dataclass
class Quality:
    probes: int
    precision: float  # first matches telling the probe's case, of all first matches
    recall: float  # positives whose first match tells their case (a repeat: same caller)
    recall_near: float
    recall_repeat: float
    negatives_wrong: float  # hard negatives given a first match of another case
    pair_precision: float  # (probe, base) pairs: matched positive pairs of all matched
    pair_recall: float  # positives whose base is among the matches

    def row(self, label: str) -> str:
        return (f"{label:28}{self.probes:>7}{self.precision:>11.3f}{self.recall:>8.3f}"
                f"{self.recall_near:>8.3f}{self.recall_repeat:>8.3f}"
                f"{self.negatives_wrong:>10.3f}{self.pair_precision:>9.3f}"
                f"{self.pair_recall:>8.3f}\n")


def _share(items: list[Outcome], test: Any) -> float:
    return sum(1 for item in items if test(item)) / len(items) if items else float("nan")


def _quality(outcomes: list[Outcome], keys: dict[int, int]) -> Quality:
    def right(outcome: Outcome) -> bool:
        return outcome.first is not None and keys.get(outcome.first) == outcome.probe.key

    def found(outcome: Outcome) -> bool:
        return right(outcome) and (outcome.probe.kind != "repeat"
                                   or outcome.kind == "same_caller")

    positives = [o for o in outcomes if o.probe.kind != "negative"]
    negatives = [o for o in outcomes if o.probe.kind == "negative"]
    pairs_found = sum(1 for o in positives if o.probe.base_id in o.matched)
    pairs_wrong = sum(1 for o in negatives if o.probe.base_id in o.matched)
    return Quality(
        probes=len(outcomes),
        precision=_share([o for o in outcomes if o.first is not None], right),
        recall=_share(positives, found),
        recall_near=_share([o for o in positives if o.probe.kind == "near"], found),
        recall_repeat=_share([o for o in positives if o.probe.kind == "repeat"], found),
        negatives_wrong=_share(negatives, lambda o: o.first is not None and not right(o)),
        pair_precision=(pairs_found / (pairs_found + pairs_wrong)
                        if pairs_found + pairs_wrong else float("nan")),
        pair_recall=pairs_found / len(positives) if positives else float("nan"),
    )


def _baseline_subset(probes: list[Probe]) -> list[Probe]:
    chosen: list[Probe] = []
    for kind in ("near", "repeat", "negative"):
        chosen.extend([probe for probe in probes if probe.kind == kind][:BASELINE_PROBES // 3])
    return chosen


# --------------------------------------------------------------------------- run


def run(*, out: TextIO, open_tickets: int = 1_000_000, probes: int = 1000,
        seed: int) -> dict[str, Any]:
    folder = Path(settings.DATA_DIR) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (f"hotline-duplicates-{seed}-t{duplicates.TOKENS_VERSION}"
                     f"-{_vocabulary_digest()}.sqlite3")
    with _database(path) as db:
        _prepare(db)
        _build(db, open_tickets=open_tickets, seed=seed, out=out)
        band_seconds = _bands_rebuild(db, out)
        built = _meta(db, "build_seconds")
        with db.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {Ticket._meta.db_table} WHERE status IN "
                           f"({', '.join(['%s'] * len(OPEN_STATUSES))})", list(OPEN_STATUSES))
            indexed = cursor.fetchone()[0]
            cursor.execute(f"SELECT COUNT(*) FROM {DuplicateBand._meta.db_table}")
            band_rows = cursor.fetchone()[0]
        if indexed != open_tickets:
            raise RuntimeError(f"{path.name} holds {indexed:,} open tickets, not "
                               f"{open_tickets:,}: use another seed or remove it")
        started = time.perf_counter()
        probe_list = _probes(open_tickets=open_tickets, count=probes, seed=seed)
        probe_seconds = time.perf_counter() - started
        for probe in probe_list[:20]:  # warm: the segmenter, the caches, the index's pages
            _match(probe)
        outcomes = [_match(probe) for probe in probe_list]
        subset = _baseline_subset(probe_list)
        baseline = [_baseline(probe) for probe in subset]
        keys = _keys(db, {ticket for o in [*outcomes, *baseline]
                          for ticket in (o.matched | {o.probe.base_id})})
    load = os.getloadavg()
    in_subset = {id(probe) for probe in subset}
    quality = _quality(outcomes, keys)
    quality_subset = _quality([o for o in outcomes if id(o.probe) in in_subset], keys)
    quality_baseline = _quality(baseline, keys)
    times = [o.seconds for o in outcomes]
    matching = [o.matching for o in outcomes]
    base_times = [o.seconds for o in baseline]
    kinds = Counter(probe.kind for probe in probe_list)
    out.write(f"onevisit bench hotline_duplicates — 最多投一次: a new ticket against "
              f"{open_tickets:,} open tickets (SQLite, {path.name}, seed {seed})\n")
    out.write(f"bands: MinHash {duplicates.BANDS} × {duplicates.ROWS} rows per county, "
              f"{band_rows / open_tickets:.1f} rows per ticket ({band_rows:,}); per new "
              f"ticket ≤ {duplicates.PER_BAND} rows read per band, ≤ "
              f"{duplicates.CANDIDATES} tickets scored; threshold "
              f"{duplicates.SAME_MATTER_THRESHOLD}\n")
    out.write(f"data set: built in {float(built):.0f} s (generated, tokenized, inserted with "
              f"its bands, {os.cpu_count()} processes)" if built else "data set: built earlier")
    out.write(f"; bands rebuilt in {band_seconds:.0f} s\n" if band_seconds else "\n")
    out.write(f"probes: {kinds['near']} near-duplicates, {kinds['repeat']} repeats, "
              f"{kinds['negative']} hard negatives (same department and township, another "
              f"matter), made in {probe_seconds:.0f} s\n\n")
    out.write(f"{'time per new ticket':36}{'tickets':>8}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'max ms':>9}\n")
    for label, sample in (("bands: tokens + matching", times), ("  of which matching", matching),
                          ("township scan (baseline)", base_times)):
        out.write(f"{label:36}{len(sample):>8}{percentile_ms(sample, 50):>9.2f}"
                  f"{percentile_ms(sample, 95):>9.2f}{percentile_ms(sample, 100):>9.2f}\n")
    p50, p95 = percentile_ms(times, 50), percentile_ms(times, 95)
    out.write(f"baseline to bands, p50: {percentile_ms(base_times, 50) / p50:.0f}× slower\n\n")
    out.write(f"{'quality':28}{'probes':>7}{'precision':>11}{'recall':>8}{'near':>8}"
              f"{'repeat':>8}{'neg. FP':>10}{'pair P':>9}{'pair R':>8}\n")
    out.write(quality.row("bands, all probes"))
    out.write(quality_subset.row("bands, the baseline's"))
    out.write(quality_baseline.row("township scan (baseline)"))
    out.write("(first match: right when it tells the probe's case — its base or a twin; a "
              "repeat also as same_caller. neg. FP: hard negatives given a wrong first match. "
              "pair: the probe's base among its matches)\n")
    out.write(f"machine load average during the run: {load[0]:.2f} (1 min), {load[1]:.2f} "
              f"(5 min), {os.cpu_count()} CPUs\n")
    verdict = "met" if p95 <= TARGET_MS else "NOT met"
    out.write(f"target ≤ {TARGET_MS:.0f} ms per new ticket (p95): {verdict}\n\n")
    cases = hotline_duplicate_cases.run(
        out=out, background=min(open_tickets, hotline_duplicate_cases.BACKGROUND), seed=seed)
    return {
        "cases": cases,
        "open_tickets": open_tickets, "probes": dict(kinds), "band_rows": band_rows,
        "p50_ms": p50, "p95_ms": p95, "matching_p50_ms": percentile_ms(matching, 50),
        "baseline_p50_ms": percentile_ms(base_times, 50),
        "baseline_p95_ms": percentile_ms(base_times, 95), "quality": quality,
        "quality_subset": quality_subset, "quality_baseline": quality_baseline,
        "build_seconds": float(built) if built else None, "band_seconds": band_seconds,
        "load": load,
    }
