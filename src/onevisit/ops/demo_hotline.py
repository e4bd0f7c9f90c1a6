"""The 12345 part of the demo: a dispatch model learnt from a generated history, a few
FAQ entries, and two weeks of calls filed and handled through the real services, so the
console, the queues and the dashboard have something to show. A matter a township's
grassroots platform takes goes to that platform, and one call for each platform of the
staffed township (翠苑街道) waits in its queue, beside others it closed."""

from __future__ import annotations

import datetime as dt
import random

from onevisit import clock
from onevisit.accounts.models import PlatformKind
from onevisit.accounts.selectors import platform_code
from onevisit.demo.staff import PLATFORM_TOWNSHIP, Staff
from onevisit.demo.tickets import GeneratedTicket, near_duplicates, repeat_of, tickets_split
from onevisit.hotline.constants import KnowledgeKind, TicketChannel, TicketType
from onevisit.hotline.dispatch import Sample, dispatch_train
from onevisit.hotline.knowledge import knowledge_entry_save
from onevisit.hotline.models import Ticket
from onevisit.hotline.services import (
    TicketInput,
    ticket_accept,
    ticket_close,
    ticket_create,
    ticket_dispatch,
    ticket_follow_up,
    ticket_reply,
)
from onevisit.metrics.services import rollups_refresh

SEED = 12345
HISTORY = 1200  # generated past tickets the demo's dispatch model learns from
CALLS = 60  # calls filed in the last two weeks
DAYS = 14

FAQ = [
    ("社保卡丢了怎么补办？", "可在“浙里办”App 申请补换社会保障卡，或携带身份证到区政务服务中心"
     "人力社保窗口办理，补卡期间医保结算可使用医保电子凭证。"),
    ("新生儿出生后多久内要上户口？", "出生一个月内到户籍地派出所申报出生登记；西湖区可办理"
     "“新生儿出生一件事”，一次提交出生医学证明、户口登记、医保参保和社保卡申领。"),
    ("个体工商户营业执照可以网上办吗？", "可以，在“浙里办”或浙江政务服务网申请，材料齐全的"
     "当场或一个工作日内办结，电子营业执照可下载使用。"),
    ("房屋卖了以后要交哪些税？", "存量房交易一般涉及增值税及附加、个人所得税、契税等，"
     "满五唯一等情形可减免，可在“二手房交易登记一件事”中一并申报缴纳。"),
    ("路灯坏了找哪个部门？", "城市道路路灯由区城市管理局负责维修，小区内路灯由物业负责；"
     "可拨打 12345 反映具体位置。"),
]


# Calls about 翠苑街道 taken by its platforms: (platform, days ago, how far handled — as in
# `_handle` —, type, title, text, place). One for each platform waits in its queue.
PLATFORM_CALLS: tuple[tuple[str, int, int, str, str, str, str], ...] = (
    (PlatformKind.ENFORCEMENT, 0, 1, TicketType.COMPLAINT, "文三路占道经营",
     "市民反映：翠苑街道文三路与学院路交叉口每天晚上都有流动摊贩占道摆摊，夜宵摊的桌子摆到了"
     "人行道上，行人只能走机动车道，要求相关部门尽快处理。",
     "杭州市西湖区翠苑街道文三路与学院路交叉口"),
    (PlatformKind.MARKET, 0, 1, TicketType.REPORT, "翠苑农贸市场缺斤短两",
     "来电人称在翠苑农贸市场买了两斤排骨，回家一称只有一斤七两，摊主缺斤短两，请求依法查处。",
     "杭州市西湖区翠苑街道翠苑农贸市场"),
    (PlatformKind.GOVERNANCE, 0, 1, TicketType.HELP, "邻里纠纷请求调解",
     "来电人称翠苑二区12幢楼上楼下因为阳台滴水的事吵架好几次了，双方矛盾越来越大，"
     "希望街道帮忙调解。", "杭州市西湖区翠苑街道翠苑二区12幢"),
    (PlatformKind.CONVENIENCE, 0, 1, TicketType.CONSULTATION, "独居老人助餐",
     "来电人称翠苑三区有一位独居老人腿脚不便，想问一下街道的老年食堂能不能送餐上门，"
     "请告知。", "杭州市西湖区翠苑街道翠苑三区"),
    (PlatformKind.ENFORCEMENT, 6, 5, TicketType.REPORT, "翠苑一区违章搭建",
     "举报翠苑一区5幢一楼住户把院子围起来搭了彩钢棚，已经影响到楼上住户的采光，"
     "请求依法查处。", "杭州市西湖区翠苑街道翠苑一区5幢"),
    (PlatformKind.MARKET, 4, 5, TicketType.COMPLAINT, "水果店未明码标价",
     "来电人称高技街小区门口的水果店没有明码标价，结账时多收了钱，要求依法处理。",
     "杭州市西湖区翠苑街道高技街小区"),
)


