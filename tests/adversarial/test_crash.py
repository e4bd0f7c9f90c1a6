"""A server killed with SIGKILL in the middle of filings loses nothing and doubles nothing.

A real gunicorn server (DEBUG off) on a database of its own — a SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL — takes filings of the 二手房 life
event from four clients, each with its own Idempotency-Key. Mid-load the server and its
workers are killed with SIGKILL. It is started again and every filing that got no answer is
sent again with the same key. Then the books are reconciled: one application per key,
none half-written, no orphan file and no missing one (after the sweep a scheduler runs),
and the audit chain verifies.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from bench.server import Server, server_start, server_stop
from tests.processes import sqlite_database_from

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 4
BEFORE_KILL = 6  # answered filings before the kill
EACH = 8  # filings each client sends at most

SETUP = """
import json
from random import Random
from onevisit.accounts.services import api_token_create
from onevisit.applications.services import subject_resolve
from onevisit.demo.forms import SAMPLE_PDF_BASE64, FormFiller
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.population import population_seed
from onevisit.demo.staff import demo_account_for
demo_catalogue_load()  # what a filing of the 二手房 life event needs of the demo world
population = population_seed(people=60, companies=4)
subject = subject_resolve(life_event_code="second-hand-housing")
filler = FormFiller(population, Random(3))
filer = filler.filer_for(fields=subject.fields, materials=subject.materials)
user = demo_account_for(id_number=filer.id_number, name=filer.name)
print(json.dumps({"token": api_token_create(user=user, name="crash"), "payload": {
    "life_event_code": "second-hand-housing", "channel": "online",
    "applicant": {"kind": filer.kind, "name": filer.name, "id_number": filer.id_number},
    "data": json.loads(json.dumps(filler.data(fields=subject.fields, filer=filer),
                                  default=str)),
    "materials": [{"key": key, "filename": "scan.pdf", "content_base64": SAMPLE_PDF_BASE64}
                  for key in filler.uploads(materials=subject.materials)],
    "delivery": {"method": "download"}, "consent_to_fetch": True}}))
"""

RECONCILE = """
import json
from pathlib import Path
from django.conf import settings
from onevisit.api.models import IdempotencyRecord
from onevisit.applications.models import Application, ApplicationMaterial
numbers = [r.response["number"] for r in IdempotencyRecord.objects.all()]
materials = ApplicationMaterial.objects.exclude(file="")
root = Path(settings.MEDIA_ROOT)
on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
print(json.dumps({
    "keys": IdempotencyRecord.objects.count(),
    "applications": Application.objects.count(),
    "numbers": sorted(numbers),
    "filed": sorted(Application.objects.values_list("number", flat=True)),
    "statuses": sorted(set(Application.objects.values_list("status", flat=True))),
    "materials_per_application": sorted({a.materials.count() for a in Application.objects.all()}),
    "cases_per_application": sorted({a.cases.count() for a in Application.objects.all()}),
    "referenced": sorted(materials.values_list("file", flat=True)),
    "on_disk": sorted(p for p in on_disk if p.startswith("materials/")),
    "pending": sorted(p for p in on_disk if p.startswith("pending/")),
}))
"""


@pytest.fixture
def crash_env(tmp_path, request) -> Any:
    """A data directory and a database of the server's own, migrated, with the demo
    catalogue and population."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ONEVISIT_") and k != "DATABASE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "onevisit.settings", "ONEVISIT_DATA_DIR": str(tmp_path),
            "ONEVISIT_SECRET_KEY": "crash-test-secret", "ONEVISIT_DIGEST_KEY": "crash-digest",
            "ONEVISIT_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT / "src")}
    database = settings.DATABASES["default"]
    name = f"onevisit_crash_{os.getpid()}"
    if database["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (f"postgres://{database['USER']}@{database['HOST']}:"
                               f"{database['PORT'] or 5432}/{name}")
        _psql(database, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        _run(env, "-m", "onevisit.cli", "migrate", "-v", "0")
    else:
        sqlite_database_from(request.getfixturevalue("sqlite_schema"), env=env)
    world = json.loads(_run({**env, "ONEVISIT_DEBUG": "1"}, "-c",
                            "import django; django.setup()\n" + SETUP).splitlines()[-1])
    yield env, world
    if "DATABASE_URL" in env:
        _psql(database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _psql(database: dict[str, Any], *statements: str) -> None:
    import psycopg

    with psycopg.connect(host=database["HOST"], port=database["PORT"] or 5432,
                         user=database["USER"], dbname="postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _file(server: Server, token: str, body: bytes, key: str) -> int | None:
    """One filing; its status, or None when the connection died without an answer."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request("POST", "/api/v1/applications", body=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
            "Idempotency-Key": key})
        status = conn.getresponse().status
        conn.close()
    except (OSError, http.client.HTTPException):
        return None
    return status


def _kill(server: Server) -> None:
    """SIGKILL to the master and every worker at once: nothing gets to clean up."""
    os.killpg(os.getpgid(server.process.pid), signal.SIGKILL)
    server.process.wait(timeout=30)


def test_a_server_killed_mid_filing_loses_nothing_and_files_nothing_twice(crash_env,
                                                                           monkeypatch):
    env, world = crash_env
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    body = json.dumps(world["payload"]).encode()
    answered: dict[str, int] = {}
    unanswered: list[str] = []
    lock = threading.Lock()
    server = server_start(workers=2, threads=2)
    killed = threading.Event()

    def client() -> None:
        for _ in range(EACH):
            if killed.is_set():
                return
            key = uuid.uuid4().hex
            status = _file(server, world["token"], body, key)
            with lock:
                if status is None:
                    unanswered.append(key)
                else:
                    answered[key] = status

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(answered) < BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.01)
    _kill(server)
    killed.set()
    for thread in threads:
        thread.join(timeout=120)

    assert set(answered.values()) == {201}
    assert unanswered, "the kill was to catch filings in flight"
    server = server_start(workers=2, threads=2)
    try:
        retried = {key: _file(server, world["token"], body, key) for key in unanswered}
    finally:
        server_stop(server)
    assert set(retried.values()) <= {201}

    # The sweep a scheduler runs, without its grace period: every filing is over.
    _run(env, "-c", "import django, datetime; django.setup(); "
         "from onevisit.files.services import files_sweep; "
         "files_sweep(grace=datetime.timedelta(0))")
    books = json.loads(_run(env, "-c", "import django; django.setup()\n" + RECONCILE)
                       .splitlines()[-1])
    keys = len(answered) + len(unanswered)
    assert books["keys"] == books["applications"] == keys
    assert books["numbers"] == books["filed"]  # each key's answer is its own application
    assert books["statuses"] == ["accepted"]
    assert len(books["materials_per_application"]) == 1  # none half-written
    assert books["cases_per_application"] == [3]
    assert books["referenced"] == books["on_disk"]  # no orphan file, none missing
    assert books["pending"] == []
    assert "audit log intact" in _run(env, "-m", "onevisit.cli", "audit", "verify")
