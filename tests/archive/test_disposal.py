"""Disposal: propose what is past retention, a supervisor approves, then it is destroyed
and its row kept as a tombstone. Nothing is deleted before approval."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from onevisit import clock
from onevisit.applications.models import Application
from onevisit.archive.constants import (
    ALLOWED_DISPOSAL_TRANSITIONS,
    ALLOWED_PACKAGE_TRANSITIONS,
    DisposalStatus,
    PackageStatus,
)
from onevisit.archive.models import ArchivePackage, DisposalList
from onevisit.archive.services import disposal_transition, package_transition
from onevisit.audit.models import AuditEvent
from onevisit.catalogue.constants import ItemKind
from onevisit.catalogue.models import ServiceItem
from onevisit.errors import Conflict
from tests.archive.conftest import licence_reject, package_root
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
LAST_DAY_OF_TEN_YEARS = dt.datetime(2036, 12, 31, 12, 0, tzinfo=SHANGHAI)
AFTER_TEN_YEARS = dt.datetime(2037, 1, 1, 9, 0, tzinfo=SHANGHAI)


@dataclass
class Shelf:
    ten_years: ArchivePackage
    thirty_years: ArchivePackage


@pytest.fixture
def shelf(world, api, immediate_tasks, django_capture_on_commit_callbacks) -> Shelf:
    """A public service's file (kept 10 years, to 2036-12-31) and a licence's (30 years),
    both closed in November 2026."""
    packages = []
    for kind in (ItemKind.PUBLIC_SERVICE, ItemKind.LICENSING):
        ServiceItem.objects.filter(pk=world.licence.pk).update(kind=kind)
        with clock.frozen_at(dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)):
            number = licence_reject(world, api, django_capture_on_commit_callbacks)
        packages.append(ArchivePackage.objects.get(application__number=number))
    assert [p.retain_until for p in packages] == [dt.date(2036, 12, 31), dt.date(2056, 12, 31)]
    return Shelf(*packages)


def _run(*args: str, at: dt.datetime = AFTER_TEN_YEARS) -> str:
    out = io.StringIO()
    with clock.frozen_at(at):
        call_command("archive", "disposal", *args, stdout=out)
    return out.getvalue()


def _proposed() -> DisposalList:
    _run("propose")
    return DisposalList.objects.get()


def test_nothing_is_proposed_on_the_last_day_of_retention(shelf):
    out = _run("propose", at=LAST_DAY_OF_TEN_YEARS)

    assert out == "没有超过保管期限的档案包\n"
    assert not DisposalList.objects.exists()


def test_propose_lists_only_packages_past_retention_and_deletes_nothing(shelf):
    out = _run("propose")

    disposal_list = DisposalList.objects.get()
    assert list(disposal_list.packages.all()) == [shelf.ten_years]
    assert disposal_list.status == "pending"
    assert out.splitlines() == [
        f"销毁清单 {disposal_list.pk}（待审批）：",
        f"  {shelf.ten_years.application.number} {shelf.ten_years.path} "
        "保管至 2036-12-31（已归档）",
    ]
    assert package_root(shelf.ten_years).is_dir()
    shelf.ten_years.refresh_from_db()
    assert shelf.ten_years.status == "archived"
    # Already on an open list: not proposed twice.
    assert _run("propose") == "没有超过保管期限的档案包\n"
    assert DisposalList.objects.count() == 1


def test_execute_refuses_an_unapproved_list_and_deletes_nothing(shelf):
    disposal_list = _proposed()

    with pytest.raises(CommandError, match=f"销毁清单 {disposal_list.pk} 尚未批准，不能执行销毁"):
        _run("execute", str(disposal_list.pk))

    assert package_root(shelf.ten_years).is_dir()
    shelf.ten_years.refresh_from_db()
    assert (shelf.ten_years.status, shelf.ten_years.disposed_at) == ("archived", None)
    disposal_list.refresh_from_db()
    assert disposal_list.status == "pending"
    assert not AuditEvent.objects.filter(action="archive_package.disposed").exists()


def test_only_a_supervisor_or_an_administrator_approves(shelf, world):
    disposal_list = _proposed()

    for username in ("clerk", "citizen", "courier", "reviewer-xh-zjj"):
        with pytest.raises(CommandError, match="只有电子监察人员或系统管理员可以批准销毁清单"):
            _run("approve", str(disposal_list.pk), "--by", username)

    disposal_list.refresh_from_db()
    assert (disposal_list.status, disposal_list.approved_by, disposal_list.approved_at) == (
        "pending", None, None)


def test_an_inactive_or_unknown_approver_is_refused(shelf, world):
    disposal_list = _proposed()
    world.supervisor.is_active = False
    world.supervisor.save(update_fields=["is_active"])

    for username in ("supervisor", "nobody"):
        with pytest.raises(CommandError, match=f"用户 {username} 不存在或已停用"):
            _run("approve", str(disposal_list.pk), "--by", username)

    disposal_list.refresh_from_db()
    assert disposal_list.status == "pending"


def test_a_supervisor_approves_and_who_and_when_are_recorded(shelf, world):
    disposal_list = _proposed()

    out = _run("approve", str(disposal_list.pk), "--by", "supervisor")

    assert out == f"销毁清单 {disposal_list.pk} 已由 supervisor 批准\n"
    disposal_list.refresh_from_db()
    assert disposal_list.status == "approved"
    assert disposal_list.approved_by == world.supervisor
    assert disposal_list.approved_at == AFTER_TEN_YEARS
    event = AuditEvent.objects.get(action="disposal_list.approved")
    assert (event.actor_id, event.entity_id) == (world.supervisor.pk, str(disposal_list.pk))
    # Approved nothing is deleted yet.
    assert package_root(shelf.ten_years).is_dir()
    with pytest.raises(CommandError, match="不能变为"):
        _run("approve", str(disposal_list.pk), "--by", "supervisor")


def test_an_administrator_may_approve(shelf):
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    disposal_list = _proposed()

    _run("approve", str(disposal_list.pk), "--by", "admin")

    disposal_list.refresh_from_db()
    assert (disposal_list.status, disposal_list.approved_by.username) == ("approved", "admin")


def test_execute_destroys_the_approved_packages_and_keeps_tombstones(shelf, world):
    disposal_list = _proposed()
    _run("approve", str(disposal_list.pk), "--by", "supervisor")
    later = AFTER_TEN_YEARS + dt.timedelta(days=3)

    out = _run("execute", str(disposal_list.pk), at=later)

    assert out == f"销毁清单 {disposal_list.pk} 已执行：1 个档案包已销毁，登记保留\n"
    assert not package_root(shelf.ten_years).exists()
    assert package_root(shelf.thirty_years).is_dir()
    tombstone = ArchivePackage.objects.get(pk=shelf.ten_years.pk)
    assert (tombstone.status, tombstone.disposed_at) == ("disposed", later)
    assert tombstone.path == shelf.ten_years.path
    assert Application.objects.filter(pk=tombstone.application_id).exists()
    disposal_list.refresh_from_db()
    assert (disposal_list.status, disposal_list.executed_at) == ("executed", later)
    event = AuditEvent.objects.get(action="archive_package.disposed")
    assert event.entity_id == shelf.ten_years.application.number
    assert event.data["disposal_list"] == disposal_list.pk
    assert event.data["approved_by"] == world.supervisor.pk
    assert AuditEvent.objects.filter(action="disposal_list.executed").count() == 1
    # The tombstone is not verified (nothing left to check), the kept package is.
    verified = io.StringIO()
    call_command("archive", "verify", stdout=verified)
    assert verified.getvalue() == "1 个档案包校验完好\n"
    with pytest.raises(CommandError, match=f"销毁清单 {disposal_list.pk} 已执行"):
        _run("execute", str(disposal_list.pk), at=later)
    assert _run("propose", at=later) == "没有超过保管期限的档案包\n"


@pytest.mark.parametrize("args", [
    ("approve", "999", "--by", "supervisor"),
    ("execute", "999"),
])
def test_an_unknown_list_is_a_clear_error(db, args):
    UserFactory(username="supervisor", supervisor=True)

    with pytest.raises(CommandError, match="销毁清单 999 不存在"):
        _run(*args)


def test_a_list_id_that_is_not_a_number_is_refused(db):
    with pytest.raises(CommandError, match="invalid int value"):
        _run("execute", "first")


@pytest.mark.parametrize(("start", "to"), list(itertools.product(PackageStatus, repeat=2)))
def test_every_package_transition_follows_the_table(db, start, to):
    package = ArchivePackage(application=Application(number="OV2026112700000009"), status=start)

    with transaction.atomic():
        if to in ALLOWED_PACKAGE_TRANSITIONS[start]:
            package_transition(package=package, to=to, actor=None)
            assert package.status == to
            assert AuditEvent.objects.get().action == f"archive_package.{to}"
        else:
            with pytest.raises(Conflict):
                package_transition(package=package, to=to, actor=None)
            assert package.status == start
            assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("start", "to"), list(itertools.product(DisposalStatus, repeat=2)))
def test_every_disposal_list_transition_follows_the_table(db, start, to):
    disposal_list = DisposalList(pk=7, status=start)

    with transaction.atomic():
        if to in ALLOWED_DISPOSAL_TRANSITIONS[start]:
            disposal_transition(disposal_list=disposal_list, to=to, actor=None)
            assert disposal_list.status == to
        else:
            with pytest.raises(Conflict):
                disposal_transition(disposal_list=disposal_list, to=to, actor=None)
            assert disposal_list.status == start
