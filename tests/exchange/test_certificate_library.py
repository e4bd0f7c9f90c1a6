"""Issued certificates enter the certificate library and are fetched as evidence by
later applications: the licence from company registration needs no upload afterwards."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from onevisit.catalogue.services import item_publish
from onevisit.certificates.models import Certificate
from onevisit.exchange.models import AccessLog
from onevisit.workflow.services import case_approve, case_claim
from tests.factories import (
    DepartmentFactory,
    EvidenceTypeFactory,
    FieldDefFactory,
    ItemFieldFactory,
    MaterialFactory,
    ServiceItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def licensing(world):
    market = DepartmentFactory(code="xh-scjg", name="西湖区市场监督管理局")
    licence = EvidenceTypeFactory(code="business-licence", name="营业执照",
                                  subject_kind="enterprise", source="certificates",
                                  subject_field="company_uscc")
    fields = {
        "applicant_id_number": FieldDefFactory(key="applicant_id_number"),
        "company_name": FieldDefFactory(key="company_name", label="企业名称", type="text"),
        "company_uscc": FieldDefFactory(key="company_uscc", label="统一社会信用代码",
                                        type="uscc"),
    }
    register = ServiceItemFactory(code="330106-SJ-001", name="企业设立登记", department=market,
                                  region_id="330106", result_name="营业执照",
                                  result_evidence_type=licence)
    food = ServiceItemFactory(code="330106-SJ-003", name="食品经营许可", department=market,
                              region_id="330106", result_name="食品经营许可证")
    for order, key in enumerate(("applicant_id_number", "company_name")):
        ItemFieldFactory(item=register, field=fields[key], order=order)
    for order, key in enumerate(("applicant_id_number", "company_name", "company_uscc")):
        ItemFieldFactory(item=food, field=fields[key], order=order)
    MaterialFactory(item=food, code="business-licence", name="营业执照", evidence_type=licence)
    for item in (register, food):
        item_publish(item=item, actor=None)
    reviewer = UserFactory(username="reviewer-scjg", reviewer=True, department=market)
    return register, food, reviewer


def _file(api, world, item_code: str, **data) -> dict:
    response = api["citizen"].post("/applications", {
        "item_code": item_code,
        "applicant": {"kind": "person", "name": "王小明", "id_number": world.citizen_id},
        "data": {"applicant_id_number": world.citizen_id, "company_name": "杭州西溪茶社有限公司",
                 **data},
        "consent_to_fetch": True,
    })
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_licence_issued_here_is_fetched_by_a_later_application(world, api, licensing):
    register, food, reviewer = licensing
    registered = _file(api, world, register.code)
    case_claim(case_id=registered["cases"][0]["id"], actor=reviewer)
    case_approve(case_id=registered["cases"][0]["id"], actor=reviewer)

    certificate = Certificate.objects.get()
    assert certificate.evidence_type == "business-licence"
    assert uscc.is_valid(certificate.subject)  # registration assigned the credit code
    assert certificate.data["company_uscc"] == certificate.subject

    later = _file(api, world, food.code, company_uscc=certificate.subject)

    material = next(m for m in later["materials"] if m["key"] == "evidence:business-licence")
    assert material["status"] == "fetched"
    assert later["status"] == "accepted"
    log = AccessLog.objects.get(application_number=later["number"])
    assert (log.source, log.outcome) == ("certificates", "found")


def test_a_revoked_licence_is_not_evidence(world, api, licensing):
    register, food, reviewer = licensing
    registered = _file(api, world, register.code)
    case_claim(case_id=registered["cases"][0]["id"], actor=reviewer)
    case_approve(case_id=registered["cases"][0]["id"], actor=reviewer)
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)

    later = _file(api, world, food.code, company_uscc=certificate.subject)

    material = next(m for m in later["materials"] if m["key"] == "evidence:business-licence")
    assert material["status"] == "missing"
    assert later["status"] == "needs_supplement"
