"""What the town services share: finding a town the actor may act on, checking typed
figures, and the one place a town's status changes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.audit.services import audit_record
from onevisit.errors import Conflict, NotAllowed, NotFound
from onevisit.towns.access import is_towns_office, towns_scope
from onevisit.towns.constants import ALLOWED_TRANSITIONS, TownStatus
from onevisit.towns.models import Assessment, Town, TownStatusChange

Errors = dict[str, str | Promise]


def office_required(actor: Any) -> None:
    if not is_towns_office(actor):
        raise NotAllowed(_("只有特色小镇规划建设工作联席会议办公室能办理"))


def town_of_actor(*, code: str, actor: Any, lock: bool = False) -> Town:
    """The town if the actor may act on it — the office on any town, a county's staff on
    the towns of her region; another region's town is not found — row-locked if asked."""
    scope = towns_scope(actor)
    if scope is None:
        raise NotAllowed(_("只有特色小镇工作人员能办理"))
    towns = Town.objects.select_related("region")
    if lock:
        towns = towns.select_for_update(of=("self",))
    town = towns.filter(code=str(code), region__code__startswith=scope).first()
    if town is None:
        raise NotFound(_("特色小镇不存在"))
    return town


def town_locked(*, code: str, actor: Any) -> Town:
    return town_of_actor(code=code, actor=actor, lock=True)


def decimal_clean(value: Any, key: str, errors: Errors, *, label: str,
                  maximum: Decimal | None = None) -> Decimal:
    """A non-negative amount with at most two decimals; a problem is added to `errors`
    (and 0 returned) so every problem is reported at once."""
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        errors[key] = _("请填写%(label)s") % {"label": label}
        return Decimal(0)
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors[key] = _("%(label)s须为数字") % {"label": label}
        return Decimal(0)
    if not number.is_finite():
        errors[key] = _("%(label)s须为数字") % {"label": label}
        return Decimal(0)
    if number < 0:
        errors[key] = _("%(label)s不能为负数") % {"label": label}
        return Decimal(0)
    if number != number.quantize(Decimal("0.01")):
        errors[key] = _("%(label)s最多保留两位小数") % {"label": label}
        return Decimal(0)
    if maximum is not None and number > maximum:
        errors[key] = _("%(label)s不能超过 %(maximum)s") % {"label": label, "maximum": maximum}
        return Decimal(0)
    return number


def integer_clean(value: Any, key: str, errors: Errors, *, label: str,
                  maximum: int | None = None) -> int:
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        errors[key] = _("请填写%(label)s") % {"label": label}
        return 0
    if text.startswith("-") and text[1:].isdigit():
        errors[key] = _("%(label)s不能为负数") % {"label": label}
        return 0
    if not text.isdigit():
        errors[key] = _("%(label)s须为整数") % {"label": label}
        return 0
    number = int(text)
    if maximum is not None and number > maximum:
        errors[key] = _("%(label)s不能超过 %(maximum)s") % {"label": label, "maximum": maximum}
        return 0
    return number


def status_move(*, town: Town, to: str, actor: Any, note: str = "",
                assessment: Assessment | None = None) -> None:
    """The one place a town's status changes: checks ALLOWED_TRANSITIONS, appends the
    status row and audits the move. The caller holds the town's row lock."""
    if to not in ALLOWED_TRANSITIONS[town.status]:
        raise Conflict(_("小镇当前为“%(status)s”，不能改为“%(to)s”") % {
            "status": TownStatus(town.status).label, "to": TownStatus(to).label})
    before = town.status
    now = clock.now()
    town.status = to
    fields = ["status"]
    if before == TownStatus.DECLARED:
        town.listed_by = actor if getattr(actor, "pk", None) else None
        town.listed_at = now
        fields += ["listed_by", "listed_at"]
    if to == TownStatus.NAMED:
        town.named_at = now
        fields.append("named_at")
    if note and before == TownStatus.DECLARED:
        town.office_note = note
        fields.append("office_note")
    town.save(update_fields=fields)
    TownStatusChange.objects.create(town=town, from_status=before, to_status=to, at=now,
                                    by=actor if getattr(actor, "pk", None) else None,
                                    note=note, assessment=assessment)
    audit_record(actor=actor, action="towns.status_changed", entity="town",
                 entity_id=town.code, data={"from": before, "to": to, "note": note,
                                            "assessment": getattr(assessment, "pk", None)})
