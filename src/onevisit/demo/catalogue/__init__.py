"""The demo service catalogue of 西湖区, Hangzhou (region 330106), and the province's basic
catalogue entries its items implement (demo/catalogue/standards.py).

Departments, canonical fields, evidence types, service items, the four lists and the
life events (一件事): those the reform's source text names — 二手房交易 done in under 50
minutes (交易、税收、登记 at one window), 企业开办, zero-visit filing of enterprise
investment projects, 多证合一、一照一码 and eight 证照联办 (demo/catalogue/market.py) —
and the newborn bundle.

The definitions are plain data; `demo_catalogue_load` turns them into rows and may run any
number of times: it fills in what is missing and never overwrites a published item or an
existing life event, which an editor may have changed since.
"""


from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from onevisit.accounts.models import Department, Region
from onevisit.accounts.services import department_ensure, regions_load
from onevisit.audit.services import atomic_audited
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.documents import blank_form_pdf
from onevisit.catalogue.models import (
    BasicItem,
    EvidenceType,
    FieldDef,
    ItemField,
    ListEntry,
    MaterialRequirement,
    ServiceItem,
)
from onevisit.catalogue.services import item_publish, list_entry_publish
from onevisit.demo.catalogue import english, investment, market, reference
from onevisit.demo.catalogue.bundles import LIFE_EVENTS as BASE_LIFE_EVENTS
from onevisit.demo.catalogue.bundles import LIST_ENTRIES, ListEntrySpec
from onevisit.demo.catalogue.charges import demo_charges_load
from onevisit.demo.catalogue.english import (
    BLANK_FORM_MARKS,
    EVIDENCE_TYPES_EN,
    HALL_PLACE,
    HALL_PLACE_EN,
    HOURS,
    HOURS_EN,
)
from onevisit.demo.catalogue.items import ITEMS as BASE_ITEMS
from onevisit.demo.catalogue.items import ItemSpec
from onevisit.demo.catalogue.reference import DEPARTMENTS as BASE_DEPARTMENTS
from onevisit.demo.catalogue.reference import DISTRICT, EVIDENCE_TYPES
from onevisit.demo.catalogue.standards import demo_basic_catalogue_load
from onevisit.lifeevents.models import LifeEvent, LifeEventStage
from onevisit.lifeevents.services import life_event_define
from onevisit.search.services import search_life_event_reindex
from onevisit.workflow.joint import joint_review_panel_set

# The whole demo catalogue: the base modules', market.py's and investment.py's (the
# multi-level investment bundle: the province's, the city's and the district's items).
ITEMS: tuple[ItemSpec, ...] = (*BASE_ITEMS, *market.MARKET_ITEMS, *investment.ITEMS)
FIELDS = (*reference.FIELDS, *investment.FIELDS)
LIFE_EVENTS = (*BASE_LIFE_EVENTS, *market.MARKET_LIFE_EVENTS, *investment.LIFE_EVENTS)
DEPARTMENTS = {**BASE_DEPARTMENTS, **market.MARKET_DEPARTMENTS}
DEPARTMENTS_EN = {**english.DEPARTMENTS_EN, **market.MARKET_DEPARTMENTS_EN,
                  **{code: names[1] for code, names in investment.DEPARTMENTS.items()}}
DESKS = {**english.DESKS, **market.MARKET_DESKS}
ITEMS_EN = {**english.ITEMS_EN, **market.MARKET_ITEMS_EN, **investment.ITEMS_EN}
LIFE_EVENTS_EN = {**english.LIFE_EVENTS_EN, **market.MARKET_LIFE_EVENTS_EN,
                  **investment.LIFE_EVENTS_EN}
STAGES_EN = {**english.STAGES_EN, **market.MARKET_STAGES_EN, **investment.STAGES_EN}
MATERIALS_EN = {**english.MATERIALS_EN, **market.MARKET_MATERIALS_EN,
                **investment.MATERIALS_EN}
FIELDS_EN = {**english.FIELDS_EN, **investment.FIELDS_EN}

# --------------------------------------------------------------------------- loader


