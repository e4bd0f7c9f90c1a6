"""Taking a call: a ticket filed once, matched against open tickets ("最多投一次"), answered
on the call when the answer is known (直接办结), merged or split by the dispatcher."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Region, Role
from onevisit.accounts.regions import NOWHERE, covers, is_staff_role, scope_of, staff_region
from onevisit.applications.models import Application
from onevisit.applications.services import Upload, serial_number
from onevisit.applications.services.common import number_placeholder
from onevisit.applications.services.inputs import upload_sniff, upload_store
from onevisit.audit.services import atomic_audited
from onevisit.errors import InvalidInput, NotAllowed, NotFound
from onevisit.files.services import files_guard
from onevisit.hotline.constants import OPEN_STATUSES, TicketChannel, TicketStatus, TicketType
from onevisit.hotline.dispatch import Suggestion, dispatch_suggest
from onevisit.hotline.duplicates import (
    DuplicateMatch,
    duplicate_index_add,
    duplicate_index_remove,
    duplicate_matches,
    reasons_kept,
    ticket_said,
    ticket_tokens,
)
from onevisit.hotline.models import Ticket, TicketAssignment, TicketAttachment
from onevisit.hotline.services.common import (
    CENTRE_ROLES,
    caller_digest,
    due_after,
    event_add,
    limit_days,
    role_require,
    ticket_lock,
    ticket_transition,
)
from onevisit.hotline.services.replies import reply_send_later

log = structlog.get_logger(__name__)

MAX_TEXT = 4000
MAX_MEDIA_URL = 500
MAX_CLIENT_ID = 100
TITLE_FROM_TEXT = 30  # characters of the text a ticket filed without a title is titled with
# Types whose repeats and shared matters are matched: a question is answered on the call,
# a praise is not a matter to handle twice.
MATCHED_TYPES = (TicketType.COMPLAINT, TicketType.REPORT, TicketType.HELP,
                 TicketType.SUGGESTION)


@dataclass(frozen=True)
class TicketInput:
    """What the caller says, as the agent (or a web form, or an Open311 client) takes it."""

    type: str
    channel: str
    text: str
    title: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    region_code: str = ""
    address: str = ""
    application_number: str = ""
    attachments: list[Upload] = field(default_factory=list)
    # The place as WGS84 coordinates (decimal degrees) and a link to a photo or video of
    # it; the caller's e-mail and who she is in the app she files from (Open311 clients).
    latitude: float | None = None
    longitude: float | None = None
    media_url: str = ""
    caller_email: str = ""
    caller_device_id: str = ""
    caller_account_id: str = ""
    # Whose 12345 the ticket is when the channel says so (an Open311 client filing in a
    # jurisdiction) and its place does not: a region's code.
    jurisdiction_code: str = ""


@dataclass(frozen=True)
class TicketFiling:
    ticket: Ticket
    matches: list[DuplicateMatch]
    suggestion: Suggestion | None
    # What became of it: "new", "answered" (直接办结), "merged" (another caller's matter
    # already open) or "repeat" (the same caller again: linked to her first and escalated).
    outcome: str


def location_errors(*, latitude: float | None, longitude: float | None) -> dict[str, str]:
    """WGS84 coordinates: both or neither, the latitude within ±90° and the longitude
    within ±180° (decimal degrees)."""
    errors: dict[str, str] = {}
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        errors[missing] = _("纬度和经度须同时提供")
    if latitude is not None and not (math.isfinite(latitude) and -90 <= latitude <= 90):
        errors["latitude"] = _("纬度应在 -90 到 90 之间")
    if longitude is not None and not (math.isfinite(longitude) and -180 <= longitude <= 180):
        errors["longitude"] = _("经度应在 -180 到 180 之间")
    return errors


def contact_errors(*, media_url: str, email: str, device_id: str,
                   account_id: str) -> dict[str, str]:
    """A media link is an http(s) address (it is shown to staff, never fetched); an e-mail
    address is one; client identifiers are short."""
    errors: dict[str, str] = {}
    if media_url:
        try:
            if len(media_url) > MAX_MEDIA_URL:
                raise ValidationError("too long")
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors["media_url"] = _("应为不超过 %(n)d 个字符的 http 或 https 地址") % {
                "n": MAX_MEDIA_URL}
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors["caller_email"] = _("电子邮箱格式不正确")
    for name, value in (("caller_device_id", device_id), ("caller_account_id", account_id)):
        if len(value) > MAX_CLIENT_ID:
            errors[name] = _("最多 %(n)d 个字符") % {"n": MAX_CLIENT_ID}
    return errors


def _clean(data: TicketInput, actor: Any) -> tuple[dict[str, Any], list[tuple[Upload, Any]]]:
    errors: dict[str, str] = {}
    if data.type not in TicketType.values:
        errors["type"] = _("类型应为咨询、投诉、举报、建议、求助或表扬")
    if data.channel not in TicketChannel.values:
        errors["channel"] = _("渠道应为电话、网站、移动端或电子邮件")
    text = data.text.strip()
    if not text:
        errors["text"] = _("请填写诉求内容")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("诉求内容最多 %(n)d 个字") % {"n": MAX_TEXT}
    title = (data.title.strip() or _title_from(text))[:120]
    phone = data.caller_phone.strip()
    if phone and not (7 <= len([c for c in phone if c.isdigit()]) <= 15):
        errors["caller_phone"] = _("联系电话格式不正确")
    region = None
    if data.region_code:
        region = Region.objects.filter(code=data.region_code.strip()).first()
        if region is None:
            errors["region_code"] = _("行政区划代码不存在，请从列表中选择街道（乡镇）")
        elif is_staff_role(actor) and not covers(scope_of(actor), region.code):
            # The ticket would belong to a 12345 she does not work for.
            errors["region_code"] = _("该地点不在您的管辖范围内")
    given = data.jurisdiction_code.strip()
    if given and not Region.objects.filter(code=given).exists():
        errors["jurisdiction_code"] = _("行政区划代码不存在")
    application = None
    if data.application_number:
        application = Application.objects.filter(number=data.application_number.strip()).first()
        if application is None or (str(getattr(actor, "role", "")) == Role.CITIZEN
                                   and application.applicant_id != actor.pk):
            errors["application_number"] = _("办件不存在")
    errors.update(location_errors(latitude=data.latitude, longitude=data.longitude))
    contact = {"media_url": data.media_url.strip(), "caller_email": data.caller_email.strip(),
               "caller_device_id": data.caller_device_id.strip(),
               "caller_account_id": data.caller_account_id.strip()}
    errors.update(contact_errors(media_url=contact["media_url"], email=contact["caller_email"],
                                 device_id=contact["caller_device_id"],
                                 account_id=contact["caller_account_id"]))
    files = []
    for upload in data.attachments:
        try:
            files.append((upload, upload_sniff(upload)))
        except InvalidInput as exc:
            errors.update({f"attachments.{upload.key}": str(m) for m in exc.errors.values()})
    if errors:
        raise InvalidInput(_("工单信息有误，请按提示修改"), errors)
    cleaned = {
        "type": data.type, "channel": data.channel, "title": title, "text": text,
        "caller_name": data.caller_name.strip()[:64], "caller_phone": phone[:20],
        "caller_digest": caller_digest(phone), "region": region,
        "address": data.address.strip()[:200], "application": application,
        "latitude": data.latitude, "longitude": data.longitude, **contact,
        "jurisdiction_id": _jurisdiction(region, given, actor),
    }
    return cleaned, files


def ticket_create(*, data: TicketInput, actor: Any, answer: str = "",
                  independent: bool = False,
                  received: Callable[[Ticket], None] | None = None) -> TicketFiling:
    """File a ticket once. A repeat by the same caller on a matter still open is linked to
    her first ticket and escalates it; another caller's report of an open matter is merged
    under it, to be answered with it — never a new independent ticket (最多投一次), unless
    the agent judged the matches wrong (`independent`). Possible duplicates (under the
    merge threshold) are kept on the ticket for the centre to see (可能重复), never acted
    on. With an `answer` the agent closes
    the ticket on the call (直接办结). `received` runs in the filing's transaction once the
    ticket exists: a channel (Open311) records there who sent it. Matching and the
    dispatch suggestion are computed before the transaction: they only read.

    Without an actor (`None`: a visitor of the portal who did not sign in) only a report
    (举报) on the web is taken: a whistle-blower may stay anonymous, as the reporter is
    hidden anyway; a question, a complaint or a suggestion wants a reply, so an account."""
    if actor is None:
        if data.type != TicketType.REPORT or data.channel != TicketChannel.WEB:
            raise NotAllowed(_("未登录只能匿名举报；咨询、投诉、建议等请先登录，以便接收答复"))
    elif str(getattr(actor, "role", "")) != Role.CITIZEN:
        role_require(actor, CENTRE_ROLES)
    cleaned, files = _clean(data, actor)
    tokens = ticket_tokens(title=cleaned["title"], text=cleaned["text"],
                           address=cleaned["address"])
    matches: list[DuplicateMatch] = []
    if data.type in MATCHED_TYPES:
        matches = duplicate_matches(
            tokens=tokens, region_code=cleaned["region"].code if cleaned["region"] else "",
            address=cleaned["address"], caller_digest=cleaned["caller_digest"],
            said=ticket_said(title=cleaned["title"], text=cleaned["text"],
                             address=cleaned["address"]))
    suggestion = dispatch_suggest(text=f"{cleaned['title']}\n{cleaned['text']}",
                                  region_code=cleaned["region"].code if cleaned["region"] else "")
    return _ticket_file(cleaned=cleaned, files=files, tokens=tokens, matches=matches,
                        suggestion=suggestion, actor=actor, answer=answer.strip(),
                        independent=independent, received=received)


def _title_from(text: str) -> str:
    """A ticket filed without a title is titled with its text's beginning, cut short with
    an ellipsis where the text goes on."""
    text = " ".join(text.split())
    return text if len(text) <= TITLE_FROM_TEXT else f"{text[:TITLE_FROM_TEXT - 1]}…"


def _jurisdiction(place: Region | None, given: str, actor: Any) -> str:
    """Whose 12345 a new ticket belongs to: the county of its place when known, else the
    jurisdiction its channel filed it in, else the region of the staff member taking it,
    else the hotline's own region."""
    if place is not None:
        return place.code[:6]
    if given:
        return given
    code = staff_region(actor) if is_staff_role(actor) else NOWHERE
    if code == NOWHERE:
        code = str(settings.ONEVISIT["OPEN311_JURISDICTION"])
    return code


