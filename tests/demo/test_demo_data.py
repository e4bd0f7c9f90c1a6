from __future__ import annotations

import phonenumbers
import pytest
from django.db.models import Model

from onevisit.accounts.models import Department, Region
from onevisit.audit.models import AuditEvent
from onevisit.catalogue import validation
from onevisit.catalogue.constants import ItemStatus, LimitUnit, ListKind
from onevisit.catalogue.models import (
    EvidenceType,
    FieldDef,
    ItemField,
    ListEntry,
    MaterialRequirement,
    ServiceItem,
)
from onevisit.demo.catalogue import DISTRICT, ITEMS, LIFE_EVENTS, demo_catalogue_load
from onevisit.demo.catalogue.english import BLANK_FORM_MARKS as MARKS
from onevisit.demo.population import population_seed
from onevisit.exchange.models import RegistryRecord
from onevisit.exchange.sources import source_get, sources_registered
from onevisit.lifeevents.models import LifeEvent, LifeEventStage
from onevisit.lifeevents.selectors import life_event_plan

CATALOGUE_MODELS: tuple[type[Model], ...] = (
    Region, Department, FieldDef, EvidenceType, ServiceItem, ItemField, MaterialRequirement,
    LifeEvent, LifeEventStage, ListEntry, AuditEvent,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in CATALOGUE_MODELS}


@pytest.mark.django_db
def test_catalogue_loads_twice_and_the_second_load_changes_nothing() -> None:
    demo_catalogue_load()
    first = _counts()
    stages = list(LifeEventStage.objects.values_list("pk", flat=True))

    demo_catalogue_load()

    assert _counts() == first
    assert list(LifeEventStage.objects.values_list("pk", flat=True)) == stages
    assert first["ServiceItem"] == len(ITEMS)
    assert first["LifeEvent"] == len(LIFE_EVENTS)
    assert Department.objects.filter(region_id=DISTRICT).count() >= 8


@pytest.mark.django_db
def test_a_draft_left_by_an_interrupted_load_is_completed_and_published() -> None:
    demo_catalogue_load()
    spec = ITEMS[0]
    item = ServiceItem.objects.get(code=spec.code, status=ItemStatus.PUBLISHED)
    item.status = ItemStatus.DRAFT
    item.save(update_fields=["status"])
    item.fields.order_by("order").first().delete()  # type: ignore[union-attr]
    item.materials.update(order=99, name="旧名称")

    demo_catalogue_load()

    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert ServiceItem.objects.filter(code=spec.code).count() == 1
    keys = list(item.fields.order_by("order").values_list("field__key", flat=True))
    assert keys == list(dict.fromkeys((*spec.fields, *spec.optional_fields)))
    materials = list(item.materials.order_by("order").values_list("code", "name"))
    assert materials == [(material.code, material.name) for material in spec.materials]


@pytest.mark.django_db
def test_every_form_the_applicant_fills_in_has_its_blank_form_to_print() -> None:
    demo_catalogue_load()

    forms = [material for material in MaterialRequirement.objects.filter(
        item__status=ItemStatus.PUBLISHED) if any(mark in material.name for mark in MARKS)]

    assert len(forms) >= 10
    for material in forms:
        with material.blank_form.open("rb") as stored:
            assert stored.read(5) == b"%PDF-", material.name


@pytest.mark.django_db
def test_every_published_item_keeps_its_limits_and_asks_for_a_material() -> None:
    demo_catalogue_load()

    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)

    assert items.count() == len(ITEMS)
    for item in items:
        assert item.committed_limit <= item.statutory_limit, item.code
        assert item.materials.exists(), item.code
        assert item.fields.exists(), item.code
        assert item.legal_basis.startswith("《"), item.code


@pytest.mark.django_db
def test_evidence_types_name_registered_sources_and_existing_fields() -> None:
    demo_catalogue_load()

    keys = set(FieldDef.objects.values_list("key", flat=True))
    registered = {source.code for source in sources_registered()}
    for evidence in EvidenceType.objects.all():
        assert evidence.source in registered, evidence.code
        assert evidence.subject_field in keys, evidence.code


