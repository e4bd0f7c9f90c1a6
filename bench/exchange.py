"""`onevisit bench exchange`: evidence fetches through the HTTP connector.

`onevisit registry-server` runs in its own process on loopback, serving a registry of
`--records` people from a JSON export. The connector (`HttpRegistry`: timeouts, retries,
circuit breaker, one batch per source) fetches the resident ID card of random people,
one at a time and three at a time (the size of a life event's batch), from one client
and from several concurrent clients.

The baseline, measured in the same run against the same server, is the same protocol
request sent with the standard library's `http.client` on a kept-alive connection: what
the round trip costs without the connector's parsing, retry and breaker logic. The
ratio is the connector's figure over the baseline's (1.0 means no overhead).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from random import Random
from typing import TextIO

from bench.server import percentile_ms
from onevisit.exchange.connector import HttpRegistry

EVIDENCE_TYPE = "resident_id_card"
TOKEN = "bench-token"  # noqa: S105 - a loopback server of the run's own


def _records(count: int) -> list[dict[str, object]]:
    return [
        {"evidence_type": EVIDENCE_TYPE, "subject": f"3301061990{n:08d}",
         "data": {"name": f"居民{n}", "address": "浙江省杭州市西湖区文三路 100 号",
                  "valid_until": "2036-01-01"},
         "valid_until": "2036-01-01"}
        for n in range(count)
    ]


def _start(data: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "onevisit.cli", "registry-server", "--port", "0",
         "--data", str(data), "--token", TOKEN],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "ONEVISIT_LOG_LEVEL": "WARNING"},  # no line per request
    )
    line = process.stdout.readline() if process.stdout else ""
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"registry-server did not start: {line!r}")
    return process, line.split("listening on", 1)[1].strip()


def _raw_fetcher(url: str) -> Callable[[list[tuple[str, str]]], None]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)

    def fetch(wanted: list[tuple[str, str]]) -> None:
        body = json.dumps({"purpose": "基准测试", "requests": [
            {"evidence_type": t, "subject": s} for t, s in wanted]})
        connection.request("POST", "/v1/evidence", body=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
        response = connection.getresponse()
        answer = json.loads(response.read())
        if response.status != 200 or len(answer["results"]) != len(wanted):
            raise RuntimeError(f"registry-server answered {response.status}: {answer}")

    return fetch


def _connector_fetcher(url: str) -> Callable[[list[tuple[str, str]]], None]:
    source = HttpRegistry("population", "人口库（公安）", url, token=TOKEN)

    def fetch(wanted: list[tuple[str, str]]) -> None:
        found = source.fetch_many(wanted=wanted, purpose="基准测试")
        if any(found[pair] is None for pair in wanted):
            raise RuntimeError("the registry did not find a record it holds")

    return fetch


def _measure(make: Callable[[], Callable[[list[tuple[str, str]]], None]], *, clients: int,
             per_client: int, batch: int, records: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def client(seed: int) -> None:
        fetch = make()
        rng = Random(seed)
        mine = []
        for _ in range(per_client):
            wanted = [(EVIDENCE_TYPE, f"3301061990{rng.randrange(records):08d}")
                      for _ in range(batch)]
            started = time.perf_counter()
            fetch(wanted)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started


def run(*, records: int, requests: int, clients: int, out: TextIO) -> None:
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory) / "registry.json"
        data.write_text(json.dumps(_records(records), ensure_ascii=False), encoding="utf-8")
        process, url = _start(data)
        try:
            out.write(f"registry-server at {url}, {records:,} records; {requests} fetches "
                      f"per client after {requests // 10} unmeasured\n\n")
            out.write(f"{'case':<34}{'p50 ms':>9}{'p95 ms':>9}{'per s':>9}"
                      f"{'baseline p50':>14}{'p95':>8}{'per s':>9}{'ratio p50':>11}\n")
            for label, batch, threads in (("1 evidence, 1 client", 1, 1),
                                          ("3 evidence, 1 client", 3, 1),
                                          (f"1 evidence, {clients} clients", 1, clients)):
                figures = []
                for make in (lambda: _connector_fetcher(url), lambda: _raw_fetcher(url)):
                    _measure(make, clients=threads, per_client=max(requests // 10, 1),
                             batch=batch, records=records)  # warm-up
                    latencies, seconds = _measure(make, clients=threads, per_client=requests,
                                                  batch=batch, records=records)
                    figures.append((percentile_ms(latencies, 50), percentile_ms(latencies, 95),
                                    len(latencies) / seconds))
                (p50, p95, rate), (b50, b95, brate) = figures
                out.write(f"{label:<34}{p50:>9.2f}{p95:>9.2f}{rate:>9.0f}"
                          f"{b50:>14.2f}{b95:>8.2f}{brate:>9.0f}{p50 / b50:>11.2f}\n")
        finally:
            process.terminate()
            process.wait(timeout=10)
