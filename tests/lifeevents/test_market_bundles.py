"""The seed's market-entry bundles (docs/bundles.md): 多证合一 — one filing, one business
licence, twelve departmental records with its credit code — and 证照联办 — the licence and
a sector permit at once, where a refused permit leaves the licence standing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from stdnum.cn import uscc

from onevisit.accounts.models import Department
from onevisit.applications.constants import ApplicationStatus, CaseStatus, Channel
from onevisit.applications.models import Application, Case, RegistrationRecord
from onevisit.applications.selectors import application_status_words
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Upload,
    application_submit,
    subject_resolve,
)
from onevisit.certificates.constants import CertificateKind
from onevisit.certificates.models import Certificate
from onevisit.certificates.seals import seals_ensure
from onevisit.delivery.models import Delivery
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.exchange.services import registry_record_put
from onevisit.lifeevents.services import life_event_define
from onevisit.workflow.constants import RefusalKind
from onevisit.workflow.services import case_approve, case_claim, case_reject
from tests.conftest import PDF
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db

FOUNDER = resident_id(birth="19850303", seq="333")
NAME = "陈创业"
COMPANY = "杭州西溪小满餐饮有限公司"
ADDRESS = "杭州市西湖区文二路 88 号 1 楼"


@pytest.fixture
def catalogue(db: None) -> None:
    demo_catalogue_load()
    seals_ensure(actor=None)
    registry_record_put(source="population", evidence_type="resident_id_card",
                        subject=FOUNDER, data={"name": NAME, "id_number": FOUNDER})


def _file(life_event_code: str) -> Application:
    """The founder files the bundle at the window: one form, one material list."""
    clerk = UserFactory(username="window", clerk=True)
    subject = subject_resolve(life_event_code=life_event_code)
    values: dict[str, Any] = {
        "applicant_name": NAME, "applicant_id_number": FOUNDER,
        "applicant_phone": "13812345678", "company_name": COMPANY, "legal_rep_name": NAME,
        "legal_rep_id_number": FOUNDER, "company_type": "有限责任公司（自然人独资）",
        "registered_capital": "50", "business_address": ADDRESS,
        "business_scope": "餐饮服务；食品销售", "seal_count": "3", "employee_count": "6",
        "food_business_type": "餐饮服务经营者",
    }
    fields = {f.key for f in subject.fields}
    uploads = [Upload(key=m.key, filename="a.pdf", content=PDF) for m in subject.materials
               if m.required and not m.evidence_type_code]
    filing = application_submit(
        subject=subject, applicant=Applicant(kind="person", name=NAME, id_number=FOUNDER),
        data={key: value for key, value in values.items() if key in fields},
        channel=Channel.WINDOW, actor=clerk, uploads=uploads, consent=True,
        delivery=DeliveryChoice(method="courier", recipient=NAME, phone="13812345678",
                                address=ADDRESS),
    )
    application = filing.application
    assert application.status == ApplicationStatus.ACCEPTED, [
        (m.key, m.status) for m in filing.materials]
    return application


def _reviewer(case: Case) -> Any:
    department = Department.objects.get(pk=case.department_id)
    return UserFactory(username=f"r-{department.code}", reviewer=True, department=department)


def _approve(application: Application, stage: str) -> Case:
    case = application.cases.get(stage_key=stage)
    reviewer = _reviewer(case)
    case_claim(case_id=case.pk, actor=reviewer)
    return case_approve(case_id=case.pk, actor=reviewer, note="材料齐全")


def _refuse(application: Application, stage: str) -> Case:
    case = application.cases.get(stage_key=stage)
    reviewer = _reviewer(case)
    case_claim(case_id=case.pk, actor=reviewer)
    return case_reject(case_id=case.pk, actor=reviewer, reason="经营场所不符合许可条件",
                       legal_basis="《中华人民共和国食品安全法》第三十五条",
                       refusal=RefusalKind.NOT_PERMITTED)


# --------------------------------------------------------------------------- 多证合一


def test_one_filing_gives_one_licence_and_twelve_records_with_its_code(catalogue):
    application = _file("multi-licence")
    assert set(application.cases.values_list("status", flat=True)) == {
        CaseStatus.PENDING, CaseStatus.WAITING}

    _approve(application, "licence")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMPLETED
    results = Certificate.objects.filter(application=application, kind=CertificateKind.RESULT)
    assert [c.title for c in results] == ["营业执照"]
    licence = results.get()
    assert uscc.is_valid(licence.subject)
    assert licence.data["company_uscc"] == licence.subject
    assert licence.data["company_name"] == COMPANY
    records = RegistrationRecord.objects.filter(application=application)
    assert records.count() == 12
    assert {r.credit_code for r in records} == {licence.subject}
    assert {r.company_name for r in records} == {COMPANY}
    assert set(records.values_list("department__code", flat=True)) == {
        "xh-scjg", "xh-sw", "xh-rsj", "xh-tjj", "xh-ga", "xh-ybj", "xh-hg", "xh-gjj"}
    assert {r.name for r in records} >= {"税务登记", "统计登记", "单位参保登记", "公章刻制备案",
                                        "住房公积金缴存登记", "报关单位备案（进出口货物收发货人）"}
    # Made from the one filing, by no reviewer: the record stages were approved by the system.
    recorded = application.cases.exclude(stage_key="licence")
    assert {c.status for c in recorded} == {CaseStatus.APPROVED}
    assert {c.decided_by_id for c in recorded} == {None}
    assert records.get(name="住房公积金缴存登记").data["employee_count"] == 6
    assert Delivery.objects.filter(application=application).count() == 1


def test_a_record_stage_must_follow_another(catalogue):
    with pytest.raises(ValidationError):
        life_event_define(
            code="records-alone", name="只有登记", region_code="330106", committed_limit=1,
            limit_unit="working_days", promised_visits=0, actor=None,
            stages=[{"key": "tax", "name": "税务登记", "item_code": "330106-SW-021",
                     "mode": "record"}],
        )


def test_each_department_sees_only_its_own_records(catalogue):
    application = _file("multi-licence")
    _approve(application, "licence")
    code = RegistrationRecord.objects.filter(application=application).first().credit_code
    statistics = UserFactory(username="tj", reviewer=True,
                             department=Department.objects.get(code="xh-tjj"))
    customs = UserFactory(username="hg", reviewer=True,
                          department=Department.objects.get(code="xh-hg"))

    browser = Client()
    browser.force_login(statistics)
    page = browser.get("/workbench/registrations/").content.decode()
    browser.force_login(customs)
    other = browser.get("/workbench/registrations/").content.decode()

    assert "统计登记" in page
    assert code in page
    assert COMPANY in page
    assert "报关单位备案" not in page
    assert "报关单位备案" in other
    assert "统计登记" not in other
    assert FOUNDER not in page  # ID numbers are masked
    citizen = UserFactory(username="founder", id_number=FOUNDER)
    browser.force_login(citizen)
    assert browser.get("/workbench/registrations/").status_code == 403


# --------------------------------------------------------------------------- 证照联办


def test_the_licence_and_the_permit_start_together(catalogue):
    application = _file("licence-food")

    assert {c.stage_key: c.status for c in application.cases.all()} == {
        "licence": CaseStatus.PENDING, "permit": CaseStatus.PENDING}


@pytest.mark.parametrize("licence_first", [False, True])
def test_a_refused_permit_leaves_the_licence_issued_with_the_decision(catalogue,
                                                                      licence_first):
    application = _file("licence-food")
    if licence_first:
        _approve(application, "licence")
        application.refresh_from_db()
        assert application.status == ApplicationStatus.ACCEPTED  # the permit is still open
    _refuse(application, "permit")
    if not licence_first:
        application.refresh_from_db()
        assert application.status == ApplicationStatus.ACCEPTED  # the licence goes on
        assert application.cases.get(stage_key="licence").status == CaseStatus.PENDING
        assert not Certificate.objects.filter(application=application,
                                              kind=CertificateKind.RESULT).exists()
        _approve(application, "licence")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMPLETED
    assert {c.stage_key: c.status for c in application.cases.all()} == {
        "licence": CaseStatus.APPROVED, "permit": CaseStatus.REJECTED}
    issued = {c.kind: c for c in Certificate.objects.filter(application=application)}
    assert issued[CertificateKind.RESULT].title == "营业执照"
    assert issued[CertificateKind.REFUSAL].data["reason"] == "经营场所不符合许可条件"
    assert issued[CertificateKind.REFUSAL].data["review_days"]
    assert Certificate.objects.filter(application=application).count() == 2
    assert Delivery.objects.filter(application=application).count() == 1  # delivered together
    words = application_status_words(application)
    assert words.startswith("部分办结")
    assert "食品经营许可（新办企业）" in words


def test_the_applicant_reads_the_partial_completion(catalogue):
    application = _file("licence-food")
    _refuse(application, "permit")
    _approve(application, "licence")
    browser = Client()
    browser.force_login(UserFactory(username="founder", id_number=FOUNDER))

    page = browser.get(f"/me/applications/{application.number}/").content.decode()

    assert "部分办结" in page
    assert "营业执照" in page
    assert "不予许可" in page
    listing = browser.get("/me/").content.decode()
    assert "部分办结" in listing


def test_a_refused_licence_ends_the_permit_too(catalogue):
    application = _file("licence-food")

    _refuse(application, "licence")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert {c.stage_key: c.status for c in application.cases.all()} == {
        "licence": CaseStatus.REJECTED, "permit": CaseStatus.CANCELLED}
    assert not Certificate.objects.filter(application=application,
                                          kind=CertificateKind.RESULT).exists()
    assert not application.cases.exclude(credit_code="").exists()
    assert application_status_words(application) == "不予许可"


def test_an_all_or_nothing_bundle_still_refuses_the_whole_application(world, api):
    """二手房 (every stage refused for the whole application): the filing refused after the
    tax was approved, the application is refused, not completed in part, and no result
    is issued; the transfer that depended on both ends."""
    body = api["citizen"].post("/applications", world.house_payload()).json()
    cases = {c["stage_key"]: c["id"] for c in body["cases"]}
    assert api["reviewer:xh-sw"].decide(cases["tax"]).status_code == 200

    response = api["reviewer:xh-zjj"].decide(cases["filing"], "reject", {
        "reason": "房屋已被司法查封", "legal_basis": "《不动产登记暂行条例》第二十二条"})

    assert response.json()["application_status"] == "rejected"
    application = Application.objects.get(number=body["number"])
    assert dict(application.cases.values_list("stage_key", "status")) == {
        "filing": "rejected", "tax": "approved", "transfer": "cancelled"}
    assert [c.kind for c in Certificate.objects.filter(application=application)] == [
        CertificateKind.REFUSAL]
    assert application_status_words(application) == "不予许可"
