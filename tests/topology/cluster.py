"""The processes of docs/deploy.md's topology on one machine, and a client that spreads
requests over the web processes as a load balancer would."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ONEVISIT = [sys.executable, "-m", "onevisit.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """Processes started in sessions of their own, so that killing one kills what it
    forked too (gunicorn's workers, an RQ worker's work horse): as when a machine goes."""

    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    web_ports: dict[str, int] = field(default_factory=dict)

    def run(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run([*ONEVISIT, *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise AssertionError(f"onevisit {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def python(self, module: str, *, env: dict[str, str] | None = None) -> str:
        done = subprocess.run([sys.executable, "-m", module], env=env or self.env,
                              capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            raise AssertionError(f"{module} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def _start(self, name: str, command: list[str]) -> None:
        with (self.logs / f"{name}.log").open("wb") as out:
            self.processes[name] = subprocess.Popen(
                command, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    def web(self, name: str) -> None:
        """gunicorn with two threads, ready when /healthz answers."""
        port = free_port()
        self._start(name, [sys.executable, "-m", "gunicorn", "onevisit.wsgi:application",
                           "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
                           "--timeout", "120"])
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    self.web_ports[name] = port
                    return
            if self.processes[name].poll() is not None:
                break
            time.sleep(0.3)
        raise AssertionError(f"{name} did not start: {self.log(name)[-3000:]}")

    def worker(self, name: str) -> None:
        self._start(name, [*ONEVISIT, "worker", "--name", name])

    def scheduler(self, name: str) -> None:
        self._start(name, [*ONEVISIT, "scheduler"])

    def kill(self, name: str) -> None:
        """SIGKILL to the process and everything in its session."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        self.web_ports.pop(name, None)

    def stop(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is None:
                self.kill(name)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")


@dataclass
class Answer:
    status: int
    body: Any
    port: int


class Balancer:
    """Sends each request to the next web process in turn; a process that does not answer
    (refused, reset, closed mid-response) is skipped and the same request — same
    Idempotency-Key — goes to the next, as a load balancer retries."""

    retried = 0  # requests sent again to another process, over all balancers

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.turn = 0

    def request(self, method: str, path: str, *, token: str = "", key: str = "",
                body: Any = None) -> Answer:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["Idempotency-Key"] = key
        payload = json.dumps(body).encode() if body is not None else None
        for attempt in range(20):
            ports = sorted(self.cluster.web_ports.values())
            port = ports[(self.turn + attempt) % len(ports)]
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException):
                Balancer.retried += 1
                time.sleep(0.2)
                continue
            finally:
                connection.close()
            self.turn += 1
            is_json = response.getheader("Content-Type", "").startswith("application/json")
            return Answer(response.status, json.loads(raw) if is_json else raw, port)
        raise AssertionError(f"{method} {path}: no web process answered")
