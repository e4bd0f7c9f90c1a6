"""Turning domain objects into the API's output shapes. No rules here, only shape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from onevisit.applications.models import (
    Application,
    ApplicationMaterial,
    Case,
    OneTimeNotice,
    Visit,
)
from onevisit.applications.services import Filing
from onevisit.catalogue.models import ListEntry, ServiceItem
from onevisit.catalogue.selectors import MergedField, MergedMaterial
from onevisit.certificates.models import Certificate
from onevisit.delivery.models import Delivery
from onevisit.exchange.services import subject_mask
from onevisit.lifeevents.selectors import LifeEventPlan


def field_out(merged: MergedField) -> dict[str, Any]:
    return {"key": merged.key, "label": merged.label, "type": merged.type,
            "required": merged.required, "choices": merged.choices}


def material_out(merged: MergedMaterial) -> dict[str, Any]:
    return {
        "key": merged.key, "name": merged.name, "evidence_type": merged.evidence_type_code,
        "held_by_government": merged.evidence_type_code is not None,
        "original": merged.original, "copies": merged.copies, "required": merged.required,
        "tolerated_missing": merged.tolerated_missing,
        "commitment_replaceable": merged.commitment_replaceable,
    }


def item_summary_out(item: ServiceItem) -> dict[str, Any]:
    return {
        "code": item.code, "version": item.version, "name": item.name, "kind": item.kind,
        "department": item.department.name, "promised_visits": item.promised_visits,
        "committed_limit": item.committed_limit, "limit_unit": item.limit_unit,
    }


def item_out(item: ServiceItem, fields: list[MergedField],
             materials: list[MergedMaterial]) -> dict[str, Any]:
    channels = [name for name, on in (("window", item.channel_window),
                                      ("online", item.channel_online),
                                      ("courier", item.channel_courier)) if on]
    return {
        **item_summary_out(item),
        "region": item.region.name, "region_level": item.region_level, "topic": item.topic,
        "description": item.description, "legal_basis": item.legal_basis,
        "conditions": item.conditions, "statutory_limit": item.statutory_limit,
        "fee_yuan": item.fee_yuan, "fee_note": item.fee_note, "channels": channels,
        "result_name": item.result_name,
        "fields": [field_out(f) for f in fields],
        "materials": [material_out(m) for m in materials],
    }


def life_event_out(plan: LifeEventPlan) -> dict[str, Any]:
    event = plan.life_event
    return {
        "code": event.code, "name": event.name, "description": event.description,
        "promised_visits": event.promised_visits, "committed_limit": event.committed_limit,
        "limit_unit": event.limit_unit,
        "stages": [
            {"key": s.key, "name": s.name, "item_code": s.item.code, "item_name": s.item.name,
             "department": s.item.department.name, "depends_on": s.depends_on}
            for s in plan.stages
        ],
        "fields": [field_out(f) for f in plan.fields],
        "materials": [material_out(m) for m in plan.materials],
    }


def list_entry_out(entry: ListEntry) -> dict[str, Any]:
    return {
        "kind": entry.kind, "code": entry.code, "title": entry.title,
        "department": entry.department.name if entry.department else None,
        "legal_basis": entry.legal_basis, "content": entry.content,
        "amount_yuan": entry.amount_yuan, "item_codes": entry.item_codes,
        "published_at": entry.published_at,
    }


def application_out(application: Application, *, unmasked: bool) -> dict[str, Any]:
    """An application as read back, with its related rows (prefetched by the selector)."""
    return application_parts_out(
        application, unmasked=unmasked, visits=application.visits.all(),
        materials=application.materials.all(), notices=application.notices.all(),
        cases=application.cases.all(), certificates=application.certificates.all(),
        delivery=getattr(application, "delivery", None),
    )


def filing_out(filing: Filing, *, unmasked: bool) -> dict[str, Any]:
    """A new filing, from what the service produced: no second read of the database."""
    return application_parts_out(
        filing.application, unmasked=unmasked, visits=filing.visits,
        materials=filing.materials, notices=filing.notices, cases=filing.cases,
        certificates=[], delivery=None,
    )


def application_parts_out(
    application: Application, *, unmasked: bool, visits: Iterable[Visit],
    materials: Iterable[ApplicationMaterial], notices: Iterable[OneTimeNotice],
    cases: Iterable[Case], certificates: Iterable[Certificate], delivery: Delivery | None,
) -> dict[str, Any]:
    return {
        "number": application.number, "title": application.title,
        "credit_tier": application.credit_tier,
        "status": application.status, "channel": application.channel,
        "applicant_name": application.applicant_name,
        "applicant_id_number": (application.applicant_id_number if unmasked
                         else subject_mask(application.applicant_id_number)),
        "receipt_number": application.receipt_number,
        "submitted_at": application.submitted_at, "accepted_at": application.accepted_at,
        "completed_at": application.completed_at, "due_at": application.due_at,
        "due_provisional": application.due_provisional,
        "promised_visits": application.promised_visits,
        "visits": [{"occurred_at": v.occurred_at, "purposes": v.purposes}
                   for v in visits],
        "materials": [
            {"key": m.key, "name": m.name, "status": m.status, "problem": m.problem,
             "source": m.source}
            for m in materials
        ],
        "notices": [
            {"number": n.number, "kind": n.kind, "case_id": n.case_id, "issued_at": n.issued_at,
             "resolved_at": n.resolved_at,
             "entries": [{"key": e["key"], "name": e["name"], "problem": e["problem"]}
                         for e in n.entries]}
            for n in notices
        ],
        "cases": [
            {"id": c.pk, "stage_key": c.stage_key, "item_code": c.item.code,
             "item_name": c.item.name, "department": c.department.name, "status": c.status,
             "due_at": c.due_at, "due_provisional": c.due_provisional,
             "paused": c.paused_at is not None, "decision_reason": c.decision_reason,
             "decision_legal_basis": c.decision_legal_basis}
            for c in cases
        ],
        "delivery": None if delivery is None else {
            "method": delivery.method, "status": delivery.status, "courier": delivery.courier,
            "tracking_number": delivery.tracking_number, "delivered_at": delivery.delivered_at,
        },
        "certificates": [
            {"number": c.number, "kind": c.kind, "title": c.title,
             "department": c.department.name, "issued_at": c.issued_at,
             "verification_code": c.verification_code}
            for c in certificates
        ],
    }
