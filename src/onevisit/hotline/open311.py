"""The hotline as Open311 GeoReport v2 jurisdictions, one per region it serves: the
clients' API keys, filing a ticket for a client, and what the public may read of a ticket.

GeoReport reads are public, so a ticket is shown without anything about its caller, and a
report (举报) without its text, place, media link or reply: those could point at the
reporter. Every region the hotline serves is a jurisdiction of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel, Role
from onevisit.accounts.regions import within
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotFound
from onevisit.hotline.constants import TicketChannel, TicketStatus, TicketType
from onevisit.hotline.models import Open311Key, Ticket, TicketEvent
from onevisit.hotline.services import TicketFiling, TicketInput, ticket_create
from onevisit.hotline.services.common import event_add
from onevisit.hotline.services.tickets import contact_errors, location_errors

log = structlog.get_logger(__name__)

MAX_REQUESTS = 1000
DEFAULT_SPAN = dt.timedelta(days=90)


# -- API keys ---------------------------------------------------------------------------

def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@atomic_audited
def open311_key_create(*, name: str, actor: object = None) -> tuple[Open311Key, str]:
    """Issue a key to an Open311 client. Returns the row and the key, which is shown once:
    only its SHA-256 is stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("客户端名称有误"), {"name": _("请填写 1 到 100 个字")})
    key = secrets.token_urlsafe(32)
    row = Open311Key.objects.create(name=name, key_hash=_digest(key), created_at=clock.now())
    audit_record(actor=actor, action="open311.key_created", entity="open311_key",
                 entity_id=row.pk, data={"name": name})
    return row, key


@atomic_audited
def open311_key_revoke(*, key_id: int, actor: object = None) -> Open311Key:
    row = Open311Key.objects.select_for_update().filter(pk=key_id).first()
    if row is None:
        raise NotFound(_("密钥不存在"))
    if not row.active:
        raise Conflict(_("该密钥已停用"))
    row.active = False
    row.save(update_fields=["active"])
    audit_record(actor=actor, action="open311.key_revoked", entity="open311_key",
                 entity_id=row.pk, data={"name": row.name})
    return row


def open311_keys() -> QuerySet[Open311Key]:
    return Open311Key.objects.order_by("id")


def open311_key_check(key: str) -> Open311Key | None:
    """The active key row for a presented key, or None."""
    key = key.strip()
    if not key:
        return None
    return Open311Key.objects.filter(key_hash=_digest(key), active=True).first()


# -- Jurisdictions ------------------------------------------------------------------------

def jurisdiction_home() -> str:
    """The region the hotline serves (ONEVISIT_OPEN311_JURISDICTION): the jurisdiction of
    a request that names none."""
    return str(settings.ONEVISIT["OPEN311_JURISDICTION"])


def jurisdiction_find(given: str) -> str | None:
    """The jurisdiction a `jurisdiction_id` names: the served region ("" names it too) or
    any region below it, each its own jurisdiction (GB/T 2260 codes nest: 33 → 3301 →
    330106 → 330106005). None for anything else: a region the hotline does not serve, a
    code no region has, or no code at all."""
    home = jurisdiction_home()
    code = given.strip() or home
    if code == home or (code.startswith(home)
                        and Region.objects.filter(code=code).exists()):
        return code
    return None


def townships(jurisdiction: str = "") -> list[Region]:
    """The townships (乡镇/街道) in a jurisdiction (the served region by default): those
    below it, or the township itself."""
    return list(Region.objects.filter(level=RegionLevel.TOWNSHIP,
                                      code__startswith=jurisdiction or jurisdiction_home())
                .order_by("code"))


def _in_jurisdiction(jurisdiction: str) -> Q:
    """The tickets of a jurisdiction: those whose 12345 it is or is above (a ticket belongs
    to the county of its place), and those whose place lies in it (a township's)."""
    return within("jurisdiction", jurisdiction) | within("region", jurisdiction)


# -- Services ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Service:
    """A ticket type offered as a GeoReport service."""

    code: str
    name: str
    description: str
    keywords: str


# Types about a matter at a place: GeoReport's location is required for them. A question,
# a suggestion or a praise may have no place.
LOCATED_TYPES = (TicketType.COMPLAINT, TicketType.REPORT, TicketType.HELP)
SERVICE_ORDER = (TicketType.COMPLAINT, TicketType.REPORT, TicketType.HELP,
                 TicketType.SUGGESTION, TicketType.CONSULTATION, TicketType.PRAISE)


