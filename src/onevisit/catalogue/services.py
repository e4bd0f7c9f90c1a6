"""Writes to the catalogue. Editors draft a new version, then publish it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.codes import BASIC_CODE, CODE_MAX_LENGTH
from onevisit.catalogue.constants import ItemKind, ItemStatus, LimitUnit
from onevisit.catalogue.models import (
    BasicItem,
    BasicMaterial,
    CatalogueRevision,
    FieldDef,
    ItemField,
    ListEntry,
    MaterialRequirement,
    PendingImplementation,
    ServiceItem,
)
from onevisit.catalogue.standard import in_chinese, standard_missing, standard_refusals
from onevisit.errors import InvalidInput

PublishGuard = Callable[[ServiceItem], None]

# Checks other apps register (in their AppConfig.ready) to refuse a catalogue change that
# would break what they built on the catalogue — e.g. life events whose merged form would
# no longer merge. Each raises ValidationError with a message for the editor.
PUBLISH_GUARDS: list[PublishGuard] = []


def publish_guard_register(guard: PublishGuard) -> None:
    if guard not in PUBLISH_GUARDS:
        PUBLISH_GUARDS.append(guard)


def _run_guards(item: ServiceItem) -> None:
    for guard in PUBLISH_GUARDS:
        guard(item)


# Called inside the publishing transaction with the item just published (its previous
# version already retired), so what other apps derive from the catalogue — the search
# index — changes with it or not at all.
PUBLISH_LISTENERS: list[Callable[[ServiceItem], None]] = []


def publish_listener_register(listener: Callable[[ServiceItem], None]) -> None:
    if listener not in PUBLISH_LISTENERS:
        PUBLISH_LISTENERS.append(listener)


def catalogue_revision_bump() -> None:
    """Mark the published catalogue as changed (inside the change's transaction)."""
    token = uuid.uuid4()
    # One statement once the row exists (every publication, every change to a page's data).
    if not CatalogueRevision.objects.filter(pk=1).update(token=token):
        CatalogueRevision.objects.update_or_create(pk=1, defaults={"token": token})


def _locked_draft(item: ServiceItem) -> ServiceItem:
    locked = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != ItemStatus.DRAFT:
        raise ValidationError(_("只能修改草稿版本；请先为已发布事项创建新版本"))
    return locked


@atomic_audited
def item_new_version(*, item: ServiceItem, actor: Any) -> ServiceItem:
    """Copy an item (with its fields and materials) into a new draft version."""
    source = ServiceItem.objects.select_for_update().get(pk=item.pk)
    latest_version = max(
        ServiceItem.objects.filter(code=source.code).values_list("version", flat=True)
    )
    fields = list(source.fields.all())
    materials = list(source.materials.all())
    draft = ServiceItem.objects.get(pk=source.pk)
    draft.pk = None
    draft.version = latest_version + 1
    draft.status = ItemStatus.DRAFT
    draft.published_at = None
    draft.save()
    for item_field in fields:
        item_field.pk = None
        item_field.item = draft
    ItemField.objects.bulk_create(fields)
    for material in materials:
        material.pk = None
        material.item = draft
    draft.materials.bulk_create(materials)
    audit_record(actor=actor, action="item.version_created", entity="item", entity_id=draft.pk,
                 data={"code": draft.code, "version": draft.version})
    return draft


@atomic_audited
def item_field_set(
    *, item: ServiceItem, field: FieldDef, required: bool, choices: list[str], actor: Any
) -> ItemField:
    """Add or change a field of a draft item; refused if a bundle could no longer merge."""
    draft = _locked_draft(item)
    item_field, _created = ItemField.objects.update_or_create(
        item=draft, field=field, defaults={"required": required, "choices": choices}
    )
    _run_guards(draft)
    audit_record(actor=actor, action="item.field_set", entity="item", entity_id=draft.pk,
                 data={"field": field.key, "required": required, "choices": choices})
    return item_field


def _standard_check(item: ServiceItem) -> None:
    """One item, one standard: an item whose basic entry is incomplete, or that loosens
    it, is not published (InvalidInput naming each field)."""
    if item.basic_item_id is None:
        return
    missing = {"missing": "、".join(standard_missing(BasicItem.objects.get(
        pk=item.basic_item_id)))}
    if missing["missing"]:
        raise InvalidInput(_("基本目录尚未规定%(missing)s，其实施事项暂不能发布") % missing,
                           {"basic_item": _("基本目录尚未规定：%(missing)s") % missing})
    refusals = standard_refusals(item=item, materials=list(item.materials.all()))
    if refusals:
        raise InvalidInput(_("事项 %(code)s 超出了基本目录的标准（实施清单只能从严）")
                           % {"code": item.code}, refusals)


@atomic_audited
def item_publish(*, item: ServiceItem, actor: Any) -> ServiceItem:
    """Publish a draft; the previously published version of the code is retired.

    Applications keep pointing at the version they were filed under. One item, one
    standard: a draft that loosens its basic entry, or whose entry is incomplete, is
    refused (InvalidInput naming the fields) and nothing changes."""
    draft = _locked_draft(item)
    _standard_check(draft)
    _run_guards(draft)
    ServiceItem.objects.filter(code=draft.code, status=ItemStatus.PUBLISHED).update(
        status=ItemStatus.RETIRED
    )
    draft.status = ItemStatus.PUBLISHED
    draft.published_at = clock.now()
    draft.save(update_fields=["status", "published_at"])
    catalogue_revision_bump()
    for listener in PUBLISH_LISTENERS:
        listener(draft)
    audit_record(actor=actor, action="item.published", entity="item", entity_id=draft.pk,
                 data={"code": draft.code, "version": draft.version})
    return draft


@atomic_audited
def list_entry_publish(*, entry: ListEntry, actor: Any) -> ListEntry:
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    entry.published = True
    entry.published_at = clock.now()
    entry.save(update_fields=["published", "published_at"])
    audit_record(actor=actor, action="list_entry.published", entity="list_entry",
                 entity_id=entry.pk, data={"kind": entry.kind, "code": entry.code})
    return entry


# --------------------------------------------------------------------------- standards


@dataclass(frozen=True)
class StandardMaterial:
    code: str
    name: str
    evidence_type_id: int | None = None
    original: bool = False
    copies: int = 0
    required: bool = True
    tolerated_missing: bool = False


@dataclass(frozen=True)
class Standard:
    """What a basic entry states; None (or "") where the province has not set it."""

    name: str
    kind: str
    legal_basis: str = ""
    statutory_limit: int | None = None
    committed_limit: int | None = None
    limit_unit: str = ""
    fee_yuan: Decimal | None = None
    fee_note: str = ""
    promised_visits: int | None = None
    channel_window: bool = False
    channel_online: bool = False
    channel_courier: bool = False


STANDARD_FIELDS = tuple(field.name for field in fields(Standard) if field.name != "name")


def standard_problems(*, code: str, standard: Standard) -> dict[str, str]:
    """Why a standard cannot be stored, by field; empty when it can."""
    problems = {}
    if not BASIC_CODE.match(code) or len(code) > CODE_MAX_LENGTH:
        problems["code"] = _("基本编码应为字母和数字，可用连字符分段，最长 %(n)d 位") % {
            "n": CODE_MAX_LENGTH}
    if not standard.name.strip() or len(standard.name) > 255:
        problems["name"] = _("事项名称应为1至255个字符")
    if standard.kind not in ItemKind.values:
        problems["kind"] = _("没有这个事项类型")
    limits = (standard.statutory_limit, standard.committed_limit)
    if any(limit is not None for limit in limits) and standard.limit_unit not in (
            LimitUnit.values):
        problems["limit_unit"] = _("时限单位应为工作日或分钟")
    if any(limit is not None and limit < 0 for limit in limits):
        problems["statutory_limit"] = _("时限不能为负数")
    elif standard.committed_limit is not None and (
            standard.statutory_limit is None
            or standard.committed_limit > standard.statutory_limit):
        problems["committed_limit"] = _("标准承诺时限不能长于法定时限")
    if standard.fee_yuan is not None and standard.fee_yuan < 0:
        problems["fee_yuan"] = _("收费不能为负数")
    if standard.promised_visits is not None and standard.promised_visits < 0:
        problems["promised_visits"] = _("跑动次数不能为负数")
    return problems


def province_of(region: Region) -> Region:
    """The province a region lies in (the region itself for a province)."""
    while region.parent_id is not None and region.level != RegionLevel.PROVINCE:
        region = Region.objects.get(pk=region.parent_id)
    return region


@atomic_audited
def basic_item_save(
    *, code: str, region_code: str, standard: Standard,
    materials: Sequence[StandardMaterial] | None, actor: Any,
) -> BasicItem:
    """Issue a basic catalogue entry, or change what it states (materials None keeps its
    materials). The basic catalogue is a province's: `region_code` must be a province.

    A changed standard rewrites no service item: an implementation it now finds loose is
    marked in the standardisation report and cannot be published again until it follows."""
    problems = standard_problems(code=code, standard=standard)
    region = Region.objects.filter(pk=region_code).first()
    if region is None or region.level != RegionLevel.PROVINCE:
        problems["region"] = _("基本目录由省级发布：%(code)s 不是省级行政区划代码") % {
            "code": region_code}
    if materials is not None and len({m.code for m in materials}) != len(materials):
        problems["materials"] = _("标准材料的编码不能重复")
    if problems or region is None:
        raise InvalidInput(_("基本目录事项 %(code)s 有误，未保存") % {"code": code}, problems)
    values = {name: getattr(standard, name) for name in STANDARD_FIELDS}
    values[in_chinese("name")] = standard.name
    basic = BasicItem.objects.select_for_update().filter(code=code).first()
    if basic is None:
        basic = BasicItem.objects.create(code=code, region=region, **values)
        changed = ["created"]
    else:
        changed = [name for name, value in values.items() if getattr(basic, name) != value]
        if basic.region_id != region_code:
            changed.append("region")
        for name, value in values.items():
            setattr(basic, name, value)
        basic.region = region
        basic.save()
    if materials is not None and _standard_materials_set(basic, materials):
        changed.append("materials")
    if changed:
        audit_record(actor=actor, action="basic_item.saved", entity="basic_item",
                     entity_id=basic.pk, data={"code": code, "changed": changed})
    return basic


def _standard_materials_set(basic: BasicItem, materials: Sequence[StandardMaterial]) -> bool:
    """Make the entry's materials these, in this order; True if anything changed."""
    current = {material.code: material for material in basic.materials.all()}
    changed = bool(set(current) - {material.code for material in materials})
    BasicMaterial.objects.filter(basic_item=basic).exclude(
        code__in=[material.code for material in materials]).delete()
    for order, spec in enumerate(materials):
        values: dict[str, Any] = {
            in_chinese("name"): spec.name, "evidence_type_id": spec.evidence_type_id,
            "original": spec.original, "copies": spec.copies, "required": spec.required,
            "tolerated_missing": spec.tolerated_missing, "order": order,
        }
        existing = current.get(spec.code)
        if existing is None:
            BasicMaterial.objects.create(basic_item=basic, code=spec.code, **values)
            changed = True
        elif any(getattr(existing, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
            changed = True
    return changed


def item_values_from_standard(basic: BasicItem) -> dict[str, Any]:
    """A new implementation's starting values: the standard's (equal is allowed). The
    channels are the item's usual three, which offer at least what the standard asks."""
    committed = (basic.committed_limit if basic.committed_limit is not None
                 else basic.statutory_limit)
    return {
        in_chinese("name"): basic.name, "kind": basic.kind, "legal_basis": basic.legal_basis,
        "statutory_limit": basic.statutory_limit, "committed_limit": committed,
        "limit_unit": basic.limit_unit, "fee_yuan": basic.fee_yuan,
        "fee_note": basic.fee_note, "promised_visits": basic.promised_visits,
    }


def materials_from_standard(basic: BasicItem) -> list[MaterialRequirement]:
    """The standard materials as (unsaved) requirements of an implementation."""
    return [
        MaterialRequirement(**{in_chinese("name"): material.name}, code=material.code,
                            evidence_type_id=material.evidence_type_id,
                            original=material.original, copies=material.copies,
                            required=material.required,
                            tolerated_missing=material.tolerated_missing, order=material.order)
        for material in basic.materials.all()
    ]


@atomic_audited
def pending_implementation_draft(*, pending: PendingImplementation, actor: Any) -> ServiceItem:
    """Draft the service item of an implementation-list entry from its (now complete)
    standard: the standard's values and materials, the entry's code, region and department.
    The editor then adds the guide's details, tightens what the region offers, publishes."""
    entry = PendingImplementation.objects.select_for_update().select_related(
        "basic_item", "region").get(pk=pending.pk)
    basic = entry.basic_item
    missing = standard_missing(basic)
    if missing:
        raise InvalidInput(
            _("基本目录事项 %(code)s 尚未规定%(missing)s，暂不能编制实施事项")
            % {"code": basic.code, "missing": "、".join(missing)},
            {"basic_item": _("基本目录尚未规定：%(missing)s") % {"missing": "、".join(missing)}})
    if ServiceItem.objects.filter(code=entry.code).exists():
        raise InvalidInput(_("实施编码 %(code)s 已有事项") % {"code": entry.code},
                           {"code": _("已有事项使用此实施编码")})
    item = ServiceItem.objects.create(
        code=entry.code, version=1, status=ItemStatus.DRAFT, basic_item=basic,
        region=entry.region, region_level=entry.region.level, department_id=entry.department_id,
        conditions="", **item_values_from_standard(basic))
    materials = materials_from_standard(basic)
    for material in materials:
        material.item = item
    MaterialRequirement.objects.bulk_create(materials)
    entry.delete()
    audit_record(actor=actor, action="item.drafted_from_standard", entity="item",
                 entity_id=item.pk, data={"code": item.code, "basic_code": basic.code})
    return item
