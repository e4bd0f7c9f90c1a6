"""The topology of docs/deploy.md on one machine, under load, losing machines.

Two web processes behind a client that balances over them, two RQ workers, an active
scheduler and a standby, a PostgreSQL primary and its streaming replica, Redis (sessions,
cache, rate limits, the task queue) and an S3 server (files, certificates, audit
checkpoints, archive packages). A mixed load — filings of two kinds, a reviewer's
decisions, public pages, 12345 tickets closed on the call — runs while one web process,
one worker (with the job it runs) and the active scheduler are killed. Then everything is
reconciled: every write a client was told of is there once and only once, every
approval's certificate was sealed once and is in the bucket, every completed application
archived once as one object in the bucket, every closed ticket's reply went out once, the
periodic jobs ran once per period and kept running, and the audit log verifies.

Needs PostgreSQL with a replica (ONEVISIT_TEST_REPLICA_URL), Redis and the S3 server, as
`.ci/run` starts them; skipped without a replica. Bounded: the load stops by itself, every
wait has a deadline, every process is killed at the end."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import boto3
import psycopg
import pytest
from django.db import connection

from tests.processes import process_env
from tests.topology.cluster import Answer, Balancer, Cluster
from tests.topology.seed import SHOP

REPLICA_URL = os.environ.get("ONEVISIT_TEST_REPLICA_URL", "")
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not REPLICA_URL,
    reason="the topology needs PostgreSQL with a streaming replica (ONEVISIT_TEST_REPLICA_URL)")

LOAD_SECONDS = 30
KILLS = {"web-1": 8.0, "worker-1": 12.0, "scheduler-1": 16.0}


def _url(base: dict[str, Any], *, port: int | str, name: str) -> str:
    return f"postgres://{base['USER'] or 'postgres'}@{base['HOST'] or '127.0.0.1'}:{port}/{name}"


@pytest.fixture
def database() -> Iterator[tuple[str, str]]:
    """A database of its own on the primary (the replica follows the whole cluster)."""
    base = connection.settings_dict
    name = f"onevisit_topology_{uuid.uuid4().hex[:8]}"
    admin = _url(base, port=base["PORT"] or 5432, name="postgres")
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    replica_port = REPLICA_URL.rsplit(":", 1)[1].split("/")[0]
    yield (_url(base, port=base["PORT"] or 5432, name=name),
           _url(base, port=replica_port, name=name))
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def cluster(tmp_path, database, redis_url, s3_endpoint) -> Iterator[Cluster]:
    primary, replica = database
    bucket = f"onevisit-topology-{uuid.uuid4().hex[:8]}"
    credentials = {"AWS_ACCESS_KEY_ID": "onevisit-test",
                   "AWS_SECRET_ACCESS_KEY": "onevisit-test-secret"}
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                 aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
                 ).create_bucket(Bucket=bucket)
    (tmp_path / "logs").mkdir()
    env = process_env(
        DATABASE_URL=primary, ONEVISIT_REPLICA_URL=replica,
        ONEVISIT_REDIS_URL=redis_url, ONEVISIT_TASK_QUEUE_URL=redis_url,
        ONEVISIT_S3_BUCKET=bucket, ONEVISIT_S3_ENDPOINT_URL=s3_endpoint,
        ONEVISIT_S3_REGION="us-east-1", **credentials,
        # One machine: the key directory every machine holds a copy of, shared.
        ONEVISIT_DATA_DIR=str(tmp_path / "data"),
        ONEVISIT_SECRET_KEY="topology-" + "s" * 50, ONEVISIT_DIGEST_KEY="topology-" + "d" * 50,
        ONEVISIT_LOG_LEVEL="WARNING", ONEVISIT_SCHEDULER_LEASE_SECONDS="5",
        ONEVISIT_SCHEDULE="deadline_scan=30s,audit_checkpoint=30s,notifications_retry=30s,"
                          "rollups=30s",
    )
    running = Cluster(env=env, logs=tmp_path / "logs")
    try:
        yield running
    finally:
        running.stop()


@dataclass
class Ledger:
    """What the clients were told, and what went wrong."""

    filings: dict[str, str] = field(default_factory=dict)  # idempotency key -> number
    approved: set[str] = field(default_factory=set)  # application numbers
    tickets: dict[str, str] = field(default_factory=dict)  # idempotency key -> number
    pages: Counter[int] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)  # unexpected answers
    lock: threading.Lock = field(default_factory=threading.Lock)

    def unexpected(self, what: str, answer: Answer) -> None:
        with self.lock:
            self.refused.append(f"{what}: {answer.status} {str(answer.body)[:300]}")


def _loop(stop: threading.Event, step: Callable[[int], None],
          ledger: Ledger) -> Callable[[], None]:
    def run() -> None:
        try:
            for index in range(10_000):  # bounded
                if stop.is_set():
                    return
                step(index)
        except Exception as error:  # the test fails on it, with what it was
            with ledger.lock:
                ledger.refused.append(f"{step.__name__} stopped: {error!r}")
    return run


def test_the_cluster_loses_a_web_process_a_worker_and_the_scheduler_and_nothing_else(
        cluster: Cluster):
    cluster.run("migrate", "--no-input")
    seed_env = {**cluster.env, "ONEVISIT_DEBUG": "1"}  # the demo's catalogue and accounts
    seed = json.loads(cluster.python("tests.topology.seed", env=seed_env))
    for name in ("web-1", "web-2"):
        cluster.web(name)
    for name in ("worker-1", "worker-2"):
        cluster.worker(name)
    cluster.scheduler("scheduler-1")
    time.sleep(2)  # the first takes the lease; the second waits as the standby
    cluster.scheduler("scheduler-2")

    ledger = Ledger()
    stop = threading.Event()

    def filer(offset: int) -> Callable[[int], None]:
        def step(index: int) -> None:
            client = seed["filers"][(offset + index) % len(seed["filers"])]
            key = uuid.uuid4().hex
            answer = Balancer(cluster).request("POST", "/api/v1/applications",
                                               token=client["token"], key=key,
                                               body=client["body"])
            if answer.status == 201:
                with ledger.lock:
                    ledger.filings[key] = answer.body["number"]
            else:
                ledger.unexpected("filing", answer)
        return step

    def reviewer(_index: int) -> None:
        balancer = Balancer(cluster)
        queue = balancer.request("GET", "/api/v1/queue?limit=10", token=seed["reviewer"])
        if queue.status != 200:
            ledger.unexpected("queue", queue)
            return
        pending = [entry for entry in queue.body if entry["status"] in ("pending", "claimed")]
        if not pending:
            time.sleep(0.5)
        for entry in pending[:3]:
            case = entry["case_id"]
            for action, body in (("claim", None), ("approve", {"note": ""})):
                answer = balancer.request("POST", f"/api/v1/cases/{case}/{action}",
                                          token=seed["reviewer"], key=uuid.uuid4().hex,
                                          body=body if body is not None else {})
                if answer.status != 200:
                    ledger.unexpected(f"{action} {case}", answer)
                    break
            else:
                if answer.body["application_status"] == "completed":
                    with ledger.lock:
                        ledger.approved.add(entry["application_number"])

    def reader(index: int) -> None:
        path = ("/", "/search/?q=" + quote("个体工商户"), f"/items/{SHOP}/",
                "/life-events/")[index % 4]
        answer = Balancer(cluster).request("GET", path)
        with ledger.lock:
            ledger.pages[answer.status] += 1

    def agent(index: int) -> None:
        key = uuid.uuid4().hex
        answer = Balancer(cluster).request("POST", "/api/v1/tickets", token=seed["agent"],
                                           key=key, body={
            "type": "consultation", "channel": "phone", "caller_name": "张女士",
            "caller_phone": f"1380000{index % 10000:04d}",
            "text": f"咨询个体工商户设立登记要带哪些材料，第{index}次来电",
            "answer": "已告知：身份证、经营场所证明，可在网上办理。", "independent": True})
        if answer.status == 201:
            with ledger.lock:
                ledger.tickets[key] = answer.body["ticket"]["number"]
        else:
            ledger.unexpected("ticket", answer)

    steps = [filer(0), filer(3), reviewer, reader, reader, agent]
    threads = [threading.Thread(target=_loop(stop, step, ledger)) for step in steps]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    killed_at: dict[str, float] = {}
    for name, after in sorted(KILLS.items(), key=lambda item: item[1]):
        time.sleep(max(0.0, after - (time.monotonic() - started)))
        cluster.kill(name)
        killed_at[name] = time.time()
    time.sleep(max(0.0, LOAD_SECONDS - (time.monotonic() - started)))
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    # ------------------------------------------------------------------ reconcile
    assert ledger.refused == []
    assert set(ledger.pages) == {200}
    assert len(ledger.filings) >= 20
    assert ledger.approved
    assert len(ledger.tickets) >= 5
    primary = cluster.env["DATABASE_URL"]

    def rows(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(primary) as db:
            return db.execute(sql, params).fetchall()

    # Every filing a client was told of exists once, under its key; none exists without.
    recorded = dict(rows("SELECT key, response->>'number' FROM api_idempotencyrecord "
                         "WHERE endpoint = 'applications.create'"))
    assert {key: recorded.get(key) for key in ledger.filings} == ledger.filings
    filed = rows("SELECT a.number FROM applications_application a JOIN accounts_user u "
                 "ON u.id = a.filed_by_id WHERE u.username LIKE 'topology-%%'")
    assert sorted(number for (number,) in filed) == sorted(recorded.values())

    # Background work: each approval's licence sealed once, its PDF in the bucket; each
    # closed ticket's reply sent once. The killed worker's job is run again by the other.
    def sealed() -> list[tuple[Any, ...]]:
        return rows("SELECT a.number, c.pdf, c.pdf_sha256 FROM certificates_certificate c "
                    "JOIN applications_application a ON a.id = c.application_id "
                    "WHERE a.number = ANY(%s)", sorted(ledger.approved))

    def replies() -> dict[str, int]:
        return dict(rows("SELECT t.number, count(e.id) FROM hotline_ticket t LEFT JOIN "
                         "hotline_ticketevent e ON e.ticket_id = t.id AND "
                         "e.action = 'reply_sent' WHERE t.number = ANY(%s) GROUP BY t.number",
                         sorted(ledger.tickets.values())))

    def archived() -> list[tuple[Any, ...]]:
        return rows("SELECT a.number, p.path FROM archive_archivepackage p "
                    "JOIN applications_application a ON a.id = p.application_id "
                    "WHERE a.number = ANY(%s)", sorted(ledger.approved))

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if (all(pdf for _n, pdf, _s in sealed()) and all(replies().values())
                and len(archived()) == len(ledger.approved)):
            break
        time.sleep(2)
    certificates = sealed()
    assert Counter(number for number, _pdf, _sha in certificates) == dict.fromkeys(
        ledger.approved, 1)
    assert all(pdf and sha for _number, pdf, sha in certificates), certificates
    s3 = boto3.client("s3", endpoint_url=cluster.env["ONEVISIT_S3_ENDPOINT_URL"],
                      region_name="us-east-1",
                      aws_access_key_id=cluster.env["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=cluster.env["AWS_SECRET_ACCESS_KEY"])
    keys = {item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=cluster.env["ONEVISIT_S3_BUCKET"]) for item in page.get("Contents", [])}
    assert {pdf for _number, pdf, _sha in certificates} <= keys
    # Each completed application archived once, as one tar object in the bucket (a worker
    # killed mid-upload may leave an unregistered object; the catch-up removes it later).
    packages = archived()
    assert Counter(number for number, _path in packages) == dict.fromkeys(ledger.approved, 1)
    assert {f"archive/{path}" for _number, path in packages} <= keys
    assert replies() == dict.fromkeys(ledger.tickets.values(), 1)

    # The periodic jobs: one run per job and period, whichever scheduler; the standby
    # took over after the active one was killed, and every run finished.
    runs = rows("SELECT job, due_at, scheduler, status, enqueued_at FROM ops_jobrun")
    assert Counter((job, due) for job, due, *_rest in runs).most_common(1)[0][1] == 1
    after_kill = [run for run in runs
                  if run[4].timestamp() > killed_at["scheduler-1"] + 5]
    assert after_kill, "no job was enqueued after the active scheduler was killed"
    assert "failed" not in {status for *_rest, status, _at in runs}

    # The audit log, written by every process at once, verifies across its chains.
    verified = cluster.run("audit", "verify")
    assert verified.startswith("audit log intact:"), verified
    (cluster.logs / "summary.txt").write_text(
        f"{len(ledger.filings)} filings, {len(ledger.approved)} approvals, "
        f"{len(ledger.tickets)} tickets, {sum(ledger.pages.values())} pages, "
        f"{Balancer.retried} sent again to the other web process; {len(runs)} job "
        f"runs, {len(after_kill)} after the scheduler was killed; {verified}")
