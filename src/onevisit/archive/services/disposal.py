"""Disposal (到期鉴定销毁): packages past retention are proposed on a list, a supervisor or
an administrator approves it, and only then are they destroyed; each destroyed package's
row stays as a tombstone and every step is in the audit log."""

from __future__ import annotations

from typing import Any

import structlog
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.archive.constants import DisposalStatus, PackageStatus
from onevisit.archive.models import ArchivePackage, DisposalList
from onevisit.archive.selectors import disposal_list_packages, packages_past_retention
from onevisit.archive.services.common import disposal_transition, package_transition
from onevisit.archive.services.store import package_store
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, NotAllowed, NotFound

log = structlog.get_logger(__name__)


def _list_get(disposal_list_id: int, *, lock: bool = False) -> DisposalList:
    lists = DisposalList.objects.select_for_update() if lock else DisposalList.objects.all()
    disposal_list = lists.filter(pk=disposal_list_id).first()
    if disposal_list is None:
        raise NotFound(_("销毁清单 %(id)s 不存在") % {"id": disposal_list_id})
    return disposal_list


@atomic_audited
def disposal_propose() -> DisposalList | None:
    """List every held package whose retention ended before today and that no open list
    names yet. Destroys nothing. None when nothing is due."""
    due = list(packages_past_retention(today=timezone.localdate(clock.now())))
    if not due:
        return None
    disposal_list = DisposalList.objects.create(created_at=clock.now())
    disposal_list.packages.set(due)
    audit_record(actor=None, action="disposal_list.proposed", entity="disposal_list",
                 entity_id=disposal_list.pk,
                 data={"packages": [package.application.number for package in due]})
    return disposal_list


def may_approve_disposal(user: Any) -> bool:
    """Destruction is approved by electronic supervision (role supervisor) or by an
    administrator (a superuser); by no one else."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or getattr(user, "role", None) == Role.SUPERVISOR)


@atomic_audited
def disposal_approve(*, disposal_list_id: int, actor: Any) -> DisposalList:
    """Approve a pending list; who and when are recorded."""
    if not may_approve_disposal(actor):
        raise NotAllowed(_("只有电子监察人员或系统管理员可以批准销毁清单"))
    disposal_list = _list_get(disposal_list_id, lock=True)
    disposal_transition(disposal_list=disposal_list, to=DisposalStatus.APPROVED, actor=actor)
    disposal_list.approved_by = actor
    disposal_list.approved_at = clock.now()
    disposal_list.save(update_fields=["status", "approved_by", "approved_at"])
    return disposal_list


@atomic_audited
def _package_tombstone(*, package_id: int, disposal_list: DisposalList) -> ArchivePackage:
    package = (ArchivePackage.objects.select_for_update(of=("self",))
               .select_related("application").get(pk=package_id))
    if package.status != PackageStatus.DISPOSED:
        package_transition(package=package, to=PackageStatus.DISPOSED, actor=None, data={
            "disposal_list": disposal_list.pk, "path": package.path,
            "retain_until": package.retain_until,
            "approved_by": disposal_list.approved_by_id,
        })
        package.disposed_at = clock.now()
        package.save(update_fields=["status", "disposed_at"])
    return package


def disposal_execute(*, disposal_list_id: int) -> DisposalList:
    """Destroy the packages of an approved list and keep their rows as tombstones. A
    list not approved (or already executed) is refused and nothing is deleted. If the
    run stops half-way the list stays approved, and running it again finishes it."""
    disposal_list = _list_get(disposal_list_id)
    if disposal_list.status == DisposalStatus.PENDING:
        raise Conflict(_("销毁清单 %(id)s 尚未批准，不能执行销毁") % {"id": disposal_list.pk})
    if disposal_list.status != DisposalStatus.APPROVED:
        raise Conflict(_("销毁清单 %(id)s 已执行") % {"id": disposal_list.pk})
    packages = disposal_list_packages(disposal_list=disposal_list)
    today = timezone.localdate(clock.now())
    kept = [p.application.number for p in packages
            if p.retain_until is None or p.retain_until >= today]
    if kept:
        raise Conflict(
            _("销毁清单 %(id)s 中的档案尚未到保管期限：%(numbers)s")
            % {"id": disposal_list.pk, "numbers": "、".join(kept)}
        )
    for package in packages:
        tombstone = _package_tombstone(package_id=package.pk, disposal_list=disposal_list)
        # Deleted after the tombstone commits: a run that stops here leaves files a
        # second run removes, never a package that is gone but still listed as held.
        package_store().remove(tombstone.path)
        log.info("archive_package_disposed", application=package.application.number,
                 disposal_list=disposal_list.pk)
    return _list_close(disposal_list_id=disposal_list.pk, count=len(packages))


@atomic_audited
def _list_close(*, disposal_list_id: int, count: int) -> DisposalList:
    disposal_list = _list_get(disposal_list_id, lock=True)
    disposal_transition(disposal_list=disposal_list, to=DisposalStatus.EXECUTED, actor=None,
                        data={"packages": count})
    disposal_list.executed_at = clock.now()
    disposal_list.save(update_fields=["status", "executed_at"])
    return disposal_list