def _lead(ticket: GeneratedTicket) -> str:
    """Who takes a generated ticket: its township's platform for a platform's matter."""
    if ticket.platform:
        return platform_code(township_code=ticket.region_code, kind=ticket.platform)
    return ticket.department_code


def _input(ticket: GeneratedTicket) -> TicketInput:
    return TicketInput(type=ticket.type, channel=ticket.channel, title=ticket.title,
                       text=ticket.text, caller_name=ticket.caller_name,
                       caller_phone=ticket.caller_phone, region_code=ticket.region_code,
                       address=ticket.address)


def demo_hotline_load(*, staff: Staff) -> int:
    """Idempotent: once there are tickets, nothing is added. Returns the calls filed."""
    if Ticket.objects.exists():
        return 0
    split = tickets_split(train=HISTORY, test=CALLS, seed=SEED)
    dispatch_train(samples=[Sample(text=f"{t.title}\n{t.text}", department=_lead(t),
                                   region_code=t.region_code) for t in split.train],
                   source="demo")
    for title, body in FAQ:
        knowledge_entry_save(kind=KnowledgeKind.FAQ, title=title, body=body, item_codes=[],
                             actor=staff.admin)
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    today = clock.now()
    calls = list(split.test)
    calls += [*near_duplicates(calls[0], count=2, rng=rng), repeat_of(calls[1], rng)]
    days: set[dt.date] = set()
    for index, call in enumerate(calls):
        at = today - dt.timedelta(days=DAYS - index * DAYS // len(calls), hours=rng.randint(0, 6))
        days.add(at.date())
        step = index % 6
        answer = "已在电话中解答。" if call.type == TicketType.CONSULTATION and step < 3 else ""
        with clock.frozen_at(at):
            _handle(_input(call), lead=_lead(call), staff=staff, rng=rng, step=step,
                    answer=answer)
    for index, (kind, days_ago, step, ticket_type, title, text, address) in enumerate(
            PLATFORM_CALLS):
        at = today - dt.timedelta(days=days_ago, hours=2 + index)
        days.add(at.date())
        with clock.frozen_at(at):
            _handle(TicketInput(type=ticket_type, channel=TicketChannel.PHONE, title=title,
                                text=text, caller_name="王女士",
                                caller_phone=f"1390571{index:04d}",
                                region_code=PLATFORM_TOWNSHIP, address=address),
                    lead=platform_code(township_code=PLATFORM_TOWNSHIP, kind=kind),
                    staff=staff, rng=rng, step=step, independent=True)
    rollups_refresh(days=days)
    return len(calls) + len(PLATFORM_CALLS)


def _handle(data: TicketInput, *, lead: str, staff: Staff, rng: random.Random, step: int,
            answer: str = "", independent: bool = False) -> None:
    """One call taken and carried as far as `step`: answered on the call (with `answer`),
    left new, dispatched to `lead`, accepted, replied, or closed and followed up (by the
    lead's demo staff; without them it waits in the lead's queue)."""
    filing = ticket_create(data=data, actor=staff.agent, answer=answer,
                           independent=independent)
    ticket = filing.ticket
    if filing.outcome != "new" or step == 0:
        return
    ticket_dispatch(number=ticket.number, lead=lead, actor=staff.dispatcher)
    reviewer = staff.reviewers.get(lead)
    if reviewer is None or step == 1:
        return
    ticket_accept(number=ticket.number, actor=reviewer)
    if step == 2:
        return
    ticket_reply(number=ticket.number, actor=reviewer,
                 reply="经核实，已安排人员处理，并将结果告知来电人。")
    if step == 3:
        return
    ticket_close(number=ticket.number, actor=staff.agent)
    ticket_follow_up(number=ticket.number, actor=staff.agent,
                     satisfaction=rng.choice((5, 5, 4, 4, 3, 2)))