@atomic_audited
def demo_catalogue_load(*, actor: Any = None) -> None:
    """Load the demo catalogue of 西湖区; running it again changes nothing. One transaction,
    its audit events appended together at its end."""
    if not Region.objects.filter(code=DISTRICT).exists():
        regions_load()
    departments = {
        code: department_ensure(code=code, name=name, region_code=DISTRICT)
        for code, name in DEPARTMENTS.items()
    }
    for code, (name, _name_en, region) in investment.DEPARTMENTS.items():
        departments[code] = department_ensure(code=code, name=name, region_code=region)
    for code, name in DEPARTMENTS_EN.items():
        Department.objects.filter(code=code).update(name_en=name)
    fields = {
        spec.key: FieldDef.objects.update_or_create(
            key=spec.key,
            defaults={"label": spec.label,
                      "label_en": FIELDS_EN.get(spec.key),
                      "type": spec.type, "help_text": spec.help_text},
        )[0]
        for spec in FIELDS
    }
    evidence_types = {
        spec.code: EvidenceType.objects.update_or_create(
            code=spec.code,
            defaults={"name": spec.name, "name_en": EVIDENCE_TYPES_EN.get(spec.code),
                      "subject_kind": spec.subject_kind,
                      "source": spec.source, "subject_field": spec.subject_field},
        )[0]
        for spec in EVIDENCE_TYPES
    }
    choices = {spec.key: list(spec.choices) for spec in FIELDS}
    standards = demo_basic_catalogue_load(evidence_types=evidence_types, actor=actor)
    for item in ITEMS:
        _item_load(item, departments=departments, fields=fields, choices=choices,
                   evidence_types=evidence_types, basic_item=standards[item.code], actor=actor)
    demo_charges_load()
    for life_event in LIFE_EVENTS:
        if not LifeEvent.objects.filter(code=life_event.code).exists():
            life_event_define(
                code=life_event.code, name=life_event.name, region_code=DISTRICT,
                committed_limit=life_event.committed_limit, limit_unit=life_event.limit_unit,
                promised_visits=life_event.promised_visits, actor=actor,
                description=life_event.description, topic=life_event.topic,
                keywords=life_event.keywords,
                stages=[
                    {"key": stage.key, "name": stage.name, "item_code": stage.item_code,
                     "depends_on": list(stage.depends_on), "mode": stage.mode,
                     "refusal_scope": stage.refusal_scope, "skip_when": dict(stage.skip_when)}
                    for stage in life_event.stages
                ],
            )
            LifeEvent.objects.filter(code=life_event.code).update(
                name_en=LIFE_EVENTS_EN.get(life_event.code))
            for stage in life_event.stages:
                LifeEventStage.objects.filter(life_event__code=life_event.code,
                                              key=stage.key).update(
                    name_en=STAGES_EN.get(stage.name))
            # The English name is searched too: index the life event again with it.
            search_life_event_reindex(code=life_event.code)
    for item_code, participants in investment.JOINT_REVIEWS.items():
        joint_review_panel_set(item_code=item_code, department_codes=participants,
                               actor=actor)
    for entry in LIST_ENTRIES:
        _list_entry_load(entry, departments=departments, actor=actor)


