"""`onevisit bench intake`: filing the 二手房 life event through the real HTTP API.

Concurrent clients POST /api/v1/applications (with an Idempotency-Key, the uploads as
base64) to a gunicorn server process; every filing runs the whole intake: validation,
once-only fetches with their access log, the completeness check, acceptance with a
receipt and three department cases, and the audit chain.

The baseline, measured in the same run against the same database, is raw SQL through
the database driver doing the same row writes: one real filing is made first and its
rows are captured; the baseline then inserts copies of exactly those rows (fresh keys,
foreign keys remapped; the audit rows hashed, linked and the head signed as onevisit's
append does, so the log still verifies) in one transaction per filing, from the same
number of concurrent connections.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from random import Random
from typing import Any, Protocol, TextIO, cast

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client as TestClient

from bench.engines import Engines
from bench.server import (
    Server,
    database_vacuum,
    percentile_ms,
    server_start,
    server_stop,
)
from onevisit.accounts.models import Role, User
from onevisit.accounts.services import api_token_create
from onevisit.applications.services import subject_resolve
from onevisit.audit import signing
from onevisit.audit.models import AuditEvent, AuditHead
from onevisit.audit.services import audit_digest, chain_genesis
from onevisit.demo.forms import FormFiller, api_filing
from onevisit.ops.demo_setup import demo_world_load

LIFE_EVENT = "second-hand-housing"
PATH = "/api/v1/applications"


@dataclass
class Sample:
    latencies: list[float]
    seconds: float
    errors: int

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: int) -> float:
        return percentile_ms(self.latencies, q)


# --------------------------------------------------------------------------- set-up


@dataclass
class Client:
    token: str
    payload: dict[str, Any]


def _clients(count: int) -> tuple[list[Client], FormFiller, Any]:
    world = demo_world_load(people=max(400, count * 10), companies=20)
    filler = FormFiller(world.population, Random(7))
    subject = subject_resolve(life_event_code=LIFE_EVENT)
    clients = []
    for index in range(count):
        filer = filler.filer_for(fields=subject.fields, materials=subject.materials)
        user, _ = User.objects.update_or_create(
            username=f"bench-{index}",
            defaults={"role": Role.CITIZEN, "id_number": filer.id_number,
                      "first_name": filer.name},
        )
        payload = api_filing(filler=filler, subject=subject, filer=filer,
                             code={"life_event_code": LIFE_EVENT})
        clients.append(Client(token=api_token_create(user=user, name="bench"), payload=payload))
    return clients, filler, subject


# --------------------------------------------------------------------------- HTTP side


class HttpFiler:
    """One client: a kept-alive connection filing its payload again and again."""

    def __init__(self, server: Server, client: Client) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        self.token = client.token
        self.body = json.dumps(client.payload).encode()

    def step(self) -> str | None:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                   "Idempotency-Key": uuid.uuid4().hex}
        self.conn.request("POST", PATH, body=self.body, headers=headers)
        response = self.conn.getresponse()
        answer = response.read()
        return None if response.status == 201 else f"{response.status} {answer[:200]!r}"

    def close(self) -> None:
        self.conn.close()


class Filer(Protocol):
    def step(self) -> str | None:
        """File once; an error message, or None."""

    def close(self) -> None: ...


def _closed_loop(factories: list[Callable[[], Filer]], per_client: int, warmup: int) -> Sample:
    """Each filer, in its own thread, files `warmup` times unmeasured, then `per_client`
    times measured, each filing sent when the previous answer arrived."""
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(factories) + 1)
    crashed: list[BaseException] = []

    def work(factory: Callable[[], Filer]) -> None:
        filer = factory()
        mine: list[float] = []
        try:
            _filings(filer, mine)
        except BaseException as exc:
            # A client that dies must not leave the others waiting at the barrier.
            with lock:
                crashed.append(exc)
            barrier.abort()
            raise
        finally:
            filer.close()
        with lock:
            latencies.extend(mine)

    def _filings(filer: Filer, mine: list[float]) -> None:
        for index in range(warmup + per_client):
            if index == warmup:
                barrier.wait()
            started = time.perf_counter()
            error = filer.step()
            elapsed = time.perf_counter() - started
            if error is not None:
                with lock:
                    errors.append(error)
            elif index >= warmup:
                mine.append(elapsed)

    threads = [threading.Thread(target=work, args=(f,)) for f in factories]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if crashed:
        raise SystemExit(f"a client failed: {crashed[0]!r}")
    if errors:
        print(f"  {len(errors)} failed filings, first: {errors[0]}", file=sys.stderr)
    return Sample(latencies=latencies, seconds=seconds, errors=len(errors))


# --------------------------------------------------------------------------- raw SQL side


@dataclass
class TemplateRow:
    table: str
    values: dict[str, Any]
    # An audit event's hashed content as onevisit reads it back (`audit_digest`'s fields).
    event: dict[str, Any] | None = None


# Columns that must be unique per filing, and how the baseline makes a fresh value.
_FRESH: dict[tuple[str, str], Callable[[], Any]] = {
    ("applications_application", "number"): lambda: "BX" + uuid.uuid4().hex[:16],
    ("applications_application", "receipt_number"): lambda: "BR" + uuid.uuid4().hex[:16],
    ("applications_onetimenotice", "number"): lambda: "BN" + uuid.uuid4().hex[:16],
    ("api_idempotencyrecord", "key"): lambda: uuid.uuid4().hex,
    ("files_storedfile", "name"): lambda: f"materials/bench/{uuid.uuid4().hex}.pdf",
    ("notifications_notification", "key"): lambda: uuid.uuid4().hex,
}


def _tables() -> dict[str, Any]:
    return {m._meta.db_table: m for m in apps.get_models()
            if m._meta.pk is not None and m._meta.pk.get_internal_type() in (
                "AutoField", "BigAutoField")}


def _max_ids(tables: dict[str, Any]) -> dict[str, int]:
    with connection.cursor() as cursor:
        result = {}
        for table in tables:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            result[table] = cursor.fetchone()[0]
        return result


def _capture_template(client: Client) -> list[TemplateRow]:
    """Make one real filing through the API in-process; return the rows it wrote, in order."""
    tables = _tables()
    before = _max_ids(tables)
    response = TestClient().post(
        PATH, data=json.dumps(client.payload), content_type="application/json",
        # A key of its own: on a database an earlier run used, a fixed key would be
        # answered from its idempotency record, write nothing and leave an empty template.
        headers={"Authorization": f"Bearer {client.token}", "Idempotency-Key": uuid.uuid4().hex},
    )
    if response.status_code != 201:
        raise RuntimeError(f"the template filing failed: {response.content[:300]!r}")
    after = _max_ids(tables)
    rows: list[TemplateRow] = []
    with connection.cursor() as cursor:
        for table in tables:
            if after[table] == before[table]:
                continue
            cursor.execute(f'SELECT * FROM "{table}" WHERE id > %s ORDER BY id',
                           [before[table]])
            names = [column[0] for column in cursor.description]
            rows += [TemplateRow(table, dict(zip(names, row, strict=True)))
                     for row in cursor.fetchall()]
    events = {e["id"]: e for e in AuditEvent.objects.filter(
        pk__gt=before["audit_auditevent"]).values(
        "id", "occurred_at", "actor_id", "action", "entity", "entity_id", "data")}
    for row in rows:
        if row.table == "audit_auditevent":
            event = events[row.values["id"]]
            row.event = {"occurred_at": event["occurred_at"].isoformat(),
                         "actor_id": event["actor_id"], "action": event["action"],
                         "entity": event["entity"], "entity_id": event["entity_id"],
                         "data": event["data"]}
    order = ["applications_application", "applications_applicationstatuschange",
             "applications_applicationmaterial", "applications_case",
             "applications_casestatuschange", "exchange_accesslog", "audit_auditevent",
             "api_idempotencyrecord"]
    rows.sort(key=lambda r: (order.index(r.table) if r.table in order else len(order),
                             r.values["id"]))
    if not any(row.table == "applications_application" for row in rows):
        raise RuntimeError(f"the template filing wrote no application ({len(rows)} rows)")
    return rows


def _foreign_keys() -> dict[tuple[str, str], str]:
    """(table, column) → referenced table, for remapping copied rows."""
    result = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not None:
                result[(model._meta.db_table, field.column)] = (
                    field.related_model._meta.db_table  # type: ignore[union-attr]
                )
    return result


class RawWriter:
    """One DB-API connection writing template copies, one transaction per filing."""

    def __init__(self, template: list[TemplateRow]) -> None:
        self.template = template
        self.foreign_keys = _foreign_keys()
        self.chains = cast(int, settings.ONEVISIT["AUDIT_CHAINS"])
        self.random = Random()
        database = settings.DATABASES["default"]
        self.postgres = database["ENGINE"].endswith("postgresql")
        if self.postgres:
            import psycopg
            from psycopg.types.json import Jsonb

            self.jsonb = Jsonb
            self.conn: Any = psycopg.connect(
                host=database["HOST"] or None, port=database["PORT"] or None,
                user=database["USER"] or None, password=database["PASSWORD"] or None,
                dbname=database["NAME"], autocommit=True,
            )
            self.placeholder = "%s"
        else:
            self.conn = sqlite3.connect(database["NAME"], timeout=20, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.placeholder = "?"

    def _value(self, value: Any) -> Any:
        if self.postgres and isinstance(value, dict | list):
            return self.jsonb(value)
        return value

    def step(self) -> None:
        cursor = self.conn.cursor()
        cursor.execute("BEGIN" if self.postgres else "BEGIN IMMEDIATE")
        # The audit chain onevisit would take: the first head no other transaction holds
        # (SQLite holds the whole database: chain 1), else wait for a chain at random.
        head = "SELECT id, last_seq, last_hash FROM audit_audithead WHERE id"
        choices = (f"{head} <= {self.chains} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
                   f"{head} = {self.random.randint(1, self.chains)} FOR UPDATE"
                   ) if self.postgres else (f"{head} = 1",)
        for query in choices:
            cursor.execute(query)
            taken = cursor.fetchone()
            if taken is not None:
                break
        chain, seq, prev_hash = taken
        new_ids: dict[tuple[str, int], int] = {}
        for row in self.template:
            values = dict(row.values)
            old_id = values.pop("id")
            for column, value in list(values.items()):
                target = self.foreign_keys.get((row.table, column))
                if target and (target, value) in new_ids:
                    values[column] = new_ids[(target, value)]
                fresh = _FRESH.get((row.table, column))
                if fresh is not None:
                    values[column] = fresh()
            if row.event is not None:
                # Hashed and linked as onevisit's append does, so the log still verifies.
                seq += 1
                digest = audit_digest(seq=seq, prev_hash=prev_hash, **row.event)
                values |= {"chain": chain, "seq": seq, "prev_hash": prev_hash, "hash": digest}
                prev_hash = digest
            columns = ", ".join(f'"{c}"' for c in values)
            marks = ", ".join([self.placeholder] * len(values))
            cursor.execute(
                f'INSERT INTO "{row.table}" ({columns}) VALUES ({marks}) RETURNING id',
                [self._value(v) for v in values.values()],
            )
            new_ids[(row.table, old_id)] = cursor.fetchone()[0]
        signed = signing.sign(signing.head_message(seq=seq, hash=prev_hash))
        mark = self.placeholder
        cursor.execute(f"UPDATE audit_audithead SET last_seq = {mark}, last_hash = {mark}, "
                       f"key_id = {mark}, signature = {mark} WHERE id = {mark}",
                       [seq, prev_hash, signed.key_id, signed.signature, chain])
        cursor.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------- report


def _audit_heads_make() -> None:
    """Every audit chain's head, as a busy system has them: onevisit makes a chain's head
    the first time every existing one is held, the raw replay only takes existing ones."""
    chains = cast(int, settings.ONEVISIT["AUDIT_CHAINS"])
    made = set(AuditHead.objects.values_list("pk", flat=True))
    AuditHead.objects.bulk_create([AuditHead(pk=chain, last_hash=chain_genesis(chain))
                                   for chain in range(1, chains + 1) if chain not in made])


def run(*, clients: int, per_client: int, warmup: int, workers: int, threads: int,
        out: TextIO, engines: Engines | None = None) -> None:
    call_command("migrate", verbosity=0)
    prepared, _filler, subject = _clients(clients)
    template = _capture_template(prepared[0])
    _audit_heads_make()
    vendor = connection.vendor
    out.write(f"onevisit bench intake — {subject.title} via POST {PATH}\n")
    out.write(f"database: {vendor} · server: gunicorn {workers} workers × {threads} threads "
              f"· {clients} concurrent clients · {os.cpu_count()} CPUs\n")
    out.write(f"rows written per filing: {len(template)} "
              f"({', '.join(sorted({r.table for r in template}))})\n\n")
    rows = [("onevisit (HTTP API)", _http_run(prepared, per_client, warmup, workers, threads))]
    if engines is not None:
        rows.append((f"  on {engines.label}", _http_run(prepared, per_client, warmup, workers,
                                                         threads, engines.env)))
    database_vacuum()
    raw = _closed_loop([partial(RawWriter, template) for _ in prepared], per_client, warmup)
    width = max(24, *(len(label) + 2 for label, _sample in rows))
    out.write(f"{'':{width}}{'filings':>9}{'per second':>12}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'errors':>8}{'ratio':>8}\n")
    for label, sample in [*rows, ("raw SQL baseline", raw)]:
        ratio = f"{sample.throughput / raw.throughput:.3f}" if sample is not raw else ""
        out.write(f"{label:{width}}{len(sample.latencies):>9}{sample.throughput:>12.1f}"
                  f"{sample.percentile(50):>9.1f}{sample.percentile(95):>9.1f}"
                  f"{sample.errors:>8}{ratio:>8}\n")
    out.write("\nratio: filings per second ÷ the raw SQL baseline's, same run\n")


def _http_run(prepared: list[Client], per_client: int, warmup: int, workers: int,
              threads: int, engines: dict[str, str] | None = None) -> Sample:
    database_vacuum()
    server = server_start(workers=workers, threads=threads, engines=engines)
    try:
        return _closed_loop([partial(HttpFiler, server, c) for c in prepared], per_client,
                            warmup)
    finally:
        server_stop(server)


# --------------------------------------------------------------------------- profile


def profile(*, filings: int, out: TextIO) -> None:
    """File `filings` times in-process (Django's test client: the whole handler and
    middleware, no HTTP server) and state the CPU and wall time per filing and one filing's
    statements. Run under a sampling profiler to see where the time goes:

        py-spy record --format raw -o intake.stacks -- onevisit bench intake --profile 1000
        python -m bench.stacks intake.stacks --within file_once
    """
    call_command("migrate", verbosity=0)
    settings.DEBUG = False  # as served: no query log, no debug cursor
    prepared, _filler, subject = _clients(1)
    client = TestClient()
    body = json.dumps(prepared[0].payload)
    statements: list[str] = []

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    def file_once() -> None:
        response = client.post(PATH, data=body, content_type="application/json", headers={
            "Authorization": f"Bearer {prepared[0].token}",
            "Idempotency-Key": uuid.uuid4().hex})
        if response.status_code != 201:
            raise RuntimeError(f"a filing failed: {response.content[:300]!r}")

    for _ in range(10):
        file_once()
    with connection.execute_wrapper(counted):
        file_once()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(filings):
        file_once()
    cpu_ms = (time.process_time() - cpu) * 1000 / filings
    wall_ms = (time.perf_counter() - wall) * 1000 / filings
    out.write(f"onevisit bench intake --profile {filings} — {subject.title}, in-process, "
              f"{connection.vendor}\n")
    out.write(f"{cpu_ms:.2f} ms CPU, {wall_ms:.2f} ms wall per filing; {len(statements)} "
              "statements per filing:\n")
    for sql in statements:
        out.write(f"  {sql[:120]}\n")
