"""The citizen portal: the merged form with drafts and uploads, the one-time notice on
screen, my applications, delivery choice, results, rating and the access log."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onevisit.applications.models import Application, ApplicationDraft
from onevisit.feedback.models import Rating
from onevisit.supervision.models import Alert
from onevisit.workflow.services import case_approve, case_claim
from tests.conftest import PDF, PNG
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db

CONTRACT = "m:upload:330106-FW-001:sales-contract"
FORM = "m:upload:330106-BDC-001:application-form"
TAX = "m:upload:330106-SW-001:tax-form"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(world, **overrides):
    form = {
        "applicant_kind": "person", "applicant_name": "王小明",
        "applicant_id_number": world.citizen_id,
        "f:applicant_id_number": world.citizen_id, "f:phone": "13812345678",
        "f:price": "1850000", "f:contract_date": "2026-11-20", "f:property_use": "住宅",
        "delivery_method": "courier", "delivery_recipient": "王小明",
        "delivery_phone": "13812345678", "delivery_address": "杭州市西湖区文三路 100 号",
        "consent": "1",
    }
    form.update(overrides)
    return form


def _file(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_the_form_merges_the_life_event_and_marks_what_the_government_holds(world):
    page = _browser(world.citizen).get("/apply/life-events/house/").content.decode()

    assert page.count('name="f:applicant_id_number"') == 1  # one field for three items
    assert "房屋用途" in page
    assert "成交价格" in page
    assert "政府部门已持有，您无需提交" in page
    # Before consenting, the applicant sees what would be fetched, from whom, and why.
    assert "数据共享授权" in page
    assert "人口库（公安）" in page
    assert 'name="consent"' in page
    assert 'name="m:upload:330106-FW-001:sales-contract"' in page
    assert world.citizen_id in page  # the applicant is prefilled from the account


def test_a_draft_is_saved_with_its_upload_and_resumed(world):
    citizen = _browser(world.citizen)
    response = citizen.post("/apply/life-events/house/",
                            _form(world, **{"f:price": "", "action": "save",
                                            CONTRACT: _file("合同.pdf")}))
    draft = ApplicationDraft.objects.get()
    assert response.status_code == 302
    assert f"draft={draft.pk}" in response["Location"]
    assert set(draft.uploads) == {"upload:330106-FW-001:sales-contract"}

    page = citizen.get(response["Location"]).content.decode()
    assert "已上传：合同.pdf" in page
    assert 'value="13812345678"' in page
    assert "/apply/life-events/house/?draft=" in citizen.get("/me/").content.decode()
    assert not Application.objects.exists()


def test_a_wrong_file_type_is_refused_clearly_and_nothing_is_saved(world):
    response = _browser(world.citizen).post(
        "/apply/life-events/house/",
        _form(world, action="save", **{CONTRACT: _file("合同.exe", b"MZ\x90\x00")}))

    assert response.status_code == 422
    assert "只接受 PDF、JPEG 或 PNG 文件" in response.content.decode()
    assert not ApplicationDraft.objects.exists()


def test_every_field_error_is_shown_at_once_and_the_draft_keeps_the_input(world):
    response = _browser(world.citizen).post(
        "/apply/life-events/house/",
        _form(world, action="submit", **{"f:price": "很多", "f:phone": "123",
                                          "delivery_address": ""}))

    page = response.content.decode()
    assert response.status_code == 422
    assert "成交价格" in page
    assert "联系电话" in page
    assert "收件地址" in page
    assert 'value="很多"' in page
    assert ApplicationDraft.objects.get().data["price"] == "很多"
    assert not Application.objects.exists()


def test_a_missing_material_shows_the_one_time_notice_and_can_be_supplied_online(world):
    citizen = _browser(world.citizen)
    response = citizen.post("/apply/life-events/house/",
                            _form(world, action="submit", **{CONTRACT: _file("合同.pdf"),
                                                             TAX: _file("表.png", PNG)}))
    application = Application.objects.get()
    assert response["Location"] == f"/me/applications/{application.number}/"
    page = citizen.get(response["Location"]).content.decode()
    assert "受理一次性告知" in page
    assert "不动产登记申请书" in page
    assert application.status == "needs_supplement"

    citizen.post(f"/me/applications/{application.number}/supplement/",
                 {FORM: _file("申请书.pdf")})

    application.refresh_from_db()
    assert application.status == "accepted"
    assert application.receipt_number
    assert not application.visits.exists()
    page = citizen.get(f"/me/applications/{application.number}/").content.decode()
    assert application.receipt_number in page
    assert "各部门办理情况" in page
    assert "网上补交材料" not in page
    receipt = citizen.get(f"/documents/{application.number}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"


def test_a_retried_submit_files_once(world):
    citizen = _browser(world.citizen)
    citizen.post("/apply/life-events/house/", _form(world, action="save"))
    draft = ApplicationDraft.objects.get()
    for _ in range(2):
        response = citizen.post(f"/apply/life-events/house/?draft={draft.pk}",
                                _form(world, action="submit", draft=str(draft.pk),
                                      **{CONTRACT: _file("a.pdf"), FORM: _file("b.pdf"),
                                         TAX: _file("c.png", PNG)}))
        assert response.status_code == 302
    assert Application.objects.count() == 1


def _accepted(world) -> Application:
    _browser(world.citizen).post(
        "/apply/life-events/house/",
        _form(world, action="submit", **{CONTRACT: _file("a.pdf"), FORM: _file("b.pdf"),
                                         TAX: _file("c.png", PNG)}))
    return Application.objects.get()


def _approve_all(world, application: Application) -> None:
    for department in (world.housing, world.tax, world.registry):
        reviewer = world.reviewer(department)
        case = application.cases.get(department=department)
        case_claim(case_id=case.pk, actor=reviewer)
        case_approve(case_id=case.pk, actor=reviewer, note="")


def test_deadlines_in_words_and_the_delivery_can_be_changed_until_the_result(world):
    application = _accepted(world)
    citizen = _browser(world.citizen)
    page = citizen.get(f"/me/applications/{application.number}/").content.decode()
    assert "等前置环节办完后开始计时" in page
    assert "前办结" in page  # a running clock says until when

    citizen.post(f"/me/applications/{application.number}/delivery/",
                 {"delivery_method": "download"})
    application.refresh_from_db()
    assert application.delivery_method == "download"

    _approve_all(world, application)
    response = citizen.post(f"/me/applications/{application.number}/delivery/",
                            {"delivery_method": "pickup"}, follow=True)
    assert "送达方式不能再更改" in response.content.decode()
    application.refresh_from_db()
    assert application.delivery_method == "download"
    certificate = application.certificates.get()
    pdf = citizen.get(f"/documents/{application.number}/certificates/{certificate.number}.pdf")
    assert pdf.status_code == 200
    application.delivery.refresh_from_db()
    assert application.delivery.status == "delivered"


def test_a_bad_rating_needs_reasons_and_opens_a_follow_up(world):
    application = _accepted(world)
    citizen = _browser(world.citizen)
    rating_url = f"/me/applications/{application.number}/rating/"
    citizen.post(rating_url, {"score": "5"})
    assert not Rating.objects.exists()  # not finished yet

    _approve_all(world, application)
    response = citizen.post(rating_url, {"score": "1"}, follow=True)
    assert "差评请至少选择一项原因" in response.content.decode()
    assert not Rating.objects.exists()

    citizen.post(rating_url, {"score": "1", "reasons": ["slow", "visits"], "comment": "太慢"})
    citizen.post(rating_url, {"score": "1", "reasons": ["slow", "visits"], "comment": "太慢"})
    rating = Rating.objects.get()
    assert rating.reasons == ["slow", "visits"]
    alerts = Alert.objects.filter(kind="bad_rating", application_number=application.number)
    assert alerts.count() == 1
    page = citizen.get(f"/me/applications/{application.number}/").content.decode()
    assert "非常不满意" in page
    assert "办理时间长" in page


def test_the_applicant_sees_who_read_her_data(world):
    application = _accepted(world)
    page = _browser(world.citizen).get("/me/access-log/").content.decode()
    assert application.number in page
    assert "居民身份证" in page
    assert "不动产权证书" in page
    assert "窗口办理查看申请人证件号码" not in page  # nobody at a window read it


def test_citizens_see_only_their_own_applications_and_staff_do_not_apply(world):
    application = _accepted(world)
    stranger = UserFactory(username="stranger", id_number=resident_id(seq="377"))
    other = _browser(stranger)
    assert other.get(f"/me/applications/{application.number}/").status_code == 404
    assert other.get(f"/documents/{application.number}/receipt.pdf").status_code == 404
    other.post(f"/me/applications/{application.number}/rating/", {"score": "5"})
    assert not Rating.objects.exists()
    for staff in (world.clerk, world.reviewer(world.housing), world.supervisor):
        assert _browser(staff).get("/apply/life-events/house/").status_code == 403
        assert _browser(staff).get("/me/").status_code == 403
    assert Client().get("/me/").status_code == 302


def test_the_person_filed_for_at_the_window_changes_her_delivery_and_no_one_else(world):
    application = _accepted(world)
    # Filed for her at the window: no account filed it, her ID number names her.
    Application.objects.filter(pk=application.pk).update(applicant=None)
    stranger = UserFactory(username="stranger", id_number=resident_id(seq="377"))

    refused = _browser(stranger).post(f"/me/applications/{application.number}/delivery/",
                                      {"delivery_method": "download"})
    application.refresh_from_db()
    assert refused.status_code == 404
    assert application.delivery_method != "download"

    _browser(world.citizen).post(f"/me/applications/{application.number}/delivery/",
                                 {"delivery_method": "download"})
    application.refresh_from_db()
    assert application.delivery_method == "download"



def test_my_applications_name_the_applicant_each_was_filed_for(world, api):
    """An agent files for several companies: her list tells them apart."""
    number = api["citizen"].post("/applications", world.licence_payload()).json()["number"]
    Application.objects.filter(number=number).update(applicant_name="杭州小明科技有限公司")
    browser = Client()
    browser.force_login(world.citizen)

    page = browser.get("/me/").content.decode()

    assert "<th>申请人</th>" in page
    assert "<td>杭州小明科技有限公司</td>" in page
