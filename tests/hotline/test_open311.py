"""Open311 GeoReport v2: every resource in JSON and XML, checked against the spec's
schemas and element names; filing with a key, refusals that file nothing, the filters,
and what the public may read of a ticket."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator, FormatChecker

from onevisit import clock
from onevisit.accounts.models import Department, Region, RegionLevel, User
from onevisit.errors import InvalidInput
from onevisit.hotline.models import Open311Key, Ticket, TicketEvent
from onevisit.hotline.open311 import open311_key_create, open311_key_revoke
from onevisit.hotline.services import (
    TicketInput,
    ticket_accept,
    ticket_close,
    ticket_create,
    ticket_dispatch,
    ticket_merge,
    ticket_reply,
)
from tests.conftest import Api, World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SCHEMAS = Path(__file__).resolve().parent / "open311_schemas"
FORMATS = ("json", "xml")
# The spec's containers (Spark convention) and the element each holds.
ITEMS = {"services": "service", "service_requests": "request", "errors": "error",
         "endpoints": "endpoint", "formats": "format", "attributes": "attribute",
         "values": "value"}
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
]
FORM = "application/x-www-form-urlencoded; charset=utf-8"

w3c_format = FormatChecker()


@w3c_format.checks("date-time", raises=ValueError)
def _w3c(value: object) -> bool:
    """A W3C date and time, with its offset (the spec's "must")."""
    if not isinstance(value, str):
        return True
    parsed = dt.datetime.fromisoformat(value)
    return parsed.tzinfo is not None and len(value) >= len("2010-01-01T00:00:00Z")


def valid(schema: str, body: Any) -> Any:
    document = json.loads((SCHEMAS / f"{schema}.json").read_text(encoding="utf-8"))
    Draft202012Validator(document, format_checker=w3c_format).validate(body)
    return body


def spark(element: ET.Element) -> Any:
    """XML read back into the JSON the spec derives from it (the Spark convention)."""
    if element.tag in ITEMS:
        assert all(child.tag == ITEMS[element.tag] for child in element)
        return [spark(child) for child in element]
    if len(element):
        return {child.tag: spark(child) for child in element}
    return element.text


def as_text(value: Any) -> Any:
    """JSON values as the XML spells them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    return None if value is None else str(value)


def body_of(response: Any, fmt: str, root: str) -> Any:
    """The response's document, from either format, after checking its media type (and
    for XML its declaration and root element)."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return response.json()
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    element = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert element.tag == root
    assert "xmlns" not in response.content.decode()
    if root in ITEMS:
        return spark(element)
    return {child.tag: spark(child) for child in element}


@dataclass
class O311:
    world: World
    cuiyuan: Region
    jiangcun: Region
    elsewhere: Region
    urban: Department
    agent: User
    dispatcher: User
    reviewer: User
    key: str
    client: Client

    def get(self, path: str, **params: str) -> Any:
        return self.client.get(f"{BASE}/{path}", params)

    def post(self, fmt: str = "json", **fields: str) -> Any:
        return self.client.post(f"{BASE}/requests.{fmt}", data=urlencode(fields),
                                content_type=FORM)

    def file(self, **fields: str) -> str:
        """File through the API; the ticket number (the token)."""
        values = {"api_key": self.key, "service_code": "complaint",
                  "description": "文三路478号门口的路灯坏了一个多星期，晚上一片漆黑。",
                  "address_string": "文三路478号", "attribute[region]": self.cuiyuan.code}
        values.update(fields)
        response = self.post(**values)
        assert response.status_code == 200, response.content.decode()
        return str(response.json()[0]["token"])

    def close(self, number: str, reply: str) -> None:
        ticket_dispatch(number=number, lead=self.urban.code, actor=self.dispatcher)
        ticket_accept(number=number, actor=self.reviewer)
        ticket_reply(number=number, reply=reply, actor=self.reviewer)
        ticket_close(number=number, actor=self.dispatcher)


@pytest.fixture
def o311(world: World) -> O311:
    county = Region.objects.get(code="330106")
    cuiyuan = Region.objects.create(code="330106005", name="翠苑街道",
                                    level=RegionLevel.TOWNSHIP, parent=county)
    jiangcun = Region.objects.create(code="330106011", name="蒋村街道",
                                     level=RegionLevel.TOWNSHIP, parent=county)
    other_county = Region.objects.create(code="330105", name="拱墅区",
                                         level=RegionLevel.COUNTY, parent=county.parent)
    elsewhere = Region.objects.create(code="330105001", name="米市巷街道",
                                      level=RegionLevel.TOWNSHIP, parent=other_county)
    urban = Department.objects.create(code="xh-cgj", name="杭州市西湖区城市管理局",
                                      region=county)
    _row, key = open311_key_create(name="城市大脑随手拍")
    return O311(
        world=world, cuiyuan=cuiyuan, jiangcun=jiangcun, elsewhere=elsewhere, urban=urban,
        agent=UserFactory(username="agent", agent=True),
        dispatcher=UserFactory(username="dispatcher", dispatcher=True),
        reviewer=UserFactory(username="reviewer-xh-cgj", reviewer=True, department=urban),
        key=key, client=Client(),
    )