def open311_services() -> list[Service]:
    described = {
        TicketType.COMPLAINT: (_("对行政机关、公共服务单位或经营者的不满，请求处理"),
                               _("投诉,不满,乱收费,噪音,态度,违规")),
        TicketType.REPORT: (_("举报违法违规行为；举报内容和举报人信息均不公开"),
                            _("举报,违法,违建,无证经营,污染")),
        TicketType.HELP: (_("生活中遇到困难，请求有关部门帮助解决"),
                          _("求助,帮助,困难,停水,停电,维修")),
        TicketType.SUGGESTION: (_("对政府工作和公共服务的意见建议"),
                                _("建议,意见,改进,规划")),
        TicketType.CONSULTATION: (_("政策法规、办事流程等问题的咨询"),
                                  _("咨询,询问,政策,办事指南,怎么办")),
        TicketType.PRAISE: (_("对工作人员或单位的表扬"), _("表扬,感谢,点赞")),
    }
    return [Service(code=str(code), name=str(TicketType(code).label),
                    description=str(described[code][0]), keywords=str(described[code][1]))
            for code in SERVICE_ORDER]


def open311_service(code: str) -> Service:
    found = next((s for s in open311_services() if s.code == code), None)
    if found is None:
        raise NotFound(_("service_code 不存在：%(code)s") % {"code": code})
    return found


# -- Filing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Open311Client:
    """Who acts when an Open311 client files: no user account, only the key the centre
    issued. It files as the centre's own intake does (the role the filing service admits
    for a ticket taken on someone's behalf), in the region the hotline serves; the key is
    named in the ticket's history and the audit chain."""

    key_id: int
    name: str
    region_id: str
    role: str = Role.AGENT
    pk: None = None
    is_superuser: bool = False
    department_id: None = None


@dataclass(frozen=True)
class Open311Request:
    """A POST Service Request's arguments, as sent (all text)."""

    service_code: str
    jurisdiction: str
    description: str = ""
    address_string: str = ""
    address_id: str = ""
    lat: str = ""
    long: str = ""
    region: str = ""
    application_number: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    channel: str = ""


# The filing service's field names as the client knows them.
_ARGUMENTS = {
    "text": "description", "caller_phone": "phone", "caller_name": "first_name",
    "region_code": "attribute[region]", "application_number": "attribute[application_number]",
    "channel": "channel", "latitude": "lat", "longitude": "long", "media_url": "media_url",
    "caller_email": "email", "caller_device_id": "device_id",
    "caller_account_id": "account_id",
}


def _caller_name(first: str, last: str) -> str:
    """Chinese names read family name first, without a space."""
    first, last = first.strip(), last.strip()
    if any("\u4e00" <= c <= "\u9fff" for c in first + last):
        return last + first
    return f"{first} {last}".strip()


def _degrees(value: str, name: str, errors: dict[str, str]) -> float | None:
    """A coordinate as sent: decimal degrees, or None when left out."""
    value = value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        errors[name] = _("应为十进制度数（WGS84），如 30.2741")
        return None


