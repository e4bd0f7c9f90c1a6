"""Stored files and their transactions: a rollback removes them at once, a commit keeps
them, and the sweep settles what a dead process left behind — in the local folder and in
object storage (a real S3-compatible server) alike."""

from __future__ import annotations

import contextlib
import datetime as dt
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from onevisit import clock
from onevisit.files.models import StoredFile
from onevisit.files.services import file_read, file_store, files_guard, files_sweep
from onevisit.files.tasks import files_sweep_task
from tests.files.media import media_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["folder", "s3"])
def _storage(request: pytest.FixtureRequest) -> None:
    if request.param == "s3":
        request.getfixturevalue("on_s3")

T0 = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)


class Boom(Exception):
    pass


def _store(content: bytes = b"scan") -> str:
    return file_store(content=content, folder="materials", extension="pdf").name


def test_a_file_is_stored_under_a_server_chosen_name_with_a_pending_mark():
    with clock.frozen_at(T0), transaction.atomic():
        name = _store(b"%PDF-1.4 scan")

    assert name.startswith("materials/2026/12/")
    assert name.endswith(".pdf")
    assert file_read(name) == b"%PDF-1.4 scan"
    token = name.rsplit("/", 1)[1].removesuffix(".pdf")
    # The test's transaction never commits, so the mark is still there, as after a crash.
    assert media_files() == [name, f"pending/20261207T093000-{token}"]
    assert StoredFile.objects.get(name=name).size == 13


def test_a_commit_removes_the_mark_and_keeps_the_file(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        name = _store()

    assert media_files() == [name]


def _fails(*, stores: int, inner_guard: bool = False, guard: bool = True) -> list[str]:
    """A service that stores files and then fails; returns what it stored."""
    names: list[str] = []

    def service() -> None:
        with files_guard() if guard else contextlib.nullcontext(), transaction.atomic():
            if inner_guard:  # an inner service that succeeded, in a savepoint
                with files_guard(), transaction.atomic():
                    names.append(_store())
            names.extend(_store() for _ in range(stores))
            raise Boom

    with pytest.raises(Boom):
        service()
    return names


def test_a_failure_inside_the_guard_removes_the_files_at_once():
    assert len(_fails(stores=2)) == 2

    assert media_files() == []
    assert StoredFile.objects.count() == 0


def test_an_enclosing_transaction_that_fails_removes_what_an_inner_success_stored():
    """A service succeeded in a savepoint, then the request's transaction rolled back (the
    Idempotency-Key lost to a concurrent request): its files go too."""
    assert len(_fails(stores=0, inner_guard=True)) == 1

    assert media_files() == []


@pytest.mark.django_db(transaction=True)  # the test's own transaction would hide it
def test_storing_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        _store()

    assert media_files() == []


def _crashed_before_commit() -> str:
    """What a process that died before its commit leaves: a file and its mark, no row."""
    return _fails(stores=1, guard=False)[0]  # no guard: nothing removes them


def test_the_sweep_removes_files_that_never_committed_once_they_are_old_enough():
    with clock.frozen_at(T0):
        name = _crashed_before_commit()
    assert len(media_files()) == 2

    with clock.frozen_at(T0 + dt.timedelta(minutes=59)):
        fresh = files_sweep()
    assert (fresh.kept, fresh.deleted) == (1, 0)
    assert name in media_files()

    with clock.frozen_at(T0 + dt.timedelta(minutes=61)):
        old = files_sweep()
    assert (old.kept, old.committed, old.deleted, old.missing) == (0, 0, 1, 0)
    assert media_files() == []


def test_the_sweep_settles_a_committed_file_whose_process_died_before_clearing_its_mark():
    with clock.frozen_at(T0), transaction.atomic():
        name = _store(b"kept")  # committed (the row is there); the mark was never removed

    with clock.frozen_at(T0 + dt.timedelta(days=2)):
        result = files_sweep()

    assert (result.kept, result.committed, result.deleted, result.missing) == (0, 1, 0, 0)
    assert media_files() == [name]
    assert file_read(name) == b"kept"


def test_the_sweep_leaves_a_fresh_unreferenced_file_alone_and_a_committed_one_too():
    with clock.frozen_at(T0):
        with transaction.atomic():
            committed = _store()
        crashed = _crashed_before_commit()

    with clock.frozen_at(T0 + dt.timedelta(minutes=5)):
        result = files_sweep()

    assert (result.kept, result.committed, result.deleted) == (1, 1, 0)
    assert committed in media_files()
    assert crashed in media_files()


def test_the_command_reports_what_it_did_and_fails_when_a_committed_file_is_missing():
    with clock.frozen_at(T0):
        _crashed_before_commit()
        with transaction.atomic():
            lost = _store()
    default_storage.delete(lost)
    out = StringIO()

    with clock.frozen_at(T0 + dt.timedelta(hours=2)), pytest.raises(
        CommandError, match="1 committed file"
    ):
        call_command("files", "sweep", stdout=out)

    assert out.getvalue() == ("files swept: 1 removed (never committed), 1 committed, "
                              "0 left for later, 1 missing\n")
    assert media_files() == []


def test_the_command_takes_a_shorter_grace():
    with clock.frozen_at(T0):
        _crashed_before_commit()
    out = StringIO()

    with clock.frozen_at(T0 + dt.timedelta(minutes=11)):
        call_command("files", "sweep", "--grace-minutes", "10", stdout=out)

    assert out.getvalue().startswith("files swept: 1 removed")
    assert media_files() == []


def test_a_scheduler_runs_the_sweep_as_a_task(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with clock.frozen_at(T0):
        _crashed_before_commit()

    with clock.frozen_at(T0 + dt.timedelta(hours=3)):
        result = files_sweep_task.enqueue()

    assert result.return_value == {"kept": 0, "committed": 0, "deleted": 1, "missing": 0}
    assert media_files() == []
