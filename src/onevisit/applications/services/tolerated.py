"""Materials accepted under 容缺 (tolerated-missing acceptance): each gets a due date at
acceptance — the item's `tolerated_supply_days` working days — and is supplied later.
The result is withheld until every one has arrived (workflow releases it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import MaterialStatus
from onevisit.applications.models import Application, ApplicationMaterial
from onevisit.applications.services.inputs import Upload, upload_sniff, upload_store
from onevisit.applications.services.subjects import Subject
from onevisit.audit.services import audit_record
from onevisit.catalogue.constants import LimitUnit
from onevisit.errors import Conflict, InvalidInput
from onevisit.workdays.calendar import deadline_after


def tolerated_due_set(*, application: Application, subject: Subject, now: dt.datetime) -> None:
    """At acceptance: each tolerated material is due the fewest working days any item
    naming it allows (runs in the acceptance's transaction)."""
    days_by_item = {stage.item.code: stage.item.tolerated_supply_days
                    for stage in subject.stages}
    days_by_key = {m.key: min(days_by_item.get(code, 0) for code in m.item_codes)
                   for m in subject.materials if m.item_codes}
    for material in application.materials.filter(status=MaterialStatus.TOLERATED):
        days = days_by_key.get(material.key, 0)
        material.due_at = deadline_after(start=now, limit=days,
                                         unit=LimitUnit.WORKING_DAYS).due_at
        material.save(update_fields=["due_at"])


def tolerated_outstanding(application: Application) -> list[ApplicationMaterial]:
    """The tolerated materials still to be supplied: while any is, the result waits."""
    return list(application.materials.filter(status=MaterialStatus.TOLERATED)
                .order_by("due_at", "id"))


def tolerated_supply(*, application: Application, uploads: Iterable[Upload],
                     actor: Any) -> list[ApplicationMaterial]:
    """Store what the applicant supplies for her tolerated materials (on a locked
    application, in the caller's transaction). A material not accepted under 容缺, or
    already supplied, or whose due date has passed, is refused naming it, and nothing is
    stored: after the due date the department decides what happens next."""
    uploads = list(uploads)
    if not uploads:
        raise InvalidInput(_("没有提交任何材料"), {"materials": _("至少提交一份材料")})
    waiting = {m.key: m for m in tolerated_outstanding(application)}
    not_tolerated = sorted(u.key for u in uploads if u.key not in waiting)
    if not_tolerated:
        raise Conflict(_("这些材料不是待补交的容缺材料：%(keys)s")
                       % {"keys": ", ".join(not_tolerated)})
    now = clock.now()
    late = [m for m in (waiting[u.key] for u in uploads)
            if m.due_at is not None and now > m.due_at]
    if late:
        raise Conflict(
            _("%(names)s 的补交期限（%(due)s）已过，不能再补交。办件已转电子监察，"
              "审批部门将与您联系，确定延期补交或其他处理；如有疑问请拨打 12345。")
            % {"names": "、".join(m.name for m in late),
               "due": "、".join(f"{timezone.localtime(m.due_at):%Y-%m-%d %H:%M}"
                               for m in late if m.due_at)}
        )
    sniffed = {upload.key: upload_sniff(upload) for upload in uploads}
    supplied = []
    for upload in uploads:
        material = waiting[upload.key]
        material.file, material.sha256 = upload_store(upload, sniffed[upload.key])
        material.content_type = sniffed[upload.key].content_type
        material.size = len(upload.content)
        material.status = MaterialStatus.UPLOADED
        material.problem = ""
        material.supplied_at = now
        material.save(update_fields=["file", "sha256", "content_type", "size", "status",
                                     "problem", "supplied_at"])
        supplied.append(material)
    audit_record(actor=actor, action="application.tolerated_supplied", entity="application",
                 entity_id=application.number,
                 data={"materials": sorted(m.key for m in supplied)})
    return supplied


def tolerated_due_extend(*, application: Application, key: str, working_days: int,
                         reason: str, actor: Any) -> ApplicationMaterial:
    """Give the applicant more time for a tolerated material (the department's decision
    once its due date has passed or is about to), from now, with the reason; in the
    caller's transaction on a locked application."""
    errors = {}
    if not 1 <= working_days <= 60:
        errors["working_days"] = _("延期为 1 至 60 个工作日")
    if not reason.strip():
        errors["reason"] = _("请说明延期理由")
    if errors:
        raise InvalidInput(_("延期补交有误"), errors)
    material = application.materials.filter(key=key, status=MaterialStatus.TOLERATED).first()
    if material is None:
        raise Conflict(_("该材料不是待补交的容缺材料"))
    before = material.due_at
    material.due_at = deadline_after(start=clock.now(), limit=working_days,
                                     unit=LimitUnit.WORKING_DAYS).due_at
    material.save(update_fields=["due_at"])
    audit_record(actor=actor, action="application.tolerated_extended", entity="application",
                 entity_id=application.number,
                 data={"material": key, "from": before, "to": material.due_at,
                       "reason": reason.strip()})
    return material
