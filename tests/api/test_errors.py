"""No input gets a 5xx, and every refusal of the JSON API has the documented shape
`{"message": ..., "errors": {...}}` in the caller's language: bad JSON, a missing CSRF
token, a wrong method, an unknown route, an oversize body, NUL characters anywhere."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from stdnum.cn import ric

from onevisit import clock
from onevisit.api.middleware import MAX_ERRORS, MORE_KEY
from onevisit.applications.models import Application
from onevisit.catalogue.validation import FieldInvalid, resident_id
from onevisit.errors import InvalidInput
from onevisit.hotline.models import Ticket, TicketAssignment
from onevisit.hotline.services import ticket_create, ticket_dispatch
from tests.conftest import PDF, Api
from tests.hotline.conftest import hw  # noqa: F401 (the 12345 world, as a fixture here)

pytestmark = pytest.mark.django_db

NUL_REFUSED = "请求中含有不允许的字符（NUL）"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --------------------------------------------------------------------------- dispatch


def test_dispatching_to_no_department_is_refused_by_the_api_and_the_service(hw):  # noqa: F811
    ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    answer = Api(hw.dispatcher).post(f"/tickets/{ticket.number}/dispatch", {"lead": ""})

    assert answer.status_code == 422
    assert answer.json() == {"message": "请求格式有误", "errors": {"lead": "不能为空白"}}
    with pytest.raises(InvalidInput) as refused:
        ticket_dispatch(number=ticket.number, lead="  ", actor=hw.dispatcher)
    assert (str(refused.value.message), refused.value.errors) == ("请选择主办部门",
                                                                  {"lead": "必填"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.lead_department) == ("new", None)
    assert not TicketAssignment.objects.filter(ticket=ticket).exists()


def test_the_dispatch_form_without_a_department_says_so_and_changes_nothing(hw):  # noqa: F811
    ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    dispatcher = _browser(hw.dispatcher)

    answer = dispatcher.post(f"/hotline/tickets/{ticket.number}/dispatch/", {"lead": ""},
                             follow=True)

    assert answer.status_code == 200
    assert "请选择主办部门：必填" in answer.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.lead_department) == ("new", None)


# --------------------------------------------------------------------------- NUL


@pytest.mark.parametrize("path", [
    "/api/v1/items?q=%00",
    "/api/v1/items?department=a%00b",
    "/api/v1/items?cursor=%00",
    "/api/v1/items/%00",
    "/api/v1/life-events/x%00",
    "/api/v1/lists/%00",
    "/api/v1/certificates/verify/%00",
    "/api/v1/fetch-preview?item_code=%00",
    "/api/v1/applications/%00",
])
def test_a_nul_in_an_api_path_or_query_is_refused_in_the_api_shape(world, api, path):
    answer = api["citizen"].client.get(path)

    assert answer.status_code == 422
    assert answer.json()["message"] == NUL_REFUSED
    assert list(answer.json()["errors"].values()) == ["不能包含 NUL 字符"]


@pytest.mark.parametrize("path", ["/verify/%00", "/items/%00/", "/search/?q=%00",
                                  "/items/?q=a%00"])
def test_a_nul_in_a_page_address_gets_a_plain_refusal_page(world, path):
    answer = Client().get(path)

    assert answer.status_code == 422
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    assert answer.content.decode() == f"{NUL_REFUSED}：不能包含 NUL 字符\n"


def test_a_nul_in_a_ticket_text_is_refused_naming_the_field_and_nothing_is_stored(hw):  # noqa: F811
    answer = Api(hw.agent).post("/tickets", {
        "type": "complaint", "channel": "phone", "text": "路灯坏了\u0000一个星期"})

    assert answer.status_code == 422
    assert answer.json() == {"message": NUL_REFUSED, "errors": {"text": "不能包含 NUL 字符"}}
    assert not Ticket.objects.exists()


def test_a_nul_in_an_applicant_name_is_refused_and_nothing_is_filed(world, api):
    payload = world.licence_payload()
    payload["applicant"]["name"] = "王小\x00明"

    answer = api["citizen"].post("/applications", payload)

    assert answer.status_code == 422
    assert answer.json()["errors"] == {"applicant.name": "不能包含 NUL 字符"}
    assert not Application.objects.exists()


def test_an_escaped_backslash_before_u0000_is_not_a_nul(world, api):
    payload = world.licence_payload()
    payload["data"]["note"] = "C:\\u0000"  # a backslash, then the letters u0000

    answer = api["citizen"].post("/applications", payload)

    assert answer.status_code == 422
    assert answer.json()["errors"] == {"note": "表单中没有该字段"}


def test_a_nul_in_a_form_field_of_a_page_is_refused_before_the_view(hw):  # noqa: F811
    ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    dispatcher = _browser(hw.dispatcher)

    answer = dispatcher.post(f"/hotline/tickets/{ticket.number}/dispatch/",
                             {"lead": hw.urban.code, "note": "请\x00处理"})

    assert answer.status_code == 422
    assert answer.content.decode() == f"{NUL_REFUSED}：不能包含 NUL 字符\n"
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_an_uploaded_file_may_hold_nul_bytes(world):
    pdf = PDF + b"\x00\x01\x02 binary\n%%EOF\n"
    answer = Client().post("/api/v1/certificates/verify-pdf",
                           {"pdf": SimpleUploadedFile("证照.pdf", pdf)})

    assert answer.status_code == 200
    assert answer.json()["status"] == "unreadable"  # read, not refused


def test_a_nul_in_an_open311_query_is_an_open311_error(hw):  # noqa: F811
    answer = Client().get("/open311/v2/requests.json?service_code=%00")

    assert answer.status_code == 400
    assert answer.json() == [{"code": 400, "description": "service_code：不能包含 NUL 字符"}]


# --------------------------------------------------------------------------- verify-pdf


def test_a_malformed_multipart_body_is_a_400_in_the_api_shape(world):
    for body, content_type in (
        (b"garbage", "multipart/form-data"),  # no boundary
        (b"--x\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"a.pdf\"\r\n"
         b"Content-Type: application/pdf\r\n\r\n%PDF-1.4", "multipart/form-data; boundary=y"),
    ):
        answer = Client().post("/api/v1/certificates/verify-pdf", data=body,
                               content_type=content_type)
        assert answer.status_code in (400, 422), body
        assert set(answer.json()) == {"message", "errors"}
    answer = Client().post("/api/v1/certificates/verify-pdf", data=b"garbage",
                           content_type="multipart/form-data")
    assert answer.json() == {"message": "请求无法解析", "errors": {"body": "表单数据格式有误"}}


def _pdf_with_signature_value(value: bytes) -> bytes:
    """A one-page PDF with a signature field whose value (/V) is `value`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Seal) /Rect [0 0 0 0] /P 3 0 R"
        b" /V 5 0 R >>",
        value,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


