"""Cases submitted by departments and local governments (参评案例)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.services.inputs import Upload, upload_sniff
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.awards.constants import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_MAX,
    TEXT_MAX,
    TITLE_MAX,
    CallStatus,
)
from onevisit.awards.models import AwardCall, AwardCase, CaseAttachment
from onevisit.awards.selectors import actor_unit
from onevisit.awards.services.access import actor_or_none, call_locked
from onevisit.errors import InvalidInput, NotAllowed
from onevisit.files.services import file_store, files_guard


@atomic_audited
def case_submit(*, actor: Any, call: AwardCall, title: str, text: str, unit_name: str = "",
                attachments: Sequence[Upload] = ()) -> AwardCase:
    """A department's or local government's case, while the call is open and its window
    runs; every problem is named at once and nothing is stored on a refusal. The unit is
    the actor's department (its name unless a joint unit name is given, e.g.
    "中共金华市委、金华市人民政府"); one title once per call for the department and
    once for the unit name, whichever name the unit is given."""
    unit = actor_unit(actor)
    if unit is None:
        raise NotAllowed(_("只有部门或地方政府的工作人员能申报案例"))
    call = call_locked(call)
    errors: dict[str, str] = {}
    now = clock.now()
    if call.status != CallStatus.OPEN or not call.opens_at <= now < call.closes_at:
        errors["call"] = _("不在申报时间内（%(opens)s 至 %(closes)s）") % {
            "opens": f"{call.opens_at:%Y-%m-%d}", "closes": f"{call.closes_at:%Y-%m-%d}"}
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        errors["title"] = _("请填写案例名称（最多 200 字）")
    text = (text or "").strip()
    if not text or len(text) > TEXT_MAX:
        errors["text"] = _("请填写案例材料（最多 %(max)d 字）") % {"max": TEXT_MAX}
    unit_name = (unit_name or "").strip() or unit.name
    if len(unit_name) > 200:
        errors["unit_name"] = _("申报单位名称最多 200 字")
    elif title and AwardCase.objects.filter(
            Q(unit_department=unit) | Q(unit_name=unit_name), call=call, title=title).exists():
        errors["title"] = _("本单位已申报同名案例")
    if len(attachments) > ATTACHMENTS_MAX:
        errors["attachments"] = _("附件最多 %(max)d 个") % {"max": ATTACHMENTS_MAX}
    sniffed = []
    for upload in attachments:
        if len(upload.content) > ATTACHMENT_MAX_BYTES:
            errors[upload.key] = _("文件大小超过 10 MB 上限")
            continue
        try:
            sniffed.append((upload, upload_sniff(upload)))
        except InvalidInput as exc:
            errors.update({k: str(v) for k, v in exc.errors.items()})
    if errors:
        raise InvalidInput(_("案例未申报：有 %(count)d 处需要修改") % {"count": len(errors)},
                           errors)
    sequence = call.cases.count() + 1
    case = AwardCase.objects.create(
        call=call, number=f"{call.year}-{sequence:03d}", title=title, unit_name=unit_name,
        unit_department=unit, region_id=unit.region_id, submitter=actor_or_none(actor),
        text=text, submitted_at=now)
    with files_guard():
        for upload, kind in sniffed:
            stored = file_store(content=upload.content, folder="awards",
                                extension=kind.extension)
            CaseAttachment.objects.create(
                case=case, name=(upload.filename or upload.key)[-200:],
                content_type=kind.content_type, file=stored.name, size=stored.size,
                sha256=stored.sha256)
    audit_record(actor=actor, action="awards.case_submitted", entity="award_case",
                 entity_id=case.number, data={"call": call.pk, "unit": unit.code,
                                              "attachments": len(sniffed)})
    return case
