"""The demo service catalogue of 西湖区, Hangzhou (region 330106).

Departments, canonical fields, evidence types, service items, the four lists and four
life events (一件事): three the reform's source text names — 二手房交易 done in under 50
minutes (交易、税收、登记 at one window), 企业开办 with 多证合一、一照一码, zero-visit
filing of enterprise investment projects — and the newborn bundle.

The definitions are plain data; `demo_catalogue_load` turns them into rows and may run any
number of times: it fills in what is missing and never overwrites a published item or an
existing life event, which an editor may have changed since.
"""


from __future__ import annotations

from typing import Any

from django.db import transaction

from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.accounts.services import department_ensure, regions_load
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.models import (
    EvidenceType,
    FieldDef,
    ItemField,
    ListEntry,
    MaterialRequirement,
    ServiceItem,
)
from onevisit.catalogue.services import item_publish, list_entry_publish
from onevisit.demo.catalogue.bundles import LIFE_EVENTS, LIST_ENTRIES, ListEntrySpec
from onevisit.demo.catalogue.items import ITEMS, ItemSpec
from onevisit.demo.catalogue.reference import DEPARTMENTS, DISTRICT, EVIDENCE_TYPES, FIELDS
from onevisit.lifeevents.models import LifeEvent
from onevisit.lifeevents.services import life_event_define

# --------------------------------------------------------------------------- loader


@transaction.atomic
def demo_catalogue_load(*, actor: Any = None) -> None:
    """Load the demo catalogue of 西湖区; running it again changes nothing."""
    if not Region.objects.filter(code=DISTRICT).exists():
        regions_load()
    departments = {
        code: department_ensure(code=code, name=name, region_code=DISTRICT)
        for code, name in DEPARTMENTS.items()
    }
    fields = {
        spec.key: FieldDef.objects.update_or_create(
            key=spec.key,
            defaults={"label": spec.label, "type": spec.type, "help_text": spec.help_text},
        )[0]
        for spec in FIELDS
    }
    evidence_types = {
        spec.code: EvidenceType.objects.update_or_create(
            code=spec.code,
            defaults={"name": spec.name, "subject_kind": spec.subject_kind,
                      "source": spec.source, "subject_field": spec.subject_field},
        )[0]
        for spec in EVIDENCE_TYPES
    }
    choices = {spec.key: list(spec.choices) for spec in FIELDS}
    for item in ITEMS:
        _item_load(item, departments=departments, fields=fields, choices=choices,
                   evidence_types=evidence_types, actor=actor)
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
                     "depends_on": list(stage.depends_on)}
                    for stage in life_event.stages
                ],
            )
    for entry in LIST_ENTRIES:
        _list_entry_load(entry, departments=departments, actor=actor)


def _item_load(
    spec: ItemSpec, *, departments: dict[str, Department], fields: dict[str, FieldDef],
    choices: dict[str, list[str]], evidence_types: dict[str, EvidenceType], actor: Any,
) -> None:
    """Draft the item with its fields and materials, then publish it, unless published."""
    versions = ServiceItem.objects.filter(code=spec.code)
    if versions.filter(status=ItemStatus.PUBLISHED).exists():
        return
    attributes = {
        "name": spec.name, "kind": spec.kind, "department": departments[spec.department],
        "region_id": DISTRICT, "region_level": RegionLevel.COUNTY, "topic": spec.topic,
        "description": spec.description, "legal_basis": spec.legal_basis,
        "conditions": spec.conditions, "statutory_limit": spec.statutory_limit,
        "committed_limit": spec.committed_limit, "limit_unit": spec.limit_unit,
        "fee_yuan": spec.fee_yuan, "fee_note": spec.fee_note,
        "promised_visits": spec.promised_visits, "channel_window": spec.channel_window,
        "channel_online": spec.channel_online, "channel_courier": spec.channel_courier,
        "result_name": spec.result_name,
        "result_evidence_type": (evidence_types[spec.result_evidence]
                                 if spec.result_evidence else None),
        "result_holder_fields": list(spec.result_holders),
    }
    latest = versions.order_by("-version").first()
    draft, _created = ServiceItem.objects.update_or_create(
        code=spec.code, status=ItemStatus.DRAFT, defaults=attributes,
        create_defaults={**attributes, "version": latest.version + 1 if latest else 1},
    )
    required = dict.fromkeys(spec.fields, True) | dict.fromkeys(spec.optional_fields, False)
    for order, (key, is_required) in enumerate(required.items()):
        ItemField.objects.update_or_create(
            item=draft, field=fields[key],
            defaults={"required": is_required, "choices": choices[key], "order": order},
        )
    for order, material in enumerate(spec.materials):
        MaterialRequirement.objects.update_or_create(
            item=draft, code=material.code,
            defaults={
                "name": material.name,
                "evidence_type": evidence_types[material.evidence] if material.evidence else None,
                "original": material.original, "copies": material.copies,
                "required": material.required, "tolerated_missing": material.tolerated_missing,
                "note": material.note, "order": order,
            },
        )
    item_publish(item=draft, actor=actor)


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