@pytest.mark.parametrize("value", [
    b"(not a dictionary)", b"null", b"42",
    b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached"
    b" /ByteRange [0 10 20 10] /Contents 7 >>",
    b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached"
    b" /ByteRange [0 10 20 10] /Contents <3003020100> >>",
])
def test_a_pdf_with_a_broken_signature_is_reported_unreadable(world, value):
    answer = Client().post("/api/v1/certificates/verify-pdf", {
        "pdf": SimpleUploadedFile("证照.pdf", _pdf_with_signature_value(value))})

    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["message"]) == (
        "unreadable", "不是可读取的 PDF 文件")


# --------------------------------------------------------------------------- Open311


@pytest.mark.parametrize(("path", "allow"), [
    ("/open311/v2/services.json", "GET, HEAD"),
    ("/open311/v2/discovery.json", "GET, HEAD"),
    ("/open311/v2/services/complaint.json", "GET, HEAD"),
])
def test_a_post_to_a_read_only_open311_resource_is_the_specs_405(hw, path, allow):  # noqa: F811
    answer = Client(enforce_csrf_checks=True).post(path)

    assert answer.status_code == 405
    assert answer["Allow"] == allow
    assert answer.json() == [{"code": 405, "description": "不支持 POST 请求"}]


def test_a_post_to_an_open311_xml_resource_is_a_405_in_xml(hw):  # noqa: F811
    answer = Client(enforce_csrf_checks=True).post("/open311/v2/services.xml")

    assert answer.status_code == 405
    assert answer.content.decode() == (
        '<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>405</code>'
        "<description>不支持 POST 请求</description></error></errors>")


# --------------------------------------------------------------------------- shapes


