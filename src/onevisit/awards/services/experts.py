"""The expert pool (专家库) and declared conflicts of interest (回避)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Department, Region, Role
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.awards.constants import DECLARED_REASONS, CallStatus
from onevisit.awards.models import AwardCase, DeclaredConflict, Expert, ReviewAssignment
from onevisit.awards.selectors import actor_is_awards_staff, declared_matches
from onevisit.awards.services.access import actor_or_none
from onevisit.errors import Conflict, InvalidInput, NotAllowed


@atomic_audited
def expert_register(*, actor: Any, user: Any, name: str, affiliation: str,
                    department_code: str = "", region_code: str = "",
                    local_official: bool = False, field: str = "") -> Expert:
    """Put an expert account in the pool. No region: an expert from outside the province
    (省外专家); a local official (地方干部) never reviews a case of her own region."""
    if not actor_is_awards_staff(actor):
        raise NotAllowed(_("只有案例评选工作人员能管理专家库"))
    errors: dict[str, str] = {}
    if getattr(user, "role", None) != Role.EXPERT:
        errors["user"] = _("该账户不是评审专家账户")
    elif Expert.objects.filter(user=user).exists():
        errors["user"] = _("该账户已在专家库中")
    name = (name or "").strip()
    if not name or len(name) > 64:
        errors["name"] = _("请填写姓名（最多 64 字）")
    affiliation = (affiliation or "").strip()
    if not affiliation or len(affiliation) > 200:
        errors["affiliation"] = _("请填写工作单位（最多 200 字）")
    department = None
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            errors["department"] = _("部门不存在")
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            errors["region"] = _("行政区划不存在")
    if local_official and region is None:
        errors["region"] = _("地方干部须填写任职的行政区划")
    if errors:
        raise InvalidInput(_("专家未入库"), errors)
    expert = Expert.objects.create(user=user, name=name, affiliation=affiliation,
                                   department=department, region=region,
                                   local_official=local_official, field=(field or "")[:100])
    audit_record(actor=actor, action="awards.expert_registered", entity="award_expert",
                 entity_id=expert.pk, data={"region": region_code or "省外",
                                            "local_official": local_official})
    return expert


@atomic_audited
def expert_set_active(*, actor: Any, expert: Expert, active: bool) -> Expert:
    """Take an expert out of the pool (future draws) or back in; past draws keep her."""
    if not actor_is_awards_staff(actor):
        raise NotAllowed(_("只有案例评选工作人员能管理专家库"))
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    expert.active = bool(active)
    expert.save(update_fields=["active"])
    audit_record(actor=actor, action="awards.expert_active", entity="award_expert",
                 entity_id=expert.pk, data={"active": expert.active})
    return expert


@atomic_audited
def conflict_declare(*, actor: Any, expert: Expert, reason: str, note: str = "",
                     case: AwardCase | None = None, department_code: str = "",
                     unit_name: str = "") -> DeclaredConflict:
    """A conflict of interest declared by the expert or recorded by the organisers'
    staff: with one case, a department, or a unit by name. A conflict with a case the
    expert was already drawn for, or with a case of a call whose draw is committed but
    not yet run, is refused: the draw is fixed, and the organisers handle it by hand
    (docs/awards.md)."""
    own = getattr(expert, "user_id", None) == getattr(actor, "pk", -1)
    if not (own or actor_is_awards_staff(actor)):
        raise NotAllowed(_("只有专家本人或案例评选工作人员能登记回避关系"))
    errors: dict[str, str] = {}
    if reason not in DECLARED_REASONS:
        errors["reason"] = _("请选择回避原因")
    department = None
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            errors["department"] = _("部门不存在")
    unit_name = (unit_name or "").strip()
    if len(unit_name) > 200:
        errors["unit_name"] = _("单位名称最多 200 字")
    if case is None and department is None and not unit_name and "department" not in errors:
        errors["target"] = _("请指明回避的案例、部门或单位")
    if len((note or "").strip()) > 255:
        errors["note"] = _("说明最多 255 字")
    if errors:
        raise InvalidInput(_("回避关系未登记"), errors)
    conflict = DeclaredConflict(expert=expert, case=case, department=department,
                                unit_name=unit_name, reason=reason, note=(note or "").strip(),
                                recorded_at=clock.now(), recorded_by=actor_or_none(actor))
    drawn = (ReviewAssignment.objects.filter(expert=expert)
             .exclude(case__call__status=CallStatus.PUBLISHED).select_related("case"))
    if any(declared_matches(conflict, a.case) for a in drawn):
        raise Conflict(_("该专家已被抽取评审相关案例，请联系组织方处理"))
    # A draw committed but not yet run has frozen its conflicts: a new one would be
    # ignored by it, so it is refused rather than recorded in vain.
    frozen = AwardCase.objects.filter(call__draw__isnull=False,
                                      call__draw__drawn_at__isnull=True)
    if any(declared_matches(conflict, c) for c in frozen):
        raise Conflict(_("相关评选的专家抽取参数已公示，请联系组织方处理"))
    conflict.save()
    audit_record(actor=actor, action="awards.conflict_declared", entity="award_expert",
                 entity_id=expert.pk, data={"reason": reason, "case": getattr(case, "number", ""),
                                            "department": department_code,
                                            "unit": unit_name})
    return conflict
