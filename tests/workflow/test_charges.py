"""Taxes and fees on cases: a charged case waits in 待缴费 with its clock paused; a
confirmed payment sends it to its department's queue, or completes a tax declaration at
once; the 完税证明 lists what was paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from onevisit import clock
from onevisit.applications.models import Application, Case, CaseStatusChange
from onevisit.catalogue.models import ChargeRule, ServiceItem
from onevisit.certificates.models import Certificate
from onevisit.errors import Conflict
from onevisit.lifeevents.services import life_event_define
from onevisit.notifications.models import Notification
from onevisit.workflow.services import case_charges_settle
from tests.conftest import World

pytestmark = pytest.mark.django_db

DEED_TAX = {"item_code": "330106-SW-001", "charge": "契税", "kind": "tax",
            "payer_field": "applicant_id_number", "base_field": "price",
            "rate": Decimal("0.01"), "note": "家庭唯一住房，面积140平方米及以下",
            "legal_basis": "《中华人民共和国契税法》第三条", "valid_from": dt.date(2024, 12, 1)}
REGISTRATION_FEE = {"item_code": "330106-BDC-001", "charge": "不动产登记费", "kind": "fee",
                    "amount_yuan": Decimal("80.00"), "note": "住宅类不动产登记，每件",
                    "legal_basis": "发改价格规〔2016〕2559号", "valid_from": dt.date(2017, 1, 1)}


@pytest.fixture
def charged(world: World) -> World:
    ChargeRule.objects.create(code="deed-tax-first", **DEED_TAX)
    ChargeRule.objects.create(code="registration-fee", **REGISTRATION_FEE)
    ServiceItem.objects.filter(pk=world.tax_item.pk).update(completes_on_payment=True,
                                                            result_name="税收完税证明")
    return world


def _file(api, world: World, **overrides) -> Application:
    response = api["citizen"].post("/applications", world.house_payload(**overrides))
    assert response.status_code == 201, response.json()
    return Application.objects.get(number=response.json()["number"])


def _case(application: Application, stage: str) -> Case:
    return application.cases.get(stage_key=stage)


def test_a_charged_case_waits_for_payment_with_its_clock_paused(charged, api):
    application = _file(api, charged)

    tax = _case(application, "tax")
    assert tax.status == "awaiting_payment"
    assert tax.charges_yuan == Decimal("18500.00")
    assert [(line["charge"], line["base_yuan"], line["rate"], line["amount_yuan"])
            for line in tax.charges] == [("契税", "1850000.00", "0.010000", "18500.00")]
    assert tax.paused_at is not None
    assert tax.remaining == 15
    # Not the tax office's to review: it is the applicant's move.
    assert api["reviewer:xh-sw"].get("/queue").json() == []
    claim = api["reviewer:xh-sw"].post(f"/cases/{tax.pk}/claim")
    assert claim.status_code == 409
    assert _case(application, "tax").status == "awaiting_payment"
    # An uncharged stage works as before; the fee stage waits for its dependencies.
    assert _case(application, "filing").status == "pending"
    assert _case(application, "transfer").status == "waiting"
    assert _case(application, "transfer").charges_yuan == Decimal("80.00")


def test_payment_completes_the_tax_declaration_and_the_fee_stage_goes_to_the_queue(
        charged, api):
    application = _file(api, charged)
    tax, transfer = _case(application, "tax"), _case(application, "transfer")

    paid = case_charges_settle(number=application.number, case_ids=[tax.pk],
                               reference="JK0001")

    assert [case.pk for case in paid] == [tax.pk]
    tax.refresh_from_db()
    assert tax.status == "approved"
    assert tax.paid_at is not None
    assert tax.decision_reason == "税费已缴清，办结"
    api["reviewer:xh-zjj"].decide(_case(application, "filing").pk)
    transfer.refresh_from_db()
    assert transfer.status == "awaiting_payment"  # its registration fee is unpaid
    later = clock.now() + dt.timedelta(minutes=30)
    with clock.frozen_at(later):
        case_charges_settle(number=application.number, case_ids=[transfer.pk],
                            reference="JK0002")
    transfer.refresh_from_db()
    assert transfer.status == "pending"
    # The clock resumes where it stopped: the 20 minutes are counted from the payment.
    assert transfer.due_at == later + dt.timedelta(minutes=20)
    assert [q["item_name"] for q in api["reviewer:xh-bdc"].get("/queue").json()] == [
        "房屋所有权转移登记"]


def test_paying_again_changes_nothing(charged, api):
    application = _file(api, charged)
    tax = _case(application, "tax")
    case_charges_settle(number=application.number, case_ids=[tax.pk], reference="JK0001")
    changes = CaseStatusChange.objects.count()

    again = case_charges_settle(number=application.number, case_ids=[tax.pk],
                                reference="JK0001")

    assert again == []
    assert CaseStatusChange.objects.count() == changes


def test_a_tax_paid_ahead_completes_when_its_stage_starts(charged, api):
    life_event_define(
        code="house-in-order", name="二手房交易登记一件事（顺序办理）", region_code="330106",
        committed_limit=50, limit_unit="minutes", promised_visits=1, actor=None,
        stages=[
            {"key": "filing", "name": "合同备案", "item_code": charged.filing.code},
            {"key": "tax", "name": "缴税", "item_code": charged.tax_item.code,
             "depends_on": ["filing"]},
            {"key": "transfer", "name": "转移登记", "item_code": charged.transfer.code,
             "depends_on": ["tax"]},
        ],
    )
    application = _file(api, charged, life_event_code="house-in-order")
    tax, transfer = _case(application, "tax"), _case(application, "transfer")

    case_charges_settle(number=application.number, case_ids=[tax.pk, transfer.pk],
                        reference="JK0001")
    assert _case(application, "tax").status == "waiting"
    api["reviewer:xh-zjj"].decide(_case(application, "filing").pk)

    assert _case(application, "tax").status == "approved"
    assert _case(application, "transfer").status == "pending"  # paid ahead: to the queue


def test_the_tax_certificate_lists_what_was_paid(charged, api):
    application = _file(api, charged)
    tax, transfer = _case(application, "tax"), _case(application, "transfer")
    case_charges_settle(number=application.number, case_ids=[tax.pk, transfer.pk],
                        reference="JK0001")
    api["reviewer:xh-zjj"].decide(_case(application, "filing").pk)
    api["reviewer:xh-bdc"].decide(transfer.pk)

    certificate = Certificate.objects.get(case=tax)
    assert certificate.title == "税收完税证明"
    assert [(line["charge"], line["amount_yuan"], line["rate_percent"], line["payer_name"])
            for line in certificate.data["charges"]] == [("契税", "18500.00", "1%", "王小明")]
    assert certificate.data["charges_total"] == "18500.00"
    assert certificate.data["charges_total_capitals"] == "壹万捌仟伍佰元整"
    assert charged.citizen_id not in str(certificate.data["charges"])  # masked


def test_a_payment_for_a_closed_application_is_refused(charged, api):
    application = _file(api, charged)
    tax = _case(application, "tax")
    Application.objects.filter(pk=application.pk).update(status="rejected")

    with pytest.raises(Conflict):
        case_charges_settle(number=application.number, case_ids=[tax.pk],
                            reference="JK0001")

    tax.refresh_from_db()
    assert tax.status == "awaiting_payment"
    assert tax.paid_at is None


def test_the_applicant_and_the_reviewer_see_the_breakdown(charged, api, client):
    application = _file(api, charged)
    tax = _case(application, "tax")

    client.force_login(charged.citizen)
    page = client.get(f"/me/applications/{application.number}/").content.decode()
    assert "等您缴纳税费，办理时限暂停" in page
    assert "请缴纳应缴的税费" in page
    listing = client.get("/me/").content.decode()
    assert "缴纳税费" in listing  # 需要您办理
    assert "无需您再做什么" not in page
    assert "家庭唯一住房，面积140平方米及以下" in page
    assert "18500.00" in page
    assert "1%" in page
    client.force_login(charged.reviewers["xh-sw"])
    queue = client.get("/workbench/?view=correction").content.decode()
    assert f'/workbench/cases/{tax.pk}/' in queue  # kept in view while the clock is paused
    assert "待缴费" in queue
    case_page = client.get(f"/workbench/cases/{tax.pk}/").content.decode()
    assert "《中华人民共和国契税法》第三条" in case_page
    assert "未缴纳" in case_page


def test_the_applicant_is_told_what_to_pay_once(charged, api):
    application = _file(api, charged)
    api["reviewer:xh-zjj"].decide(_case(application, "filing").pk)  # nothing new to pay yet

    told = Notification.objects.filter(event="payment_due")
    assert sorted(told.values_list("channel", flat=True)) == ["site", "sms"]  # once each
    message = told.get(channel="site")
    assert message.context["amount"] == "18500.00"
    assert message.context["charges"] == "契税 18500.00 元"