@files_guard()
@atomic_audited
def _ticket_file(*, cleaned: dict[str, Any], files: list[tuple[Upload, Any]],
                 tokens: list[str], matches: list[DuplicateMatch], suggestion: Suggestion,
                 actor: Any, answer: str, independent: bool,
                 received: Callable[[Ticket], None] | None) -> TicketFiling:
    now = clock.now()
    days = limit_days(cleaned["type"])
    staff = actor if getattr(actor, "pk", None) else None
    ticket = Ticket.objects.create(
        number=number_placeholder(), limit_days=days, due_at=due_after(now, days),
        created_at=now, created_by=staff,
        caller=actor if str(getattr(actor, "role", "")) == Role.CITIZEN else None,
        tokens=" ".join(tokens), suggestion=suggestion.as_json(),
        possible_duplicates=[
            {"number": m.number, "score": round(m.score, 3), **reasons_kept(m)}
            for m in matches if m.kind == "possible"],
        **cleaned,
    )
    ticket.number = serial_number("RX", ticket.pk, region=ticket.jurisdiction_id)
    Ticket.objects.filter(pk=ticket.pk).update(number=ticket.number)
    for upload, sniffed in files:
        path, digest = upload_store(upload, sniffed, folder="attachments")
        TicketAttachment.objects.create(
            ticket=ticket, filename=upload.filename[:200] or "attachment",
            content_type=sniffed.content_type, file=path, size=len(upload.content),
            sha256=digest, added_at=now)
    event_add(ticket=ticket, actor=actor, action="created")
    if received is not None:
        received(ticket)
    outcome = "new"
    match = _first_open(matches) if not independent else None
    if match is not None:
        outcome = _attach_to(ticket=ticket, match=match, actor=actor)
    elif answer:
        ticket.reply, ticket.closed_at, ticket.closed_first_contact = answer, now, True
        ticket_transition(ticket=ticket, to=TicketStatus.CLOSED, actor=actor,
                          action="answered_on_call",
                          update_fields=("reply", "closed_at", "closed_first_contact"))
        reply_send_later(ticket)
        outcome = "answered"
    else:
        duplicate_index_add(ticket=ticket)
    log.info("ticket_created", number=ticket.number, type=ticket.type, outcome=outcome)
    return TicketFiling(ticket=ticket, matches=matches, suggestion=suggestion, outcome=outcome)


