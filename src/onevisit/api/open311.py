"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/, so that
existing 311 clients and apps can file and follow 12345 tickets.

Every resource is served as `.xml` (the spec's required format) and `.json` (its Spark
mapping of the XML: a container element becomes an array). Reads are public; filing needs
an `api_key` (`onevisit open311 key create NAME`). Each region the hotline serves is a
jurisdiction (`jurisdiction_id`: its GB/T 2260 code; left out, the whole served region).
Errors are the spec's `errors` list with the HTTP status it names: 404 for what does not
exist (a jurisdiction the hotline does not serve too), 403 for a missing or wrong key, 400
for anything else.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from onevisit import clock
from onevisit.accounts.services import rate_limit_hit
from onevisit.errors import DomainError, InvalidInput
from onevisit.hotline import open311
from onevisit.hotline.models import Ticket

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the service list or the service definitions last changed (GeoReport's changeset:
# clients refresh what they cache when it moves).
CHANGESET = "2026-11-27 00:00"
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The Spark convention: a container element and the name of each element it holds.
ITEM_NAMES = {
    "services": "service", "service_requests": "request", "errors": "error",
    "endpoints": "endpoint", "formats": "format", "attributes": "attribute",
    "values": "value",
}


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = descriptions


# -- Rendering ----------------------------------------------------------------------------

# Characters XML 1.0 cannot carry, even escaped (a ticket's text may hold one).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _element(parent: ET.Element, name: str, value: Any) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _element(node, key, item)
    elif isinstance(value, list):
        for item in value:
            _element(node, ITEM_NAMES[name], item)
    elif value is not None:
        node.text = _text(value)


def render_xml(root: str, body: Any) -> bytes:
    """The spec's XML: a declaration with the encoding, no namespace, a container element
    per list, an empty element for a value not known."""
    element = ET.Element(root)
    if isinstance(body, list):
        for item in body:
            _element(element, ITEM_NAMES[root], item)
    else:
        for key, item in body.items():
            _element(element, key, item)
    return (b'<?xml version="1.0" encoding="utf-8"?>\n'
            + ET.tostring(element, encoding="unicode").encode())


def respond(fmt: str, root: str, body: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        content = json.dumps(body, ensure_ascii=False).encode()
    else:
        content = render_xml(root, body)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    return respond(fmt, "errors",
                   [{"code": status, "description": d} for d in descriptions], status=status)


def w3c(moment: dt.datetime | None) -> str | None:
    """W3C date and time with the offset (2026-11-27T09:30:00+08:00)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


# -- The endpoint wrapper -----------------------------------------------------------------

View = Callable[..., HttpResponse]


def endpoint(*methods: str, scoped: bool = False) -> Callable[[View], View]:
    """Check the method and the jurisdiction (passed on to a `scoped` view), and turn
    refusals into GeoReport errors in the format asked for."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def handler(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                allowed = (*methods, "HEAD") if "GET" in methods else methods
                if request.method not in allowed:
                    response = error_response(fmt, 405, _("不支持 %(method)s 请求")
                                              % {"method": request.method})
                    response["Allow"] = ", ".join(allowed)
                    return response
                given = (request.POST.get("jurisdiction_id") if request.method == "POST"
                         else None) or request.GET.get("jurisdiction_id", "")
                jurisdiction = open311.jurisdiction_find(given)
                if jurisdiction is None:
                    raise Open311Error(404, _("jurisdiction_id 不存在：%(id)s")
                                       % {"id": given.strip()})
                if scoped:
                    kwargs["jurisdiction"] = jurisdiction
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.status, *exc.descriptions)
            except InvalidInput as exc:
                problems = [f"{field}：{reason}" for field, reason in exc.errors.items()]
                return error_response(fmt, 400, *(problems or [str(exc.message)]))
            except DomainError as exc:
                status = 404 if exc.status == 404 else 400
                return error_response(fmt, status, str(exc.message))

        # A client of the spec sends no CSRF token: every resource answers a wrong method
        # with the spec's 405, never Django's CSRF page.
        return csrf_exempt(handler)

    return wrap


# -- Resources ----------------------------------------------------------------------------

@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Service Discovery: where the GeoReport v2 endpoint is and what it speaks."""
    public_url = settings.ONEVISIT["PUBLIC_URL"]
    return respond(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": _("%(site)s 12345 政务服务便民热线：%(url)s")
        % {"site": settings.ONEVISIT["SITE_NAME"], "url": public_url},
        "key_service": _("提交诉求需要 API 密钥，请向 12345 热线中心申请"),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": f"{public_url}/open311/v2",
            "changeset": CHANGESET,
            # A demo instance is not acted upon: its endpoint is a test one.
            "type": "test" if settings.ONEVISIT["DEMO_ALLOWED"] else "production",
            "formats": [CONTENT_TYPES["xml"].split(";")[0], CONTENT_TYPES["json"].split(";")[0]],
        }],
    })


@endpoint("GET")
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET Service List: the ticket types."""
    group = _("12345 政务服务便民热线")
    return respond(fmt, "services", [
        {"service_code": s.code, "service_name": s.name, "description": s.description,
         "metadata": True, "type": "batch", "keywords": s.keywords, "group": group}
        for s in open311.open311_services()
    ])


@endpoint("GET", scoped=True)
def service_definition(request: HttpRequest, service_code: str, *, fmt: str,
                       jurisdiction: str) -> HttpResponse:
    """GET Service Definition: the township (one of the jurisdiction's) and an application
    the matter is about."""
    service = open311.open311_service(service_code)
    return respond(fmt, "service_definition", {
        "service_code": service.code,
        "attributes": [
            {"variable": True, "code": "region", "datatype": "singlevaluelist",
             "required": False,
             "datatype_description": _("从列表中选择一个乡镇（街道）代码"), "order": 1,
             "description": _("事发地所在的乡镇（街道）"),
             "values": [{"key": r.code, "name": r.name}
                        for r in open311.townships(jurisdiction)]},
            {"variable": True, "code": "application_number", "datatype": "string",
             "required": False, "datatype_description": _("办件编号，见受理回执"), "order": 2,
             "description": _("如反映的是某件政务服务办件，请填写其办件编号")},
        ],
    })


def _argument(request: HttpRequest, name: str) -> str:
    return request.POST.get(name) or request.GET.get(name) or ""


ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\]]+)\](?:\[\])?$")