def _checked(request: Open311Request) -> tuple[TicketInput, dict[str, str]]:
    """The filing the request asks for, and every problem with it (named as the client
    names its arguments), all at once."""
    errors: dict[str, str] = {}
    service = open311_service(request.service_code.strip())
    if not request.description.strip():
        errors["description"] = _("请填写诉求内容（description）")
    latitude = _degrees(request.lat, "lat", errors)
    longitude = _degrees(request.long, "long", errors)
    for name, reason in location_errors(latitude=latitude, longitude=longitude).items():
        errors.setdefault(_ARGUMENTS[name], reason)
    contact = {"media_url": request.media_url.strip(), "caller_email": request.email.strip(),
               "caller_device_id": request.device_id.strip(),
               "caller_account_id": request.account_id.strip()}
    for name, reason in contact_errors(
            media_url=contact["media_url"], email=contact["caller_email"],
            device_id=contact["caller_device_id"],
            account_id=contact["caller_account_id"]).items():
        errors[_ARGUMENTS[name]] = reason
    local = {r.code for r in townships(request.jurisdiction)}
    township = request.region.strip()
    if township and township not in local:
        errors["attribute[region]"] = _("不是本地的乡镇（街道）代码")
    # A filing in a township's jurisdiction is about that township.
    place = township or (request.jurisdiction if request.jurisdiction in local else "")
    located = (request.address_string.strip() or latitude is not None
               or longitude is not None or place)
    if service.code in LOCATED_TYPES and not located and not {"lat", "long"} & set(errors):
        errors["address_string"] = _("请提供事发地点：address_string、lat 和 long，"
                                     "或乡镇（attribute[region]）")
    channel = request.channel.strip() or TicketChannel.MOBILE
    if channel not in (TicketChannel.MOBILE, TicketChannel.WEB):
        errors["channel"] = _("channel 应为 mobile 或 web")
    data = TicketInput(
        type=service.code, channel=channel, text=request.description,
        caller_name=_caller_name(request.first_name, request.last_name),
        caller_phone=request.phone, region_code=place,
        address=request.address_string.strip(),
        application_number=request.application_number.strip(),
        latitude=latitude, longitude=longitude, media_url=contact["media_url"],
        caller_email=contact["caller_email"], caller_device_id=contact["caller_device_id"],
        caller_account_id=contact["caller_account_id"], jurisdiction_code=request.jurisdiction)
    return data, errors


def open311_request_file(*, key: Open311Key, request: Open311Request) -> TicketFiling:
    """File a ticket in a jurisdiction for an Open311 client, through the same filing as
    a call (matched against open tickets: 最多投一次), keeping what the client sent: the
    place (address, WGS84 coordinates, township), the media link and the caller's name,
    phone, e-mail, device and account. Every problem is reported at once and nothing is
    filed. The channel is mobile unless the client says web."""
    data, errors = _checked(request)
    if errors:
        raise InvalidInput(_("请求有误"), errors)
    try:
        filing = ticket_create(
            data=data, actor=Open311Client(key_id=key.pk, name=key.name,
                                           region_id=jurisdiction_home()),
            received=lambda ticket: _received_note(ticket=ticket, key=key))
    except InvalidInput as exc:
        raise InvalidInput(exc.message, {_ARGUMENTS.get(k, k): str(v)
                                         for k, v in exc.errors.items()}) from exc
    log.info("open311_request_filed", number=filing.ticket.number, key=key.pk,
             jurisdiction=request.jurisdiction, outcome=filing.outcome)
    return filing


def _received_note(*, ticket: Ticket, key: Open311Key) -> None:
    """In the filing's transaction: the client, the coordinates and the media link in the
    ticket's history, the key in the audit chain."""
    parts = [_("经 Open311 客户端“%(name)s”提交") % {"name": key.name}]
    if ticket.latitude is not None and ticket.longitude is not None:
        parts.append(_("坐标（WGS84）：%(lat).6f, %(long).6f")
                     % {"lat": ticket.latitude, "long": ticket.longitude})
    if ticket.media_url:
        parts.append(_("图片或视频：%(url)s") % {"url": ticket.media_url})
    event_add(ticket=ticket, actor=None, action="open311_received", note="；".join(parts))
    audit_record(actor=None, action="open311.request_filed", entity="ticket",
                 entity_id=ticket.number, data={"key": key.pk})


def filing_notice(filing: TicketFiling) -> str:
    """The service notice returned to the client that filed."""
    if filing.outcome in ("merged", "repeat"):
        return _("该事项已有工单在办理，已合并办理，一并答复")
    return service_notice(filing.ticket.limit_days)


# -- Reading ------------------------------------------------------------------------------

def _tickets() -> QuerySet[Ticket]:
    last_event = (TicketEvent.objects.filter(ticket=OuterRef("pk")).order_by("-at", "-id")
                  .values("at")[:1])
    return (Ticket.objects.select_related("lead_department", "master",
                                          "master__lead_department")
            .annotate(last_event_at=Subquery(last_event)))


def _closed() -> Q:
    """Closed for the public: closed itself, or merged into a ticket that is closed."""
    return (Q(status=TicketStatus.CLOSED)
            | Q(status=TicketStatus.MERGED, master__status=TicketStatus.CLOSED))


