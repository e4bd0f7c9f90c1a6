"""Reads of the catalogue, and the rules that merge several items into one form."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from onevisit.catalogue.constants import ItemStatus, ListKind
from onevisit.catalogue.models import (
    CatalogueRevision,
    EvidenceType,
    ItemField,
    ListEntry,
    MaterialRequirement,
    ServiceItem,
)


class FieldConflict(ValueError):
    """Two items of one bundle define a shared field differently."""


def catalogue_revision() -> uuid.UUID | None:
    """The published catalogue's current revision token; None before anything is published."""
    return CatalogueRevision.objects.filter(pk=1).values_list("token", flat=True).first()


def items_published() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related(
        "department", "region"
    )


def items_with_details(queryset: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    return queryset.prefetch_related(
        Prefetch("fields", queryset=ItemField.objects.select_related("field")),
        Prefetch(
            "materials", queryset=MaterialRequirement.objects.select_related("evidence_type")
        ),
    )


def item_current(*, code: str) -> ServiceItem | None:
    return items_with_details(items_published().filter(code=code)).first()


def items_current(*, codes: Iterable[str]) -> dict[str, ServiceItem]:
    items = items_with_details(items_published().filter(code__in=list(codes)))
    return {item.code: item for item in items}


def blank_form_of(*, requirement_id: int) -> MaterialRequirement | None:
    """A material of a published item that has a blank form to download."""
    return (MaterialRequirement.objects.filter(pk=requirement_id,
                                               item__status=ItemStatus.PUBLISHED)
            .exclude(blank_form="").first())


def evidence_type_names() -> dict[str, str]:
    """Evidence type code → its name, for people reading access logs."""
    return dict(EvidenceType.objects.values_list("code", "name"))


def list_entries_published(*, kind: ListKind | str) -> QuerySet[ListEntry]:
    return ListEntry.objects.filter(kind=kind, published=True).select_related("department")


@dataclass
class MergedField:
    key: str
    label: str
    type: str
    required: bool
    choices: list[str]
    item_codes: list[str] = field(default_factory=list)


@dataclass
class MergedMaterial:
    """One line of a merged material list; `key` is stable across checks and supplements."""

    key: str
    name: str
    evidence_type_code: str | None
    evidence_source: str | None
    subject_field: str | None
    original: bool
    copies: int
    required: bool
    tolerated_missing: bool
    requirement_ids: list[int] = field(default_factory=list)
    item_codes: list[str] = field(default_factory=list)
    note: str = ""
    # The requirement whose blank form (空白表格) the guide offers, if any has one.
    blank_form_id: int | None = None


def fields_merge(items: Sequence[ServiceItem]) -> list[MergedField]:
    """The union of the items' fields, each asked once (one form for a life event).

    A field is required if any item requires it. Two items that restrict a shared field to
    different sets of values cannot share one form: that is a `FieldConflict`.
    """
    merged: dict[str, MergedField] = {}
    restricted_by: dict[str, str] = {}
    for item in items:
        for item_field in item.fields.all():
            definition = item_field.field
            current = merged.get(definition.key)
            if current is None:
                current = merged[definition.key] = MergedField(
                    key=definition.key, label=definition.label, type=definition.type,
                    required=False, choices=[],
                )
            current.required = current.required or item_field.required
            current.item_codes.append(item.code)
            if item_field.choices:
                if current.choices and sorted(current.choices) != sorted(item_field.choices):
                    raise FieldConflict(
                        _(
                            "字段“%(label)s”(%(key)s) 在事项“%(first)s”与“%(second)s”中"
                            "的可选值不一致，无法合并为一张表单"
                        )
                        % {
                            "label": definition.label, "key": definition.key,
                            "first": restricted_by[definition.key], "second": item.name,
                        }
                    )
                current.choices = list(item_field.choices)
                restricted_by[definition.key] = item.name
    return list(merged.values())


def materials_merge(items: Sequence[ServiceItem]) -> list[MergedMaterial]:
    """One material list: materials of the same evidence type are asked for once."""
    merged: dict[str, MergedMaterial] = {}
    for item in items:
        for requirement in item.materials.all():
            evidence = requirement.evidence_type
            key = (
                f"evidence:{evidence.code}" if evidence
                else f"upload:{item.code}:{requirement.code}"
            )
            current = merged.get(key)
            if current is None:
                merged[key] = MergedMaterial(
                    key=key, name=requirement.name,
                    evidence_type_code=evidence.code if evidence else None,
                    evidence_source=evidence.source if evidence else None,
                    subject_field=evidence.subject_field if evidence else None,
                    original=requirement.original, copies=requirement.copies,
                    required=requirement.required,
                    tolerated_missing=requirement.tolerated_missing,
                    requirement_ids=[requirement.pk], item_codes=[item.code],
                    note=requirement.note,
                    blank_form_id=requirement.pk if requirement.blank_form else None,
                )
                continue
            if current.blank_form_id is None and requirement.blank_form:
                current.blank_form_id = requirement.pk
            current.original = current.original or requirement.original
            current.copies = max(current.copies, requirement.copies)
            current.required = current.required or requirement.required
            current.tolerated_missing = current.tolerated_missing and requirement.tolerated_missing
            current.requirement_ids.append(requirement.pk)
            current.item_codes.append(item.code)
    return list(merged.values())


@dataclass(frozen=True)
class EvidenceUse:
    item_code: str
    item_name: str
    material: str


@dataclass(frozen=True)
class EvidenceCatalogueEntry:
    """An evidence type, and the published items' materials it satisfies."""

    evidence_type: EvidenceType
    accepted_by: list[EvidenceUse]


def evidence_catalogue() -> list[EvidenceCatalogueEntry]:
    """The evidence catalogue (证照目录): which evidence type satisfies which material of
    which published item; the type's `source` says which registry holds it."""
    uses: dict[int, list[EvidenceUse]] = {}
    for requirement in MaterialRequirement.objects.filter(
        item__status=ItemStatus.PUBLISHED, evidence_type__isnull=False
    ).select_related("item").order_by("item__code", "order", "id"):
        uses.setdefault(requirement.evidence_type_id, []).append(  # type: ignore[arg-type]
            EvidenceUse(item_code=requirement.item.code, item_name=requirement.item.name,
                        material=requirement.name)
        )
    return [EvidenceCatalogueEntry(evidence_type=evidence_type,
                                   accepted_by=uses.get(evidence_type.pk, []))
            for evidence_type in EvidenceType.objects.order_by("code")]


def evidence_type_get(*, code: str) -> EvidenceType | None:
    return EvidenceType.objects.filter(code=code).first()
