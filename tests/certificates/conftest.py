"""Helpers for the certificate tests: a completed 二手房 life event whose result is the
不动产权证书 of 西湖区不动产登记中心, and poppler's pdfsig with the CA in an NSS database."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from onevisit.certificates.models import Certificate
from tests.conftest import World


def house_completed(world: World, api: dict[str, Any]) -> Certificate:
    body = api["citizen"].post("/applications", world.house_payload()).json()
    cases = {c["stage_key"]: c["id"] for c in body["cases"]}
    for stage, role in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        response = api[f"reviewer:{role}"].decide(cases[stage])
        assert response.status_code == 200, response.json()
    return Certificate.objects.select_related("department", "application").get(
        application__number=body["number"]
    )


@pytest.fixture
def certificate(world: World, api: dict[str, Any]) -> Certificate:
    return house_completed(world, api)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)


def nss_database(directory: Path, ca_pem: bytes | None, crl_der: bytes | None = None) -> str:
    """An NSS database trusting the CA, if given, and knowing its CRL, if given: `sql:DIR`."""
    directory.mkdir(parents=True, exist_ok=True)
    database = f"sql:{directory}"
    _run("certutil", "-N", "-d", database, "--empty-password").check_returncode()
    if ca_pem is not None:
        (directory / "ca.pem").write_bytes(ca_pem)
        _run("certutil", "-A", "-d", database, "-n", "onevisit-ca", "-t", "C,C,C",
             "-i", str(directory / "ca.pem")).check_returncode()
    if crl_der is not None:
        (directory / "ca.crl").write_bytes(crl_der)
        imported = _run("crlutil", "-I", "-d", database, "-i", str(directory / "ca.crl"))
        assert imported.returncode == 0, imported.stderr
    return database


def pdfsig(content: bytes, directory: Path, database: str | None) -> str:
    """pdfsig's report of a PDF, as a user running it would read it."""
    path = directory / "document.pdf"
    path.write_bytes(content)
    args = ["pdfsig", *(["-nssdir", database] if database else []), str(path)]
    return _run(*args).stdout


def byte_range(content: bytes) -> tuple[int, int, int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", content)
    assert match is not None
    start, first, second, length = (int(value) for value in match.groups())
    return start, first, second, length