# ------------------------------------------------------------------- discovery, services


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_georeport_v2_endpoint(o311, fmt):
    response = o311.get(f"discovery.{fmt}")

    assert response.status_code == 200
    body = body_of(response, fmt, "discovery")
    if fmt == "json":
        valid("discovery", body)
    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://127.0.0.1:8000/open311/v2"
    assert endpoint["type"] == ("test" if settings.ONEVISIT["DEMO_ALLOWED"] else "production")
    assert endpoint["formats"] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_services_are_the_ticket_types(o311, fmt):
    response = o311.get(f"services.{fmt}")

    assert response.status_code == 200
    services = body_of(response, fmt, "services")
    if fmt == "json":
        valid("services", services)
    assert [s["service_code"] for s in services] == [
        "complaint", "report", "help", "suggestion", "consultation", "praise"]
    assert [s["service_name"] for s in services] == ["投诉", "举报", "求助", "建议", "咨询",
                                                     "表扬"]
    assert {as_text(s["metadata"]) for s in services} == {"true"}
    assert {s["type"] for s in services} == {"batch"}
    assert list(services[0]) == ["service_code", "service_name", "description", "metadata",
                                 "type", "keywords", "group"]


def test_xml_and_json_are_the_same_documents(o311):
    o311.file()
    for path, root in (("discovery", "discovery"), ("services", "services"),
                       ("services/complaint", "service_definition"),
                       ("requests", "service_requests")):
        as_json = o311.get(f"{path}.json").json()
        as_xml = body_of(o311.get(f"{path}.xml"), "xml", root)
        assert as_xml == as_text(as_json), path


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_definition_offers_the_jurisdictions_townships_and_an_application(o311, fmt):
    response = o311.get(f"services/complaint.{fmt}")

    assert response.status_code == 200
    definition = body_of(response, fmt, "service_definition")
    if fmt == "json":
        valid("service_definition", definition)
    assert definition["service_code"] == "complaint"
    region, application = definition["attributes"]
    assert (region["code"], region["datatype"], as_text(region["required"]),
            as_text(region["order"])) == ("region", "singlevaluelist", "false", "1")
    assert region["values"] == [{"key": "330106005", "name": "翠苑街道"},
                                {"key": "330106011", "name": "蒋村街道"}]
    assert (application["code"], application["datatype"], as_text(application["required"]),
            as_text(application["variable"])) == ("application_number", "string", "false",
                                                  "true")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_code_is_not_found(o311, fmt):
    response = o311.get(f"services/pothole.{fmt}")

    assert response.status_code == 404
    errors = body_of(response, fmt, "errors")
    if fmt == "json":
        valid("errors", errors)
    assert errors == [{"code": as_text(404) if fmt == "xml" else 404,
                       "description": "service_code 不存在：pothole"}]


# ------------------------------------------------------------------------ jurisdiction


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", ["discovery", "services", "services/complaint", "requests",
                                  "requests/RX2026112700000001", "tokens/RX2026112700000001"])
def test_a_wrong_jurisdiction_is_not_found(o311, path, fmt):
    response = o311.get(f"{path}.{fmt}", jurisdiction_id="sfgov.org")

    assert response.status_code == 404
    errors = body_of(response, fmt, "errors")
    assert as_text(errors) == [{"code": "404", "description": "jurisdiction_id 不存在：sfgov.org"}]


def test_the_jurisdiction_may_be_given_or_left_out(o311):
    assert o311.get("services.json", jurisdiction_id="330106").status_code == 200
    assert o311.get("services.json").status_code == 200
    assert o311.get("services.json", jurisdiction_id="").status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_filing_in_a_wrong_jurisdiction_files_nothing(o311, fmt):
    response = o311.post(fmt, api_key=o311.key, jurisdiction_id="sfgov.org",
                         service_code="help", description="楼道灯坏了", address_string="古翠路")

    assert response.status_code == 404
    assert body_of(response, fmt, "errors")[0]["description"] == "jurisdiction_id 不存在：sfgov.org"
    assert Ticket.objects.count() == 0


