"""Checking the rows of a catalogue file against each other and against what is stored,
and what each row will make: the plan the import writes only if nothing is wrong."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from onevisit.accounts.models import Department, Region
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.importing.rows import FIELD_COLUMNS, Row, standard_of
from onevisit.catalogue.importing.table import header_of
from onevisit.catalogue.models import (
    BasicItem,
    BasicMaterial,
    MaterialRequirement,
    PendingImplementation,
    ServiceItem,
)
from onevisit.catalogue.services import (
    StandardMaterial,
    item_values_from_standard,
    materials_from_standard,
    province_of,
    standard_problems,
)
from onevisit.catalogue.standard import (
    REFUSED,
    chinese,
    in_chinese,
    item_findings,
    standard_missing,
)
from onevisit.files.tables import RowProblem


@dataclass
class Plan:
    """What the checked file will write, row by row."""

    region: Region
    province: Region
    rows: list[Row]
    basics: dict[str, BasicItem]  # existing or (unsaved) provisional, by basic code
    new_basics: dict[str, Row]  # basic code → the row its provisional standard is from
    items: dict[str, ServiceItem]  # the current version of each existing item code
    latest: dict[str, ServiceItem]  # the latest version of each, retired ones too
    pending: dict[str, PendingImplementation]
    departments: dict[str, Department]  # by name, in the region


def plan_make(rows: list[Row], *, region: Region, header: list[str], positions: dict[str, int],
          problems: list[RowProblem]) -> Plan:
    """Check the rows against each other and against what is stored."""

    def problem(row: Row, key: str, reason: str) -> None:
        problems.append(RowProblem(row.number, header_of(key, header, positions), reason))

    codes = [row.item_code for row in rows if row.item_code]
    basic_codes = {row.basic_code for row in rows if row.basic_code}
    province = province_of(region)
    plan = Plan(
        region=region, province=province, rows=rows,
        basics={basic.code: basic for basic in BasicItem.objects.filter(code__in=basic_codes)
                .select_related("region").prefetch_related("materials")},
        new_basics={},
        items={},
        latest={},
        pending={entry.code: entry for entry in
                 PendingImplementation.objects.filter(code__in=codes)},
        departments={department.name: department
                     for department in Department.objects.filter(region=region)},
    )
    for item in (ServiceItem.objects.filter(code__in=codes).order_by("code", "version")
                 .select_related("department").prefetch_related("materials")):
        plan.latest[item.code] = item
        current = plan.items.get(item.code)
        if item.status != ItemStatus.RETIRED and (
                current is None or current.status == ItemStatus.PUBLISHED):
            plan.items[item.code] = item  # a draft after the published version wins
    seen: dict[str, int] = {}
    bad = {p.row for p in problems}
    for row in rows:
        if not (row.item_code and row.basic_code and row.name and row.kind):
            continue
        if row.item_code in seen:
            problem(row, "item_code", _("与第 %(row)d 行重复") % {"row": seen[row.item_code]})
            continue
        seen[row.item_code] = row.number
        _basic_check(row, plan=plan, problem=problem, reported=row.number in bad)
        _existing_check(row, plan=plan, problem=problem)
        _material_codes_resolve(row, plan=plan)
    for row in rows:
        if row.item_code in seen and seen[row.item_code] == row.number and not any(
                p.row == row.number for p in problems):
            _standard_check(row, plan=plan, problem=problem)
    return plan


def _basic_check(row: Row, *, plan: Plan, problem: Any, reported: bool) -> None:
    basic = plan.basics.get(row.basic_code)
    if basic is None:
        standard = standard_of(row)
        # The provisional standard is the row's: what is wrong with it was said of the row.
        problems = {} if reported else standard_problems(code=row.basic_code,
                                                          standard=standard)
        for key, reason in problems.items():
            problem(row, FIELD_COLUMNS.get(key, "basic_code" if key == "code" else key), reason)
        basic = BasicItem(code=row.basic_code, region=plan.province, kind=row.kind,
                          **{in_chinese("name"): row.name},
                          **{k: v for k, v in vars(standard).items()
                             if k not in ("name", "kind")})
        plan.basics[row.basic_code] = basic
        plan.new_basics[row.basic_code] = row
        return
    first = plan.new_basics.get(row.basic_code)
    origin = (_("第 %(row)d 行") % {"row": first.number}) if first else basic.code
    if row.name != chinese(basic, "name"):
        problem(row, "name", _("基本编码相同的事项名称应一致：%(name)s（%(origin)s）")
                % {"name": chinese(basic, "name"), "origin": origin})
    if row.kind != basic.kind:
        problem(row, "kind", _("基本编码相同的事项类型应一致：%(kind)s（%(origin)s）")
                % {"kind": basic.get_kind_display(), "origin": origin})
    if basic.pk and not plan.region.pk.startswith(basic.region_id):
        problem(row, "basic_code", _("基本目录事项 %(code)s 属于 %(region)s，不适用于本地区")
                % {"code": basic.code, "region": basic.region.name})


def _material_codes_resolve(row: Row, *, plan: Plan) -> None:
    """A listed material is the standard's (or the item's) material of the same name: it
    takes that one's code, so it is compared with it and replaces it; a new one keeps the
    code made from its name."""
    if not row.materials:
        return
    basic = plan.basics[row.basic_code]
    current = plan.items.get(row.item_code)
    known = {chinese(m, "name"): m.code for m in current.materials.all()} if current else {}
    if basic.pk:
        known |= {chinese(m, "name"): m.code for m in basic.materials.all()}
    row.materials = [dataclasses.replace(m, code=known.get(m.name, m.code))
                     for m in row.materials]


def _existing_check(row: Row, *, plan: Plan, problem: Any) -> None:
    for found in (plan.latest.get(row.item_code), plan.pending.get(row.item_code)):
        if found is None:
            continue
        if found.region_id != plan.region.pk:
            problem(row, "item_code", _("此实施编码已被其他地区（%(region)s）使用")
                    % {"region": found.region_id})
        elif found.basic_item_id is not None and (
                found.basic_item_id != getattr(plan.basics.get(row.basic_code), "pk", None)):
            problem(row, "item_code", _("此实施编码的事项实施的是另一个基本目录事项"))


def _standard_check(row: Row, *, plan: Plan, problem: Any) -> None:
    """The item the row makes or changes must not loosen its standard."""
    basic = plan.basics[row.basic_code]
    if standard_missing(basic):
        return  # a pending entry: nothing is drafted yet
    item, materials = target(row, plan=plan)
    if item is None:
        return
    standard_materials = (list(basic.materials.all()) if basic.pk else standard_materials_of(
        plan.new_basics[row.basic_code]))
    for finding in item_findings(item=item, basic=basic, materials=materials,
                                 standard_materials=standard_materials):
        if finding.verdict in REFUSED:
            problem(row, FIELD_COLUMNS.get(finding.field, "item_code"), finding.message)


def standard_materials_of(row: Row) -> list[BasicMaterial]:
    return [BasicMaterial(code=m.code, **{in_chinese("name"): m.name},
                          evidence_type_id=m.evidence_type_id, original=m.original,
                          copies=m.copies, required=m.required,
                          tolerated_missing=m.tolerated_missing)
            for m in row.materials or []]


def target(row: Row, *, plan: Plan) -> tuple[ServiceItem | None, list[MaterialRequirement]]:
    """The item as the row would leave it (unsaved), and its materials; None when the row
    changes nothing of an existing item."""
    basic = plan.basics[row.basic_code]
    current = plan.items.get(row.item_code)
    department = plan.departments.get(row.department)
    values: dict[str, Any] = {in_chinese("name"): row.name, "kind": row.kind, **row.terms}
    if current is None:
        item = ServiceItem(code=row.item_code, basic_item=basic, region=plan.region,
                           region_level=plan.region.level, conditions="",
                           **item_values_from_standard(basic))
        if basic.pk is None:  # a provisional standard: its materials are the row's
            materials = [MaterialRequirement(code=m.code, **{in_chinese("name"): m.name},
                                             evidence_type_id=m.evidence_type_id,
                                             original=m.original, copies=m.copies,
                                             required=m.required,
                                             tolerated_missing=m.tolerated_missing)
                         for m in row.materials or []]
        else:
            materials = materials_from_standard(basic)
        if department is not None:
            item.department = department
    else:
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if current.department.name != row.department:
            changed.append("department")
        if current.basic_item_id is None or current.basic_item_id != basic.pk:
            changed.append("basic_item")
        if row.materials is not None and _materials_differ(current, row.materials):
            changed.append("materials")
        if not changed:
            return None, []
        item = ServiceItem.objects.get(pk=current.pk)
        # Copies: the current version's own rows stay as they are until written.
        materials = [copy.copy(material) for material in current.materials.all()]
    for name, value in values.items():
        setattr(item, name, value)
    if row.materials is not None:
        materials = _materials_made(row.materials, previous=materials)
    return item, materials


def _materials_differ(item: ServiceItem, materials: list[StandardMaterial]) -> bool:
    current = [(m.code, chinese(m, "name"), m.evidence_type_id, m.original, m.copies,
                m.required, m.tolerated_missing) for m in item.materials.all()]
    wanted = [(m.code, m.name, m.evidence_type_id, m.original, m.copies, m.required,
               m.tolerated_missing) for m in materials]
    return current != wanted


def _materials_made(specs: list[StandardMaterial], *,
                    previous: list[MaterialRequirement]) -> list[MaterialRequirement]:
    """The row's materials as requirements, keeping a previous one's note and blank form."""
    kept = {material.code: material for material in previous}
    made = []
    for order, spec in enumerate(specs):
        material = kept.get(spec.code) or MaterialRequirement(code=spec.code)
        setattr(material, in_chinese("name"), spec.name)
        material.evidence_type_id = spec.evidence_type_id
        material.original, material.copies = spec.original, spec.copies
        material.required, material.tolerated_missing = spec.required, spec.tolerated_missing
        material.order = order
        made.append(material)
    return made
