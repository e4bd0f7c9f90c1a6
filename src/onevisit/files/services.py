"""Files that belong to rows: stored so that a rolled-back or crashed write leaves none
behind, and a committed row never points at a file that is not there.

A file is written under its final, server-chosen name *before* the transaction that refers
to it commits, so the row and its file exist together from the moment of the commit. Next
to it goes a pending mark (`pending/<time>-<token>`, holding the file's name), written
first, and a `StoredFile` ledger row in the caller's transaction:

- the transaction commits: the mark is removed (`transaction.on_commit`);
- it fails inside `files_guard` (a service's exception, or a lost race on a unique key
  around it): the file and its mark are removed at once;
- the process dies, or the transaction rolls back outside any guard: the mark stays, and
  `files_sweep` (the `onevisit files sweep` command or the `files_sweep_task` task, run by
  a scheduler) removes the mark of a file whose ledger row committed, and deletes the file
  and the mark of one whose row never did, once the mark is older than a grace period
  (longer than any transaction runs: a fresh mark may belong to a filing still under way).

Everything goes through Django's storage API (the default storage: MEDIA_ROOT unless an
object store is configured), so the sweep needs no listing of the files themselves, only
of the marks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import structlog
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from onevisit import clock
from onevisit.files.models import StoredFile

log = structlog.get_logger(__name__)

PENDING = "pending"
SWEEP_GRACE = dt.timedelta(hours=1)
_STAMP = "%Y%m%dT%H%M%S"


@dataclass(frozen=True)
class _Pending:
    mark: str
    name: str


# The files stored inside the innermost `files_guard`, to remove if it fails.
_guarded: ContextVar[list[_Pending] | None] = ContextVar("files_guarded", default=None)


def file_store(*, content: bytes, folder: str, extension: str) -> StoredFile:
    """Store `content` under a new server-chosen name (`folder/YYYY/MM/<uuid>.<ext>`) for a
    row the caller writes in the same transaction; returns the ledger row (its `name` is
    what the caller's row keeps). Must run inside a transaction, and inside `files_guard`
    for a failure to remove the file at once rather than at the next sweep."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("file_store must run inside the transaction of the row it serves")
    now = clock.now()
    token = uuid.uuid4().hex
    name = f"{folder}/{now:%Y/%m}/{token}.{extension}"
    mark = f"{PENDING}/{now.astimezone(dt.UTC):{_STAMP}}-{token}"
    _save(mark, name.encode())  # the mark first: a crash after it leaves nothing unknown
    guarded = _guarded.get()
    if guarded is not None:
        guarded.append(_Pending(mark=mark, name=name))
    _save(name, content)
    stored = StoredFile.objects.create(name=name, size=len(content),
                                       sha256=hashlib.sha256(content).hexdigest(),
                                       stored_at=now)
    transaction.on_commit(lambda: _delete(mark), robust=True)
    return stored


def file_read(name: str) -> bytes:
    """A stored file's content, by the name its row keeps."""
    with default_storage.open(name, "rb") as handle:
        content: bytes = handle.read()
    return content


@contextmanager
def files_guard() -> Iterator[None]:
    """Remove at once the files stored inside it when an exception leaves it. Put it
    outside the transaction that writes the rows (`@files_guard()` above `@atomic`): an
    exception that leaves a transaction has rolled it back, and those rows with it. Nested
    guards hand their files to the enclosing one when they succeed, so a rollback of the
    enclosing transaction (an idempotency key lost to a concurrent request) removes them."""
    stored: list[_Pending] = []
    token = _guarded.set(stored)
    try:
        yield
    except BaseException:
        _guarded.reset(token)
        for pending in stored:
            _delete(pending.name)
            _delete(pending.mark)
        if stored:
            log.info("files_removed_after_rollback", count=len(stored))
        raise
    _guarded.reset(token)
    outer = _guarded.get()
    if outer is not None:
        outer.extend(stored)


@dataclass(frozen=True)
class SweepResult:
    """What a sweep did with the pending marks it found."""

    kept: int  # too fresh: the filing may still be under way
    committed: int  # the row committed (its process died before removing the mark)
    deleted: int  # the row never committed: file and mark removed
    missing: int  # committed, but the file is not in storage (reported, never guessed)


def files_sweep(*, grace: dt.timedelta = SWEEP_GRACE) -> SweepResult:
    """Settle the files whose transaction ended without removing their pending mark."""
    try:
        _, marks = default_storage.listdir(PENDING)
    except FileNotFoundError:
        marks = []
    cutoff = clock.now() - grace
    kept = committed = deleted = missing = 0
    for entry in sorted(marks):
        mark = f"{PENDING}/{entry}"
        try:
            at = dt.datetime.strptime(entry.partition("-")[0], _STAMP).replace(tzinfo=dt.UTC)
            name = file_read(mark).decode()
        except (ValueError, FileNotFoundError):
            log.warning("files_sweep_unknown_entry", entry=entry)
            continue
        if StoredFile.objects.filter(name=name).exists():
            if not default_storage.exists(name):
                missing += 1
                log.error("stored_file_missing", name=name)
            _delete(mark)
            committed += 1
        elif at < cutoff:
            _delete(name)
            _delete(mark)
            deleted += 1
        else:
            kept += 1
    result = SweepResult(kept=kept, committed=committed, deleted=deleted, missing=missing)
    log.info("files_swept", kept=kept, committed=committed, deleted=deleted, missing=missing)
    return result


def _save(name: str, content: bytes) -> None:
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # a name is new by construction; never write beside another file
        default_storage.delete(saved)
        raise RuntimeError(f"storage renamed {name} to {saved}")


def _delete(name: str) -> None:
    default_storage.delete(name)  # deleting a file that is not there is not an error
