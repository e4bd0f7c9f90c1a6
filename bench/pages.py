"""`onevisit bench pages`: the pages people open most, under concurrent clients.

A gunicorn server process (DEBUG off) serves the database `DATABASE_URL` names, grown by
`bench.pages_data` to N published items and M applications. For each page in turn, closed-
loop clients (each sends its next request when the previous answer has arrived; forked
processes of threads, kept-alive connections where the server keeps them) ask for it for a
warm-up and then a measured number of seconds:

- the portal home `/`;
- a guide `/items/<code>/`, a random one of the published items each time: first as
  mostly first reads, then with every guide read a few times before (cached pages);
- search `/search/?q=…`, a random one of a few everyday queries each time;
- the workbench `/workbench/`: the department queue of the department with the most running
  cases, each client logged in once through `/accounts/login/` as its reviewer.

The baseline, measured in the same run by the same clients against the same server, is
`/healthz`: a trivial page through the same middleware stack, with no database work.

CPU is accounted per request where Linux's /proc allows: the gunicorn workers, this
database's PostgreSQL backends, the client processes, and the rest of the machine.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import resource
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from multiprocessing.synchronize import Barrier
from pathlib import Path
from random import Random
from typing import Any, TextIO
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.urls import Resolver404, resolve

from bench.engines import Engines
from bench.pages_data import Dataset, dataset_ensure
from bench.server import (
    Server,
    database_vacuum,
    percentile_ms,
    server_start,
    server_stop,
)
from onevisit.demo.staff import DEMO_PASSWORD
from onevisit.ops.demo_setup import demo_world_load

SEARCH_QUERIES = ("卖房子", "开公司", "新生儿", "社保", "营业执照", "医保", "身份证",
                  "食品经营许可")
TARGET_P95_MS = 100.0
BARRIER_TIMEOUT = 600  # seconds for every client to connect (and log in)


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    paths: tuple[str, ...]
    login: bool = False
    # Each path read this many times before the warm-up: pages a process has served
    # before (web.page_cache keeps them per process unless the cache is Redis).
    read_before: int = 0


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    seconds: float = 0.0
    client_cpu: float = 0.0
    cpu: dict[str, float] | None = None  # server, database, machine busy: CPU seconds

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: int) -> float:
        return percentile_ms(self.latencies, q)


# --------------------------------------------------------------------------- server


# --------------------------------------------------------------------------- clients


class Browser:
    """One client: a connection (reopened when the server closes it) and its cookies."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return response.status, content

    def login(self, username: str, password: str) -> None:
        status, content = self.request("GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or match is None:
            raise RuntimeError(f"login page: {status}")
        form = urlencode({"username": username, "password": password,
                          "csrfmiddlewaretoken": match.group(1).decode()})
        status, _content = self.request(
            "POST", "/accounts/login/", body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} refused ({status})")

    def close(self) -> None:
        self.conn.close()


@dataclass(frozen=True)
class Plan:
    port: int
    page: Page
    username: str
    threads: int
    warmup: float
    seconds: float


def _client_thread(plan: Plan, seed: int, barrier: Barrier, out: list[Any],
                   lock: threading.Lock) -> None:
    browser = Browser(plan.port)
    rng = Random(seed)
    latencies: list[float] = []
    errors, first_error = 0, ""
    try:
        if plan.page.login:
            browser.login(plan.username, DEMO_PASSWORD)
    except (OSError, http.client.HTTPException, RuntimeError) as exc:
        errors, first_error = 1, f"login: {exc}"
    barrier.wait(timeout=BARRIER_TIMEOUT)
    begin = time.monotonic() + plan.warmup
    end = begin + plan.seconds
    while (now := time.monotonic()) < end:
        path = rng.choice(plan.page.paths)
        try:
            status, _content = browser.request("GET", path)
            error = "" if status == 200 else f"{status} for {path}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__} for {path}"
        done = time.monotonic()
        if not begin <= done <= end:  # answered during the warm-up, or too late
            continue
        if error:
            errors += 1
            first_error = first_error or error
        else:
            latencies.append(done - now)
    browser.close()
    with lock:
        out.append((latencies, errors, first_error))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _client_process(plan: Plan, seed: int, barrier: Barrier, queue: Any) -> None:
    """A forked process of `plan.threads` clients; reports their samples and its CPU time
    during the measured window."""
    out: list[Any] = []
    lock = threading.Lock()
    threads = [threading.Thread(target=_client_thread,
                                args=(plan, seed * 1000 + n, barrier, out, lock))
               for n in range(plan.threads)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=BARRIER_TIMEOUT)
    time.sleep(plan.warmup)
    cpu_before = _cpu_seconds()
    time.sleep(plan.seconds)
    cpu = _cpu_seconds() - cpu_before
    for thread in threads:
        thread.join()
    queue.put((out, cpu))


def prime(*, server: Server, page: Page, username: str) -> None:
    """Ask for the page a few times at once, so each worker has run it before the warm-up
    (cold caches; the search segmenter each process builds on its first query)."""
    askers_count = server.workers * server.threads * 2
    reads = [path for path in page.paths for _ in range(page.read_before)]

    def ask(number: int) -> None:
        browser = Browser(server.port)
        try:
            if page.login:
                browser.login(username, DEMO_PASSWORD)
            for path in [*page.paths[:3], *reads[number::askers_count]]:
                browser.request("GET", path)
        except (OSError, http.client.HTTPException, RuntimeError):
            pass  # the measured run reports what fails
        finally:
            browser.close()

    askers = [threading.Thread(target=ask, args=(number,)) for number in range(askers_count)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()


def measure(*, server: Server, page: Page, clients: int, processes: int, warmup: float,
            seconds: float, username: str = "") -> Sample:
    """`clients` closed-loop clients in `processes` forked processes ask for the page for
    `warmup` + `seconds` seconds; the second span is measured."""
    processes = max(1, min(processes, clients))
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + processes + 1)
    queue = context.Queue()
    connections.close_all()  # a forked child must not share the parent's connections
    children = []
    for number in range(processes):
        share = clients // processes + (1 if number < clients % processes else 0)
        plan = Plan(port=server.port, page=page, username=username, threads=share,
                    warmup=warmup, seconds=seconds)
        child = context.Process(target=_client_process, args=(plan, number + 1, barrier, queue))
        child.start()
        children.append(child)
    barrier.wait(timeout=BARRIER_TIMEOUT)
    time.sleep(warmup)
    cpu_before = _cpu_snapshot(server)
    time.sleep(seconds)
    cpu_after = _cpu_snapshot(server)
    sample = Sample(seconds=seconds)
    for _child in children:
        out, cpu = queue.get(timeout=seconds + warmup + 120)
        sample.client_cpu += cpu
        for latencies, errors, first_error in out:
            sample.latencies += latencies
            sample.errors += errors
            sample.first_error = sample.first_error or first_error
    for child in children:
        child.join()
    if cpu_before is not None and cpu_after is not None:
        sample.cpu = cpu_after.since(cpu_before)
    return sample


# --------------------------------------------------------------------------- CPU accounting


def _proc_stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, from /proc/<pid>/stat."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU seconds all CPUs spent not idle since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuSnapshot:
    server: dict[str, float]  # gunicorn worker pid → CPU seconds so far
    database: dict[str, float]  # this database's PostgreSQL backends
    machine: float

    def since(self, before: CpuSnapshot) -> dict[str, float]:
        """CPU seconds spent between the two snapshots; a process that started in between
        counts whole, one that ended in between is missed (a backend whose connection
        reached its CONN_MAX_AGE)."""
        def spent(now: dict[str, float], then: dict[str, float]) -> float:
            return sum(value - then.get(pid, 0.0) for pid, value in now.items())

        return {"server": spent(self.server, before.server),
                "database": spent(self.database, before.database),
                "machine": self.machine - before.machine}


def _cpu_snapshot(server: Server) -> CpuSnapshot | None:
    """CPU seconds so far of the gunicorn workers, of this database's PostgreSQL backends
    and of the whole machine; None where /proc is not there."""
    if not Path("/proc/stat").exists():
        return None
    database = str(settings.DATABASES["default"]["NAME"])
    snapshot = CpuSnapshot(server={}, database={}, machine=_machine_busy())
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        stat = _proc_stat(pid)
        if stat is None:
            continue
        if stat[0] == server.process.pid:
            snapshot.server[pid] = stat[1]
        elif connection.vendor == "postgresql":
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                snapshot.database[pid] = stat[1]
    return snapshot


# --------------------------------------------------------------------------- report


def pages_available(dataset: Dataset) -> list[Page]:
    pages = [
        Page("home", "portal home /", ("/",)),
        Page("guide", "guide /items/<code>/",
             tuple(f"/items/{quote(code)}/" for code in dataset.item_codes)),
        # Sync workers are given requests as they come free: after six reads of a guide
        # each of two workers has served it with a chance of 1 - 2^-5.
        Page("guide-read", "guide, each read 6× before",
             tuple(f"/items/{quote(code)}/" for code in dataset.item_codes), read_before=6),
    ]
    try:
        resolve("/search/")
        pages.append(Page("search", "search /search/?q=",
                          tuple(f"/search/?q={quote(q)}" for q in SEARCH_QUERIES)))
    except Resolver404:
        pass
    pages.append(Page("workbench", "workbench /workbench/", ("/workbench/",), login=True))
    return pages


BASELINE = Page("baseline", "baseline /healthz", ("/healthz",))


def _row(label: str, sample: Sample, baseline: Sample | None) -> str:
    ratio = f"{sample.throughput / baseline.throughput:.3f}" if (
        baseline is not None and baseline.throughput) else "—"
    p95 = sample.percentile(95)
    verdict = "" if baseline is None else ("met" if p95 < TARGET_P95_MS else "missed")
    return (f"{label:28}{len(sample.latencies):>9}{sample.throughput:>9.1f}"
            f"{sample.percentile(50):>8.1f}{p95:>8.1f}{sample.errors:>7}{ratio:>9}"
            f"{verdict:>8}\n")


def _cpu_row(label: str, sample: Sample) -> str:
    count = len(sample.latencies) + sample.errors
    if sample.cpu is None or not count:
        return f"{label:28}{'n/a':>9}\n"
    cpu = sample.cpu
    rest = cpu["machine"] - cpu["server"] - cpu["database"] - sample.client_cpu
    busy = cpu["machine"] / sample.seconds / (os.cpu_count() or 1) * 100
    per = [cpu["server"], cpu["database"], sample.client_cpu, rest]
    return (f"{label:28}" + "".join(f"{value / count * 1000:>9.2f}" for value in per)
            + f"{busy:>9.0f}%\n")


def run(*, items: int, applications: int, province: bool, clients: int, processes: int,
        seconds: float, warmup: float, workers: int, threads: int, only: list[str], out: TextIO,
        progress: Callable[[str], None] | None = None, engines: Engines | None = None
        ) -> dict[str, Sample]:
    say = progress or (lambda line: print(f"  {line}", file=sys.stderr))
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = demo_world_load()
    dataset = dataset_ensure(items=items, applications=applications, province=province,
                             population=world.population, citizen=world.staff.citizen,
                             progress=say)
    built = time.perf_counter() - started
    database_vacuum()
    pages = [p for p in pages_available(dataset) if not only or p.key in only]
    mode = f"{workers} sync workers" if threads == 1 else (
        f"{workers} workers × {threads} threads (gthread)")
    out.write(f"onevisit bench pages — {clients} concurrent closed-loop clients "
              f"({processes} processes), {seconds:g} s a page after {warmup:g} s warm-up\n")
    out.write(f"database: {connection.vendor} · {len(dataset.item_codes):,} published items · "
              f"{dataset.applications:,} applications of {dataset.regions} regions, "
              f"{dataset.running_cases:,} running cases "
              f"· data set ready in {built:.1f} s (demo load included; added "
              f"{dataset.items_created:,} items, {dataset.applications_created:,} "
              f"applications)\n")
    out.write(f"server: gunicorn {mode}, DEBUG off · {os.cpu_count()} CPUs shared with the "
              f"clients and the database\n")
    out.write(f"workbench: {dataset.workbench_username} of {dataset.workbench_department}, "
              f"{dataset.workbench_cases:,} cases in the queue\n")
    if not any(p.key == "search" for p in pages_available(dataset)):
        out.write("search: /search/ does not exist in this checkout; not measured\n")
    out.write("\n")
    samples = _measure_all(pages, dataset=dataset, clients=clients, processes=processes,
                           warmup=warmup, seconds=seconds, workers=workers, threads=threads,
                           say=say)
    _report(pages, samples, out)
    if engines is None:
        return samples
    out.write(f"\nThe same server on {engines.label} (docs/deploy.md), same run:\n")
    distributed = _measure_all(pages, dataset=dataset, clients=clients, processes=processes,
                               warmup=warmup, seconds=seconds, workers=workers,
                               threads=threads, say=say, engines=engines.env)
    _report(pages, distributed, out)
    return samples | {f"{key} ({engines.label})": sample
                      for key, sample in distributed.items()}


def _measure_all(pages: list[Page], *, dataset: Dataset, clients: int, processes: int,
                 warmup: float, seconds: float, workers: int, threads: int,
                 say: Callable[[str], None], engines: dict[str, str] | None = None
                 ) -> dict[str, Sample]:
    server = server_start(workers=workers, threads=threads, engines=engines)
    samples: dict[str, Sample] = {}
    try:
        for page in [BASELINE, *pages]:
            say(f"measuring {page.label}")
            prime(server=server, page=page, username=dataset.workbench_username)
            samples[page.key] = measure(server=server, page=page, clients=clients,
                                        processes=processes, warmup=warmup, seconds=seconds,
                                        username=dataset.workbench_username)
    finally:
        server_stop(server)
    return samples


def _report(pages: list[Page], samples: dict[str, Sample], out: TextIO) -> None:
    baseline = samples[BASELINE.key]
    out.write(f"{'page':28}{'requests':>9}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}"
              f"{'errors':>7}{'ratio':>9}{'p95<100':>8}\n")
    out.write(_row(BASELINE.label, baseline, None))
    for page in pages:
        out.write(_row(page.label, samples[page.key], baseline))
    out.write("\nratio: the page's requests per second ÷ the baseline's, same run and clients\n")
    out.write(f"\nCPU ms per request{'':10}{'server':>9}{'database':>9}{'clients':>9}"
              f"{'other':>9}{'busy':>10}\n")
    for page in [BASELINE, *pages]:
        out.write(_cpu_row(page.label, samples[page.key]))
    for page in [BASELINE, *pages]:
        if samples[page.key].errors:
            out.write(f"\n{page.label}: {samples[page.key].errors} errors, first: "
                      f"{samples[page.key].first_error}\n")