# ------------------------------------------------------------------------------ filing


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_client_with_a_key_files_a_ticket_and_gets_a_token(o311, fmt):
    response = o311.post(
        fmt, api_key=o311.key, jurisdiction_id="330106", service_code="complaint",
        description="文三路478号门口的路灯坏了一个多星期，晚上一片漆黑。",
        address_string="文三路478号", **{"attribute[region]": "330106005"},
        first_name="明", last_name="李", phone="13905710001", email="li@example.com",
        media_url="https://img.example.com/lamp.jpg", lat="30.2741", long="120.1551",
        device_id="abc", account_id="42")

    assert response.status_code == 200
    answer = body_of(response, fmt, "service_requests")
    if fmt == "json":
        valid("post_response", answer)
    ticket = Ticket.objects.get()
    assert answer == [{"token": ticket.number,
                       "service_notice": "12345 热线在 5 个工作日内办理并答复",
                       "account_id": "42"}]
    assert (ticket.type, ticket.channel, ticket.status, ticket.text, ticket.address,
            ticket.region_id, ticket.caller_name, ticket.caller_phone, ticket.created_by_id,
            ticket.caller_id) == (
        "complaint", "mobile", "new", "文三路478号门口的路灯坏了一个多星期，晚上一片漆黑。",
        "文三路478号", "330106005", "李明", "13905710001", None, None)
    assert (ticket.latitude, ticket.longitude, ticket.media_url, ticket.caller_email,
            ticket.caller_device_id, ticket.caller_account_id) == (
        30.2741, 120.1551, "https://img.example.com/lamp.jpg", "li@example.com", "abc", "42")
    received = TicketEvent.objects.get(ticket=ticket, action="open311_received")
    assert received.note == ("经 Open311 客户端“城市大脑随手拍”提交；坐标（WGS84）：30.274100, "
                             "120.155100；图片或视频：https://img.example.com/lamp.jpg")


