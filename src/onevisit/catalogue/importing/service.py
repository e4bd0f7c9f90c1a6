"""The import itself: one transaction that checks the whole file, then writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.accounts.services import department_code_from_name
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.codes import implementation_code_parse
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.importing.plan import Plan, plan_make, target
from onevisit.catalogue.importing.rows import Row, row_parse
from onevisit.catalogue.importing.table import columns_find, header_of, table_read
from onevisit.catalogue.models import (
    BasicItem,
    BasicMaterial,
    EvidenceType,
    MaterialRequirement,
    PendingImplementation,
    ServiceItem,
)
from onevisit.catalogue.services import item_new_version, province_of
from onevisit.catalogue.standard import in_chinese, standard_missing
from onevisit.files.tables import FileRejected, RowProblem, TableFileError


@dataclass
class ImportResult:
    rows: int = 0
    basic_created: int = 0
    items_created: int = 0
    items_changed: int = 0
    pending_created: int = 0
    pending_changed: int = 0
    departments_created: int = 0
    unchanged: int = 0
    local_codes: list[str] = field(default_factory=list)  # not in the national pattern
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((self.basic_created, self.items_created, self.items_changed,
                    self.pending_created, self.pending_changed, self.departments_created))


@atomic_audited
def catalogue_import(*, name: str, content: bytes, region_code: str, actor: Any) -> ImportResult:
    """Import a region's implementation list (see the module's docstring). Every row is
    checked first; any problem raises FileRejected listing them all, and nothing is
    written. Importing the same file twice changes nothing the second time."""
    region = Region.objects.filter(pk=region_code).first()
    if region is None:
        raise FileRejected([RowProblem(0, "--region", _("没有这个行政区划代码：%(code)s")
                                      % {"code": region_code})])
    if province_of(region).level != RegionLevel.PROVINCE:  # its basic catalogue's issuer
        raise FileRejected([RowProblem(0, "--region", _("%(code)s 不在任何省级行政区划之下")
                                      % {"code": region_code})])
    try:
        header, table = table_read(name=name, content=content)
    except TableFileError as error:
        raise FileRejected([RowProblem(0, name, str(error))]) from error
    problems: list[RowProblem] = []
    positions, ignored = columns_find(header, problems=problems)
    result = ImportResult(rows=len(table), ignored_columns=ignored)
    if problems:
        raise FileRejected(problems)
    evidence = dict(EvidenceType.objects.values_list("code", "pk"))
    rows = []
    for number, cells in table:
        row = Row(number=number, cells={key: cells[i] if i < len(cells) else ""
                                        for key, i in positions.items()})

        def problem(key: str, reason: str, number: int = number) -> None:
            problems.append(RowProblem(number, header_of(key, header, positions), reason))

        row_parse(row, region_code=region.pk, evidence=evidence, problem=problem)
        rows.append(row)
    plan = plan_make(rows, region=region, header=header, positions=positions, problems=problems)
    if problems:
        raise FileRejected(problems)
    result.local_codes = [row.item_code for row in rows
                          if implementation_code_parse(row.item_code) is None]
    _apply(plan, result=result, actor=actor)
    if result.changed:
        audit_record(actor=actor, action="catalogue.imported", entity="region",
                     entity_id=region.pk, data={
                         "file": name, "rows": result.rows,
                         "basic_created": result.basic_created,
                         "items_created": result.items_created,
                         "items_changed": result.items_changed,
                         "pending_created": result.pending_created,
                         "pending_changed": result.pending_changed,
                         "departments_created": result.departments_created})
    return result


def _apply(plan: Plan, *, result: ImportResult, actor: Any) -> None:
    _basics_create(plan, result=result, actor=actor)
    pending: list[PendingImplementation] = []
    drafts: list[tuple[ServiceItem, list[MaterialRequirement], Row]] = []
    for row in plan.rows:
        department = plan.departments.get(row.department)
        if department is None:
            department = plan.departments[row.department] = _department_create(
                row, region=plan.region)
            result.departments_created += 1
        basic = plan.basics[row.basic_code]
        if standard_missing(basic):
            entry = _pending_save(row, plan=plan, department=department, result=result,
                                  actor=actor)
            if entry is not None:
                pending.append(entry)
            continue
        item, materials = target(row, plan=plan)
        if item is None:
            result.unchanged += 1
            continue
        item.department, item.basic_item = department, basic
        if row.item_code in plan.items:
            _item_change(item, materials=materials, row=row, plan=plan, actor=actor)
            result.items_changed += 1
        else:
            item.version, item.status = 1, ItemStatus.DRAFT
            drafts.append((item, materials, row))
    _drafts_create(drafts, plan=plan, result=result, actor=actor)
    for entry in PendingImplementation.objects.bulk_create(pending, batch_size=500):
        audit_record(actor=actor, action="pending_implementation.imported",
                     entity="pending_implementation", entity_id=entry.pk,
                     data={"code": entry.code, "basic_code": entry.basic_item.code})


def _drafts_create(drafts: list[tuple[ServiceItem, list[MaterialRequirement], Row]], *,
                   plan: Plan, result: ImportResult, actor: Any) -> None:
    """New items, in one go; a pending entry they draft is done with."""
    ServiceItem.objects.bulk_create([item for item, _materials, _row in drafts],
                                    batch_size=500)
    for item, materials, _row in drafts:
        for material in materials:
            material.item = item
    MaterialRequirement.objects.bulk_create(
        [material for _item, materials, _row in drafts for material in materials],
        batch_size=500)
    PendingImplementation.objects.filter(
        code__in=[item.code for item, _materials, _row in drafts]).delete()
    for item, _materials, row in drafts:
        result.items_created += 1
        audit_record(actor=actor, action="item.imported", entity="item", entity_id=item.pk,
                     data={"code": item.code, "version": item.version,
                           "basic_code": row.basic_code})


def _basics_create(plan: Plan, *, result: ImportResult, actor: Any) -> None:
    """The provisional basic entries, as the checks built them, in one go."""
    created = BasicItem.objects.bulk_create(
        [plan.basics[code] for code in plan.new_basics], batch_size=500)
    materials = [
        BasicMaterial(basic_item=basic, code=spec.code, **{in_chinese("name"): spec.name},
                      evidence_type_id=spec.evidence_type_id, original=spec.original,
                      copies=spec.copies, required=spec.required,
                      tolerated_missing=spec.tolerated_missing, order=order)
        for basic in created
        for order, spec in enumerate(plan.new_basics[basic.code].materials or [])
    ]
    BasicMaterial.objects.bulk_create(materials, batch_size=500)
    # Drafting from the standards reads their materials: once for all of them.
    prefetch_related_objects(list(plan.basics.values()), "materials")
    for basic in created:
        result.basic_created += 1
        audit_record(actor=actor, action="basic_item.saved", entity="basic_item",
                     entity_id=basic.pk, data={"code": basic.code, "changed": ["created"]})


def _department_create(row: Row, *, region: Region) -> Department:
    """A department the list names that the region does not have yet. Its code is the
    region's and the list's own code for it when that is free, else one made from its name."""
    own = row.cells.get("department_code", "")
    code = f"{region.pk}-{own}"
    if not own or len(code) > 32 or Department.objects.filter(code=code).exists():
        code = department_code_from_name(name=row.department, region_code=region.pk)
    return Department.objects.create(code=code, name=row.department, region=region)


def _pending_save(row: Row, *, plan: Plan, department: Department, result: ImportResult,
                  actor: Any) -> PendingImplementation | None:
    """A new pending entry (unsaved: the caller creates them together), or None."""
    entry = plan.pending.get(row.item_code)
    if entry is None:
        result.pending_created += 1
        return PendingImplementation(
            code=row.item_code, basic_item=plan.basics[row.basic_code], region=plan.region,
            department=department, imported_at=clock.now())
    if entry.department_id != department.pk:
        entry.department = department
        entry.save(update_fields=["department"])
        result.pending_changed += 1
        audit_record(actor=actor, action="pending_implementation.changed",
                     entity="pending_implementation", entity_id=entry.pk,
                     data={"code": entry.code, "department": department.code})
    else:
        result.unchanged += 1
    return None


def _item_change(item: ServiceItem, *, materials: list[MaterialRequirement], row: Row,
                 plan: Plan, actor: Any) -> None:
    """Write a changed item: its draft, or a new draft version of its published one."""
    current = plan.items[row.item_code]
    if current.status == ItemStatus.PUBLISHED:
        draft = item_new_version(item=current, actor=actor)
        item.pk, item.version, item.status = draft.pk, draft.version, ItemStatus.DRAFT
        item.published_at = None
        materials = [_rebound(m, draft) for m in materials]
    item.save()
    MaterialRequirement.objects.filter(item=item).exclude(
        pk__in=[m.pk for m in materials if m.pk]).delete()
    for material in materials:
        material.item = item
        material.save()
    audit_record(actor=actor, action="item.imported", entity="item", entity_id=item.pk,
                 data={"code": item.code, "version": item.version,
                       "basic_code": row.basic_code})


def _rebound(material: MaterialRequirement, draft: ServiceItem) -> MaterialRequirement:
    """A material of the published version as the new draft's copy of it."""
    copy = draft.materials.filter(code=material.code).first()
    if copy is None:
        material.pk = None
        return material
    for name in ("evidence_type_id", "original", "copies", "required", "tolerated_missing",
                 "order", in_chinese("name")):
        setattr(copy, name, getattr(material, name))
    return copy
