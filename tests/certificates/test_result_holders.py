"""The 不动产权证书 of a 二手房 sale is the buyers' (each joint buyer's): a mortgage the
buyer files afterwards fetches it from the certificate library instead of asking for it."""

from __future__ import annotations

import pytest

from onevisit.accounts.models import Department
from onevisit.applications.constants import CaseStatus, Channel, MaterialStatus
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Upload,
    application_submit,
    subject_resolve,
)
from onevisit.certificates.models import Certificate, CertificateHolder
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.exchange.models import AccessLog
from onevisit.exchange.services import registry_record_put
from onevisit.workflow.services import case_approve, case_charges_settle, case_claim
from tests.conftest import PDF
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db

SELLER = resident_id(birth="19700101", seq="111")
BUYER = resident_id(birth="19900101", seq="222")
CO_BUYER = resident_id(birth="19910202", seq="224")
OLD_NUMBER = "浙(2019)杭州市不动产权第0123456号"
ADDRESS = "杭州市西湖区文三路 90 号 2 幢 301 室"
NAMES = {SELLER: "张卖方", BUYER: "李买方", CO_BUYER: "王共买"}


@pytest.fixture
def registries(db: None) -> None:
    demo_catalogue_load()
    for person, name in NAMES.items():
        registry_record_put(source="population", evidence_type="resident_id_card",
                            subject=person, data={"name": name, "id_number": person})
    registry_record_put(source="property", evidence_type="real_estate_certificate",
                        subject=SELLER, data={
                            "owner_name": NAMES[SELLER], "owner_id_number": SELLER,
                            "properties": [{"certificate_number": OLD_NUMBER,
                                            "address": ADDRESS}]})


def _sell(*, co_buyer: bool) -> Certificate:
    clerk = UserFactory(username="window", clerk=True)
    subject = subject_resolve(life_event_code="second-hand-housing")
    data = {
        "applicant_name": NAMES[SELLER], "applicant_id_number": SELLER,
        "applicant_phone": "13812345678", "buyer_name": NAMES[BUYER], "buyer_id_number": BUYER,
        "buyer_phone": "13912345678", "property_certificate_number": OLD_NUMBER,
        "property_address": ADDRESS, "transaction_price": "1850000",
        "contract_date": "2026-11-20", "property_use": "住宅", "property_area": "89.50",
        "buyer_family_housing": "家庭唯一住房", "seller_sole_home_over_five_years": "否",
    }
    if co_buyer:
        data |= {"co_buyer_name": NAMES[CO_BUYER], "co_buyer_id_number": CO_BUYER}
    uploads = [Upload(key=m.key, filename="a.pdf", content=PDF) for m in subject.materials
               if m.required and not m.evidence_type_code]
    filing = application_submit(
        subject=subject, applicant=Applicant(kind="person", name=NAMES[SELLER], id_number=SELLER),
        data=data, channel=Channel.WINDOW, actor=clerk, uploads=uploads, consent=True,
        delivery=DeliveryChoice(method="courier", recipient=NAMES[BUYER], phone="13912345678",
                                address=ADDRESS),
    )
    application = filing.application
    assert application.status == "accepted", [(m.key, m.status) for m in filing.materials]
    # The taxes and the registration fee paid as the payment platform confirms them.
    case_charges_settle(number=application.number, reference="JK-TEST",
                        case_ids=[c.pk for c in application.cases.filter(charges_yuan__gt=0)])
    reviewers: dict[int, object] = {}
    while (case := application.cases.filter(status=CaseStatus.PENDING).first()) is not None:
        department = Department.objects.get(pk=case.department_id)
        reviewer = reviewers.setdefault(department.pk, UserFactory(
            username=f"r-{department.code}", reviewer=True, department=department))
        case_claim(case_id=case.pk, actor=reviewer)
        case_approve(case_id=case.pk, actor=reviewer, note="")
    application.refresh_from_db()
    assert application.status == "completed"
    return Certificate.objects.get(application=application,
                                   evidence_type="real_estate_certificate")


def _mortgage(person: str, number: str = OLD_NUMBER):
    citizen = UserFactory(username=f"c-{person}", id_number=person)
    subject = subject_resolve(item_code="330106-BDC-002")
    filing = application_submit(
        subject=subject, applicant=Applicant(kind="person", name=NAMES[person], id_number=person),
        data={"applicant_name": NAMES[person], "applicant_id_number": person,
              "applicant_phone": "13912345678", "property_certificate_number": number,
              "property_address": ADDRESS, "mortgagee_name": "中国工商银行杭州西湖支行",
              "secured_amount": "1000000"},
        channel=Channel.ONLINE, actor=citizen, consent=True,
        uploads=[Upload(key=m.key, filename="a.pdf", content=PDF) for m in subject.materials
                 if not m.evidence_type_code],
        delivery=DeliveryChoice(method="download"),
    )
    return {m.evidence_type: m for m in filing.materials}["real_estate_certificate"]


def test_before_the_sale_the_buyer_is_asked_for_the_certificate(registries):
    material = _mortgage(BUYER)

    assert material.status == MaterialStatus.MISSING


def test_the_certificate_is_the_buyers_and_her_mortgage_fetches_it(registries):
    certificate = _sell(co_buyer=False)

    assert (certificate.subject, certificate.holder_id, certificate.holder_name) == (
        BUYER, BUYER, NAMES[BUYER])
    assert certificate.data["co_ownership"] == "单独所有"
    material = _mortgage(BUYER, certificate.number)
    assert material.status == MaterialStatus.FETCHED
    assert material.source == "certificates"
    assert material.evidence["certificate_number"] == certificate.number
    assert material.evidence["holder_name"] == NAMES[BUYER]
    read = AccessLog.objects.get(application_number=material.application.number,
                                 evidence_type="real_estate_certificate")
    assert (read.source, read.outcome) == ("certificates", "found")


def test_joint_buyers_each_hold_the_certificate(registries):
    certificate = _sell(co_buyer=True)

    assert sorted(CertificateHolder.objects.filter(certificate=certificate)
                  .values_list("subject", "name")) == sorted(
        [(BUYER, NAMES[BUYER]), (CO_BUYER, NAMES[CO_BUYER])])
    assert certificate.data["holders"] == [NAMES[BUYER], NAMES[CO_BUYER]]
    assert certificate.data["co_ownership"] == "共同共有"
    for person in (BUYER, CO_BUYER):
        material = _mortgage(person, certificate.number)
        assert material.status == MaterialStatus.FETCHED, person
        assert material.evidence["certificate_number"] == certificate.number
        assert material.evidence["holder_name"] == NAMES[person]


def test_the_seller_no_longer_holds_what_she_sold(registries):
    certificate = _sell(co_buyer=False)

    assert certificate.subject != SELLER
    assert not CertificateHolder.objects.filter(subject=SELLER).exists()


def test_a_revoked_certificate_is_not_fetched(registries):
    certificate = _sell(co_buyer=True)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)

    assert _mortgage(CO_BUYER, certificate.number).status == MaterialStatus.MISSING