def _attributes(request: HttpRequest) -> dict[str, str]:
    """`attribute[CODE]=value` (or `attribute[CODE][]=value`: the first value)."""
    found: dict[str, str] = {}
    for name in request.POST:
        match = ATTRIBUTE.match(name)
        if match:
            found.setdefault(match["code"], request.POST.get(name, ""))
    return found


def _create(request: HttpRequest, fmt: str, jurisdiction: str) -> HttpResponse:
    """POST Service Request: file a ticket (a token comes back: the ticket number)."""
    if rate_limit_hit(scope="open311", address=request.META.get("REMOTE_ADDR", "")):
        raise Open311Error(429, _("提交过于频繁，请稍后再试"))
    key = open311.open311_key_check(_argument(request, "api_key"))
    if key is None:
        raise Open311Error(403, _("api_key 缺失或无效，不能提交诉求"))
    service_code = _argument(request, "service_code").strip()
    if not service_code:
        raise Open311Error(400, _("缺少 service_code"))
    attributes = _attributes(request)
    filing = open311.open311_request_file(key=key, request=open311.Open311Request(
        service_code=service_code, jurisdiction=jurisdiction,
        **{name: _argument(request, name) for name in (
            "description", "address_string", "address_id", "lat", "long", "first_name",
            "last_name", "phone", "email", "device_id", "account_id", "media_url",
            "channel")},
        region=attributes.get("region", ""),
        application_number=attributes.get("application_number", ""),
    ))
    return respond(fmt, "service_requests", [
        {"token": filing.ticket.number, "service_notice": open311.filing_notice(filing),
         "account_id": filing.ticket.caller_account_id or None},
    ])


OFFSET_AS_SPACE = re.compile(r" (\d{2}:?\d{2})$")


def _moment(value: str, name: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        # A "+08:00" offset sent unescaped in a query string arrives as " 08:00".
        moment = parse_datetime(OFFSET_AS_SPACE.sub(r"+\1", value))
        if moment is None:
            day = parse_date(value)
            moment = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s 应为 W3C 日期时间，如 2026-01-01T00:00:00+08:00")
                           % {"name": name})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _records(tickets: list[Ticket]) -> list[dict[str, Any]]:
    names = {s.code: s.name for s in open311.open311_services()}
    return [_record(t, names) for t in tickets]