def open311_ticket(number: str, *, jurisdiction: str) -> Ticket | None:
    """A ticket of the jurisdiction (another jurisdiction's is not found in this one)."""
    return _tickets().filter(_in_jurisdiction(jurisdiction), number=number).first()


def open311_tickets(*, jurisdiction: str, numbers: list[str] | None = None,
                    types: list[str] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None,
                    statuses: set[str] | None = None) -> list[Ticket]:
    """GeoReport's query in a jurisdiction: by numbers (overriding everything else), or
    by types, status (open/closed) and filing time; newest first, at most 1000."""
    tickets = _tickets().filter(_in_jurisdiction(jurisdiction))
    if numbers is not None:
        tickets = tickets.filter(number__in=numbers)
    else:
        if types:
            tickets = tickets.filter(type__in=types)
        if start is not None:
            tickets = tickets.filter(created_at__gte=start)
        if end is not None:
            tickets = tickets.filter(created_at__lte=end)
        if statuses == {"open"}:
            tickets = tickets.exclude(_closed())
        elif statuses == {"closed"}:
            tickets = tickets.filter(_closed())
    return list(tickets.order_by("-created_at", "-id")[:MAX_REQUESTS])


@dataclass(frozen=True)
class PublicTicket:
    """A ticket as anyone may read it."""

    number: str
    type: str
    closed: bool
    status_notes: str
    description: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    media_url: str | None
    agency: str | None
    notice: str
    requested_at: dt.datetime
    updated_at: dt.datetime
    expected_at: dt.datetime | None


def _progress(status: str) -> str:
    """What the public is told of an open ticket's progress."""
    labels = {
        TicketStatus.NEW: _("已受理，待派单"),
        TicketStatus.DISPATCHED: _("已派至承办单位"),
        TicketStatus.ACCEPTED: _("承办单位办理中"),
        TicketStatus.RETURNED: _("重新派单中"),
        TicketStatus.REPLIED: _("承办单位已答复，待办结"),
    }
    return labels.get(TicketStatus(status), "")


# Numbers that identify a person, wherever they appear in a text shown to the public: an
# 18-character resident ID (GB 11643) and a mainland mobile number.
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def desensitize(text: str) -> str:
    """A text fit to publish: resident IDs and mobile numbers masked (脱敏)."""
    text = _RESIDENT_ID.sub(lambda m: m[1] + "*" * 8 + m[2], text)
    return _MOBILE.sub(lambda m: m[1] + "****" + m[2], text)


def public_ticket(ticket: Ticket) -> PublicTicket:
    """What anyone may read of a ticket. A merged ticket (并单) is answered with its
    master: open while the master is, closed with the master's reply when it closes. A
    report (举报) shows neither its text, its place nor its reply; other texts are shown
    with personal numbers masked. The place and the media link come back as the client
    sent them (but a report's)."""
    master = ticket.master if ticket.status == TicketStatus.MERGED else None
    handling = master or ticket
    closed = handling.status == TicketStatus.CLOSED
    report = ticket.type == TicketType.REPORT
    # A reply to a report stays private, also when it answers a ticket merged into one.
    private_reply = report or handling.type == TicketType.REPORT
    reply = ticket.reply or handling.reply
    if closed:
        notes = _("已办结，答复已告知反映人") if private_reply else desensitize(reply)
        closed_at = ticket.closed_at or handling.closed_at
    else:
        notes = _progress(handling.status)
        closed_at = None
    if master is not None:
        notes = (_("已与工单 %(number)s 合并办理，一并答复") % {"number": master.number}
                 + (f"：{notes}" if notes else ""))
    last_event_at = getattr(ticket, "last_event_at", None)
    updated = closed_at or last_event_at or ticket.created_at
    return PublicTicket(
        number=ticket.number, type=ticket.type, closed=closed, status_notes=notes,
        description=None if report else desensitize(ticket.text),
        address=None if report else (desensitize(ticket.address) or None),
        latitude=None if report else ticket.latitude,
        longitude=None if report else ticket.longitude,
        media_url=None if report else (ticket.media_url or None),
        agency=handling.lead_department.name if handling.lead_department else None,
        notice=service_notice(ticket.limit_days),
        requested_at=ticket.created_at, updated_at=updated,
        expected_at=handling.due_at,
    )


def service_notice(days: int) -> str:
    return _("12345 热线在 %(days)d 个工作日内办理并答复") % {"days": days}
