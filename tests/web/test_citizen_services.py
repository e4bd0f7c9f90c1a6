"""The portal's citizen services: the public progress lookup, the 12345 web form with my
tickets, the guide's details, the site's identity, 长辈版 and the catalogue in English."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import translation

from onevisit.accounts.models import RateCounter
from onevisit.applications.models import Application
from onevisit.audit.models import AuditEvent
from onevisit.catalogue.models import MaterialRequirement, ServiceItem
from onevisit.exchange.models import AccessLog
from onevisit.hotline.constants import TicketChannel, TicketStatus, TicketType
from onevisit.hotline.models import Ticket
from onevisit.lifeevents.models import LifeEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def accepted(world, api) -> Application:
    number = api["citizen"].post("/applications", world.house_payload()).json()["number"]
    return Application.objects.get(number=number)


# 办件进度查询 ----------------------------------------------------------------------------

def test_the_receipt_number_and_the_query_code_show_the_progress(accepted):
    assert len(accepted.query_code) == 8
    page = _browser().post("/progress/", {"number": accepted.receipt_number,
                                          "factor": accepted.query_code})

    text = page.content.decode()
    assert page.status_code == 200
    assert "二手房交易登记一件事" in text
    assert "合同备案" in text
    assert "转移登记" in text
    assert "已受理" in text
    assert accepted.applicant_name not in text
    assert accepted.applicant_id_number not in text
    logged = AccessLog.objects.get(evidence_type="progress_lookup")
    assert (logged.application_number, logged.outcome) == (accepted.number, "found")


def test_the_last_six_of_the_id_number_work_too(accepted):
    page = _browser().post("/progress/", {"number": accepted.receipt_number,
                                          "factor": accepted.applicant_id_number[-6:].lower()})

    assert page.status_code == 200
    assert "progress-result" in page.content.decode()


def test_a_wrong_factor_reads_exactly_like_an_unknown_number(accepted):
    wrong = _browser().post("/progress/", {"number": accepted.receipt_number,
                                           "factor": "00000000"})
    unknown = _browser().post("/progress/", {"number": "SL2099010100000001",
                                             "factor": accepted.query_code})

    assert wrong.status_code == unknown.status_code == 404
    assert _shown(wrong.content.decode(), accepted.receipt_number) == \
        _shown(unknown.content.decode(), "SL2099010100000001")
    assert "二手房" not in wrong.content.decode()
    # The applicant sees in her own access log that someone tried.
    assert AccessLog.objects.get(evidence_type="progress_lookup").outcome == "refused"


def _shown(page: str, number: str) -> str:
    """The page as read, the typed number and the per-page CSRF token set aside."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page).replace(number, "X")


def test_an_empty_factor_is_a_field_error_and_nothing_is_logged(accepted):
    page = _browser().post("/progress/", {"number": accepted.receipt_number, "factor": ""})

    assert page.status_code == 422
    assert "请填写查询码或申请人证件号码后 6 位" in page.content.decode()
    assert not AccessLog.objects.filter(evidence_type="progress_lookup").exists()


def test_lookups_are_rate_limited(accepted, settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "RATE_LIMITS": {"progress": "2/h"}}
    browser = _browser()
    for _ in range(2):
        browser.post("/progress/", {"number": accepted.receipt_number, "factor": "1"})

    refused = browser.post("/progress/", {"number": accepted.receipt_number,
                                          "factor": accepted.query_code})

    assert refused.status_code == 429
    assert AccessLog.objects.filter(evidence_type="progress_lookup").count() == 2


def test_the_receipt_prints_the_query_code_and_where_to_look(accepted):
    from onevisit.applications.documents import receipt_pdf

    assert receipt_pdf(application=accepted).startswith(b"%PDF")
    html = _receipt_html(accepted)
    assert accepted.query_code in html
    assert "/progress/" in html


def _receipt_html(application: Application) -> str:
    from django.template.loader import render_to_string

    return render_to_string("applications/receipt.html", {
        "application": application, "cases": application.cases.all(),
        "lookup_url": "https://example.gov.cn/progress/", "font_css": ""})


# 12345 from the portal --------------------------------------------------------------------