def _first_open(matches: list[DuplicateMatch]) -> DuplicateMatch | None:
    """The best match whose ticket is still open (a repeat by the same caller first); a
    possible duplicate is never acted on: the agent sees it, the dispatcher may merge."""
    ranked = sorted((m for m in matches if m.kind != "possible"),
                    key=lambda m: (m.kind != "same_caller", -m.score))
    open_ids = set(Ticket.objects.filter(pk__in=[m.ticket_id for m in ranked],
                                         status__in=OPEN_STATUSES).values_list("pk", flat=True))
    return next((m for m in ranked if m.ticket_id in open_ids), None)


def _attach_to(*, ticket: Ticket, match: DuplicateMatch, actor: Any) -> str:
    master = Ticket.objects.select_for_update().get(pk=match.ticket_id)
    kept = reasons_kept(match)
    reason = {"kind": match.kind, "score": round(match.score, 3), **kept,
              "master": master.number}
    ticket.master, ticket.match_reason = master, reason
    if match.kind == "same_caller":
        ticket.repeat_of = master
        master.escalated = True
        master.save(update_fields=["escalated"])
        event_add(ticket=master, actor=actor, action="repeat_escalated",
                  data={"number": ticket.number})
        action, outcome = "linked_as_repeat", "repeat"
    else:
        event_add(ticket=master, actor=actor, action="merged_in",
                  data={"number": ticket.number})
        action, outcome = "merged", "merged"
    ticket_transition(ticket=ticket, to=TicketStatus.MERGED, actor=actor, action=action,
                      data={"reasons": kept},
                      update_fields=("master", "repeat_of", "match_reason"))
    return outcome


