"""A small registry server speaking the connector's protocol (`onevisit registry-server`).

It stands in for another department's registry: in tests and benchmarks the HTTP
connector talks to a real process over loopback, and a department without an exchange
interface of its own can run it in front of an export of its records.

Protocol: `POST /v1/evidence` with `{"purpose": "...", "requests": [{"evidence_type",
"subject"}, ...]}` answers `{"results": [{"evidence_type", "subject", "found", "data",
"valid_until"}, ...]}` in the order asked. A request without a stated purpose, with more
than MAX_REQUESTS entries, or without the configured bearer token is refused. Every
request is logged with its purpose: the holder's side of the access log.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import socketserver
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import structlog
from django.db import close_old_connections

from onevisit.exchange.models import RegistryRecord
from onevisit.exchange.sources import Evidence, pairs_match, record_evidence

log = structlog.get_logger(__name__)

MAX_REQUESTS = 100
MAX_BODY = 256 * 1024

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Lookup = Callable[[list[tuple[str, str]]], dict[tuple[str, str], Evidence]]


def file_lookup(records: Iterable[dict[str, Any]]) -> Lookup:
    """Records from a JSON export: a list of {evidence_type, subject, data, valid_until}."""
    held: dict[tuple[str, str], Evidence] = {}
    for record in records:
        key = (str(record["evidence_type"]), str(record["subject"]))
        valid_until = record.get("valid_until")
        held[key] = Evidence(source="file", evidence_type=key[0], subject=key[1],
                             data=dict(record.get("data") or {}),
                             valid_until=dt.date.fromisoformat(valid_until)
                             if valid_until else None)
    return lambda wanted: {pair: held[pair] for pair in wanted if pair in held}


def database_lookup(sources: list[str]) -> Lookup:
    """Records of the given reference registries in this instance's database."""

    def lookup(wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Evidence]:
        close_old_connections()
        if not wanted:
            return {}
        records = RegistryRecord.objects.filter(pairs_match(wanted), source__in=sources)
        return {(r.evidence_type, r.subject): record_evidence(r, source=r.source)
                for r in records}

    return lookup


@dataclass
class RegistryApp:
    """The WSGI application."""

    lookup: Lookup
    token: str = ""
    latency: float = 0.0  # seconds added to every answer, to stand in for a slow registry
    served: int = field(default=0)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        status, body = self._answer(environ)
        payload = json.dumps(body, ensure_ascii=False).encode()
        start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                                ("Content-Length", str(len(payload)))])
        return [payload]

    def _answer(self, environ: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if environ.get("PATH_INFO") == "/healthz":
            return "200 OK", {"status": "ok"}
        if environ.get("PATH_INFO") != "/v1/evidence":
            return "404 Not Found", {"error": "unknown path"}
        if environ.get("REQUEST_METHOD") != "POST":
            return "405 Method Not Allowed", {"error": "POST only"}
        if self.token and not hmac.compare_digest(
            environ.get("HTTP_AUTHORIZATION", ""), f"Bearer {self.token}"
        ):
            return "401 Unauthorized", {"error": "missing or wrong bearer token"}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return "400 Bad Request", {"error": f"body must be 1..{MAX_BODY} bytes"}
        try:
            request = json.loads(environ["wsgi.input"].read(length))
            purpose = str(request["purpose"]).strip()
            wanted = [(str(r["evidence_type"]), str(r["subject"])) for r in request["requests"]]
        except (ValueError, KeyError, TypeError):
            return "400 Bad Request", {"error": "expected {purpose, requests: "
                                                "[{evidence_type, subject}]}"}
        if not purpose:
            return "400 Bad Request", {"error": "a request must state its legal purpose"}
        if not 0 < len(wanted) <= MAX_REQUESTS:
            return "400 Bad Request", {"error": f"1..{MAX_REQUESTS} requests per call"}
        if self.latency:
            time.sleep(self.latency)
        found = self.lookup(wanted)
        self.served += 1
        log.info("registry_request", purpose=purpose[:200], asked=len(wanted),
                 found=len(found))
        return "200 OK", {"results": [_result(pair, found.get(pair)) for pair in wanted]}


def _result(pair: tuple[str, str], evidence: Evidence | None) -> dict[str, Any]:
    valid_until = evidence.valid_until if evidence is not None else None
    return {"evidence_type": pair[0], "subject": pair[1], "found": evidence is not None,
            "data": evidence.data if evidence is not None else None,
            "valid_until": valid_until.isoformat() if valid_until else None}


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def serve(app: RegistryApp, *, host: str, port: int) -> WSGIServer:
    """A threaded server bound to host:port (port 0: any free port)."""
    return make_server(host, port, app, server_class=_ThreadingServer,
                       handler_class=_QuietHandler)