def test_a_citizen_files_a_complaint_and_sees_it_in_my_tickets(world):
    browser = _browser(world.citizen)
    response = browser.post("/12345/", {"type": "complaint", "title": "窗口排队太久",
                                        "text": "西湖区政务服务中心周一上午排队两小时",
                                        "caller_phone": "13812345678"})

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.type, ticket.channel, ticket.caller, ticket.status) == (
        TicketType.COMPLAINT, TicketChannel.WEB, world.citizen, TicketStatus.NEW)
    mine = browser.get("/me/tickets/").content.decode()
    assert ticket.number in mine
    assert "窗口排队太久" in mine
    assert "待派单" in mine


def test_the_department_reply_shows_once_the_ticket_is_closed(world):
    browser = _browser(world.citizen)
    browser.post("/12345/", {"type": "consultation", "text": "新生儿落户需要带什么材料"})
    ticket = Ticket.objects.get()
    ticket.status, ticket.reply = TicketStatus.CLOSED, "带出生医学证明和户口簿即可"
    ticket.closed_at = ticket.created_at
    ticket.save()

    assert "带出生医学证明和户口簿即可" in browser.get("/me/tickets/").content.decode()


def test_a_missing_text_is_a_field_error_and_nothing_is_filed(world):
    page = _browser(world.citizen).post("/12345/", {"type": "complaint", "text": " "})

    assert page.status_code == 422
    assert "请填写诉求内容" in page.content.decode()
    assert 'aria-invalid="true" aria-describedby="text-error"' in page.content.decode()
    assert not Ticket.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="ticket.").exists()


def test_an_anonymous_visitor_may_report_but_not_complain(world):
    visitor = _browser()
    refused = visitor.post("/12345/", {"type": "complaint", "text": "噪音扰民"})
    assert refused.status_code == 403
    assert "未登录只能匿名举报" in refused.content.decode()
    assert not Ticket.objects.exists()

    filed = visitor.post("/12345/", {"type": "report", "text": "某小区违建搭建阳光房",
                                     "caller_phone": "13900000000"})

    ticket = Ticket.objects.get()
    assert filed.status_code == 201
    assert ticket.number in filed.content.decode()
    assert (ticket.caller, ticket.caller_phone, ticket.type) == (None, "", TicketType.REPORT)


def test_filings_are_rate_limited(world, settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "RATE_LIMITS": {"appeal": "1/h"}}
    browser = _browser(world.citizen)
    browser.post("/12345/", {"type": "suggestion", "text": "建议增加周末窗口"})

    refused = browser.post("/12345/", {"type": "suggestion", "text": "建议增加夜间窗口"})

    assert refused.status_code == 429
    assert Ticket.objects.count() == 1
    assert RateCounter.objects.get(scope="appeal").count == 2


def test_staff_are_sent_to_their_console(world):
    assert _browser(world.clerk).get("/12345/").status_code == 403


def test_my_tickets_show_only_my_own(world):
    other = UserFactory(username="other", id_number="")
    _browser(other).post("/12345/", {"type": "suggestion", "text": "别人的建议"})

    assert "别人的建议" not in _browser(world.citizen).get("/me/tickets/").content.decode()


def test_a_second_caller_on_the_same_matter_is_merged_as_on_the_phone(world):
    browser = _browser(world.citizen)
    browser.post("/12345/", {"type": "complaint", "text": "文三路 100 号夜间施工噪音扰民",
                             "address": "文三路 100 号"})
    master = Ticket.objects.get()
    _browser(UserFactory(username="n2", id_number="")).post(
        "/12345/", {"type": "complaint", "text": "文三路 100 号夜间施工噪音扰民",
                    "address": "文三路 100 号"})
    merged = Ticket.objects.exclude(pk=master.pk).get()

    assert (merged.status, merged.master) == (TicketStatus.MERGED, master)


# The guide, the site, 长辈版, English --------------------------------------------------

def test_limits_read_in_working_days_and_minutes_only_for_minute_items(world):
    ServiceItem.objects.filter(pk=world.filing.pk).update(statutory_limit=14400)
    page = _browser().get(f"/items/{world.filing.code}/").content.decode()

    assert 'id="statutory-limit">30 个工作日<' in page  # 14400 minutes of 8-hour days
    assert 'id="committed-limit">15 分钟<' in page
    assert "14400" not in page
    licence = _browser().get(f"/items/{world.licence.code}/").content.decode()
    assert "15 个工作日" in licence
    assert "5 个工作日" in licence


def test_the_guide_says_where_when_and_whom_to_ask(world):
    world.licence.service_location = "西湖区政务服务中心 3 号窗口"
    world.licence.enquiry_phone = "0571-87001003"
    world.licence.save()

    page = _browser().get(f"/items/{world.licence.code}/").content.decode()

    assert "西湖区政务服务中心 3 号窗口" in page
    assert "0571-87001003" in page
    assert "办理时间" in page


