"""Reads of the catalogue, and the rules that merge several items into one form."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onevisit.accounts.models import Region
from onevisit.catalogue.charges import rate_percent
from onevisit.catalogue.constants import ItemStatus, ListKind
from onevisit.catalogue.models import (
    BasicItem,
    CatalogueRevision,
    ChargeRule,
    EvidenceType,
    FieldDef,
    ItemField,
    ListEntry,
    MaterialRequirement,
    ServiceItem,
)
from onevisit.catalogue.standard import (
    CONFORMING,
    REFUSED,
    Aspect,
    Verdict,
    channels_shown,
    fee_shown,
    item_findings,
    limit_shown,
    standard_missing,
    visits_shown,
    worst,
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


@dataclass(frozen=True)
class ChargeRuleShown:
    """One rule of an item's taxes and fees as its guide shows it."""

    charge: str
    kind: str
    note: str
    rate_percent: str  # "1.5%", "" for a fixed amount
    base_label: str  # what the rate applies to, e.g. 成交价格（元）
    amount_yuan: str  # "80.00" for a fixed amount, "" for a rate
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None


def charge_rules_shown(*, item_code: str, on: dt.date) -> list[ChargeRuleShown]:
    """The item's charge rules in force on the day or announced to start later, charge by
    charge (in the order the charges were defined), each charge's rules in the order they
    are tried."""
    rules = list(ChargeRule.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on),
                                           item_code=item_code))
    first: dict[str, int] = {}
    for rule in sorted(rules, key=lambda rule: rule.pk):
        first.setdefault(rule.charge, len(first))
    labels = dict(FieldDef.objects.filter(key__in={rule.base_field for rule in rules})
                  .values_list("key", "label"))
    rules.sort(key=lambda rule: (first[rule.charge], rule.valid_from, rule.priority, rule.code))
    return [
        ChargeRuleShown(
            charge=rule.charge, kind=rule.get_kind_display(), note=rule.note,
            rate_percent=rate_percent(rule.rate),
            base_label=labels.get(rule.base_field, rule.base_field),
            amount_yuan=f"{rule.amount_yuan:.2f}" if rule.amount_yuan is not None else "",
            legal_basis=rule.legal_basis, valid_from=rule.valid_from, valid_to=rule.valid_to,
        )
        for rule in rules
    ]


def charge_payer_fields(*, item_codes: Iterable[str], condition_field: str) -> set[str]:
    """The payer fields of the items' charge rules whose conditions name the form field
    ("" for a rule whose payer is the applicant)."""
    rules = ChargeRule.objects.filter(item_code__in=list(item_codes))
    return {rule.payer_field for rule in rules
            if any(key.partition("__")[0] == condition_field for key in rule.conditions)}


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
    # Every item asking for it takes a written commitment in its place (告知承诺制).
    commitment_replaceable: bool = False


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
                    commitment_replaceable=(requirement.commitment_replaceable
                                            and item.commitment_allowed),
                )
                continue
            if current.blank_form_id is None and requirement.blank_form:
                current.blank_form_id = requirement.pk
            current.original = current.original or requirement.original
            current.copies = max(current.copies, requirement.copies)
            current.required = current.required or requirement.required
            current.tolerated_missing = current.tolerated_missing and requirement.tolerated_missing
            current.commitment_replaceable = (current.commitment_replaceable
                                              and requirement.commitment_replaceable
                                              and item.commitment_allowed)
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


# --------------------------------------------------------------------------- standardisation


@dataclass(frozen=True)
class AspectResult:
    aspect: Aspect
    verdict: Verdict
    shown: str  # the value as people read it
    notes: list[str]  # what differs from the standard, in words


@dataclass(frozen=True)
class ImplementationRow:
    """One region's published implementation of a basic entry, compared with it."""

    basic_code: str
    basic_name: str
    region_code: str
    region_name: str
    item_code: str
    item_name: str
    department: str
    aspects: list[AspectResult]

    @property
    def checked(self) -> int:
        return sum(a.verdict != Verdict.UNSET for a in self.aspects)

    @property
    def conforming(self) -> int:
        return sum(a.verdict in CONFORMING for a in self.aspects)

    @property
    def tighter(self) -> int:
        return sum(a.verdict == Verdict.TIGHTER for a in self.aspects)

    @property
    def looser(self) -> int:
        return sum(a.verdict in REFUSED for a in self.aspects)


@dataclass(frozen=True)
class StandardShown:
    """A basic entry as the report states it: the value of each aspect."""

    code: str
    name: str
    kind: str
    aspects: list[tuple[Aspect, str]]
    missing: list[str]


@dataclass(frozen=True)
class RegionScore:
    """A region's standardisation score: the share of its implementations' checked
    aspects that keep to the standard (equal or tighter), in per cent."""

    code: str
    name: str
    implementations: int
    checked: int
    conforming: int
    tighter: int
    looser: int

    @property
    def score(self) -> float | None:
        return round(100 * self.conforming / self.checked, 1) if self.checked else None