def test_the_token_resolves_to_the_request_which_shows_the_ticket(o311):
    number = o311.file(first_name="明", last_name="李", phone="13905710001")

    for fmt in FORMATS:
        token = body_of(o311.get(f"tokens/{number}.{fmt}"), fmt, "service_requests")
        if fmt == "json":
            valid("token_response", token)
        assert token == [{"service_request_id": number, "token": number}]
    response = o311.get(f"requests/{number}.json")
    [request] = valid("service_requests", response.json())
    ticket = Ticket.objects.get(number=number)
    assert request == {
        "service_request_id": number, "status": "open", "status_notes": "已受理，待派单",
        "service_name": "投诉", "service_code": "complaint",
        "description": "文三路478号门口的路灯坏了一个多星期，晚上一片漆黑。",
        "agency_responsible": None, "service_notice": "12345 热线在 5 个工作日内办理并答复",
        "requested_datetime": ticket.created_at.astimezone(
            dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds"),
        "updated_datetime": request["updated_datetime"],
        "expected_datetime": ticket.due_at.astimezone(
            dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds"),
        "address": "文三路478号", "address_id": None, "zipcode": None, "lat": None,
        "long": None, "media_url": None,
    }
    assert request["requested_datetime"].endswith("+08:00")
    assert "13905710001" not in response.content.decode()
    assert "李明" not in response.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_in_xml_has_the_specs_elements(o311, fmt):
    number = o311.file()

    response = o311.get(f"requests/{number}.{fmt}")

    assert response.status_code == 200
    if fmt == "xml":
        root = ET.fromstring(response.content)  # noqa: S314 - our own response
        [request] = list(root)
        assert request.tag == "request"
        assert [child.tag for child in request] == REQUEST_FIELDS
        assert request.findtext("service_request_id") == number
        assert request.findtext("status") == "open"
        assert request.find("lat") is not None
        assert request.findtext("lat") == ""
    else:
        assert list(response.json()[0]) == REQUEST_FIELDS


def test_the_client_may_say_it_files_from_the_web_and_give_coordinates_only(o311):
    number = o311.file(channel="web", address_string="", lat="30.28", long="120.12",
                       **{"attribute[region]": ""})

    ticket = Ticket.objects.get(number=number)
    assert (ticket.channel, ticket.address, ticket.region_id, ticket.latitude,
            ticket.longitude) == ("web", "", None, 30.28, 120.12)
    [request] = valid("service_requests", o311.get(f"requests/{number}.json").json())
    assert (request["address"], request["lat"], request["long"]) == (None, 30.28, 120.12)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", ["", "wrong-key", "revoked"])
def test_without_a_valid_key_nothing_is_filed(o311, key, fmt):
    if key == "revoked":
        row, key = open311_key_create(name="已停用的客户端")
        open311_key_revoke(key_id=row.pk)
    fields = {"service_code": "complaint", "description": "路灯坏了",
              "address_string": "文三路478号"}
    if key:
        fields["api_key"] = key

    response = o311.post(fmt, **fields)

    assert response.status_code == 403
    errors = body_of(response, fmt, "errors")
    if fmt == "json":
        valid("errors", errors)
    assert as_text(errors) == [{"code": "403",
                                "description": "api_key 缺失或无效，不能提交诉求"}]
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def test_filing_needs_no_csrf_token_or_session(o311):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"{BASE}/requests.json", data=urlencode({
        "api_key": o311.key, "service_code": "consultation",
        "description": "新生儿落户需要带哪些材料？"}), content_type=FORM)

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Ticket.objects.get().type == "consultation"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_service_code_is_a_bad_request_and_an_unknown_one_not_found(o311, fmt):
    missing = o311.post(fmt, api_key=o311.key, description="路灯坏了", address_string="文三路")
    unknown = o311.post(fmt, api_key=o311.key, service_code="pothole", description="路灯坏了",
                        address_string="文三路")

    assert missing.status_code == 400
    assert as_text(body_of(missing, fmt, "errors")) == [{"code": "400",
                                                         "description": "缺少 service_code"}]
    assert unknown.status_code == 404
    assert as_text(body_of(unknown, fmt, "errors")) == [
        {"code": "404", "description": "service_code 不存在：pothole"}]
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_description_is_a_bad_request(o311, fmt):
    response = o311.post(fmt, api_key=o311.key, service_code="complaint",
                         address_string="文三路478号")

    assert response.status_code == 400
    errors = body_of(response, fmt, "errors")
    if fmt == "json":
        valid("errors", errors)
    assert as_text(errors) == [{"code": "400",
                                "description": "description：请填写诉求内容（description）"}]
    assert Ticket.objects.count() == 0


def test_every_problem_is_its_own_error(o311):
    response = o311.post(api_key=o311.key, service_code="complaint", lat="north",
                         media_url="javascript:alert(1)", channel="fax",
                         **{"attribute[region]": o311.elsewhere.code})

    assert response.status_code == 400
    assert valid("errors", response.json()) == [
        {"code": 400, "description": "description：请填写诉求内容（description）"},
        {"code": 400, "description": "lat：应为十进制度数（WGS84），如 30.2741"},
        {"code": 400,
         "description": "media_url：应为不超过 500 个字符的 http 或 https 地址"},
        {"code": 400, "description": "attribute[region]：不是本地的乡镇（街道）代码"},
        {"code": 400, "description": "channel：channel 应为 mobile 或 web"},
    ]
    assert Ticket.objects.count() == 0


def test_the_filings_own_checks_come_back_under_the_clients_names(o311):
    response = o311.post(api_key=o311.key, service_code="complaint", description="路灯坏了",
                         address_string="文三路", phone="12",
                         **{"attribute[application_number]": "NO-SUCH"})

    assert response.status_code == 400
    assert response.json() == [
        {"code": 400, "description": "phone：联系电话格式不正确"},
        {"code": 400, "description": "attribute[application_number]：办件不存在"},
    ]
    assert Ticket.objects.count() == 0


def test_a_matter_at_a_place_needs_a_location_a_question_does_not(o311):
    complaint = o311.post(api_key=o311.key, service_code="complaint", description="路灯坏了")
    question = o311.post(api_key=o311.key, service_code="consultation",
                         description="居住证怎么办理？")

    assert complaint.status_code == 400
    assert complaint.json() == [{"code": 400, "description": (
        "address_string：请提供事发地点：address_string、lat 和 long，"
        "或乡镇（attribute[region]）")}]
    assert question.status_code == 200
    assert Ticket.objects.get().type == "consultation"


# ----------------------------------------------------------------------------- reading


def test_a_closed_ticket_is_closed_with_its_reply(o311):
    number = o311.file()
    o311.close(number, reply="已更换灯泡，路灯恢复照明。")
    ticket = Ticket.objects.get(number=number)

    [request] = valid("service_requests", o311.get(f"requests/{number}.json").json())

    assert (request["status"], request["status_notes"], request["agency_responsible"]) == (
        "closed", "已更换灯泡，路灯恢复照明。", "杭州市西湖区城市管理局")
    assert request["updated_datetime"] == ticket.closed_at.astimezone(
        dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds")


def test_the_status_filter(o311):
    open_one = o311.file()
    closed_one = o311.file(service_code="help", description="蒋村花园停水两天了，没有通知。",
                           address_string="蒋村花园", **{"attribute[region]": "330106011"})
    o311.close(closed_one, reply="系管网抢修，已恢复供水。")

    def numbers(**params: str) -> list[str]:
        body = valid("service_requests", o311.get("requests.json", **params).json())
        return [r["service_request_id"] for r in body]

    assert numbers(status="open") == [open_one]
    assert numbers(status="closed") == [closed_one]
    assert numbers(status="open,closed") == [closed_one, open_one]
    assert numbers() == [closed_one, open_one]
    bad = o311.get("requests.json", status="pending")
    assert bad.status_code == 400
    assert bad.json() == [{"code": 400, "description": "status 应为 open 或 closed"}]


def test_the_service_code_filter(o311):
    complaint = o311.file()
    question = o311.file(service_code="consultation", description="公积金怎么提取？",
                         address_string="")

    def numbers(**params: str) -> list[str]:
        return [r["service_request_id"] for r in o311.get("requests.json", **params).json()]

    assert numbers(service_code="complaint") == [complaint]
    assert numbers(service_code="consultation,complaint") == [question, complaint]
    unknown = o311.get("requests.json", service_code="pothole")
    assert unknown.status_code == 400
    assert unknown.json() == [{"code": 400, "description": "service_code 不存在：pothole"}]


def _filed_at(o311: O311, moment: dt.datetime, text: str) -> str:
    with clock.frozen_at(moment):
        return ticket_create(data=TicketInput(type="suggestion", channel="web", text=text),
                             actor=o311.agent).ticket.number


def test_the_date_filters_and_the_default_of_90_days(o311):
    now = clock.now()
    old = _filed_at(o311, now - dt.timedelta(days=120), "建议在西溪湿地增设公共自行车点。")
    recent = _filed_at(o311, now - dt.timedelta(days=10), "建议延长社区图书馆的开放时间。")

    def numbers(**params: str) -> list[str]:
        response = o311.get("requests.json", **params)
        assert response.status_code == 200, response.content.decode()
        return [r["service_request_id"] for r in valid("service_requests", response.json())]

    def w3c(moment: dt.datetime) -> str:
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert numbers() == [recent]
    assert numbers(start_date=w3c(now - dt.timedelta(days=130))) == [old]
    assert numbers(end_date=w3c(now - dt.timedelta(days=100))) == [old]
    assert numbers(start_date=w3c(now - dt.timedelta(days=15)), end_date=w3c(now)) == [recent]
    assert numbers(start_date=(now - dt.timedelta(days=15)).astimezone(
        dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds")) == [recent]
    assert numbers(start_date=w3c(now - dt.timedelta(days=5)), end_date=w3c(now)) == []
    too_long = o311.get("requests.json", start_date=w3c(now - dt.timedelta(days=130)),
                        end_date=w3c(now))
    assert too_long.status_code == 400
    assert too_long.json() == [{"code": 400, "description": "查询时间范围不能超过 90 天"}]
    backwards = o311.get("requests.json", start_date=w3c(now), end_date=w3c(now - dt.timedelta(1)))
    assert backwards.json() == [{"code": 400, "description": "end_date 早于 start_date"}]
    garbage = o311.get("requests.xml", start_date="yesterday")
    assert garbage.status_code == 400
    assert body_of(garbage, "xml", "errors") == [{"code": "400", "description": (
        "start_date 应为 W3C 日期时间，如 2026-01-01T00:00:00+08:00")}]


def test_service_request_ids_override_the_other_arguments(o311):
    now = clock.now()
    old = _filed_at(o311, now - dt.timedelta(days=200), "建议在文三路设置非机动车道隔离。")
    recent = o311.file()

    body = o311.get("requests.json", service_request_id=f"{old}, {recent},RX0",
                    status="closed", service_code="praise").json()

    assert [r["service_request_id"] for r in valid("service_requests", body)] == [recent, old]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_or_token_is_not_found(o311, fmt):
    for path, what in (("requests", "service_request_id"), ("tokens", "token")):
        response = o311.get(f"{path}/RX2026010100000099.{fmt}")
        assert response.status_code == 404
        assert as_text(body_of(response, fmt, "errors")) == [
            {"code": "404", "description": f"{what} 不存在：RX2026010100000099"}]


def test_a_merged_ticket_is_answered_with_its_master(o311):
    master = o311.file()
    merged = ticket_create(data=TicketInput(
        type="complaint", channel="phone", text="古荡新村门口的路灯也坏了好几天。",
        caller_phone="13905710002", region_code="330106005", address="古荡新村"),
        actor=o311.agent, independent=True).ticket.number
    ticket_merge(number=merged, master_number=master, actor=o311.dispatcher)

    [before] = o311.get(f"requests/{merged}.json").json()
    o311.close(master, reply="已统一更换该路段路灯。")
    [after] = valid("service_requests", o311.get(f"requests/{merged}.json").json())

    assert (before["status"], before["status_notes"]) == (
        "open", f"已与工单 {master} 合并办理，一并答复：已受理，待派单")
    assert (after["status"], after["status_notes"], after["agency_responsible"]) == (
        "closed", f"已与工单 {master} 合并办理，一并答复：已统一更换该路段路灯。",
        "杭州市西湖区城市管理局")
    closed = [r["service_request_id"] for r in o311.get("requests.json", status="closed").json()]
    assert closed == [merged, master]


def test_a_report_shows_neither_its_text_its_place_nor_its_reply(o311):
    number = o311.file(service_code="report", description="翠苑三区12幢楼顶有人违章搭建。",
                       address_string="翠苑三区12幢", first_name="某", last_name="王",
                       phone="13905710003")
    o311.close(number, reply="经查属实，已责令当事人拆除。")

    for fmt in FORMATS:
        response = o311.get(f"requests/{number}.{fmt}")
        text = response.content.decode()
        for secret in ("违章搭建", "翠苑三区", "责令", "13905710003", "王某"):
            assert secret not in text
    [request] = valid("service_requests", o311.get(f"requests/{number}.json").json())
    assert (request["status"], request["status_notes"], request["description"],
            request["address"]) == ("closed", "已办结，答复已告知反映人", None, None)


def test_a_ticket_merged_into_a_report_does_not_show_the_reports_reply(o311):
    report = o311.file(service_code="report", description="翠苑三区12幢楼顶有人违章搭建。",
                       address_string="翠苑三区12幢")
    complaint = ticket_create(data=TicketInput(
        type="complaint", channel="phone", text="翠苑三区楼顶搭建的棚子挡住了我家阳台的阳光。",
        region_code="330106005", address="翠苑三区"),
        actor=o311.agent, independent=True).ticket.number
    ticket_merge(number=complaint, master_number=report, actor=o311.dispatcher)
    o311.close(report, reply="经查属实，已责令当事人拆除。")

    [request] = valid("service_requests", o311.get(f"requests/{complaint}.json").json())

    assert (request["status"], request["status_notes"], request["description"]) == (
        "closed", f"已与工单 {report} 合并办理，一并答复：已办结，答复已告知反映人",
        "翠苑三区楼顶搭建的棚子挡住了我家阳台的阳光。")


def test_personal_numbers_in_a_text_are_masked(o311):
    number = o311.file(description="我的电话13905710004，身份证330106199001011234，"
                                   "小区门口\x0b路灯不亮。")
    o311.close(number, reply="已联系13905710004告知：已修复。")

    [request] = o311.get(f"requests/{number}.json").json()
    xml = ET.fromstring(o311.get(f"requests/{number}.xml").content)  # noqa: S314

    assert request["description"] == ("我的电话139****0004，身份证330106********1234，"
                                      "小区门口\x0b路灯不亮。")
    assert request["status_notes"] == "已联系139****0004告知：已修复。"
    assert xml.findtext("request/description") == ("我的电话139****0004，身份证330106********"
                                                   "1234，小区门口路灯不亮。")


def test_a_list_takes_the_same_queries_however_long(o311):
    o311.file()
    with CaptureQueriesContext(connection) as one:
        assert len(o311.get("requests.json").json()) == 1
    for index in range(4):
        o311.file(service_code="praise", address_string="",
                  description=f"感谢第{index + 1}位社区网格员的热心帮助。")
    o311.close(Ticket.objects.order_by("id").first().number, reply="已转达。")

    with CaptureQueriesContext(connection) as five:
        assert len(o311.get("requests.json").json()) == 5

    assert len(five) == len(one)


# ------------------------------------------------------------------ the rest of the URL


def test_an_unknown_resource_or_method_is_refused_in_the_specs_format(o311):
    missing = o311.get("widgets.json")
    wrong_method = o311.client.delete(f"{BASE}/services.xml")

    assert missing.status_code == 404
    assert valid("errors", missing.json()) == [{"code": 404,
                                                "description": "没有这个资源：widgets.json"}]
    assert wrong_method.status_code == 405
    assert wrong_method["Allow"] == "GET, HEAD"
    assert o311.client.head(f"{BASE}/services.xml").status_code == 200
    assert body_of(wrong_method, "xml", "errors") == [{"code": "405",
                                                       "description": "不支持 DELETE 请求"}]


# ------------------------------------------------------------------------- the command


def test_the_key_command_creates_lists_and_revokes(o311):
    out, err = io.StringIO(), io.StringIO()
    call_command("open311", "key", "create", "西湖区政务App", stdout=out, stderr=err)
    key = out.getvalue().strip()
    row = Open311Key.objects.get(name="西湖区政务App")

    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in err.getvalue()
    assert o311.file(api_key=key)

    listing = io.StringIO()
    call_command("open311", "key", "list", stdout=listing)
    lines = listing.getvalue().splitlines()
    assert [line.split("\t")[1] for line in lines] == ["城市大脑随手拍", "西湖区政务App"]
    assert lines[1].endswith("有效")

    call_command("open311", "key", "revoke", str(row.pk), stdout=io.StringIO())
    refused = o311.post(api_key=key, service_code="consultation", description="还能提交吗？")
    assert refused.status_code == 403
    assert Ticket.objects.count() == 1
    listing = io.StringIO()
    call_command("open311", "key", "list", stdout=listing)
    assert listing.getvalue().splitlines()[1].endswith("已停用")


# ------------------------------------------------------ what map-based clients send


SENT = {"lat": "30.274085", "long": "120.15507", "address_string": "文三路478号",
        "media_url": "https://img.example.com/lamp.jpg?size=large",
        "email": "li.ming@example.com", "first_name": "明", "last_name": "李",
        "phone": "13905710001", "device_id": "ios-7F3A", "account_id": "u-42"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_comes_back_with_its_place_and_media_link(o311, fmt):
    number = o311.file(**SENT)

    one = body_of(o311.get(f"requests/{number}.{fmt}"), fmt, "service_requests")
    listed = body_of(o311.get(f"requests.{fmt}"), fmt, "service_requests")

    if fmt == "json":
        valid("service_requests", one)
        valid("service_requests", listed)
    sent = {"address": "文三路478号", "lat": 30.274085, "long": 120.15507,
            "media_url": "https://img.example.com/lamp.jpg?size=large"}
    for request in (one[0], listed[0]):
        assert request["service_request_id"] == number
        assert {name: request[name] for name in sent} == (
            sent if fmt == "json" else as_text(sent))


def test_the_caller_is_kept_for_the_centre_and_never_published(o311):
    number = o311.file(**SENT)

    public = o311.get(f"requests/{number}.json").content.decode()
    staff = Api(o311.agent).get(f"/tickets/{number}").json()
    department = Ticket.objects.get(number=number)

    for secret in ("li.ming@example.com", "13905710001", "李明", "ios-7F3A", "u-42"):
        assert secret not in public
    assert staff["caller"] == {"name": "李明", "phone": "13905710001",
                               "email": "li.ming@example.com"}
    assert (staff["latitude"], staff["longitude"], staff["media_url"]) == (
        30.274085, 120.15507, "https://img.example.com/lamp.jpg?size=large")
    o311.close(number, reply="已修复。")
    assert Api(o311.reviewer).get(f"/tickets/{number}").json()["caller"] == {
        "name": "李明", "phone": "1390***0001", "email": "l***@example.com"}
    assert (department.caller_device_id, department.caller_account_id) == ("ios-7F3A", "u-42")


def test_the_staff_page_shows_the_coordinates_and_the_media_link(o311):
    number = o311.file(**SENT)
    o311.client.force_login(o311.agent)

    page = o311.client.get(f"/hotline/tickets/{number}/").content.decode()

    assert "30.274085, 120.155070" in page
    assert ('<a href="https://img.example.com/lamp.jpg?size=large" '
            'rel="noopener noreferrer nofollow">') in page
    assert "li.ming@example.com" in page


def test_a_reports_coordinates_and_media_link_are_not_published(o311):
    number = o311.file(service_code="report", description="翠苑三区12幢楼顶有人违章搭建。",
                       **SENT)

    [request] = valid("service_requests", o311.get(f"requests/{number}.json").json())

    assert (request["address"], request["lat"], request["long"], request["media_url"]) == (
        None, None, None, None)
    ticket = Ticket.objects.get(number=number)
    assert (ticket.latitude, ticket.longitude) == (30.274085, 120.15507)


@pytest.mark.parametrize(("fields", "errors"), [
    ({"lat": "91", "long": "120"}, ["lat：纬度应在 -90 到 90 之间"]),
    ({"lat": "30", "long": "-180.5"}, ["long：经度应在 -180 到 180 之间"]),
    ({"lat": "nan", "long": "inf"}, ["lat：纬度应在 -90 到 90 之间",
                                     "long：经度应在 -180 到 180 之间"]),
    ({"lat": "30.27"}, ["long：纬度和经度须同时提供"]),
    ({"lat": "三十", "long": "120"}, ["lat：应为十进制度数（WGS84），如 30.2741"]),
    ({"email": "li.ming@"}, ["email：电子邮箱格式不正确"]),
    ({"media_url": "ftp://img.example.com/lamp.jpg"},
     ["media_url：应为不超过 500 个字符的 http 或 https 地址"]),
    ({"media_url": "https://img.example.com/" + "a" * 480},
     ["media_url：应为不超过 500 个字符的 http 或 https 地址"]),
    ({"device_id": "d" * 101, "account_id": "a" * 101},
     ["device_id：最多 100 个字符", "account_id：最多 100 个字符"]),
])
def test_a_bad_place_or_contact_is_refused_by_field_and_files_nothing(o311, fields, errors):
    events = TicketEvent.objects.count()

    response = o311.post(api_key=o311.key, service_code="complaint", description="路灯坏了",
                         address_string="文三路478号", **fields)

    assert response.status_code == 400
    assert [e["description"] for e in valid("errors", response.json())] == errors
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == events


def test_the_database_keeps_coordinates_within_wgs84(o311):
    from django.db import IntegrityError, transaction

    number = o311.file()

    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(number=number).update(latitude=95.0, longitude=120.0)
    assert Ticket.objects.get(number=number).latitude is None


# ------------------------------------------------------- one jurisdiction per region


def test_each_region_served_is_a_jurisdiction_with_its_own_townships(o311):
    for jurisdiction, townships in (("330106", ["330106005", "330106011"]),
                                    ("330106005", ["330106005"]),
                                    ("", ["330106005", "330106011"])):
        definition = o311.get("services/complaint.json", jurisdiction_id=jurisdiction).json()
        assert [v["key"] for v in definition["attributes"][0]["values"]] == townships


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("jurisdiction", ["330105", "330105001", "3301", "33", "330106999"])
def test_a_region_the_hotline_does_not_serve_is_refused_and_files_nothing(o311, fmt,
                                                                         jurisdiction):
    response = o311.post(fmt, api_key=o311.key, jurisdiction_id=jurisdiction,
                         service_code="complaint", description="路灯坏了",
                         address_string="米市巷")

    assert response.status_code == 404
    assert as_text(body_of(response, fmt, "errors")) == [
        {"code": "404", "description": f"jurisdiction_id 不存在：{jurisdiction}"}]
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def test_a_township_outside_the_jurisdiction_is_refused_and_files_nothing(o311):
    response = o311.post(api_key=o311.key, jurisdiction_id="330106005",
                         service_code="complaint", description="路灯坏了",
                         address_string="蒋村花园", **{"attribute[region]": "330106011"})

    assert response.status_code == 400
    assert response.json() == [{"code": 400,
                                "description": "attribute[region]：不是本地的乡镇（街道）代码"}]
    assert Ticket.objects.count() == 0


def test_a_filing_in_a_townships_jurisdiction_is_about_that_township(o311):
    number = o311.file(jurisdiction_id="330106005", address_string="",
                       **{"attribute[region]": ""})

    ticket = Ticket.objects.get(number=number)
    assert (ticket.region_id, ticket.jurisdiction_id) == ("330106005", "330106")


def test_the_list_and_each_request_are_read_within_the_jurisdiction(o311):
    cuiyuan = o311.file(jurisdiction_id="330106005")
    jiangcun = o311.file(service_code="help", description="蒋村花园停水两天了，没有通知。",
                         address_string="蒋村花园", **{"attribute[region]": "330106011"})
    unplaced = o311.file(service_code="consultation", description="公积金怎么提取？",
                         address_string="", **{"attribute[region]": ""})

    def numbers(jurisdiction: str, **params: str) -> list[str]:
        response = o311.get("requests.json", jurisdiction_id=jurisdiction, **params)
        return [r["service_request_id"] for r in valid("service_requests", response.json())]

    assert numbers("330106005") == [cuiyuan]
    assert numbers("330106011") == [jiangcun]
    assert numbers("330106") == numbers("") == [unplaced, jiangcun, cuiyuan]
    assert numbers("330106011", service_request_id=f"{cuiyuan},{jiangcun}") == [jiangcun]
    elsewhere = o311.get(f"requests/{cuiyuan}.json", jurisdiction_id="330106011")
    assert elsewhere.status_code == 404
    assert o311.get(f"tokens/{cuiyuan}.json", jurisdiction_id="330106011").status_code == 404
    assert o311.get(f"requests/{cuiyuan}.json", jurisdiction_id="330106005").status_code == 200


def test_a_province_serves_each_of_its_counties_as_a_jurisdiction(o311, settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "OPEN311_JURISDICTION": "33"}

    gongshu = o311.file(jurisdiction_id="330105", address_string="米市巷",
                        **{"attribute[region]": ""})
    xihu = o311.file(jurisdiction_id="330106")
    refused = o311.post(api_key=o311.key, jurisdiction_id="330105", service_code="complaint",
                        description="路灯坏了", **{"attribute[region]": "330106005"})

    assert refused.status_code == 400
    assert Ticket.objects.count() == 2
    ticket = Ticket.objects.get(number=gongshu)
    assert (ticket.region_id, ticket.jurisdiction_id) == (None, "330105")

    def numbers(jurisdiction: str) -> list[str]:
        body = o311.get("requests.json", jurisdiction_id=jurisdiction).json()
        return [r["service_request_id"] for r in body]

    assert numbers("330105") == [gongshu]
    assert numbers("330106") == [xihu]
    assert numbers("3301") == numbers("33") == numbers("") == [xihu, gongshu]
    assert o311.get("services.json", jurisdiction_id="3401").status_code == 404
    definition = o311.get("services/complaint.json", jurisdiction_id="330105").json()
    assert definition["attributes"][0]["values"] == [{"key": "330105001", "name": "米市巷街道"}]


def test_the_filing_service_refuses_a_jurisdiction_no_region_has(o311):
    with pytest.raises(InvalidInput) as refused:
        ticket_create(data=TicketInput(type="consultation", channel="web",
                                       text="居住证怎么办理？", jurisdiction_code="990101"),
                      actor=o311.agent)

    assert refused.value.errors == {"jurisdiction_code": "行政区划代码不存在"}
    assert Ticket.objects.count() == 0
