"""The hall console: window intake with prefill, the notice and receipt to print, the
applicant's return, result handover and courier hand-off."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onevisit.applications.models import Application
from onevisit.audit.models import AuditEvent
from onevisit.delivery.models import Delivery
from onevisit.exchange.models import AccessLog
from onevisit.workflow.services import case_approve, case_claim
from tests.conftest import PDF, PNG

pytestmark = pytest.mark.django_db

SUBJECT = "life-events:house"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _intake_form(world, delivery: str = "pickup", **overrides):
    form = {
        "subject": SUBJECT, "applicant_kind": "person", "applicant_name": "王小明",
        "applicant_id_number": world.citizen_id,
        "f:applicant_id_number": world.citizen_id, "f:phone": "13812345678",
        "f:price": "1850000", "f:contract_date": "2026-11-20", "f:property_use": "住宅",
        "delivery_method": delivery, "delivery_recipient": "王小明",
        "delivery_phone": "13812345678", "delivery_address": "杭州市西湖区文三路 100 号",
        "m:upload:330106-FW-001:sales-contract": SimpleUploadedFile("a.pdf", PDF),
        "m:upload:330106-SW-001:tax-form": SimpleUploadedFile("c.png", PNG),
        "consent": "1",  # the applicant agreed at the window
    }
    form.update(overrides)
    return form


def test_prefill_shows_what_the_registries_hold_and_logs_the_reads(world):
    page = _browser(world.clerk).get(
        "/hall/intake/",
        {"subject": SUBJECT, "applicant_id_number": world.citizen_id, "consent": "1"},
    ).content.decode()

    assert "王小明" in page  # the name comes from the population registry
    assert page.count("已共享获取，无需提交") == 2  # property certificate and ID card
    assert f'value="{world.citizen_id}"' in page
    reads = AccessLog.objects.filter(application_number="")
    assert {r.evidence_type for r in reads} == {"property-certificate", "resident-id-card"}
    assert all(r.purpose.startswith("窗口受理预填") for r in reads)


def test_without_the_applicants_consent_the_window_reads_nothing(world):
    page = _browser(world.clerk).get(
        "/hall/intake/", {"subject": SUBJECT, "applicant_id_number": world.citizen_id}
    ).content.decode()

    assert "申请人未同意共享获取" in page
    assert "已共享获取，无需提交" not in page
    assert not AccessLog.objects.exists()


def test_a_missing_material_gets_a_notice_then_the_return_visit_is_counted(world):
    clerk = _browser(world.clerk)
    response = clerk.post("/hall/intake/", _intake_form(world))
    application = Application.objects.get()
    assert response["Location"] == f"/hall/applications/{application.number}/"
    page = clerk.get(response["Location"]).content.decode()
    notice = application.notices.get()
    assert f"/documents/{application.number}/notices/{notice.number}.pdf" in page
    assert "不动产登记申请书" in page
    assert clerk.get(f"/documents/{application.number}/notices/{notice.number}.pdf")[
        "Content-Type"] == "application/pdf"

    clerk.post(f"/hall/applications/{application.number}/supplement/", {
        "m:upload:330106-BDC-001:application-form": SimpleUploadedFile("b.pdf", PDF),
        "new_trip": "1", "visit_cause": "second_trip_demanded",
    })

    application.refresh_from_db()
    assert application.status == "accepted"
    assert application.visits.count() == 2
    page = clerk.get(f"/hall/applications/{application.number}/").content.decode()
    assert "跑动次数超过承诺" in page
    assert "收取补齐材料" not in page  # nothing is asked for any more
    assert application.receipt_number in page


def test_every_problem_is_shown_at_once_and_nothing_is_filed(world):
    response = _browser(world.clerk).post(
        "/hall/intake/", _intake_form(world, **{"f:price": "abc", "applicant_name": ""}))

    page = response.content.decode()
    assert response.status_code == 422
    assert "成交价格" in page
    assert "姓名或单位名称" in page
    assert not Application.objects.exists()


def _completed(world, delivery: str) -> Application:
    _browser(world.clerk).post("/hall/intake/", _intake_form(world, delivery, **{
        "m:upload:330106-BDC-001:application-form": SimpleUploadedFile("b.pdf", PDF)}))
    application = Application.objects.get()
    for department in (world.housing, world.tax, world.registry):
        case = application.cases.get(department=department)
        case_claim(case_id=case.pk, actor=world.reviewer(department))
        case_approve(case_id=case.pk, actor=world.reviewer(department), note="")
    return application


def test_handover_at_the_window_on_another_day_is_a_new_trip(world):
    application = _completed(world, "pickup")
    clerk = _browser(world.clerk)
    assert clerk.get("/hall/find/", {"q": application.receipt_number})["Location"] == \
        f"/hall/applications/{application.number}/"

    clerk.post(f"/hall/applications/{application.number}/pickup/", {"new_trip": "1"})

    assert Delivery.objects.get().status == "delivered"
    assert application.visits.count() == 2


def test_courier_hand_off_lists_booked_parcels_and_dispatches_them(world):
    application = _completed(world, "courier")
    clerk = _browser(world.clerk)
    delivery = Delivery.objects.get()
    assert delivery.tracking_number in clerk.get("/hall/parcels/").content.decode()

    clerk.post("/hall/parcels/dispatch/", {"tracking_number": [delivery.tracking_number]})

    delivery.refresh_from_db()
    assert delivery.status == "dispatched"
    assert delivery.tracking_number not in clerk.get("/hall/parcels/").content.decode()
    assert application.visits.count() == 1


def test_only_window_clerks_use_the_console(world):
    for user in (world.citizen, world.reviewer(world.housing), world.supervisor):
        browser = _browser(user)
        assert browser.get("/hall/intake/").status_code == 403
        assert browser.post("/hall/intake/", _intake_form(world)).status_code == 403
        assert browser.get("/hall/parcels/").status_code == 403
    assert not Application.objects.exists()
    assert Client().get("/hall/intake/").status_code == 302


def test_the_window_asks_for_the_delivery_method_courier_first(world):
    page = _browser(world.clerk).get(
        "/hall/intake/",
        {"subject": SUBJECT, "applicant_id_number": world.citizen_id, "consent": "1"},
    ).content.decode()

    methods = re.findall(r'name="delivery_method" value="(\w+)"( checked)?', page)
    assert methods == [("courier", ""), ("pickup", ""), ("download", "")]
    assert 'id="delivery_recipient" name="delivery_recipient" value="王小明"' in page


def test_a_window_filing_without_a_delivery_method_is_refused(world):
    audit = AuditEvent.objects.count()

    response = _browser(world.clerk).post("/hall/intake/", _intake_form(world, delivery=""))

    assert response.status_code == 422
    assert "请询问申请人并选择结果送达方式" in response.content.decode()
    assert not Application.objects.exists()
    assert AuditEvent.objects.count() == audit


def test_a_pickup_the_applicant_chose_is_not_a_broken_promise(world):
    application = _completed(world, "pickup")

    _browser(world.clerk).post(f"/hall/applications/{application.number}/pickup/",
                               {"new_trip": "1", "visit_cause": "prefers_window"})

    assert [v.cause for v in application.visits.all()] == ["required", "prefers_window"]
    page = _browser(world.clerk).get(f"/hall/applications/{application.number}/").content
    assert "其中计入承诺的 1 次（承诺最多 1 次；申请人自愿的不计入）" in page.decode()
    assert "跑动次数超过承诺" not in page.decode()
