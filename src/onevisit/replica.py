"""Reads from a PostgreSQL streaming replica (ONEVISIT_REPLICA_URL, docs/deploy.md).

Only what a page reads of the published catalogue (items, life events, their guides and
the search index) and the dashboards' rollups may come from the replica, and only inside
`replica_reads()`, which the web layer opens for the pages that merely read: the portal's
and the supervisors' dashboard. Every write, every read outside it, and every other table
— accounts, sessions, applications, the audit log — is the primary's. Before each such
page the replica's lag is checked (at most once every LAG_CHECK_SECONDS per process): a
replica behind by more than ONEVISIT_REPLICA_MAX_LAG_SECONDS, or one that does not answer,
is not read at all.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, cast

import structlog
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = structlog.get_logger(__name__)

REPLICA = "replica"
# The apps whose rows change only when the catalogue is published or the rollups refresh.
REPLICA_APPS = frozenset({"catalogue", "lifeevents", "search", "metrics"})
LAG_CHECK_SECONDS = 2.0

_reading: ContextVar[bool] = ContextVar("onevisit_replica_reads", default=False)
# (checked at, usable): per process.
_lag_checked: list[tuple[float, bool]] = []


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and bool(settings.ONEVISIT.get("REPLICA_READS"))


@contextlib.contextmanager
def replica_reads() -> Iterator[bool]:
    """Let the catalogue's reads inside go to the replica, if one is configured and close
    enough behind the primary; yields whether they do."""
    usable = replica_configured() and replica_usable()
    token = _reading.set(usable)
    try:
        yield usable
    finally:
        _reading.reset(token)


def replica_usable() -> bool:
    """Whether the replica answers and is at most ONEVISIT_REPLICA_MAX_LAG_SECONDS behind:
    caught up with every change it has received and none pending on the primary, or its
    last replayed change recent enough."""
    now = time.monotonic()
    if _lag_checked and now - _lag_checked[0][0] < LAG_CHECK_SECONDS:
        return _lag_checked[0][1]
    usable = _lag_within(replica_max_lag())
    _lag_checked[:] = [(now, usable)]
    return usable


def replica_max_lag() -> float:
    return cast(float, settings.ONEVISIT["REPLICA_MAX_LAG_SECONDS"])


def replica_lag_forget() -> None:
    """Check the lag again before the next page (after the replica was paused, say)."""
    _lag_checked.clear()


def _lag_within(max_lag: float) -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            primary_lsn = cursor.fetchone()[0]
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn, "
                "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())",
                [primary_lsn],
            )
            caught_up, lag = cursor.fetchone()
    except DatabaseError:
        log.warning("replica_unavailable")
        return False
    # A replica that has replayed no change yet (no timestamp) is only usable caught up.
    usable = bool(caught_up) or (lag is not None and float(lag) <= max_lag)
    if not usable:
        log.warning("replica_behind", seconds=None if lag is None else round(float(lag), 1),
                    max_seconds=max_lag)
    return usable


class ReplicaRouter:
    """Django's database router: the catalogue's reads inside `replica_reads()` go to the
    replica, everything else to the primary; the replica is never migrated."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading.get() and model._meta.app_label in REPLICA_APPS:
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA
