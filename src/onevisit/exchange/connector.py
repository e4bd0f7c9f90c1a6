"""The HTTP/JSON connector to another department's registry.

The protocol (docs/exchange.md) is one call, `POST {base}/v1/evidence`, with the
evidence asked for and the legal purpose; `onevisit registry-server` speaks it.

A registry that is slow or down must never hold up intake: each call has a short
timeout, is retried with back-off a few times, and after repeated failures a circuit
breaker answers "unavailable" at once for a cool-down period, so filings fall back to
uploads (or wait for a background retry) instead of queueing behind a dead source. The
breaker lives in each process: it is an optimisation that any process may lose, not
state another process needs.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from onevisit.exchange.sources import Evidence, EvidenceSource, SourceUnavailable

log = structlog.get_logger(__name__)

PROTOCOL_PATH = "/v1/evidence"


@dataclass(frozen=True)
class ConnectorPolicy:
    """How long to wait, how often to retry, when to stop trying for a while."""

    connect_timeout: float = 0.5
    read_timeout: float = 2.0
    attempts: int = 3
    backoff: float = 0.1  # seconds before the second attempt; doubles, with jitter
    failures_to_open: int = 5
    open_seconds: float = 30.0


class CircuitBreaker:
    """Closed: calls go through. Open after `failures_to_open` consecutive failures:
    calls fail at once. After `open_seconds`, one trial call is let through (half-open);
    its success closes the breaker, its failure opens it again."""

    def __init__(self, *, failures_to_open: int, open_seconds: float) -> None:
        self.failures_to_open = failures_to_open
        self.open_seconds = open_seconds
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if time.monotonic() - self._opened_at < self.open_seconds or self._trial_running:
                return False
            self._trial_running = True
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            self._trial_running = False
            if self._opened_at is not None or self._failures >= self.failures_to_open:
                self._opened_at = time.monotonic()


class _Retryable(Exception):
    pass


class HttpRegistry(EvidenceSource):
    """An evidence source reached over HTTP/JSON."""

    def __init__(self, code: str, name: str, base_url: str, *, token: str = "",
                 policy: ConnectorPolicy | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.code = code  # type: ignore[misc]
        self.name = name  # type: ignore[misc]
        self.base_url = base_url.rstrip("/")
        self.policy = policy or ConnectorPolicy()
        self.breaker = CircuitBreaker(failures_to_open=self.policy.failures_to_open,
                                      open_seconds=self.policy.open_seconds)
        headers = {"Accept": "application/json", "User-Agent": "onevisit-exchange/1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=self.base_url, headers=headers, transport=transport,
            timeout=httpx.Timeout(self.policy.read_timeout,
                                  connect=self.policy.connect_timeout),
        )

    def fetch(self, *, evidence_type: str, subject: str,
              purpose: str = "") -> Evidence | None:
        found = self.fetch_many(wanted=[(evidence_type, subject)], purpose=purpose)
        return found[(evidence_type, subject)]

    def fetch_many(
        self, *, wanted: list[tuple[str, str]], purpose: str = ""
    ) -> dict[tuple[str, str], Evidence | None]:
        if not wanted:
            return {}
        if not self.breaker.allow():
            raise SourceUnavailable(f"{self.code}: circuit open after repeated failures")
        body = {
            "purpose": purpose,
            "requests": [{"evidence_type": t, "subject": s} for t, s in wanted],
        }
        try:
            answer = self._post_with_retries(body)
        except SourceUnavailable:
            self.breaker.failed()
            raise
        self.breaker.succeeded()
        return self._parse(answer, wanted)

    def _post_with_retries(self, body: dict[str, Any]) -> dict[str, Any]:
        delay = self.policy.backoff
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return self._post(body)
            except _Retryable as error:
                if attempt == self.policy.attempts:
                    log.warning("registry_unavailable", source=self.code, attempts=attempt,
                                error=str(error))
                    raise SourceUnavailable(f"{self.code}: {error}") from error
                time.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter
                delay *= 2
        raise AssertionError("unreachable")

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._client.post(PROTOCOL_PATH, json=body)
        except httpx.TransportError as error:  # connect, read timeout, reset
            raise _Retryable(type(error).__name__) from error
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}")
        if response.status_code != 200:
            # A refusal (bad token, unknown evidence type) will not change on retry.
            raise SourceUnavailable(f"{self.code}: HTTP {response.status_code} "
                                    f"{response.text[:200]}")
        try:
            answer: dict[str, Any] = response.json()
        except ValueError as error:
            raise SourceUnavailable(f"{self.code}: answer is not JSON") from error
        return answer

    def _parse(self, answer: dict[str, Any],
               wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Evidence | None]:
        found: dict[tuple[str, str], Evidence | None] = dict.fromkeys(wanted)
        try:
            for result in answer["results"]:
                key = (str(result["evidence_type"]), str(result["subject"]))
                if key not in found or not result.get("found"):
                    continue
                valid_until = result.get("valid_until")
                found[key] = Evidence(
                    source=self.code, evidence_type=key[0], subject=key[1],
                    data=dict(result.get("data") or {}),
                    valid_until=dt.date.fromisoformat(valid_until) if valid_until else None,
                )
        except (KeyError, TypeError, ValueError) as error:
            raise SourceUnavailable(f"{self.code}: malformed answer ({error})") from error
        return found
