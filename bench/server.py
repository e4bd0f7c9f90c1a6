"""What the benchmarks share: the gunicorn server process they measure, and percentiles."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import connection


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    workers: int
    threads: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_start(*, workers: int, threads: int, engines: Mapping[str, str] | None = None
                 ) -> Server:
    """gunicorn with DEBUG off, as in production, and secrets of its own; ready when
    /healthz answers. The master and its workers are a process group of their own.
    `engines`: the environment of the distributed engines (bench.engines), if any."""
    port = _free_port()
    env = {**os.environ, **(engines or {}), "ONEVISIT_DEBUG": "0",
           "ONEVISIT_LOG_LEVEL": "WARNING", "ONEVISIT_SECRET_KEY": secrets.token_urlsafe(32),
           "ONEVISIT_DIGEST_KEY": secrets.token_urlsafe(32)}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "gunicorn", "onevisit.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--backlog", "2048", "--log-level", "warning"],
        env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return Server(process=process, port=port, workers=workers, threads=threads)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start within 60 s")


def server_stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()


def percentile_ms(latencies: Sequence[float], q: int) -> float:
    """The q-th percentile of latencies in seconds, in milliseconds (nearest rank)."""
    if not latencies:
        return float("nan")
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] * 1000


def database_vacuum() -> None:
    """Reclaim dead row versions and refresh the statistics, as autovacuum would (it may be
    off on a development cluster): each measured side starts on a compact database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