@dataclass(frozen=True)
class StandardisationReport:
    region_code: str  # the scope: this region and every region below it ("" for all)
    standard: StandardShown | None  # the one basic entry compared, if one was asked for
    rows: list[ImplementationRow]
    regions: list[RegionScore]


def _standard_shown(basic: BasicItem) -> StandardShown:
    bound = basic.committed_limit if basic.committed_limit is not None else basic.statutory_limit
    limits = limit_shown(bound, basic.limit_unit)
    if basic.statutory_limit is not None and bound != basic.statutory_limit:
        limits = _("承诺 %(committed)s（法定 %(statutory)s）") % {
            "committed": limits, "statutory": limit_shown(basic.statutory_limit,
                                                          basic.limit_unit)}
    materials = list(basic.materials.all())
    return StandardShown(
        code=basic.code, name=basic.name, kind=basic.get_kind_display(), aspects=[
            (Aspect.IDENTITY, basic.code), (Aspect.LIMITS, limits),
            (Aspect.MATERIALS, _materials_shown(len(materials))),
            (Aspect.FEE, fee_shown(basic.fee_yuan)),
            (Aspect.VISITS, visits_shown(basic.promised_visits)),
            (Aspect.CHANNELS, channels_shown(basic)),
        ], missing=standard_missing(basic))


def _materials_shown(count: int) -> str:
    return ngettext("%(n)d 项", "%(n)d 项", count) % {"n": count}


def _implementation_row(item: ServiceItem) -> ImplementationRow:
    basic = cast(BasicItem, item.basic_item)  # the query asks for linked items only
    materials = list(item.materials.all())
    findings = item_findings(item=item, basic=basic, materials=materials,
                             standard_materials=list(basic.materials.all()))
    shown = {
        Aspect.IDENTITY: item.code,
        Aspect.LIMITS: limit_shown(item.committed_limit, item.limit_unit),
        Aspect.MATERIALS: _materials_shown(len(materials)),
        Aspect.FEE: fee_shown(item.fee_yuan), Aspect.VISITS: visits_shown(item.promised_visits),
        Aspect.CHANNELS: channels_shown(item),
    }
    aspects = []
    for aspect in Aspect:
        found = [f for f in findings if f.aspect == aspect]
        aspects.append(AspectResult(
            aspect=aspect, verdict=worst([f.verdict for f in found]), shown=shown[aspect],
            notes=[f.message for f in found if f.message]))
    return ImplementationRow(
        basic_code=basic.code, basic_name=basic.name, region_code=item.region_id,
        region_name=item.region.name, item_code=item.code, item_name=item.name,
        department=item.department.name, aspects=aspects)


def standardisation_report(*, region_code: str = "",
                           basic_code: str | None = None) -> StandardisationReport:
    """How the published items of a region and the regions below it (a city supervisor:
    her counties) keep to their basic entries, for one entry or all, with a score per
    region. Items that name no basic entry are outside the standard system and left out."""
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, basic_item__isnull=False)
    if region_code:
        items = items.filter(region__code__startswith=region_code)
    standard = None
    if basic_code is not None:
        items = items.filter(basic_item__code=basic_code)
        basic = BasicItem.objects.filter(code=basic_code).prefetch_related("materials").first()
        standard = _standard_shown(basic) if basic else None
    rows = [_implementation_row(item) for item in items.select_related(
        "basic_item", "region", "department").prefetch_related(
        "materials", "basic_item__materials").order_by("basic_item__code", "region_id", "code")]
    by_region: dict[str, list[ImplementationRow]] = {}
    for row in rows:
        by_region.setdefault(row.region_code, []).append(row)
    regions = [
        RegionScore(code=code, name=found[0].region_name, implementations=len(found),
                    checked=sum(r.checked for r in found),
                    conforming=sum(r.conforming for r in found),
                    tighter=sum(r.tighter for r in found), looser=sum(r.looser for r in found))
        for code, found in sorted(by_region.items())
    ]
    return StandardisationReport(region_code=region_code, standard=standard, rows=rows,
                                 regions=regions)


def standardisation_scopes(*, region_code: str = "") -> list[Region]:
    """The regions in `region_code`'s subtree ("" : all) a standardisation report can be
    asked for: those with published implementations and every region between them and
    `region_code`, which comes first."""
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, basic_item__isnull=False)
    if region_code:
        items = items.filter(region__code__startswith=region_code)
    codes = set(items.values_list("region_id", flat=True).distinct())
    wanted = {code[:digits] for code in codes for digits in (2, 4, 6, 9)
              if len(region_code) <= digits <= len(code)}
    return list(Region.objects.filter(code__in=wanted | codes | {region_code})
                .order_by("code"))


def standardised_items(*, region_code: str = "") -> QuerySet[BasicItem]:
    """The basic entries with a published implementation in the region's subtree."""
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
    if region_code:
        items = items.filter(region__code__startswith=region_code)
    return BasicItem.objects.filter(
        pk__in=items.values("basic_item_id")).order_by("code")
