"""Window prefill: every registry record the form maps to, the newborn's birth medical
certificate found through the mother, read once per intake and logged once in the
applicant's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from onevisit.applications.models import Application, IntakePrefill
from onevisit.applications.services import intake_preview, subject_resolve
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.exchange.models import AccessLog
from onevisit.exchange.services import registry_record_put
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db

MOTHER = resident_id(birth="19940517", seq="202")
FATHER = resident_id(birth="19920308", seq="201")
STRANGER = resident_id(birth="19880808", seq="203")
SELLER = resident_id(birth="19700101", seq="111")
BIRTH = "evidence:birth_medical_certificate"
NUMBER = "浙(2019)杭州市不动产权第0123456号"
ADDRESS = "杭州市西湖区文三路 90 号 2 幢 301 室"


def _person(subject: str, name: str, gender: str) -> None:
    data = {"name": name, "id_number": subject, "gender": gender,
            "address": "浙江省杭州市西湖区文三路 90 号"}
    registry_record_put(source="population", evidence_type="resident_id_card", subject=subject,
                        data=data)
    registry_record_put(source="population", evidence_type="household_register",
                        subject=subject, data=data)


def _married(husband: str, wife: str) -> None:
    for holder, spouse, name in ((husband, wife, "林晓燕"), (wife, husband, "周文涛")):
        registry_record_put(source="civil_affairs", evidence_type="marriage_certificate",
                            subject=holder, data={"holder_id_number": holder,
                                                  "spouse_id_number": spouse,
                                                  "spouse_name": name})


def _birth(mother: str, father: str) -> None:
    registry_record_put(source="health", evidence_type="birth_medical_certificate",
                        subject=mother, data={
                            "certificate_number": "P330123456", "newborn_name": "周小禾",
                            "gender": "女", "birth_date": "2026-11-20",
                            "hospital": "浙江大学医学院附属妇产科医院",
                            "mother_name": "林晓燕", "mother_id_number": mother,
                            "father_name": "周文涛", "father_id_number": father})


@pytest.fixture
def newborn(db: None):
    demo_catalogue_load()
    _person(MOTHER, "林晓燕", "女")
    _person(FATHER, "周文涛", "男")
    _birth(MOTHER, FATHER)
    return subject_resolve(life_event_code="newborn")


def test_the_mothers_birth_certificate_is_prefilled(newborn):
    clerk = UserFactory(clerk=True)

    preview = intake_preview(subject=newborn, applicant_id_number=MOTHER, actor=clerk,
                             consent=True)

    assert BIRTH in preview.held
    assert {k: preview.prefill.get(k) for k in (
        "newborn_name", "newborn_gender", "newborn_birth_date", "newborn_birth_place",
        "mother_name", "mother_id_number", "father_name", "father_id_number")} == {
        "newborn_name": "周小禾", "newborn_gender": "女", "newborn_birth_date": "2026-11-20",
        "newborn_birth_place": "浙江大学医学院附属妇产科医院", "mother_name": "林晓燕",
        "mother_id_number": MOTHER, "father_name": "周文涛", "father_id_number": FATHER}
    birth_reads = AccessLog.objects.filter(evidence_type="birth_medical_certificate")
    assert [(r.source, r.outcome) for r in birth_reads] == [("health", "found")]


def test_the_father_finds_it_through_his_marriage_certificate(newborn):
    _married(FATHER, MOTHER)

    preview = intake_preview(subject=newborn, applicant_id_number=FATHER,
                             actor=UserFactory(clerk=True), consent=True)

    assert BIRTH in preview.held
    assert preview.prefill["mother_id_number"] == MOTHER
    assert preview.prefill["father_id_number"] == FATHER
    assert preview.prefill["newborn_name"] == "周小禾"


def test_a_record_that_does_not_name_the_applicant_is_not_used(newborn):
    # His marriage certificate names a wife whose newborn has another father.
    _person(STRANGER, "郑某", "男")
    _married(STRANGER, MOTHER)

    preview = intake_preview(subject=newborn, applicant_id_number=STRANGER,
                             actor=UserFactory(clerk=True), consent=True)

    assert BIRTH not in preview.held
    assert "newborn_name" not in preview.prefill


def test_the_registries_are_read_once_per_intake(newborn):
    clerk = Client()
    clerk.force_login(UserFactory(clerk=True))
    query = {"subject": "life-events:newborn", "applicant_id_number": MOTHER, "consent": "1"}

    first = clerk.get("/hall/intake/", query).content.decode()
    reads = AccessLog.objects.count()
    second = clerk.get("/hall/intake/", query).content.decode()

    # ID card, household register, marriage certificate (none held), birth certificate.
    assert reads == 4
    assert AccessLog.objects.count() == reads
    assert "周小禾" in first
    assert "周小禾" in second
    assert "本次受理不再重复查询" in second
    assert IntakePrefill.objects.count() == 1


def test_the_purpose_is_logged_in_the_applicants_language(newborn):
    with translation.override("en"):
        intake_preview(subject=newborn, applicant_id_number=MOTHER,
                       actor=UserFactory(clerk=True), consent=True)

    purposes = list(AccessLog.objects.values_list("purpose", flat=True))
    assert len(purposes) == 4
    assert all(p.startswith("窗口受理预填：") for p in purposes)


def test_another_clerk_or_applicant_is_another_intake(newborn):
    intake_preview(subject=newborn, applicant_id_number=MOTHER,
                   actor=UserFactory(clerk=True), consent=True)
    intake_preview(subject=newborn, applicant_id_number=MOTHER,
                   actor=UserFactory(clerk=True), consent=True)

    assert AccessLog.objects.count() == 8


def test_without_consent_nothing_is_read_or_kept(newborn):
    preview = intake_preview(subject=newborn, applicant_id_number=MOTHER,
                             actor=UserFactory(clerk=True), consent=False)

    assert preview.held == frozenset()
    assert not AccessLog.objects.exists()
    assert not IntakePrefill.objects.exists()


@pytest.fixture
def sale(db: None):
    demo_catalogue_load()
    _person(SELLER, "张卖方", "男")
    return subject_resolve(life_event_code="second-hand-housing")


def _property(*properties: dict[str, str]) -> None:
    registry_record_put(source="property", evidence_type="real_estate_certificate",
                        subject=SELLER, data={"owner_name": "张卖方", "owner_id_number": SELLER,
                                              "properties": list(properties)})


def test_the_sellers_property_is_prefilled(sale):
    _property({"certificate_number": NUMBER, "address": ADDRESS, "use": "住宅",
               "building_area_m2": "104.48"})

    preview = intake_preview(subject=sale, applicant_id_number=SELLER,
                             actor=UserFactory(clerk=True), consent=True)

    assert "evidence:real_estate_certificate" in preview.held
    assert preview.prefill["property_certificate_number"] == NUMBER
    assert preview.prefill["property_address"] == ADDRESS
    assert preview.prefill["property_use"] == "住宅"
    assert preview.prefill["property_area"] == "104.48"
    assert preview.prefill["applicant_name"] == "张卖方"


def test_with_several_properties_the_clerk_asks_which(sale):
    _property({"certificate_number": NUMBER, "address": ADDRESS},
              {"certificate_number": "浙(2021)杭州市不动产权第0654321号", "address": "别处"})

    preview = intake_preview(subject=sale, applicant_id_number=SELLER,
                             actor=UserFactory(clerk=True), consent=True)

    assert "evidence:real_estate_certificate" in preview.held
    assert "property_certificate_number" not in preview.prefill
    assert "property_address" not in preview.prefill


def test_filing_ends_the_intake(sale):
    _property({"certificate_number": NUMBER, "address": ADDRESS})
    user = UserFactory(clerk=True)
    clerk = Client()
    clerk.force_login(user)
    query = {"subject": "life-events:second-hand-housing", "applicant_id_number": SELLER,
             "consent": "1"}
    clerk.get("/hall/intake/", query)
    assert IntakePrefill.objects.count() == 1

    response = clerk.post("/hall/intake/", query | {
        "applicant_kind": "person", "applicant_name": "张卖方",
        "f:applicant_name": "张卖方", "f:applicant_id_number": SELLER,
        "f:applicant_phone": "13812345678", "f:buyer_name": "李买方",
        "f:buyer_id_number": resident_id(birth="19900101", seq="222"),
        "f:buyer_phone": "13912345678", "f:property_certificate_number": NUMBER,
        "f:property_address": ADDRESS, "f:transaction_price": "1850000",
        "f:contract_date": "2026-11-20", "f:property_use": "住宅", "f:property_area": "89.50",
        "f:buyer_family_housing": "家庭唯一住房",
        "f:seller_sole_home_over_five_years": "否", "delivery_method": "courier",
        "delivery_recipient": "张卖方", "delivery_phone": "13812345678",
        "delivery_address": ADDRESS, "visit_cause": "walk_in",
    })

    assert response.status_code == 302
    assert Application.objects.count() == 1
    assert not IntakePrefill.objects.exists()
