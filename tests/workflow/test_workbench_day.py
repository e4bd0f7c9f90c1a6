"""A reviewer's working day: claims and the lead's reassignment, the queue's views, every
material opened and logged, written refusal decisions, and 容缺 followed up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from onevisit import clock
from onevisit.applications.models import Application, ApplicationMaterial, Case
from onevisit.applications.selectors import tolerated_due_between
from onevisit.applications.services.notifying import tolerated_reminders_send
from onevisit.audit.models import AuditEvent
from onevisit.certificates.models import Certificate
from onevisit.certificates.services import certificate_pdf
from onevisit.delivery.models import Delivery
from onevisit.exchange.models import AccessLog
from onevisit.files.models import StoredFile
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.models import Notification
from onevisit.supervision.models import Alert
from onevisit.workflow.models import WorkItem
from onevisit.workflow.selectors import remedies_for
from onevisit.workflow.services import (
    case_claim,
    remedy_bodies_set,
    tolerated_overdue_scan,
)
from tests.conftest import PDF, PNG, Api, World, b64
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TAX_FORM = "upload:330106-SW-001:tax-form"
CONTRACT = "upload:330106-FW-001:sales-contract"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(world: World, api, **overrides) -> dict:
    response = api["citizen"].post("/applications", world.house_payload(**overrides))
    assert response.status_code == 201, response.json()
    return response.json()


def _cases(body: dict) -> dict[str, int]:
    return {c["stage_key"]: c["id"] for c in body["cases"]}


def _tolerated_filing(world: World, api) -> dict:
    """The 二手房 filing with the 契税纳税申报表 accepted under 容缺 (not uploaded)."""
    payload = world.house_payload()
    payload["materials"] = [m for m in payload["materials"] if m["key"] != TAX_FORM]
    payload["tolerated_missing"] = [TAX_FORM]
    response = api["citizen"].post("/applications", payload)
    assert response.status_code == 201, response.json()
    return response.json()


def _approve_all(api, cases: dict[str, int]) -> None:
    for stage, role in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        response = api[f"reviewer:{role}"].decide(cases[stage])
        assert response.status_code == 200, response.json()


# --------------------------------------------------------------------------- claims


def test_an_unclaimed_case_cannot_be_decided(world, api):
    filing = _cases(_file(world, api))["filing"]

    for action, body in (("approve", {}), ("reject", {"reason": "r", "legal_basis": "b"}),
                         ("corrections", {"entries": [{"key": CONTRACT, "problem": "p"}]})):
        response = api["reviewer:xh-zjj"].post(f"/cases/{filing}/{action}", body)
        assert response.status_code == 409, action
        assert response.json()["message"] == "请先认领该办件，再作出决定"

    assert Case.objects.get(pk=filing).status == "pending"
    assert not WorkItem.objects.exists()
    assert not Certificate.objects.exists()


def test_the_lead_reassigns_a_claimed_case_and_only_the_new_claimer_decides(world, api):
    from onevisit.workflow.services import case_reassign

    filing = _cases(_file(world, api))["filing"]
    first = world.reviewer(world.housing)
    second = UserFactory(username="second", reviewer=True, department=world.housing)
    lead = UserFactory(username="lead", lead=True, department=world.housing)
    case_claim(case_id=filing, actor=first)

    case_reassign(case_id=filing, assignee_id=second.pk, actor=lead, reason="休假")

    assert [(w.assignee, w.outcome, w.note) for w in WorkItem.objects.order_by("id")] == [
        (first, "reassigned", "休假"), (second, "", "")]
    assert api["reviewer:xh-zjj"].post(f"/cases/{filing}/approve").status_code == 409
    assert Api(second).post(f"/cases/{filing}/approve").status_code == 200
    assert AuditEvent.objects.filter(action="case.reassigned").count() == 1


def test_reassignment_is_the_leads_and_within_her_department(world, api):
    from onevisit.errors import InvalidInput, NotAllowed
    from onevisit.workflow.services import case_reassign

    filing = _cases(_file(world, api))["filing"]
    reviewer = world.reviewer(world.housing)
    other = UserFactory(username="other", reviewer=True, department=world.housing)
    lead = UserFactory(username="lead", lead=True, department=world.housing)
    case_claim(case_id=filing, actor=reviewer)

    with pytest.raises(NotAllowed):
        case_reassign(case_id=filing, assignee_id=other.pk, actor=reviewer)
    with pytest.raises(InvalidInput):
        case_reassign(case_id=filing, assignee_id=world.reviewer(world.tax).pk, actor=lead)

    assert [(w.assignee, w.finished_at) for w in WorkItem.objects.all()] == [(reviewer, None)]
    assert not AuditEvent.objects.filter(action="case.reassigned").exists()


def test_the_lead_reassigns_from_the_case_page(world, api):
    filing = _cases(_file(world, api))["filing"]
    other = UserFactory(username="other", reviewer=True, department=world.housing,
                        first_name="李审批")
    lead = UserFactory(username="lead", lead=True, department=world.housing)
    page = _browser(lead).get(f"/workbench/cases/{filing}/").content.decode()
    assert "改派给" in page
    assert "改派给" not in _browser(other).get(f"/workbench/cases/{filing}/").content.decode()

    _browser(lead).post(f"/workbench/cases/{filing}/reassign/", {"assignee": other.pk})

    assert WorkItem.objects.get(case_id=filing).assignee == other
    page = _browser(other).get(f"/workbench/cases/{filing}/").content.decode()
    assert "由 李审批" in page
    assert 'name="note"' in page  # the decision forms are hers


# --------------------------------------------------------------------------- queue views


def test_the_queue_views_mine_unclaimed_overdue_and_correction(world, api):
    mine = _cases(_file(world, api))["filing"]
    unclaimed = api["citizen"].post("/applications", world.licence_payload()).json()
    unclaimed_case = unclaimed["cases"][0]["id"]
    waiting = _cases(_file(world, api))["filing"]
    reviewer = world.reviewer(world.housing)
    case_claim(case_id=mine, actor=reviewer)
    api["reviewer:xh-zjj"].decide(waiting, "corrections",
                                  {"entries": [{"key": CONTRACT, "problem": "缺少签字"}]})
    Case.objects.filter(pk=unclaimed_case).update(due_at=clock.now() - dt.timedelta(hours=1))
    numbers = {pk: Case.objects.get(pk=pk).application.number
               for pk in (mine, unclaimed_case, waiting)}
    browser = _browser(reviewer)

    def rows(view: str) -> set[int]:
        page = browser.get(f"/workbench/?view={view}").content.decode()
        return {pk for pk, number in numbers.items() if f">{number}</a>" in page}

    assert rows("mine") == {mine}
    assert rows("unclaimed") == {unclaimed_case}
    assert rows("overdue") == {unclaimed_case}
    assert rows("correction") == {waiting}
    everything = browser.get("/workbench/").content.decode()
    assert all(f">{number}</a>" in everything for number in numbers.values())
    assert "等待申请人补正或缴费（办理时限暂停）" in everything
    assert "暂停时剩余 15 分钟" in everything or "暂停时剩余 14 分钟" in everything


# --------------------------------------------------------------------------- materials


def _material(number: str, key: str) -> ApplicationMaterial:
    return ApplicationMaterial.objects.get(application__number=number, key=key)


def test_a_reviewer_opens_an_upload_inline_and_the_opening_is_logged_once(world, api):
    body = _file(world, api)
    filing = _cases(body)["filing"]
    contract = _material(body["number"], CONTRACT)
    reviewer = world.reviewer(world.housing)
    browser = _browser(reviewer)
    before = AccessLog.objects.count()

    page = browser.get(f"/workbench/cases/{filing}/materials/{contract.pk}/").content.decode()

    assert '<iframe class="material-viewer"' in page
    read = AccessLog.objects.order_by("-id").first()
    assert AccessLog.objects.count() == before + 1
    assert (read.actor, read.case_id, read.application_number, read.evidence_type) == (
        reviewer, filing, body["number"], "material")
    assert read.purpose == "审查办件：存量房交易合同网签备案（查看材料“存量房买卖合同”）"
    src = page.split('<iframe class="material-viewer" src="')[1].split('"')[0]
    framed = browser.get(src.replace("&amp;", "&"))
    assert framed.status_code == 200
    assert framed.content == PDF
    assert framed["Content-Type"] == "application/pdf"
    assert framed["Content-Disposition"] == f'inline; filename="{body["number"]}-{contract.pk}.pdf"'
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    assert AccessLog.objects.count() == before + 1  # the frame is part of the same opening
    # The file asked for without the viewer's token is an opening of its own.
    direct = browser.get(f"/workbench/cases/{filing}/materials/{contract.pk}/file?download=1")
    assert direct["Content-Disposition"].startswith("attachment;")
    assert AccessLog.objects.count() == before + 2


def test_an_image_opens_as_an_image(world, api):
    body = _file(world, api)
    form = _material(body["number"], TAX_FORM)

    page = _browser(world.reviewer(world.tax)).get(
        f"/workbench/cases/{_cases(body)['tax']}/materials/{form.pk}/").content.decode()

    assert '<img class="material-viewer"' in page


def test_fetched_evidence_opens_as_the_registry_record_with_source_and_time(world, api):
    moment = dt.datetime(2026, 11, 20, 2, 30, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        body = _file(world, api)
    transfer = _cases(body)["transfer"]
    certificate = _material(body["number"], "evidence:property-certificate")

    page = _browser(world.reviewer(world.registry)).get(
        f"/workbench/cases/{transfer}/materials/{certificate.pk}/").content.decode()

    assert "来源：不动产登记库（自然资源）" in page
    assert "获取时间：2026-11-20 10:30" in page
    assert "<th>证号</th><td>浙(2019)杭州市不动产权第0123456号</td>" in page
    assert AccessLog.objects.filter(case_id=transfer,
                                    evidence_type="property-certificate").count() == 1


def test_no_one_outside_the_department_opens_a_material_and_nothing_is_logged(world, api):
    body = _file(world, api)
    filing = _cases(body)["filing"]
    contract = _material(body["number"], CONTRACT)
    tax_form = _material(body["number"], TAX_FORM)
    before = AccessLog.objects.count()
    page = f"/workbench/cases/{filing}/materials/{contract.pk}/"

    assert _browser(world.reviewer(world.tax)).get(page).status_code == 404
    assert _browser(world.reviewer(world.tax)).get(f"{page}file").status_code == 404
    assert _browser(world.citizen).get(page).status_code == 403
    assert _browser(world.clerk).get(f"{page}file").status_code == 403
    # Another item's material is not this case's to open (purpose limitation).
    foreign = f"/workbench/cases/{filing}/materials/{tax_form.pk}/"
    assert _browser(world.reviewer(world.housing)).get(foreign).status_code == 404
    assert AccessLog.objects.count() == before


# --------------------------------------------------------------------------- refusals


def test_a_refusal_issues_a_sealed_decision_naming_the_remedies_and_delivers_it(world, api):
    remedy_bodies_set(region_code="330106", review_body="杭州市西湖区人民政府",
                      court="杭州市西湖区人民法院", actor=None)
    body = _file(world, api)
    filing = _cases(body)["filing"]

    response = api["reviewer:xh-zjj"].decide(filing, "reject", {
        "reason": "房屋已被司法查封", "legal_basis": "《不动产登记暂行条例》第二十二条"})

    assert response.status_code == 200, response.json()
    decision = Certificate.objects.get()
    assert (decision.kind, decision.title, decision.case_id) == (
        "refusal", "不予许可决定书", filing)
    assert decision.evidence_type == ""  # never evidence for a later application
    assert decision.data["reason"] == "房屋已被司法查封"
    assert decision.data["legal_basis"] == "《不动产登记暂行条例》第二十二条"
    assert (decision.data["review_body"], decision.data["review_days"],
            decision.data["court"], decision.data["litigation_months"]) == (
        "杭州市西湖区人民政府", 60, "杭州市西湖区人民法院", 6)
    assert certificate_pdf(certificate=decision).startswith(b"%PDF")
    decision.refresh_from_db()
    assert decision.seal is not None
    assert Delivery.objects.get().application.number == body["number"]

    page = _browser(world.citizen).get(f"/me/applications/{body['number']}/").content.decode()
    assert "尚未出证" not in page
    assert f"/documents/{body['number']}/certificates/{decision.number}.pdf" in page
    assert "60 日内向杭州市西湖区人民政府申请行政复议" in page
    # 需要您办理 names the decision, not a result there is none of.
    assert "不予许可决定书" in page
    assert "下载办理结果" not in page
    assert "到窗口领取办理结果" not in page
    download = _browser(world.citizen).get(
        f"/documents/{body['number']}/certificates/{decision.number}.pdf")
    assert download["Content-Type"] == "application/pdf"
    assert Client().get(f"/api/v1/certificates/verify/{decision.verification_code}"
                        ).json()["status"] == "valid"
    listed = api["citizen"].get(f"/applications/{body['number']}").json()["certificates"]
    assert [(c["kind"], c["title"]) for c in listed] == [("refusal", "不予许可决定书")]


def test_a_refusal_not_to_accept_is_titled_so(world, api):
    filing = _cases(_file(world, api))["filing"]

    api["reviewer:xh-zjj"].decide(filing, "reject", {
        "reason": "不属于本机关职权范围", "legal_basis": "《行政许可法》第三十二条",
        "refusal": "not_accepted"})

    assert Certificate.objects.get().title == "不予受理决定书"


def test_an_unknown_refusal_kind_changes_nothing(world, api):
    filing = _cases(_file(world, api))["filing"]

    response = api["reviewer:xh-zjj"].decide(filing, "reject", {
        "reason": "r", "legal_basis": "b", "refusal": "maybe"})

    assert response.status_code == 422
    assert Case.objects.get(pk=filing).status == "in_review"
    assert not Certificate.objects.exists()


def test_remedy_bodies_come_from_the_department_then_the_region_then_the_place(world):
    assert remedies_for(department=world.tax).review_body == "杭州市西湖区人民政府"
    assert remedies_for(department=world.tax).court == "杭州市西湖区人民法院"
    remedy_bodies_set(region_code="3301", review_body="杭州市人民政府",
                      court="杭州市中级人民法院", actor=None)
    remedy_bodies_set(department_code="xh-sw", review_body="国家税务总局杭州市税务局",
                      court="杭州市西湖区人民法院", actor=None)

    assert remedies_for(department=world.tax).review_body == "国家税务总局杭州市税务局"
    assert remedies_for(department=world.housing).review_body == "杭州市人民政府"


# --------------------------------------------------------------------------- 容缺

MONDAY = dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC)  # 10:00 in Hangzhou


def test_acceptance_records_the_tolerated_materials_due_date(world, api):
    world.tax_item.tolerated_supply_days = 3
    world.tax_item.save(update_fields=["tolerated_supply_days"])
    with clock.frozen_at(MONDAY):
        body = _tolerated_filing(world, api)

    form = _material(body["number"], TAX_FORM)
    assert form.status == "tolerated"
    # Three working days after Monday: the end of Thursday in Hangzhou.
    assert form.due_at == dt.datetime(2026, 11, 19, 15, 59, 59, tzinfo=dt.UTC)
    assert list(tolerated_due_between(after=MONDAY, until=MONDAY + dt.timedelta(days=4))) \
        == [form]
    assert list(tolerated_due_between(after=MONDAY, until=MONDAY + dt.timedelta(days=2))) == []


def test_the_result_waits_for_the_tolerated_material_then_is_released(world, api):
    with clock.frozen_at(MONDAY):
        body = _tolerated_filing(world, api)
        _approve_all(api, _cases(body))

    application = Application.objects.get(number=body["number"])
    assert application.status == "accepted"
    assert not Certificate.objects.exists()
    assert not Delivery.objects.exists()
    page = _browser(world.citizen).get(f"/me/applications/{body['number']}/").content.decode()
    assert "请于 2026-11-23 23:59 前补交" in page
    assert "容缺材料补交后出具" in page

    with clock.frozen_at(MONDAY + dt.timedelta(days=1)):
        response = _browser(world.citizen).post(
            f"/me/applications/{body['number']}/tolerated/",
            {f"m:{TAX_FORM}": _upload(PNG, "form.png")}, follow=True)

    assert "容缺材料已补交" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "completed"
    assert [c.title for c in Certificate.objects.all()] == ["不动产权证书"]
    assert Delivery.objects.get().method == "courier"
    assert _material(body["number"], TAX_FORM).status == "uploaded"


def _upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_tolerated_material_after_its_deadline_is_refused_and_changes_nothing(world, api):
    with clock.frozen_at(MONDAY):
        body = _tolerated_filing(world, api)
        _approve_all(api, _cases(body))
    files = StoredFile.objects.count()

    with clock.frozen_at(MONDAY + dt.timedelta(days=8)):
        late = api["citizen"].post(f"/applications/{body['number']}/tolerated", {
            "materials": [{"key": TAX_FORM, "content_base64": b64(PDF)}]})

    assert late.status_code == 409
    assert "补交期限（2026-11-23 23:59）已过" in late.json()["message"]
    assert "审批部门将与您联系" in late.json()["message"]
    form = _material(body["number"], TAX_FORM)
    assert (form.status, form.file) == ("tolerated", "")
    assert StoredFile.objects.count() == files
    assert Application.objects.get(number=body["number"]).status == "accepted"
    assert not Certificate.objects.exists()


def test_overdue_tolerated_material_raises_one_alert_until_the_department_extends(world, api):
    with clock.frozen_at(MONDAY):
        body = _tolerated_filing(world, api)
        _approve_all(api, _cases(body))

    with clock.frozen_at(MONDAY + dt.timedelta(days=3)):
        assert tolerated_overdue_scan() == 0  # not yet due
    with clock.frozen_at(MONDAY + dt.timedelta(days=8)):
        assert tolerated_overdue_scan() == 1
        assert tolerated_overdue_scan() == 0
        alert = Alert.objects.get(kind="tolerated_overdue")
        assert alert.application_number == body["number"]
        assert "契税纳税申报表" in alert.message

        extended = api["reviewer:xh-sw"].post(
            f"/cases/{_cases(body)['tax']}/tolerated-extensions",
            {"key": TAX_FORM, "working_days": 2, "reason": "申请人住院，电话联系后同意延期"})
        assert extended.status_code == 200, extended.json()
        supplied = api["citizen"].post(f"/applications/{body['number']}/tolerated", {
            "materials": [{"key": TAX_FORM, "content_base64": b64(PDF)}]})

    assert supplied.status_code == 200, supplied.json()
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    assert Application.objects.get(number=body["number"]).status == "completed"


def test_only_the_applicant_supplies_and_only_tolerated_materials(world, api):
    with clock.frozen_at(MONDAY):
        body = _tolerated_filing(world, api)
        other = Api(UserFactory(username="other-citizen"))
        foreign = other.post(f"/applications/{body['number']}/tolerated", {
            "materials": [{"key": TAX_FORM, "content_base64": b64(PDF)}]})
        not_tolerated = api["citizen"].post(f"/applications/{body['number']}/tolerated", {
            "materials": [{"key": CONTRACT, "content_base64": b64(PDF)}]})

    assert foreign.status_code == 404
    assert not_tolerated.status_code == 409
    assert _material(body["number"], TAX_FORM).status == "tolerated"


def test_the_applicant_is_reminded_once_the_day_before_a_tolerated_material_is_due(world, api):
    world.tax_item.tolerated_supply_days = 3
    world.tax_item.save(update_fields=["tolerated_supply_days"])
    with clock.frozen_at(MONDAY):
        body = _tolerated_filing(world, api)
        # Due Thursday evening: not yet on Monday.
        assert tolerated_reminders_send(now=clock.now()) == 0
    wednesday = MONDAY + dt.timedelta(days=2)
    with clock.frozen_at(wednesday):
        assert tolerated_reminders_send(now=clock.now()) == 1
        tolerated_reminders_send(now=clock.now())

    reminders = Notification.objects.filter(event=NotifyEvent.TOLERATED_DUE)
    assert reminders.count() == reminders.values("channel").distinct().count() >= 1
    assert {n.key for n in reminders} == {f"{body['number']}:20261119"}
