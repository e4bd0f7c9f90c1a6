"""The HTTP connector against `onevisit registry-server` in its own process, and its
retries and circuit breaker against a source that fails."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from onevisit.exchange.connector import HttpRegistry
from onevisit.exchange.models import RegistryRecord
from onevisit.exchange.server import RegistryApp, database_lookup, file_lookup, serve
from onevisit.exchange.sources import SourceUnavailable
from tests.exchange.conftest import TEST_POLICY, free_port, http_source

pytestmark = pytest.mark.django_db


def test_the_connector_fetches_from_a_registry_server_process(world, registry_process):
    source = http_source("population", registry_process.url)

    found = source.fetch_many(
        wanted=[("resident-id-card", world.citizen_id), ("resident-id-card", "110101199003070000")],
        purpose="存量房交易税费申报缴纳（《契税法》第二条）",
    )

    assert found[("resident-id-card", world.citizen_id)].data["name"] == "王小明"
    assert found[("resident-id-card", "110101199003070000")] is None


def test_a_wrong_token_is_refused_at_once_without_retrying(world, registry_process):
    source = http_source("population", registry_process.url, token="wrong")

    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="401"):
        source.fetch(evidence_type="resident-id-card", subject=world.citizen_id, purpose="x")
    assert time.monotonic() - started < 1.0


def test_the_server_refuses_a_request_without_a_legal_purpose(registry_process):
    response = httpx.post(f"{registry_process.url}/v1/evidence",
                          json={"purpose": " ", "requests": [{"evidence_type": "a",
                                                               "subject": "b"}]},
                          headers={"Authorization": "Bearer s3cret"})

    assert response.status_code == 400
    assert "purpose" in response.json()["error"]


def test_a_dead_source_fails_fast_once_the_breaker_opens():
    source = http_source("population", f"http://127.0.0.1:{free_port()}")

    for _ in range(TEST_POLICY.failures_to_open):
        with pytest.raises(SourceUnavailable):
            source.fetch(evidence_type="resident-id-card", subject="x", purpose="p")
    assert source.breaker.is_open

    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="circuit open"):
        source.fetch(evidence_type="resident-id-card", subject="x", purpose="p")
    assert time.monotonic() - started < 0.05


def test_transient_failures_are_retried_with_back_off():
    calls = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(503)
        return httpx.Response(200, json={"results": [
            {"evidence_type": "resident-id-card", "subject": "x", "found": True,
             "data": {"name": "王小明"}, "valid_until": "2030-01-01"}]})

    source = HttpRegistry("population", "人口库", "http://registry.test", policy=TEST_POLICY,
                          transport=httpx.MockTransport(flaky))

    evidence = source.fetch(evidence_type="resident-id-card", subject="x", purpose="p")

    assert evidence is not None
    assert evidence.valid_until.year == 2030
    assert len(calls) == 2
    assert not source.breaker.is_open


def test_the_breaker_lets_one_trial_through_after_the_cool_down_and_closes_on_success():
    app = RegistryApp(lookup=file_lookup([{"evidence_type": "t", "subject": "s",
                                           "data": {"ok": 1}}]))
    server = serve(app, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = http_source("population", f"http://127.0.0.1:{server.server_port}", token="")
        source.breaker.open_seconds = 0.2
        for _ in range(TEST_POLICY.failures_to_open):
            source.breaker.failed()
        assert source.breaker.is_open
        with pytest.raises(SourceUnavailable):
            source.fetch(evidence_type="t", subject="s", purpose="p")
        assert app.served == 0

        time.sleep(0.25)
        assert source.fetch(evidence_type="t", subject="s", purpose="p").data == {"ok": 1}
        assert not source.breaker.is_open
        assert app.served == 1
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db(transaction=True)  # the server closes its old connections per request
def test_a_registry_server_over_this_database_answers_from_the_named_sources_only():
    RegistryRecord.objects.create(source="population", evidence_type="resident-id-card",
                                  subject="330106199001011234", data={"name": "王小明"})
    RegistryRecord.objects.create(source="property", evidence_type="property-certificate",
                                  subject="330106199001011234", data={"number": "不该给出"})
    lookup = database_lookup(["population", "civil_affairs"])

    found = lookup([("resident-id-card", "330106199001011234"),
                    ("property-certificate", "330106199001011234"),
                    ("resident-id-card", "330106199202022345")])

    assert list(found) == [("resident-id-card", "330106199001011234")]
    evidence = found[("resident-id-card", "330106199001011234")]
    assert (evidence.source, evidence.data) == ("population", {"name": "王小明"})
    assert lookup([]) == {}