@atomic_audited
def ticket_merge(*, number: str, master_number: str, actor: Any, note: str = "") -> Ticket:
    """并单 by the dispatcher: the ticket is answered with its master from now on."""
    role_require(actor, (Role.DISPATCHER,))
    master_number = master_number.strip().upper()  # as typed: " rx3301… "
    if number == master_number:
        raise InvalidInput(_("不能并入自身"), {"master_number": _("请选择另一张工单")})
    if not master_number:
        raise InvalidInput(_("请填写要并入的工单编号"), {"master_number": _("必填")})
    try:
        master = ticket_lock(master_number, actor)
    except NotFound:
        raise InvalidInput(_("没有工单 %(number)s") % {"number": master_number[:40]},
                           {"master_number": _("请填写一张在办工单的编号")}) from None
    ticket = ticket_lock(number, actor)
    if master.status not in OPEN_STATUSES:
        raise InvalidInput(_("主工单已办结或已被并单"),
                           {"master_number": _("请选择一张在办的工单")})
    ticket.master = master
    ticket.match_reason = {"kind": "manual", "master": master.number, "reasons": [note] if note
                           else []}
    TicketAssignment.objects.filter(ticket=ticket, active=True).update(active=False)
    ticket_transition(ticket=ticket, to=TicketStatus.MERGED, actor=actor, action="merged",
                      note=note, update_fields=("master", "match_reason"))
    event_add(ticket=master, actor=actor, action="merged_in", data={"number": ticket.number})
    duplicate_index_remove(ticket_ids=[ticket.pk])
    return ticket


def ticket_split(*, number: str, actor: Any, note: str) -> Ticket:
    """拆单: a wrong merge undone. The ticket goes back to the dispatcher on its own, with
    a fresh dispatch suggestion; its master's escalation by it, if any, stays recorded."""
    role_require(actor, (Role.DISPATCHER,))
    if not note.strip():
        raise InvalidInput(_("请说明拆单原因"), {"note": _("必填")})
    ticket = Ticket.objects.filter(number=number).first()
    suggestion = dispatch_suggest(
        text=f"{ticket.title}\n{ticket.text}",
        region_code=ticket.region_id or "") if ticket else None
    return _ticket_split(number=number, actor=actor, note=note.strip(), suggestion=suggestion)


@atomic_audited
def _ticket_split(*, number: str, actor: Any, note: str,
                  suggestion: Suggestion | None) -> Ticket:
    ticket = ticket_lock(number, actor)
    master = ticket.master
    ticket.master, ticket.repeat_of, ticket.match_reason = None, None, {}
    if suggestion is not None:
        ticket.suggestion = suggestion.as_json()
    ticket_transition(ticket=ticket, to=TicketStatus.NEW, actor=actor, action="split",
                      note=note,
                      update_fields=("master", "repeat_of", "match_reason", "suggestion"))
    if master is not None:
        event_add(ticket=master, actor=actor, action="split_off",
                  data={"number": ticket.number, "note": note})
    duplicate_index_add(ticket=ticket)
    return ticket
