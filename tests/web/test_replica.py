"""The public pages that only read the catalogue read it from a real PostgreSQL streaming
replica (ONEVISIT_REPLICA_URL, docs/deploy.md) — never a browser's page right after its
own write, never a replica that has fallen behind. `.ci/run` starts the replica for the
PostgreSQL suite and names it (ONEVISIT_TEST_REPLICA_URL); without one these tests skip."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onevisit.catalogue.models import ServiceItem
from onevisit.replica import replica_lag_forget
from onevisit.web.replica import WROTE_COOKIE
from tests.factories import ServiceItemFactory, UserFactory
from tests.ops.waiting import wait_for

pytestmark = [
    pytest.mark.skipif("replica" not in settings.DATABASES,
                       reason="no replica (ONEVISIT_TEST_REPLICA_URL, PostgreSQL only)"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

ITEMS = "catalogue_serviceitem"


@pytest.fixture(autouse=True)
def replica_reads(settings: Any) -> Iterator[None]:
    settings.ONEVISIT = {**settings.ONEVISIT, "REPLICA_READS": True,
                         "REPLICA_MAX_LAG_SECONDS": 5.0}
    replica_lag_forget()
    yield
    replica_lag_forget()


def _replicated(item: ServiceItem) -> ServiceItem:
    wait_for("the replica to hold the item",
             lambda: ServiceItem.objects.using("replica").filter(pk=item.pk).exists(),
             seconds=30, every=0.1)
    return item


def _guide_reads(client: Client, item: ServiceItem) -> tuple[int, int]:
    """Opens the item's guide, made afresh (not the cached page, web.page_cache); how many
    of its reads of the items went to the replica and how many to the primary."""
    cache.clear()
    with CaptureQueriesContext(connections["replica"]) as replica, \
            CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(f"/items/{item.code}/")
    assert response.status_code == 200
    assert item.name in response.content.decode()

    def reads(captured: CaptureQueriesContext) -> int:
        return sum(ITEMS in query["sql"] for query in captured.captured_queries)

    return reads(replica), reads(primary)


def test_a_guide_is_read_from_the_replica():
    item = _replicated(ServiceItemFactory(published=True))

    on_replica, on_primary = _guide_reads(Client(), item)

    assert on_replica > 0
    assert on_primary == 0


def test_the_dashboard_reads_its_rollups_from_the_replica_and_the_rest_from_the_primary():
    supervisor = UserFactory(supervisor=True)
    browser = Client()
    browser.force_login(supervisor)  # no sign-in form: no write of the browser's own

    with CaptureQueriesContext(connections["replica"]) as replica, \
            CaptureQueriesContext(connections["default"]) as primary:
        page = browser.get("/dashboard/")

    assert page.status_code == 200
    assert any("metrics_" in query["sql"] for query in replica.captured_queries)
    assert not any("metrics_" in query["sql"] for query in primary.captured_queries)
    # Who is signed in, and the cases past their deadline, are the primary's.
    assert not any("accounts_user" in query["sql"] or "applications_case" in query["sql"]
                   for query in replica.captured_queries)


def test_a_browser_that_has_just_written_reads_the_primary_until_the_replica_holds_it():
    item = _replicated(ServiceItemFactory(published=True))
    browser = Client()

    wrote = browser.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    assert wrote.status_code == 302
    assert wrote.cookies[WROTE_COOKIE]["max-age"] == math.ceil(5.0) + 1
    assert _guide_reads(browser, item) == (0, 1)
    assert _guide_reads(Client(), item)[0] > 0  # another browser: the replica


def test_a_replica_that_has_fallen_behind_is_not_read(settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "REPLICA_MAX_LAG_SECONDS": 0.5}
    item = _replicated(ServiceItemFactory(published=True))
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        later = ServiceItemFactory(published=True)  # the primary moves on
        time.sleep(1.0)
        replica_lag_forget()

        on_replica, on_primary = _guide_reads(Client(), item)
        assert (on_replica, on_primary) == (0, 1)
        assert _guide_reads(Client(), later) == (0, 1)  # not on the replica yet: still found
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    # Caught up again, and within the usual bound, it is read again.
    _replicated(later)
    settings.ONEVISIT = {**settings.ONEVISIT, "REPLICA_MAX_LAG_SECONDS": 5.0}
    replica_lag_forget()
    assert _guide_reads(Client(), later)[0] > 0