def test_a_body_that_is_not_json_gets_the_api_shape_in_the_callers_language(world, api):
    client = api["citizen"].client
    chinese = client.post("/api/v1/tickets", data="{bad", content_type="application/json")
    english = client.post("/api/v1/tickets", data="{bad", content_type="application/json",
                          headers={"Accept-Language": "en"})

    assert chinese.status_code == english.status_code == 400
    assert chinese.json() == {"message": "请求体不是有效的 JSON",
                              "errors": {"body": "不是有效的 JSON"}}
    assert english.json() == {"message": "The request body is not valid JSON",
                              "errors": {"body": "Not valid JSON"}}


def test_a_session_request_without_its_csrf_token_gets_the_api_shape(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.citizen)

    answer = browser.post("/api/v1/applications", data=json.dumps(world.licence_payload()),
                          content_type="application/json")

    assert answer.status_code == 403
    assert answer.json() == {"message": "CSRF 校验失败，请刷新页面后重试",
                             "errors": {"X-CSRFToken": "缺失或不正确"}}
    assert not Application.objects.exists()


def test_a_wrong_method_is_a_405_in_the_api_shape_with_allow(world):
    answer = Client().delete("/api/v1/items", headers={"Accept-Language": "en"})

    assert answer.status_code == 405
    assert answer["Allow"] == "GET"
    assert answer.json() == {"message": "Method not allowed", "errors": {}}


def test_an_unknown_api_route_is_a_404_in_the_api_shape(world):
    answer = Client().get("/api/v1/no-such-thing")

    assert answer.status_code == 404
    assert answer.json() == {"message": "请求的资源不存在", "errors": {}}


def test_no_token_is_a_401_in_the_api_shape(world):
    answer = Client().get("/api/v1/applications", headers={"Accept-Language": "en"})

    assert answer.status_code == 401
    assert answer.json() == {"message": "Please log in first", "errors": {}}


def test_a_body_over_the_limit_is_a_413_in_the_api_shape(world, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    payload = world.licence_payload()
    payload["data"]["note"] = "x" * (1024 * 1024)

    answer = api["citizen"].post("/applications", payload)

    assert answer.status_code == 413
    assert answer.json() == {"message": "请求体过大", "errors": {"body": "请求体不能超过 1 MB"}}
    assert not Application.objects.exists()


def test_a_huge_body_of_unknown_keys_gets_a_small_answer(world, api):
    """A 10 MB body of unknown form fields once gave a 42 MB answer."""
    payload = world.licence_payload()
    payload["data"] = {f"k{index:07d}": "v" for index in range(10 * 1024 * 1024 // 16)}

    answer = api["citizen"].post("/applications", payload)

    assert answer.status_code == 422
    assert answer.json() == {"message": "请求格式有误", "errors": {"data": "项目过多"}}
    assert not Application.objects.exists()


def test_an_answer_lists_at_most_fifty_fields_then_counts_the_rest(world, api):
    payload = world.licence_payload()
    payload["data"].update({f"unknown{index:03d}": "v" for index in range(120)})

    answer = api["citizen"].post("/applications", payload)

    errors = answer.json()["errors"]
    assert answer.status_code == 422
    assert len(errors) == MAX_ERRORS + 1
    assert errors[MORE_KEY] == "另有 70 处错误未列出"
    assert not Application.objects.exists()


# --------------------------------------------------------------------------- ID numbers


def _id_born(birth: str) -> str:
    body = f"330106{birth}123"
    return body + ric.calc_check_digit(body + "0")


def test_an_id_number_born_before_1900_is_refused():
    with pytest.raises(FieldInvalid) as refused:
        resident_id(_id_born("18240101"))
    assert str(refused.value.reason) == "居民身份证号码中的出生日期早于 1900 年"
    assert resident_id(_id_born("19000101")) == _id_born("19000101")


def test_an_id_number_born_after_the_clocks_today_is_refused():
    with clock.frozen_at(dt.datetime(2020, 6, 30, 12, tzinfo=dt.UTC)):
        with pytest.raises(FieldInvalid) as refused:
            resident_id(_id_born("20200701"))
        assert resident_id(_id_born("20200630")) == _id_born("20200630")
    assert str(refused.value.reason) == "居民身份证号码中的出生日期在未来"


def test_a_filing_for_an_id_number_born_in_1824_is_refused(world, api):
    payload = world.licence_payload()
    payload["applicant"]["id_number"] = _id_born("18240101")

    answer = api["clerk"].post("/applications", {**payload, "channel": "window"})

    assert answer.status_code == 422
    assert answer.json()["errors"]["applicant.id_number"] == (
        "居民身份证号码中的出生日期早于 1900 年")
    assert not Application.objects.exists()