def test_the_fee_is_stated_once(world):
    world.licence.fee_note = "不收费"
    world.licence.save()

    page = _browser().get(f"/items/{world.licence.code}/").content.decode()

    assert page.count("不收费") == 1


def test_a_blank_form_downloads_as_a_pdf(world):
    from onevisit.catalogue.documents import blank_form_pdf

    material = MaterialRequirement.objects.get(item=world.transfer, code="application-form")
    material.blank_form.save("form.pdf", ContentFile(
        blank_form_pdf(item=world.transfer, title=material.name)))

    guide = _browser().get(f"/items/{world.transfer.code}/").content.decode()
    download = _browser().get(f"/forms/{material.pk}.pdf")

    assert f"/forms/{material.pk}.pdf" in guide
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert _browser().get("/forms/999999.pdf").status_code == 404


def test_a_blank_form_prints_the_item_s_fields_as_they_are_now(world):
    from onevisit.catalogue.documents import blank_form_pdf
    from onevisit.catalogue.models import FieldDef, ItemField

    with translation.override("en"):
        before = _pdf_text(blank_form_pdf(item=world.transfer, title="申请表"))
    field = FieldDef.objects.create(key="pet-name", label="宠物名称", type="text")
    ItemField.objects.create(item=world.transfer, field=field, order=99)
    after = _pdf_text(blank_form_pdf(item=world.transfer, title="申请表"))

    labels = [f.field.label for f in world.transfer.fields.select_related("field")]
    assert all(label in before for label in labels if label != "宠物名称")
    assert world.transfer.name in before
    assert "申请人（签字或盖章）" in before
    assert "宠物名称" not in before
    assert "宠物名称" in after


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode().replace("\n", "")


def test_the_life_event_guide_names_the_stages_a_stage_waits_for(world):
    page = _browser().get("/life-events/house/").content.decode()

    assert "合同备案、缴税" in page
    assert "filing, tax" not in page


def test_every_page_has_the_site_identity_and_footer(world, settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "SITE_CODES": "网站标识码 3301060099"}
    page = _browser().get("/").content.decode()

    assert "西湖区政务服务网" in page
    assert "主办单位" in page
    assert "杭州市西湖区人民政府办公室" in page
    assert "网站标识码 3301060099" in page
    assert 'href="/accessibility/"' in page
    assert 'href="/progress/"' in page
    assert 'href="/12345/"' in page
    assert "无障碍声明" in _browser().get("/accessibility/").content.decode()


def test_elder_mode_is_kept_in_a_cookie(world):
    browser = _browser()
    response = browser.post("/elder/", {"elder": "1", "next": "/items/330106-ZJ-009/"})

    assert response.status_code == 302
    assert response["Location"] == "/items/330106-ZJ-009/"
    assert 'class="elder"' in browser.get("/").content.decode()
    browser.post("/elder/", {"elder": "0", "next": "https://evil.example/"})
    assert 'class="elder"' not in browser.get("/").content.decode()


def test_the_catalogue_reads_in_english_with_chinese_as_the_fallback(world):
    world.licence.name_en = "Construction permit"
    world.licence.save()
    world.housing.name_en = "Housing Bureau"
    world.housing.save()

    with translation.override("en"):
        page = _browser().get(f"/items/{world.licence.code}/",
                              HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Construction permit" in page
    assert "Housing Bureau" in page
    assert "施工图设计文件审查合格书" in page  # no English yet: the Chinese shows
    assert 'id="statutory-limit">15 ' in page  # working days, whatever the language


def test_an_application_filed_in_english_is_recorded_in_chinese(world, api):
    house = LifeEvent.objects.get(code="house")
    house.name_en = "Selling a flat"
    house.save()
    MaterialRequirement.objects.filter(code="sales-contract").update(name_en="Sales contract")

    with translation.override("en"):
        response = api["citizen"].post("/applications", world.house_payload(),
                                       HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 201, response.json()
    application = Application.objects.get(number=response.json()["number"])
    assert application.title == LifeEvent.objects.get(code="house").name_zh_hans
    names = {m.key: m.name for m in application.materials.all()}
    assert names["upload:330106-FW-001:sales-contract"] != "Sales contract"
    assert not any(name.isascii() for name in names.values())
