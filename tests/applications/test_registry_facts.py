"""Facts the taxes and fees are computed from (建筑面积, 房屋用途, 满五唯一) must agree
with the property register the filing fetches; 企业规模 only counts for an enterprise
payer. A refused filing stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from onevisit.applications.constants import Channel
from onevisit.applications.models import Application
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Filing,
    Upload,
    application_submit,
    subject_resolve,
)
from onevisit.audit.models import AuditEvent
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.errors import InvalidInput
from onevisit.exchange.models import AccessLog
from onevisit.exchange.services import registry_record_put
from tests.conftest import PDF
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db

SELLER = resident_id(birth="19700101", seq="111")
BUYER = resident_id(birth="19900101", seq="222")
COMPANY = "91330106MA2B00000U"
ADDRESS = "杭州市西湖区文三路 90 号 2 幢 301 室"
CERTIFICATE = "浙(2019)杭州市不动产权第0123456号"
OTHER = "浙(2023)杭州市不动产权第0654321号"
MORTGAGE = "330106-BDC-002"


@pytest.fixture
def world(db: None) -> None:
    demo_catalogue_load()
    for person, name in ((SELLER, "张卖方"), (BUYER, "李买方")):
        registry_record_put(source="population", evidence_type="resident_id_card",
                            subject=person, data={"name": name, "id_number": person})
    _register(registered_on="2019-03-02")


def _register(*, registered_on: str) -> None:
    registry_record_put(source="property", evidence_type="real_estate_certificate",
                        subject=SELLER, data={
                            "owner_name": "张卖方", "owner_id_number": SELLER,
                            "properties": [
                                {"certificate_number": CERTIFICATE, "address": ADDRESS,
                                 "use": "住宅", "building_area_m2": "104.48",
                                 "registered_on": registered_on},
                                {"certificate_number": OTHER, "address": "杭州市西湖区别处",
                                 "use": "非住宅", "building_area_m2": "45.00",
                                 "registered_on": "2023-05-01"},
                            ]})


def _sell(*, consent: bool = True, **changes: str) -> Filing:
    subject = subject_resolve(life_event_code="second-hand-housing")
    data = {
        "applicant_name": "张卖方", "applicant_id_number": SELLER,
        "applicant_phone": "13812345678", "buyer_name": "李买方", "buyer_id_number": BUYER,
        "buyer_phone": "13912345678", "property_certificate_number": CERTIFICATE,
        "property_address": ADDRESS, "contract_date": "2026-11-20",
        "transaction_price": "1850000", "property_use": "住宅", "property_area": "104.48",
        "buyer_family_housing": "家庭唯一住房", "seller_sole_home_over_five_years": "是",
        **changes,
    }
    return application_submit(
        subject=subject, applicant=Applicant(kind="person", name="张卖方", id_number=SELLER),
        data=data, channel=Channel.WINDOW, actor=UserFactory(username="window", clerk=True),
        uploads=[Upload(key=m.key, filename="a.pdf", content=PDF) for m in subject.materials
                 if m.required and not m.evidence_type_code],
        delivery=DeliveryChoice(method="download"), consent=consent,
    )


def _refused(**changes: str) -> dict[str, Any]:
    with pytest.raises(InvalidInput) as refused:
        _sell(**changes)
    assert not Application.objects.exists()
    return refused.value.errors


def test_the_registered_facts_file_and_the_taxes_use_them(world):
    filing = _sell()

    tax = next(case for case in filing.cases if case.item.code == "330106-SW-001")
    assert filing.application.status == "accepted"
    assert filing.application.data["property_area"] == "104.48"
    # 满五唯一 held since 2019: no individual income tax line is owed.
    assert [(line["charge"], line["amount_yuan"]) for line in tax.charges] == [
        ("契税", "18500.00"), ("个人所得税", "0.00")]


def test_an_area_the_register_contradicts_is_refused_and_nothing_is_stored(world):
    errors = _refused(property_area="89.50")

    assert errors == {"property_area": "与不动产登记簿记载的 104.48 平方米不一致"}
    refusal = AuditEvent.objects.get(action="application.filing_refused")
    assert refusal.data["reason"] == "申报的建筑面积（平方米）与登记簿记载不一致"
    # The register was read for the filing, and the seller's access log says so.
    assert AccessLog.objects.filter(evidence_type="real_estate_certificate").count() == 1


def test_a_use_the_register_contradicts_is_refused(world):
    errors = _refused(property_use="非住宅", property_area="104.48")

    assert errors == {"property_use": "与不动产登记簿记载的用途“住宅”不一致"}


def test_every_contradicted_fact_is_named_at_once(world):
    _register(registered_on="2022-07-17")

    errors = _refused(property_use="非住宅", property_area="120.00")

    assert errors == {
        "property_area": "与不动产登记簿记载的 104.48 平方米不一致",
        "property_use": "与不动产登记簿记载的用途“住宅”不一致",
        "seller_sole_home_over_five_years": "登记簿记载取得时间为 2022-07-17，不满五年",
    }


@pytest.mark.parametrize(("registered_on", "refused"), [
    ("2021-12-08", False),  # five years to the day before the filing (2026-12-08)
    ("2021-12-09", True),
])
def test_held_five_years_is_counted_from_the_registration_date(world, registered_on, refused):
    _register(registered_on=registered_on)

    if refused:
        assert _refused() == {
            "seller_sole_home_over_five_years":
                f"登记簿记载取得时间为 {registered_on}，不满五年"}
    else:
        assert _sell().application.status == "accepted"


def test_not_held_five_years_may_be_declared_whatever_the_register_says(world):
    _register(registered_on="2024-01-01")

    assert _sell(seller_sole_home_over_five_years="否").application.status == "accepted"


def test_the_facts_of_the_property_the_form_names_are_checked(world):
    filing = _sell(property_certificate_number=OTHER, property_address="杭州市西湖区别处",
                   property_use="非住宅", property_area="45.00",
                   seller_sole_home_over_five_years="否")

    assert filing.application.status == "accepted"


def test_without_consent_nothing_is_fetched_so_nothing_is_compared(world):
    filing = _sell(consent=False, property_area="89.50")

    assert filing.application.status == "needs_supplement"
    assert not AccessLog.objects.filter(evidence_type="real_estate_certificate").exists()


# ------------------------------------------------------------------- 企业规模

def test_a_person_buyer_cannot_claim_the_small_enterprise_waiver(world):
    errors = _refused(enterprise_size="微型企业")

    assert set(errors) == {"enterprise_size"}
    assert "缴费人为自然人" in errors["enterprise_size"]


def _mortgage(*, applicant: Applicant, data: dict[str, str]) -> Filing:
    subject = subject_resolve(item_code=MORTGAGE)
    return application_submit(
        subject=subject, applicant=applicant, data=data, channel=Channel.WINDOW,
        actor=UserFactory(username="window", clerk=True),
        uploads=[Upload(key=m.key, filename="a.pdf", content=PDF) for m in subject.materials
                 if m.required and not m.evidence_type_code],
        delivery=DeliveryChoice(method="download"),
    )


def test_the_waiver_counts_for_an_enterprise_applicant_and_not_for_a_person(world):
    data = {"property_certificate_number": CERTIFICATE, "property_address": ADDRESS,
            "mortgagee_name": "中国工商银行杭州分行", "secured_amount": "500000",
            "enterprise_size": "微型企业"}
    person = Applicant(kind="person", name="张卖方", id_number=SELLER)

    with pytest.raises(InvalidInput) as refused:
        _mortgage(applicant=person, data={**data, "applicant_name": "张卖方",
                                          "applicant_id_number": SELLER,
                                          "applicant_phone": "13812345678"})
    assert set(refused.value.errors) == {"enterprise_size"}
    assert not Application.objects.exists()

    company = Applicant(kind="enterprise", name="杭州示例科技有限公司", id_number=COMPANY)
    filing = _mortgage(applicant=company, data={**data, "applicant_name": "张卖方",
                                               "applicant_id_number": SELLER,
                                               "applicant_phone": "13812345678"})

    assert filing.application.data["enterprise_size"] == "微型企业"