def _record(ticket: Ticket, names: dict[str, str]) -> dict[str, Any]:
    public = open311.public_ticket(ticket)
    return {
        "service_request_id": public.number,
        "status": "closed" if public.closed else "open",
        "status_notes": public.status_notes or None,
        "service_name": names.get(public.type),
        "service_code": public.type,
        "description": public.description,
        "agency_responsible": public.agency,
        "service_notice": public.notice,
        "requested_datetime": w3c(public.requested_at),
        "updated_datetime": w3c(public.updated_at),
        "expected_datetime": w3c(public.expected_at),
        "address": public.address,
        "address_id": None,
        "zipcode": None,
        "lat": public.latitude,
        "long": public.longitude,
        "media_url": public.media_url,
    }


def _search(request: HttpRequest, fmt: str, jurisdiction: str) -> HttpResponse:
    """GET Service Requests in the jurisdiction: by id (overriding all else), or by
    service, status and the filing time — by default the last 90 days; newest first, at
    most 1000."""
    numbers = _list(request.GET.get("service_request_id", ""))
    if numbers:
        tickets = open311.open311_tickets(jurisdiction=jurisdiction,
                                          numbers=numbers[:open311.MAX_REQUESTS])
        return respond(fmt, "service_requests", _records(tickets))
    codes = _list(request.GET.get("service_code", ""))
    known = {s.code for s in open311.open311_services()}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise Open311Error(400, _("service_code 不存在：%(codes)s")
                           % {"codes": ",".join(unknown)})
    statuses = set(_list(request.GET.get("status", "")))
    if not statuses <= {"open", "closed"}:
        raise Open311Error(400, _("status 应为 open 或 closed"))
    start = _moment(request.GET.get("start_date", ""), "start_date")
    end = _moment(request.GET.get("end_date", ""), "end_date")
    if start is None:
        end = end or clock.now()
        start = end - open311.DEFAULT_SPAN
    elif end is None:
        end = start + open311.DEFAULT_SPAN
    if end < start:
        raise Open311Error(400, _("end_date 早于 start_date"))
    if end - start > open311.DEFAULT_SPAN:
        raise Open311Error(400, _("查询时间范围不能超过 90 天"))
    tickets = open311.open311_tickets(jurisdiction=jurisdiction, types=codes, start=start,
                                      end=end, statuses=statuses or None)
    return respond(fmt, "service_requests", _records(tickets))


@endpoint("GET", "POST", scoped=True)
def service_requests(request: HttpRequest, *, fmt: str, jurisdiction: str) -> HttpResponse:
    """`requests.{fmt}`: GET Service Requests, or POST Service Request (needs api_key)."""
    if request.method == "POST":
        return _create(request, fmt, jurisdiction)
    return _search(request, fmt, jurisdiction)


@endpoint("GET", scoped=True)
def service_request(request: HttpRequest, service_request_id: str, *, fmt: str,
                    jurisdiction: str) -> HttpResponse:
    """GET Service Request: one ticket of the jurisdiction by its number."""
    ticket = open311.open311_ticket(service_request_id, jurisdiction=jurisdiction)
    if ticket is None:
        raise Open311Error(404, _("service_request_id 不存在：%(id)s")
                           % {"id": service_request_id})
    return respond(fmt, "service_requests", _records([ticket]))


@endpoint("GET", scoped=True)
def token(request: HttpRequest, token_id: str, *, fmt: str, jurisdiction: str) -> HttpResponse:
    """GET service_request_id from a token: the token is the ticket number itself, so it
    resolves at once, to itself."""
    ticket = open311.open311_ticket(token_id, jurisdiction=jurisdiction)
    if ticket is None:
        raise Open311Error(404, _("token 不存在：%(id)s") % {"id": token_id})
    return respond(fmt, "service_requests",
                   [{"service_request_id": ticket.number, "token": ticket.number}])


def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return error_response(fmt, 404, _("没有这个资源：%(path)s") % {"path": rest})


FMT = r"\.(?P<fmt>json|xml)$"
ID = r"(?P<{}>[^/]+?)"
urlpatterns = [
    re_path(r"^discovery" + FMT, discovery, name="open311_discovery"),
    re_path(r"^services" + FMT, services, name="open311_services"),
    re_path(r"^services/" + ID.format("service_code") + FMT, service_definition,
            name="open311_service_definition"),
    re_path(r"^requests" + FMT, service_requests, name="open311_requests"),
    re_path(r"^requests/" + ID.format("service_request_id") + FMT, service_request,
            name="open311_request"),
    re_path(r"^tokens/" + ID.format("token_id") + FMT, token, name="open311_token"),
    path("<path:rest>", not_found),
]