@pytest.mark.django_db
def test_life_events_merge_into_one_form() -> None:
    demo_catalogue_load()

    plans = {
        life_event.code: life_event_plan(life_event=life_event)
        for life_event in LifeEvent.objects.filter(published=True)
    }

    assert set(plans) == {"second-hand-housing", "business-startup", "investment-filing",
                          "newborn", "multi-licence", "investment-approval"} | {
        f"licence-{sector}" for sector in ("food", "pharmacy", "travel-agency", "printing",
                                           "hr-services", "entertainment", "bookshop",
                                           "road-freight")}
    housing = plans["second-hand-housing"]
    assert len(housing.stages) == 3
    assert len({stage.item.department_id for stage in housing.stages}) == 3
    assert housing.life_event.committed_limit == 50
    assert housing.life_event.limit_unit == LimitUnit.MINUTES
    assert housing.life_event.promised_visits == 1
    assert sum(stage.item.committed_limit for stage in housing.stages) == 50
    assert "卖房" in housing.life_event.keywords
    startup = plans["business-startup"]
    assert {stage.key: stage.depends_on for stage in startup.stages} == {
        "licence": [], "seal": ["licence"], "tax": ["licence"],
        "social-insurance": ["licence"],
    }
    assert plans["investment-filing"].life_event.promised_visits == 0
    assert [stage.item.channel_window for stage in plans["investment-filing"].stages] == [False]
    for plan in plans.values():
        keys = [merged.key for merged in plan.fields]
        assert len(keys) == len(set(keys)), plan.life_event.code
        assert plan.materials, plan.life_event.code


@pytest.mark.django_db
def test_at_least_twelve_single_items_across_six_departments() -> None:
    demo_catalogue_load()

    bundled = set(LifeEventStage.objects.values_list("item_code", flat=True))
    singles = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).exclude(code__in=bundled)

    assert singles.count() >= 12
    assert singles.values("department").distinct().count() >= 6


@pytest.mark.django_db
def test_all_four_lists_have_published_entries_linked_to_published_items() -> None:
    demo_catalogue_load()

    published = set(
        ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).values_list("code", flat=True)
    )
    for kind in ListKind:
        entries = ListEntry.objects.filter(kind=kind, published=True)
        assert entries.exists(), kind
        for entry in entries:
            assert entry.published_at is not None
            assert entry.item_codes
            assert set(entry.item_codes) <= published, entry.code


@pytest.mark.django_db
def test_population_numbers_are_valid() -> None:
    population = population_seed(people=300, companies=40)

    ids = [person.id_number for person in population.people]
    assert len(ids) == len(set(ids)) == 300
    for number in ids:
        assert validation.resident_id(number) == number
    assert any(number[:6] in {"330113", "330114"} for number in ids)
    for company in population.companies:
        assert validation.uscc(company.uscc) == company.uscc
    assert len({company.uscc for company in population.companies}) == 40
    for phone in [person.phone for person in population.people] + [
        company.phone for company in population.companies
    ]:
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "CN")), phone


@pytest.mark.django_db
def test_population_is_deterministic_and_reseeding_rewrites_the_same_records() -> None:
    first = population_seed(people=200, companies=20, seed=7)
    records = RegistryRecord.objects.count()

    again = population_seed(people=200, companies=20, seed=7)

    assert [p.id_number for p in again.people] == [p.id_number for p in first.people]
    assert [c.uscc for c in again.companies] == [c.uscc for c in first.companies]
    assert again == first
    assert RegistryRecord.objects.count() == records
    other = population_seed(people=200, companies=20, seed=8)
    assert [p.id_number for p in other.people] != [p.id_number for p in first.people]


@pytest.mark.django_db
def test_registries_hold_the_evidence_the_catalogue_fetches() -> None:
    population = population_seed(people=400, companies=10)
    owner = next(p for p in population.people if p.property_certificate_numbers)
    married = next(p for p in population.people if p.spouse_id_number)
    birth = population.births[0]

    found = {
        ("population", "resident_id_card", owner.id_number),
        ("population", "household_register", owner.id_number),
        ("property", "real_estate_certificate", owner.id_number),
        ("civil_affairs", "marriage_certificate", married.id_number),
        ("health", "birth_medical_certificate", birth.mother_id_number),
        ("certificates", "business_licence", population.companies[0].uscc),
    }
    for source, evidence_type, subject in found:
        evidence = source_get(source).fetch(evidence_type=evidence_type, subject=subject)
        assert evidence is not None, evidence_type
    property_data = source_get("property").fetch(
        evidence_type="real_estate_certificate", subject=owner.id_number
    )
    assert property_data is not None
    assert [p["certificate_number"] for p in property_data.data["properties"]] == list(
        owner.property_certificate_numbers
    )
    spouse = next(p for p in population.people if p.id_number == married.spouse_id_number)
    assert spouse.spouse_id_number == married.id_number
    assert spouse.address == married.address
