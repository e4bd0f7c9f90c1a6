"""The 12345 part of the demo: a dispatch model learnt from a generated history, a few
FAQ entries, and two weeks of calls filed and handled through the real services, so the
console, the queues and the dashboard have something to show."""

from __future__ import annotations

import datetime as dt
import random

from onevisit import clock
from onevisit.demo.staff import Staff
from onevisit.demo.tickets import GeneratedTicket, near_duplicates, repeat_of, tickets_split
from onevisit.hotline.constants import KnowledgeKind, TicketType
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
    dispatch_train(samples=[Sample(text=f"{t.title}\n{t.text}", department=t.department_code,
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
        with clock.frozen_at(at):
            _handle(call, staff=staff, rng=rng, step=index % 6)
    rollups_refresh(days=days)
    return len(calls)


def _handle(call: GeneratedTicket, *, staff: Staff, rng: random.Random, step: int) -> None:
    """One call taken and carried as far as `step`: answered on the call, left new,
    dispatched, accepted, replied, or closed and followed up."""
    answer = "已在电话中解答。" if call.type == TicketType.CONSULTATION and step < 3 else ""
    filing = ticket_create(data=_input(call), actor=staff.agent, answer=answer)
    ticket = filing.ticket
    if filing.outcome != "new" or step == 0:
        return
    ticket_dispatch(number=ticket.number, lead=call.department_code, actor=staff.dispatcher)
    reviewer = staff.reviewers.get(call.department_code)
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
