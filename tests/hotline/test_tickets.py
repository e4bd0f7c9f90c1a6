"""A ticket's life: filed once, matched, dispatched, returned, extended, replied, closed
with the reply sent, followed up and reopened — and who may see the caller."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command

from onevisit import clock
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from onevisit.hotline import selectors
from onevisit.hotline.models import Ticket, TicketAssignment, TicketEvent
from onevisit.hotline.services import (
    ticket_accept,
    ticket_close,
    ticket_co_opinion,
    ticket_create,
    ticket_dispatch,
    ticket_extension_decide,
    ticket_extension_request,
    ticket_follow_up,
    ticket_merge,
    ticket_reply,
    ticket_reply_deliver,
    ticket_return,
    ticket_split,
)
from onevisit.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _dispatched(hw, **overrides) -> Ticket:
    ticket = ticket_create(data=hw.complaint(**overrides), actor=hw.agent).ticket
    return ticket_dispatch(number=ticket.number, lead=hw.urban.code, actor=hw.dispatcher)


def _replied(hw, **overrides) -> Ticket:
    ticket = _dispatched(hw, **overrides)
    reviewer = hw.urban_reviewer
    ticket_accept(number=ticket.number, actor=reviewer)
    return ticket_reply(number=ticket.number, reply="已安排维修，11月28日前修复。", actor=reviewer)


def _actions(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))


# ------------------------------------------------------------------------ filing


def test_a_ticket_is_filed_with_its_deadline_and_a_dispatch_suggestion(hw):
    with clock.frozen_at(dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)):  # a Thursday
        filing = ticket_create(data=hw.complaint(), actor=hw.agent)

    ticket = filing.ticket
    assert filing.outcome == "new"
    assert ticket.number.startswith("RX33010620261126")
    assert (ticket.status, ticket.type, ticket.channel) == ("new", "complaint", "phone")
    assert ticket.limit_days == 5  # a complaint: five working days
    assert ticket.due_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() \
        == dt.date(2026, 12, 3)
    assert ticket.title == ticket.text[:29] + "…"  # its text's beginning, cut short
    assert len(ticket.text) > 30
    assert ticket.caller_digest
    assert "13905710001" not in ticket.caller_digest
    # No history yet: the keyword rules suggest; 路灯 is urban management's.
    assert ticket.suggestion["method"] == "rules"
    assert ticket.suggestion["choices"][0]["department"] == "xh-cgj"
    assert _actions(ticket) == ["created"]


def test_bad_input_is_refused_with_every_reason_and_nothing_is_stored(hw):
    with pytest.raises(InvalidInput) as refused:
        ticket_create(data=hw.complaint(type="rumour", text=" ", region_code="999999999",
                                        caller_phone="12"), actor=hw.agent)

    assert set(refused.value.errors) == {"type", "text", "region_code", "caller_phone"}
    assert not Ticket.objects.exists()


def test_only_the_centre_and_citizens_file_tickets(hw):
    with pytest.raises(NotAllowed):
        ticket_create(data=hw.complaint(), actor=hw.urban_reviewer)
    assert not Ticket.objects.exists()


def test_a_question_answered_on_the_call_is_closed_at_once(hw, tmp_path):
    settings.DATA_DIR = tmp_path
    filing = ticket_create(data=hw.complaint(type="consultation", text="个人所得税汇算在哪里办？"),
                           actor=hw.agent, answer="在个人所得税 App 上办理，3月1日至6月30日。")

    ticket = filing.ticket
    assert filing.outcome == "answered"
    assert (ticket.status, ticket.closed_first_contact) == ("closed", True)
    assert _actions(ticket) == ["created", "answered_on_call"]


# ------------------------------------------------------------------------ 最多投一次


def test_another_caller_on_the_same_matter_is_merged_with_the_reasons(hw):
    first = ticket_create(data=hw.complaint(), actor=hw.agent).ticket

    second = ticket_create(data=hw.complaint(
        text="文三路478号那里的路灯不亮好几天了，晚上黑漆漆的，走路很不安全，请相关部门来修一下。",
        caller_name="王先生", caller_phone="13805710002"), actor=hw.agent)

    assert second.outcome == "merged"
    ticket = second.ticket
    assert (ticket.status, ticket.master, ticket.repeat_of) == ("merged", first, None)
    assert ticket.match_reason["kind"] == "same_matter"
    assert any("路灯" in reason for reason in ticket.match_reason["reasons"])
    assert "merged_in" in _actions(first)


def test_the_same_caller_again_is_linked_to_her_first_ticket_and_escalates_it(hw):
    first = ticket_create(data=hw.complaint(), actor=hw.agent).ticket

    again = ticket_create(data=hw.complaint(
        text="我上次反映过文三路478号路灯坏了，到现在还是没人来修，晚上还是一片漆黑。"),
        actor=hw.agent)

    assert again.outcome == "repeat"
    assert (again.ticket.status, again.ticket.repeat_of) == ("merged", first)
    first.refresh_from_db()
    assert first.escalated
    assert "repeat_escalated" in _actions(first)
    assert list(selectors.tickets_escalated(scope="330106")) == [first]


def test_a_different_matter_on_the_same_street_is_not_merged(hw):
    ticket_create(data=hw.complaint(), actor=hw.agent)

    other = ticket_create(data=hw.complaint(
        text="文三路478号楼下的餐馆油烟直排，每天中午晚上油烟很大，窗户都不敢开。",
        caller_name="赵先生", caller_phone="13705710003"), actor=hw.agent)

    assert other.outcome == "new"


def test_the_agent_may_file_a_match_on_its_own(hw):
    ticket_create(data=hw.complaint(), actor=hw.agent)

    filing = ticket_create(data=hw.complaint(caller_phone="13805710002"), actor=hw.agent,
                           independent=True)

    assert (filing.outcome, filing.ticket.status) == ("new", "new")
    assert filing.matches  # still shown to the agent


def test_a_wrong_merge_is_split_back_to_the_dispatcher(hw):
    first = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    second = ticket_create(data=hw.complaint(caller_phone="13805710002"), actor=hw.agent).ticket
    assert second.status == "merged"

    with pytest.raises(InvalidInput):
        ticket_split(number=second.number, note=" ", actor=hw.dispatcher)
    split = ticket_split(number=second.number, note="不是同一个路灯", actor=hw.dispatcher)

    assert (split.status, split.master, split.match_reason) == ("new", None, {})
    assert "split_off" in _actions(first)
    # Split, it is an open matter of its own again: a third caller may match it.
    assert split in selectors.dispatch_queue(viewer=hw.dispatcher)


def test_a_short_text_is_its_own_title_whole(hw):
    ticket = ticket_create(data=hw.complaint(text="文三路478号路灯不亮。"), actor=hw.agent).ticket

    assert ticket.title == "文三路478号路灯不亮。"


def test_the_dispatcher_merges_by_hand_and_only_the_dispatcher(hw):
    first = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    other = ticket_create(data=hw.complaint(text="蒋村街道的垃圾桶满了没人清运。",
                                            region_code=hw.jiangcun.code,
                                            caller_phone="13705710009"),
                          actor=hw.agent).ticket

    with pytest.raises(NotAllowed):
        ticket_merge(number=other.number, master_number=first.number, actor=hw.agent)
    merged = ticket_merge(number=other.number, master_number=first.number,
                          actor=hw.dispatcher, note="同一位置")

    assert (merged.status, merged.master) == ("merged", first)


# ------------------------------------------------------------------------ handling


def test_a_return_goes_back_to_the_dispatcher_and_is_re_dispatched(hw):
    ticket = _dispatched(hw)

    with pytest.raises(InvalidInput):
        ticket_return(number=ticket.number, reason="", actor=hw.urban_reviewer)
    returned = ticket_return(number=ticket.number, reason="路灯由街道负责，不属本局",
                             actor=hw.urban_reviewer)

    assert (returned.status, returned.return_count, returned.lead_department) \
        == ("returned", 1, None)
    assert returned in selectors.dispatch_queue(viewer=hw.dispatcher)
    redispatched = ticket_dispatch(number=ticket.number, lead=hw.world.housing.code,
                                   co=[hw.urban.code], actor=hw.dispatcher)
    assert (redispatched.status, redispatched.lead_department) == ("dispatched",
                                                                   hw.world.housing)
    assert sorted(TicketAssignment.objects.filter(ticket=ticket, active=True)
                  .values_list("department__code", "role")) == [("xh-cgj", "co"),
                                                                ("xh-zjj", "lead")]
    assert selectors.lead_returns(redispatched) == [
        ("xh-cgj", "杭州市西湖区城市管理局", "路灯由街道负责，不属本局")]


def test_returns_are_limited(hw, settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "HOTLINE_MAX_RETURNS": 1}
    ticket = _dispatched(hw)
    ticket_return(number=ticket.number, reason="不属本局", actor=hw.urban_reviewer)
    ticket_dispatch(number=ticket.number, lead=hw.urban.code, actor=hw.dispatcher)

    with pytest.raises(Conflict, match="退单次数已达上限"):
        ticket_return(number=ticket.number, reason="还是不属本局", actor=hw.urban_reviewer)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.return_count) == ("dispatched", 1)


def test_only_the_lead_department_accepts_and_replies(hw):
    ticket = _dispatched(hw)

    for actor in (hw.world.reviewers["xh-zjj"], hw.agent):
        with pytest.raises(NotAllowed):
            ticket_accept(number=ticket.number, actor=actor)
    ticket.refresh_from_db()
    assert ticket.status == "dispatched"


def test_an_extension_is_asked_for_and_approved_by_the_dispatcher(hw):
    ticket = _dispatched(hw)
    ticket_accept(number=ticket.number, actor=hw.urban_reviewer)
    due = Ticket.objects.get(pk=ticket.pk).due_at

    with pytest.raises(InvalidInput):
        ticket_extension_request(number=ticket.number, days=0, reason="x",
                                 actor=hw.urban_reviewer)
    extension = ticket_extension_request(number=ticket.number, days=3, reason="需采购灯具",
                                         actor=hw.urban_reviewer)
    with pytest.raises(Conflict):
        ticket_extension_request(number=ticket.number, days=2, reason="再等等",
                                 actor=hw.urban_reviewer)
    with pytest.raises(NotAllowed):
        ticket_extension_decide(extension_id=extension.pk, approve=True, actor=hw.urban_reviewer)
    ticket_extension_decide(extension_id=extension.pk, approve=True, actor=hw.dispatcher)

    ticket.refresh_from_db()
    assert ticket.due_at > due
    assert (ticket.due_at.date() - due.date()).days >= 3
    assert list(selectors.extensions_pending(viewer=hw.dispatcher)) == []


def test_a_co_handler_gives_an_opinion_and_others_may_not(hw):
    ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    ticket_dispatch(number=ticket.number, lead=hw.urban.code, co=[hw.world.housing.code],
                    actor=hw.dispatcher)

    ticket_co_opinion(number=ticket.number, opinion="该路段路灯产权属住建局",
                      actor=hw.world.reviewers["xh-zjj"])
    with pytest.raises(NotAllowed):
        ticket_co_opinion(number=ticket.number, opinion="x", actor=hw.world.reviewers["xh-sw"])

    assert _actions(ticket).count("co_opinion") == 1


def test_closing_sends_the_reply_to_the_caller_and_to_every_merged_caller(
        hw, django_capture_on_commit_callbacks):
    master = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    merged = ticket_create(data=hw.complaint(caller_phone="13805710002"), actor=hw.agent).ticket
    ticket_dispatch(number=master.number, lead=hw.urban.code, actor=hw.dispatcher)
    ticket_accept(number=master.number, actor=hw.urban_reviewer)
    ticket_reply(number=master.number, reply="已修复。", actor=hw.urban_reviewer)

    ticket_close(number=master.number, actor=hw.agent)
    with django_capture_on_commit_callbacks(execute=True):
        sent = ticket_reply_deliver(number=master.number)
        again = ticket_reply_deliver(number=master.number)  # a retried task sends nothing twice

    sms = list(OutboxMessage.objects.filter(channel="sms"))
    assert (sent, again) == (2, 0)
    assert sorted(m.to for m in sms) == ["13805710002", "13905710001"]
    assert all("已修复。" in m.body for m in sms)
    merged.refresh_from_db()
    assert (merged.status, merged.reply) == ("merged", "已修复。")


def test_an_unsatisfied_caller_reopens_the_ticket_until_it_is_escalated(hw, settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "HOTLINE_MAX_REOPENS": 1}
    ticket = _replied(hw)
    ticket_close(number=ticket.number, actor=hw.agent)

    reopened = ticket_follow_up(number=ticket.number, satisfaction=2, actor=hw.agent,
                                note="灯还是不亮")
    assert (reopened.status, reopened.reopen_count, reopened.lead_department) \
        == ("dispatched", 1, hw.urban)
    ticket_accept(number=ticket.number, actor=hw.urban_reviewer)
    ticket_reply(number=ticket.number, reply="已更换灯具。", actor=hw.urban_reviewer)
    ticket_close(number=ticket.number, actor=hw.agent)
    last = ticket_follow_up(number=ticket.number, satisfaction=1, actor=hw.agent)

    assert (last.status, last.reopen_count, last.escalated) == ("closed", 1, True)
    assert _actions(ticket)[-2:] == ["followed_up", "escalated"]


def test_a_satisfied_caller_closes_the_matter(hw):
    ticket = _replied(hw)
    ticket_close(number=ticket.number, actor=hw.agent)

    done = ticket_follow_up(number=ticket.number, satisfaction=4, actor=hw.agent)

    assert (done.status, done.satisfaction, done.reopen_count) == ("closed", 4, 0)
    with pytest.raises(InvalidInput):
        ticket_follow_up(number=ticket.number, satisfaction=9, actor=hw.agent)


def test_a_step_out_of_order_is_refused_and_changes_nothing(hw):
    ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket

    with pytest.raises(Conflict):
        ticket_close(number=ticket.number, actor=hw.agent)

    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert _actions(ticket) == ["created"]


# ------------------------------------------------------------------------ who sees what


def test_an_anonymous_report_hides_the_caller_from_every_department(hw):
    ticket = ticket_create(data=hw.complaint(
        type="report", text="翠苑街道某小区有人违规群租，一套房住了二十多人。",
        caller_name="张三", caller_phone="13905719999"), actor=hw.agent).ticket
    ticket_dispatch(number=ticket.number, lead=hw.urban.code, co=[hw.world.housing.code],
                    actor=hw.dispatcher)

    for viewer in (hw.urban_reviewer, hw.world.reviewers["xh-zjj"]):
        assert selectors.ticket_get(number=ticket.number, viewer=viewer) == ticket
        assert selectors.caller_shown(ticket, viewer) is None
    assert selectors.caller_shown(ticket, hw.agent).phone == "13905719999"
    # Nothing of the caller in the audit chain or the history.
    from onevisit.audit.models import AuditEvent

    for event in AuditEvent.objects.filter(entity="ticket"):
        assert "张三" not in json.dumps(event.data, ensure_ascii=False)
        assert "13905719999" not in json.dumps(event.data)
    assert not TicketEvent.objects.filter(note__contains="13905719999").exists()


def test_a_department_sees_a_complaints_caller_masked_and_not_others_tickets(hw):
    ticket = _dispatched(hw)

    assert selectors.caller_shown(ticket, hw.urban_reviewer).phone == "1390***0001"
    assert selectors.ticket_get(number=ticket.number, viewer=hw.world.reviewers["xh-sw"]) is None


def test_deadline_alerts_turn_yellow_then_red(hw):
    with clock.frozen_at(dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)):  # Monday 09:00
        ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket

    assert selectors.alert_level(ticket, now=ticket.created_at + dt.timedelta(hours=1)) == ""
    assert selectors.alert_level(ticket, now=ticket.due_at - dt.timedelta(hours=2)) == "yellow"
    assert selectors.alert_level(ticket, now=ticket.due_at + dt.timedelta(minutes=1)) == "red"


def test_the_agent_sees_the_callers_earlier_tickets_and_applications(hw, api):
    body = api["citizen"].post("/applications", hw.world.licence_payload()).json()
    first = ticket_create(data=hw.complaint(application_number=body["number"]),
                          actor=hw.agent).ticket

    history = selectors.caller_history(viewer=hw.agent, phone="139-0571-0001",
                                       id_number=hw.world.citizen_id)

    assert history.tickets == [first]
    assert [a.number for a in history.applications] == [body["number"]]
    assert selectors.tickets_about_application(first.application) == [first]


def test_dispatch_learns_from_the_dispatchers_corrections_and_the_returns(hw):
    """Tickets the rules send to urban management but that the housing bureau accepted
    and answered: after `onevisit hotline learn` the model suggests the housing bureau."""
    texts = [f"小区{n}号楼电梯{kind}，物业不管，请住建部门督促维保单位修好电梯。"
             for n in range(1, 31) for kind in ("困人", "异响")]
    texts += [f"{street}路口路灯{state}，晚上很黑，请城管来修。"
              for street in ("文三", "古墩", "天目山", "学院", "教工", "莫干山")
              for state in ("不亮", "闪烁", "倒了", "坏了", "歪了")] * 2
    for index, text in enumerate(texts):
        ticket = ticket_create(data=hw.complaint(text=text, caller_phone=f"137{index:08d}"),
                               actor=hw.agent, independent=True).ticket
        lead = hw.world.housing if "电梯" in text else hw.urban
        if "电梯" in text and index % 5 == 0:
            # Dispatched to urban management first, returned, then to the housing bureau.
            ticket_dispatch(number=ticket.number, lead=hw.urban.code, actor=hw.dispatcher)
            ticket_return(number=ticket.number, reason="电梯归住建", actor=hw.urban_reviewer)
        ticket_dispatch(number=ticket.number, lead=lead.code, actor=hw.dispatcher)
        ticket_accept(number=ticket.number, actor=hw.reviewer(lead))
        ticket_reply(number=ticket.number, reply="已处理", actor=hw.reviewer(lead))
    out = io.StringIO()

    call_command("hotline", "learn", stdout=out)

    assert "stored and active" in out.getvalue()
    suggestion = ticket_create(data=hw.complaint(text="我们楼的电梯又困人了，物业一直拖着不修",
                                                 caller_phone="13600009999"),
                               actor=hw.agent).ticket.suggestion
    assert suggestion["method"] == "model"
    assert suggestion["choices"][0]["department"] == "xh-zjj"


def test_the_learning_task_stores_nothing_while_history_is_too_short(hw):
    from onevisit.hotline.models import DispatchModel
    from onevisit.hotline.tasks import dispatch_learn

    assert dispatch_learn.call() == 0
    assert not DispatchModel.objects.exists()


def test_a_reopened_ticket_is_matched_again_by_another_caller(hw):
    ticket = _replied(hw)
    ticket_close(number=ticket.number, actor=hw.agent)
    ticket_follow_up(number=ticket.number, satisfaction=1, actor=hw.agent)

    other = ticket_create(data=hw.complaint(caller_name="王先生", caller_phone="13805710002"),
                          actor=hw.agent)

    assert (other.outcome, other.ticket.master) == ("merged", ticket)