def _item_load(
    spec: ItemSpec, *, departments: dict[str, Department], fields: dict[str, FieldDef],
    choices: dict[str, list[str]], evidence_types: dict[str, EvidenceType],
    basic_item: BasicItem, actor: Any,
) -> None:
    """Draft the item with its fields and materials, then publish it, unless published."""
    versions = ServiceItem.objects.filter(code=spec.code)
    if versions.filter(status=ItemStatus.PUBLISHED).exists():
        return
    if spec.department in investment.PLACES:
        place, place_en, phone = investment.PLACES[spec.department]
    else:
        desk, phone = DESKS[spec.department]
        place, place_en = f"{HALL_PLACE} {desk}", f"{HALL_PLACE_EN}, {_desk_en(desk)}"
    attributes = {
        "name": spec.name, "name_en": ITEMS_EN.get(spec.code),
        "kind": spec.kind, "department": departments[spec.department],
        "region_id": spec.region, "region_level": spec.level, "basic_item": basic_item,
        "topic": spec.topic,
        "description": spec.description, "legal_basis": spec.legal_basis,
        "conditions": spec.conditions, "statutory_limit": spec.statutory_limit,
        "committed_limit": spec.committed_limit, "limit_unit": spec.limit_unit,
        "fee_yuan": spec.fee_yuan, "fee_note": spec.fee_note,
        "promised_visits": spec.promised_visits, "channel_window": spec.channel_window,
        "channel_online": spec.channel_online, "channel_courier": spec.channel_courier,
        "result_name": spec.result_name,
        "service_location": place, "service_location_en": place_en,
        "service_hours": HOURS, "service_hours_en": HOURS_EN, "enquiry_phone": phone,
        "result_evidence_type": (evidence_types[spec.result_evidence]
                                 if spec.result_evidence else None),
        "result_holder_fields": list(spec.result_holders),
        "commitment_allowed": spec.commitment_allowed,
        "completes_on_payment": spec.completes_on_payment,
    }
    latest = versions.order_by("-version").first()
    draft, created = ServiceItem.objects.update_or_create(
        code=spec.code, status=ItemStatus.DRAFT, defaults=attributes,
        create_defaults={**attributes, "version": latest.version + 1 if latest else 1},
    )
    required = dict.fromkeys(spec.fields, True) | dict.fromkeys(spec.optional_fields, False)
    item_fields = [
        ItemField(item=draft, field=fields[key], required=is_required, choices=choices[key],
                  order=order)
        for order, (key, is_required) in enumerate(required.items())
    ]
    requirements = [
        MaterialRequirement(
            item=draft, code=material.code, name=material.name,
            name_en=MATERIALS_EN.get(material.name),
            evidence_type=evidence_types[material.evidence] if material.evidence else None,
            original=material.original, copies=material.copies, required=material.required,
            tolerated_missing=material.tolerated_missing, note=material.note, order=order,
            commitment_replaceable=material.commitment_replaceable,
        )
        for order, material in enumerate(spec.materials)
    ]
    if created:
        ItemField.objects.bulk_create(item_fields)
        requirements = MaterialRequirement.objects.bulk_create(requirements)
    else:
        # A draft left by an interrupted load: bring its rows to the spec one by one.
        for row in item_fields:
            ItemField.objects.update_or_create(
                item=draft, field=row.field,
                defaults={"required": row.required, "choices": row.choices, "order": row.order})
        requirements = [_requirement_update(draft, row) for row in requirements]
    for requirement in requirements:
        blank = any(mark in requirement.name for mark in BLANK_FORM_MARKS)
        if blank and not requirement.blank_form:
            requirement.blank_form.save(
                f"{spec.code}-{requirement.code}.pdf",
                ContentFile(blank_form_pdf(item=draft, title=requirement.name)))
    item_publish(item=draft, actor=actor)


def _requirement_update(draft: ServiceItem, row: MaterialRequirement) -> MaterialRequirement:
    names = ("name", "name_en", "evidence_type", "original", "copies", "required",
             "tolerated_missing", "note", "order", "commitment_replaceable")
    requirement, _created = MaterialRequirement.objects.update_or_create(
        item=draft, code=row.code, defaults={name: getattr(row, name) for name in names})
    return requirement


def _desk_en(desk: str) -> str:
    """"3 号窗口（不动产交易）" → "window 3"."""
    return f"window {desk.split(' ', 1)[0]}"



def _list_entry_load(
    spec: ListEntrySpec, *, departments: dict[str, Department], actor: Any
) -> None:
    entry, _created = ListEntry.objects.update_or_create(
        kind=spec.kind, code=spec.code,
        defaults={
            "title": spec.title, "department": departments[spec.department],
            "legal_basis": spec.legal_basis, "content": spec.content,
            "amount_yuan": spec.amount_yuan, "item_codes": list(spec.item_codes),
        },
    )
    if not entry.published:
        list_entry_publish(entry=entry, actor=actor)
