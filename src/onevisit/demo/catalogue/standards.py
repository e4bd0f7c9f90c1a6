"""The demo's standard system (标准体系): the province's basic catalogue entries for the demo
items, and a second county of Hangzhou, 余杭区 (330110), implementing some of them.

Each demo item implements a basic entry of 浙江省 whose code is the item's with the
province in place of the county (330106-SJ-003 → 33-SJ-003; the demo's codes are made up,
real provinces issue theirs). The standard is what 西湖区 promises, so 西湖区 keeps to it;
余杭区 tightens a few things (shorter limits, fewer materials and copies), and its items
carry implementation codes in the national pattern. Then the province tightens one
standard (居住证申领 within 5 working days) that 西湖区's published item does not meet
yet: the standardisation report has both tighter and looser implementations to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from stdnum.cn import uscc

from onevisit.accounts.models import Department, RegionLevel
from onevisit.accounts.services import department_ensure
from onevisit.catalogue.codes import implementation_code_make
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.documents import blank_form_pdf
from onevisit.catalogue.models import (
    BasicItem,
    BasicMaterial,
    EvidenceType,
    ItemField,
    MaterialRequirement,
    ServiceItem,
)
from onevisit.catalogue.services import (
    Standard,
    StandardMaterial,
    basic_item_save,
    item_publish,
)
from onevisit.demo.catalogue import investment
from onevisit.demo.catalogue.english import (
    BLANK_FORM_MARKS,
    HOURS,
    HOURS_EN,
    ITEMS_EN,
    MATERIALS_EN,
)
from onevisit.demo.catalogue.items import ITEMS, ItemSpec
from onevisit.demo.catalogue.market import MARKET_ITEMS, MARKET_ITEMS_EN, MARKET_MATERIALS_EN
from onevisit.demo.population import _organisation_check

PROVINCE = "33"  # 浙江省
YUHANG = "330110"  # 杭州市余杭区


def basic_code(item_code: str) -> str:
    """The demo basic code of a demo item code: 330106-SJ-003 → 33-SJ-003 (a city's
    3301-TZ-002 → 33-TZ-002; a province item's code is its basic code)."""
    return f"{PROVINCE}-{item_code.split('-', 1)[1]}"


def _standard(spec: ItemSpec) -> Standard:
    return Standard(
        name=spec.name, kind=spec.kind, legal_basis=spec.legal_basis,
        statutory_limit=spec.statutory_limit, committed_limit=spec.committed_limit,
        limit_unit=spec.limit_unit, fee_yuan=spec.fee_yuan, fee_note=spec.fee_note,
        promised_visits=spec.promised_visits, channel_window=spec.channel_window,
        channel_online=spec.channel_online, channel_courier=spec.channel_courier,
    )


def demo_basic_catalogue_load(*, evidence_types: Mapping[str, EvidenceType],
                              actor: Any) -> dict[str, BasicItem]:
    """The province's basic entry of every demo item, by item code; an entry already
    there is left as it is (the province may have changed it)."""
    entries = {}
    for spec in (*ITEMS, *MARKET_ITEMS, *investment.ITEMS):
        code = basic_code(spec.code)
        entry = BasicItem.objects.filter(code=code).first()
        if entry is None:
            entry = basic_item_save(
                code=code, region_code=PROVINCE, standard=_standard(spec), actor=actor,
                materials=[StandardMaterial(
                    code=m.code, name=m.name,
                    evidence_type_id=evidence_types[m.evidence].pk if m.evidence else None,
                    original=m.original, copies=m.copies, required=m.required,
                    tolerated_missing=m.tolerated_missing) for m in spec.materials])
            BasicItem.objects.filter(pk=entry.pk).update(
                name_en=ITEMS_EN.get(spec.code, MARKET_ITEMS_EN.get(
                    spec.code, investment.ITEMS_EN.get(spec.code))))
            for material in spec.materials:
                BasicMaterial.objects.filter(basic_item=entry, code=material.code).update(
                    name_en=MATERIALS_EN.get(material.name, MARKET_MATERIALS_EN.get(
                        material.name, investment.MATERIALS_EN.get(material.name))))
        entries[spec.code] = entry
    return entries


# --------------------------------------------------------------------------- 余杭区

DEPARTMENTS: dict[str, tuple[str, str, str]] = {  # code → name, English name, organisation
    "yh-scjg": ("杭州市余杭区市场监督管理局", "Yuhang District Market Supervision Bureau",
                "00250111"),
    "yh-ga": ("杭州市公安局余杭区分局", "Yuhang District Public Security Sub-bureau",
              "00250112"),
    "yh-rsj": ("杭州市余杭区人力资源和社会保障局",
               "Yuhang District Human Resources and Social Security Bureau", "00250113"),
    "yh-mzj": ("杭州市余杭区民政局", "Yuhang District Civil Affairs Bureau", "00250114"),
    "yh-wjj": ("杭州市余杭区卫生健康局", "Yuhang District Health Commission", "00250115"),
}


@dataclass(frozen=True)
class Tightening:
    """How 余杭区 implements a demo item: its department and what it does better."""

    item_code: str
    department: str
    committed_limit: int | None = None
    left_out: tuple[str, ...] = ()  # material codes it does not ask for
    copies: tuple[tuple[str, int], ...] = ()  # fewer copies of these materials


YUHANG_ITEMS: tuple[Tightening, ...] = (
    Tightening("330106-SJ-003", "yh-scjg", committed_limit=2, left_out=("safety-rules",)),
    Tightening("330106-SJ-002", "yh-scjg"),
    Tightening("330106-GA-003", "yh-ga", committed_limit=7),
    Tightening("330106-GA-004", "yh-ga", committed_limit=5, copies=(("residence-proof", 0),)),
    Tightening("330106-RS-004", "yh-rsj", left_out=("termination-proof",)),
    Tightening("330106-MZ-002", "yh-mzj", copies=(("joint-photo", 1),)),
    Tightening("330106-WJ-002", "yh-wjj", committed_limit=1),
)
# The province's later, stricter standard (居住证申领: 5 working days instead of 7).
TIGHTENED_STANDARD = ("330106-GA-004", 5)


def body_code(organisation: str) -> str:
    """The unified social credit code of a 余杭区 government body: 11 (an organ registered
    by the establishment authorities), the county, the organisation code and check."""
    number = f"11{YUHANG}{organisation}{_organisation_check(organisation)}"
    return number + uscc.calc_check_digit(number)


def yuhang_item_code(item_code: str, department: str) -> str:
    return implementation_code_make(basic_code=basic_code(item_code), region_code=YUHANG,
                                    body=body_code(DEPARTMENTS[department][2]))


def demo_second_county_load(*, actor: Any = None) -> None:
    """余杭区's departments and implementation list (published), then the province's
    tightened standard. Running it again changes nothing."""
    specs = {spec.code: spec for spec in ITEMS}
    departments = {}
    for code, (name, name_en, _organisation) in DEPARTMENTS.items():
        departments[code] = department_ensure(code=code, name=name, region_code=YUHANG)
        Department.objects.filter(code=code).update(name_en=name_en)
    for tightening in YUHANG_ITEMS:
        _implementation_load(specs[tightening.item_code], tightening,
                             department=departments[tightening.department], actor=actor)
    item_code, committed = TIGHTENED_STANDARD
    entry = BasicItem.objects.get(code=basic_code(item_code))
    if entry.committed_limit != committed:
        standard = _standard(specs[item_code])
        basic_item_save(code=entry.code, region_code=PROVINCE, materials=None, actor=actor,
                        standard=Standard(**{**vars(standard), "committed_limit": committed}))


def _implementation_load(spec: ItemSpec, tightening: Tightening, *, department: Department,
                         actor: Any) -> None:
    """Draft 余杭区's item from 西湖区's (fields, materials, guide) with its tightenings,
    and publish it, unless it is published already."""
    code = yuhang_item_code(spec.code, tightening.department)
    if ServiceItem.objects.filter(code=code, status=ItemStatus.PUBLISHED).exists():
        return
    source = ServiceItem.objects.filter(code=spec.code).order_by("version").first()
    if source is None:
        raise LookupError(f"the demo item {spec.code} is not loaded")
    copies = dict(tightening.copies)
    attributes = {
        "name": spec.name, "name_en": ITEMS_EN.get(spec.code), "kind": spec.kind,
        "department": department, "region_id": YUHANG, "region_level": RegionLevel.COUNTY,
        "basic_item": BasicItem.objects.get(code=basic_code(spec.code)),
        "topic": spec.topic, "description": spec.description,
        "legal_basis": spec.legal_basis, "conditions": spec.conditions,
        "statutory_limit": spec.statutory_limit,
        "committed_limit": tightening.committed_limit or spec.committed_limit,
        "limit_unit": spec.limit_unit, "fee_yuan": spec.fee_yuan, "fee_note": spec.fee_note,
        "promised_visits": spec.promised_visits, "channel_window": spec.channel_window,
        "channel_online": spec.channel_online, "channel_courier": spec.channel_courier,
        "result_name": spec.result_name, "result_evidence_type": source.result_evidence_type,
        "result_holder_fields": list(spec.result_holders),
        "service_location": f"余杭区市民之家 {department.name}窗口",
        "service_location_en": "Yuhang District Citizens' Centre",
        "service_hours": HOURS, "service_hours_en": HOURS_EN,
        "enquiry_phone": "0571-12345",
    }
    draft, _created = ServiceItem.objects.update_or_create(
        code=code, status=ItemStatus.DRAFT, defaults=attributes,
        create_defaults={**attributes, "version": 1})
    for item_field in source.fields.all():
        ItemField.objects.update_or_create(item=draft, field=item_field.field, defaults={
            "required": item_field.required, "choices": item_field.choices,
            "order": item_field.order})
    for material in source.materials.exclude(code__in=tightening.left_out):
        requirement, _created = MaterialRequirement.objects.update_or_create(
            item=draft, code=material.code, defaults={
                "name": material.name, "name_en": MATERIALS_EN.get(material.name),
                "evidence_type": material.evidence_type, "original": material.original,
                "copies": copies.get(material.code, material.copies),
                "required": material.required, "tolerated_missing": material.tolerated_missing,
                "note": material.note, "order": material.order})
        if any(mark in material.name for mark in BLANK_FORM_MARKS) and not requirement.blank_form:
            requirement.blank_form.save(f"{code}-{material.code}.pdf",
                                        ContentFile(blank_form_pdf(item=draft,
                                                                   title=material.name)))
    item_publish(item=draft, actor=actor)

