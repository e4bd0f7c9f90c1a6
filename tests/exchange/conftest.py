from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from onevisit.exchange.connector import ConnectorPolicy, HttpRegistry
from onevisit.exchange.sources import (
    REFERENCE_REGISTRIES,
    EvidenceSource,
    source_get,
    source_register,
)

# Fast enough for tests, the same logic as production's defaults.
TEST_POLICY = ConnectorPolicy(connect_timeout=0.5, read_timeout=1.0, attempts=2, backoff=0.01,
                              failures_to_open=3, open_seconds=60)


@pytest.fixture
def swap_source() -> Iterator:
    """Register sources for one test; the ones they replaced come back afterwards."""
    replaced: list[tuple[str, EvidenceSource | None]] = []

    def swap(source: EvidenceSource) -> EvidenceSource:
        try:
            previous: EvidenceSource | None = source_get(source.code)
        except Exception:
            previous = None
        replaced.append((source.code, previous))
        source_register(source)
        return source

    yield swap
    for _code, previous in reversed(replaced):
        if previous is not None:
            source_register(previous)


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RegistryProcess:
    """`onevisit registry-server` in its own process, over loopback."""

    def __init__(self, records: list[dict], directory: Path, token: str = "") -> None:
        data = directory / "registry.json"
        data.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        command = [sys.executable, "-m", "onevisit.cli", "registry-server", "--port", "0",
                   "--data", str(data)]
        if token:
            command += ["--token", token]
        env = {**os.environ, "ONEVISIT_DATA_DIR": str(directory / "data")}
        env.pop("DATABASE_URL", None)  # the registry server does not need ours
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert "listening on" in line, line
        self.url = line.split("listening on", 1)[1].strip()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def registry_process(tmp_path: Path, world) -> Iterator[RegistryProcess]:
    records = [
        {"evidence_type": "resident-id-card", "subject": world.citizen_id,
         "data": {"name": "王小明", "address": "杭州市西湖区文三路 100 号"}},
        {"evidence_type": "property-certificate", "subject": world.citizen_id,
         "data": {"number": "浙(2019)杭州市不动产权第0123456号"}, "valid_until": None},
    ]
    process = RegistryProcess(records, tmp_path, token="s3cret")
    yield process
    process.stop()


def http_source(code: str, url: str, token: str = "s3cret") -> HttpRegistry:  # noqa: S107
    return HttpRegistry(code, REFERENCE_REGISTRIES.get(code, code), url, token=token,
                        policy=TEST_POLICY)
