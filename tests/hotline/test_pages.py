"""The hotline pages: the agent console, a ticket with its actions, a department's
tickets, complaints on the case page, and the 12345 figures on the reform dashboard."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import translation

from onevisit import clock
from onevisit.hotline.models import Ticket, TicketEvent
from onevisit.hotline.services import (
    ticket_accept,
    ticket_close,
    ticket_create,
    ticket_dispatch,
    ticket_follow_up,
    ticket_reply,
    ticket_return,
)
from onevisit.metrics.services import rollups_refresh

pytestmark = pytest.mark.django_db


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_agent_files_a_call_from_the_console(hw):
    agent = _browser(hw.agent)
    assert agent.get("/hotline/").status_code == 200

    response = agent.post("/hotline/", {
        "type": "complaint", "channel": "phone", "text": "翠苑街道文三路478号路灯坏了一个多星期",
        "caller_name": "李女士", "caller_phone": "13905710001",
        "region_code": hw.cuiyuan.code, "action": "file"})

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/hotline/tickets/{ticket.number}/"
    page = agent.get(response["Location"]).content.decode()
    assert "翠苑街道文三路478号路灯坏了一个多星期" in page
    assert "13905710001" in page


def test_the_console_shows_every_reason_for_bad_input_and_files_nothing(hw):
    page = _browser(hw.agent).post("/hotline/", {"type": "complaint", "channel": "phone",
                                                 "text": "", "region_code": "1"})

    assert page.status_code == 200
    body = page.content.decode()
    assert "请填写诉求内容" in body
    assert "行政区划代码不存在" in body
    assert not Ticket.objects.exists()


def test_only_the_centre_uses_the_console(hw):
    assert _browser(hw.urban_reviewer).get("/hotline/").status_code == 403
    assert _browser(hw.world.citizen).get("/hotline/caller/").status_code == 403


def test_the_dispatcher_dispatches_from_the_ticket_page_and_the_department_works_it(hw):
    ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    dispatcher = _browser(hw.dispatcher)
    page = dispatcher.get(f"/hotline/tickets/{ticket.number}/").content.decode()
    assert "派单" in page

    dispatcher.post(f"/hotline/tickets/{ticket.number}/dispatch/", {"lead": hw.urban.code})
    department = _browser(hw.urban_reviewer)
    listing = department.get("/hotline/department/").content.decode()
    assert ticket.number in listing
    department.post(f"/hotline/tickets/{ticket.number}/accept/")
    department.post(f"/hotline/tickets/{ticket.number}/extension/", {"days": "abc",
                                                                     "reason": "x"})
    department.post(f"/hotline/tickets/{ticket.number}/reply/", {"reply": "已修复"})

    ticket.refresh_from_db()
    assert (ticket.status, ticket.reply) == ("replied", "已修复")
    assert not ticket.extensions.exists()  # "abc" days: refused, nothing stored


def test_an_uncertain_suggestion_is_marked_and_leaves_the_choice_to_the_dispatcher(hw):
    sure = ticket_create(data=hw.complaint(
        text="文三路478号路灯坏了，井盖也松动了，城管快来看看"), actor=hw.agent).ticket
    unsure = ticket_create(data=hw.complaint(
        text="我想反映一个情况，麻烦帮忙看看", caller_phone="13905710002", address=""),
        actor=hw.agent).ticket
    dispatcher = _browser(hw.dispatcher)

    assert unsure.suggestion["uncertain"] is True
    page = dispatcher.get(f"/hotline/tickets/{unsure.number}/").content.decode()
    assert "建议不确定" in page
    lead = page[page.index('<select id="lead"'):]
    lead = lead[:lead.index("</select>")]
    assert '<option value="" selected>' in lead  # nothing chosen for the dispatcher
    assert lead.count(" selected>") == 1

    assert sure.suggestion["uncertain"] is False
    page = dispatcher.get(f"/hotline/tickets/{sure.number}/").content.decode()
    assert "建议不确定" not in page
    assert f'<option value="{sure.suggestion["choices"][0]["department"]}" selected>' in page

    # Dispatching without choosing is refused and changes nothing.
    dispatcher.post(f"/hotline/tickets/{unsure.number}/dispatch/", {"lead": ""})
    unsure.refresh_from_db()
    assert (unsure.status, unsure.lead_department_id) == ("new", None)


def test_a_complaint_about_an_application_shows_on_its_case(hw, api):
    body = api["citizen"].post("/applications", hw.world.licence_payload()).json()
    ticket = ticket_create(data=hw.complaint(
        text="我的施工许可申请交了很久没有消息", application_number=body["number"]),
        actor=hw.agent).ticket
    case = Ticket.objects.get(pk=ticket.pk).application.cases.get()

    page = _browser(hw.world.reviewers["xh-zjj"]).get(f"/workbench/cases/{case.pk}/")

    assert ticket.number in page.content.decode()
    # The department may open it although it was not dispatched to it.
    assert _browser(hw.world.reviewers["xh-zjj"]).get(
        f"/hotline/tickets/{ticket.number}/").status_code == 200


def test_the_dashboard_shows_the_hotline_figures_by_department_and_township(hw):
    day = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    with clock.frozen_at(day):
        ticket_create(data=hw.complaint(type="consultation", text="社保卡丢了怎么补办"),
                      actor=hw.agent, answer="到社保服务窗口或在浙里办补办。")
        ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
        ticket_dispatch(number=ticket.number, lead=hw.urban.code, actor=hw.dispatcher)
        ticket_accept(number=ticket.number, actor=hw.urban_reviewer)
        ticket_reply(number=ticket.number, reply="已修复", actor=hw.urban_reviewer)
        ticket_close(number=ticket.number, actor=hw.agent)
        ticket_follow_up(number=ticket.number, satisfaction=2, actor=hw.agent)
        ticket_create(data=hw.complaint(text="文三路478号路灯还是坏的，上次反映过"),
                      actor=hw.agent)
    rollups_refresh(days=[dt.date(2026, 11, 25)])

    from onevisit.metrics.selectors import hotline_figures

    figures = hotline_figures(since=dt.date(2026, 11, 25), until=dt.date(2026, 11, 25))
    assert figures["overall"] == {
        "closed": 1, "first_contact_rate": 1.0, "on_time_rate": 1.0,
        "satisfaction_rate": 0.0, "reopen_rate": 0.0, "repeat_complaint_rate": 0.5,
    }
    assert {row["name"] for row in figures["regions"]} == {"翠苑街道"}


def test_a_closed_answer_goes_into_the_knowledge_base_from_the_ticket_page(hw):
    ticket = ticket_create(data=hw.complaint(type="consultation", title="社保卡丢了怎么补办",
                                             text="社保卡丢了怎么补办"),
                           actor=hw.agent, answer="到社保服务窗口或在浙里办补办。").ticket

    response = _browser(hw.agent).post(f"/hotline/tickets/{ticket.number}/to-knowledge/")

    assert response.status_code == 302
    from onevisit.hotline.knowledge import knowledge_search

    hits = knowledge_search(text="社保卡丢了", limit=5)
    assert [hit.kind for hit in hits][:1] == ["answer"]


def test_the_supervisor_sees_complaints_about_applications_and_escalations(hw, api):
    body = api["citizen"].post("/applications", hw.world.licence_payload()).json()
    complaint = ticket_create(data=hw.complaint(
        text="我的施工许可申请交了很久没有消息", application_number=body["number"]),
        actor=hw.agent).ticket

    page = _browser(hw.world.supervisor).get("/dashboard/").content.decode()

    assert complaint.number in page
    assert body["number"] in page


def test_a_near_miss_is_shown_as_a_possible_duplicate_with_its_reasons_and_not_merged(hw):
    """Under the merge threshold the agent sees 可能重复 and why; the dispatcher may merge."""
    first = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    agent = _browser(hw.agent)

    response = agent.post("/hotline/", {
        "type": "complaint", "channel": "phone",
        "text": "文三路那边的路灯好几天都不亮了，晚上黑漆漆的，出门都要打手电筒。",
        "caller_name": "王先生", "caller_phone": "13905710002",
        "region_code": hw.jiangcun.code, "action": "file"})

    ticket = Ticket.objects.exclude(pk=first.pk).get()
    assert (ticket.status, ticket.master) == ("new", None)
    assert ticket.possible_duplicates == [{
        "number": first.number, "score": 0.501, "reasons": ["共同词：文三路、路灯、不亮、晚上"],
        "reasons_en": ["Shared words: 文三路, 路灯, 不亮, 晚上"]}]
    page = agent.get(response["Location"]).content.decode()
    assert "可能重复" in page
    assert f'href="/hotline/tickets/{first.number}/"' in page
    assert "（相似度 50%）：共同词：文三路、路灯、不亮、晚上" in page
    assert f"并入 {first.number}" not in page  # the agent opens it; the dispatcher merges

    dispatcher = _browser(hw.dispatcher)
    assert f"并入 {first.number}" in dispatcher.get(response["Location"]).content.decode()
    events = TicketEvent.objects.count()
    mistyped = dispatcher.post(f"/hotline/tickets/{ticket.number}/merge/", {
        "master_number": "RX123", "note": ""}, follow=True).content.decode()
    assert "没有工单 RX123" in mistyped
    ticket.refresh_from_db()
    assert (ticket.status, ticket.master, TicketEvent.objects.count()) == ("new", None, events)
    dispatcher.post(f"/hotline/tickets/{ticket.number}/merge/", {
        "master_number": f" {first.number.lower()} ", "note": "核对可能重复后并单"})

    ticket.refresh_from_db()
    assert (ticket.status, ticket.master_id) == ("merged", first.pk)
    merged = dispatcher.get(response["Location"]).content.decode()
    assert "已并入" in merged
    assert "possible-duplicates" not in merged  # merged: nothing left to check


def test_a_match_s_reasons_read_in_the_page_s_language_whoever_filed_it(hw):
    first = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    with translation.override("en"):  # filed from an English page
        again = ticket_create(data=hw.complaint(caller_phone="13905710009"),
                              actor=hw.agent).ticket
    assert again.master == first
    assert again.match_reason["reasons"][0].startswith("共同词：")  # of record, in Chinese

    chinese = _browser(hw.dispatcher).get(f"/hotline/tickets/{again.number}/").content.decode()
    with translation.override("en"):
        english = _browser(hw.dispatcher).get(f"/hotline/tickets/{again.number}/",
                                              HTTP_ACCEPT_LANGUAGE="en").content.decode()
        master = _browser(hw.dispatcher).get(f"/hotline/tickets/{first.number}/",
                                             HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"{first.number}</a>：共同词：" in chinese  # 已并入
    assert f"{first.number}</a>: Shared words: " in english  # Merged into
    assert "Same place: 文三路478号" in english
    assert "(5 working days)" in english  # 办理期限, in the page's punctuation
    assert "Sign out (" in english
    shared = english.split("Shared words: ", 1)[1].split(";", 1)[0]
    assert ", " in shared  # the words listed in English
    assert "、" not in shared
    merged_in = master.split("Calls merged into this ticket", 1)[1].split("</ul>", 1)[0]
    assert again.number in merged_in
    assert "— Shared words: " in merged_in
    # The history too: its notes are kept in Chinese, of record, and read in the page's.
    assert first.events.get(action="merged_in").note == f"并入工单 {again.number}"
    assert again.events.get(action="merged").note.startswith("共同词：")
    assert f"Ticket {again.number} merged in" in _history(master)
    assert "Merge · Merged: Shared words: " in _history(english)
    assert f"并入来电 · 待派单：并入工单 {again.number}" in _history(
        _browser(hw.dispatcher).get(f"/hotline/tickets/{first.number}/").content.decode())


def test_a_hand_merge_without_a_note_names_its_master_and_no_reasons(hw):
    first = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    other = ticket_create(data=hw.complaint(text="小区门口的垃圾桶满了没人清", address="",
                                            caller_phone="13905710011"), actor=hw.agent).ticket
    dispatcher = _browser(hw.dispatcher)
    dispatcher.post(f"/hotline/tickets/{other.number}/merge/",
                    {"master_number": first.number, "note": ""})

    page = dispatcher.get(f"/hotline/tickets/{other.number}/").content.decode()
    assert f"{first.number}</a></dd>" in page  # 已并入 RX…, no colon before nothing


def test_the_console_says_what_became_of_a_call_in_the_page_s_language(hw):
    with translation.override("en"):
        page = _browser(hw.agent).post("/hotline/", {
            "type": "complaint", "channel": "phone", "text": hw.complaint().text,
            "caller_name": "Ms Li", "caller_phone": "13905710001",
            "region_code": hw.cuiyuan.code, "action": "file"},
            follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    number = Ticket.objects.get().number
    assert f"{number}: Filed, awaiting dispatch" in page


def _history(page: str) -> str:
    return page.split('class="timeline"', 1)[1].split("</ol>", 1)[0]


def test_the_agent_sees_no_good_answer_and_what_to_do_for_a_matter_outside_the_catalogue(hw):
    agent = _browser(hw.agent)

    outside = agent.get("/hotline/knowledge/", {"q": "孩子明年上小学，入学报名要准备什么材料"})
    inside = agent.get("/hotline/knowledge/", {"q": "房产证过户要带什么"})

    assert outside.status_code == inside.status_code == 200
    page = outside.content.decode()
    assert 'data-answer="none"' in page
    assert "没有找到合适的答案" in page
    assert "新建工单派给负责的部门" in page
    assert "knowledge-hits" not in page
    found = inside.content.decode()
    assert 'href="/items/330106-BDC-001/"' in found
    assert "没有找到合适的答案" not in found


def test_a_department_that_returned_the_ticket_is_not_suggested_again(hw):
    ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    first = ticket.suggestion["choices"][0]
    assert first["department"] == hw.urban.code
    ticket_dispatch(number=ticket.number, lead=hw.urban.code, actor=hw.dispatcher)
    ticket_return(number=ticket.number, reason="路灯归街道管，不属本局", actor=hw.urban_reviewer)
    ticket.refresh_from_db()  # as the API shows it too
    assert hw.urban.code not in [c["department"] for c in ticket.suggestion["choices"]]
    assert ticket.suggestion["uncertain"] is True

    page = _browser(hw.dispatcher).get(f"/hotline/tickets/{ticket.number}/").content.decode()

    assert f"{first['name']}（" not in page.split('id="lead"', 1)[0]  # not in 建议：
    assert "杭州市西湖区城市管理局：路灯归街道管，不属本局" in page  # 退单记录
    # Its first choice refused: the dispatcher decides, nothing is preselected.
    assert "建议不确定" in page
    lead = page.split('id="lead"', 1)[1].split("</select>", 1)[0]
    assert lead.count(" selected>") == 1
    assert '<option value="" selected>' in lead
    # Still there to choose (it may be right after all), marked as having returned it.
    assert f'<option value="{hw.urban.code}">杭州市西湖区城市管理局（已退单）</option>' in lead
    assert lead.count("（已退单）") == 1


def test_a_return_names_the_department_in_the_page_s_language(hw):
    hw.urban.name_en = "Xihu District Urban Management Bureau"
    hw.urban.save()
    ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    ticket_dispatch(number=ticket.number, lead=hw.urban.code, actor=hw.dispatcher)
    ticket_return(number=ticket.number, reason="路灯归街道管，不属本局", actor=hw.urban_reviewer)

    with translation.override("en"):
        page = _browser(hw.dispatcher).get(f"/hotline/tickets/{ticket.number}/",
                                           HTTP_ACCEPT_LANGUAGE="en").content.decode()

    returns = page.split("<h2>Returns</h2>", 1)[1].split("</ul>", 1)[0]
    assert "Xihu District Urban Management Bureau: 路灯归街道管，不属本局" in returns


def test_the_suggested_departments_read_in_the_page_s_language(hw):
    hw.urban.name_en = "Xihu District Urban Management Bureau"
    hw.urban.save()
    ticket = ticket_create(data=hw.complaint(), actor=hw.agent).ticket
    assert ticket.suggestion["choices"][0]["name"] == "杭州市西湖区城市管理局"  # as made

    with translation.override("en"):
        page = _browser(hw.dispatcher).get(f"/hotline/tickets/{ticket.number}/",
                                           HTTP_ACCEPT_LANGUAGE="en").content.decode()

    suggested = page.split('id="lead"', 1)[0].split("Suggested: ", 1)[1].split("</p>", 1)[0]
    assert re.fullmatch(r"Xihu District Urban Management Bureau \(\d+%\)(, .+)?", suggested)
    assert "（" not in suggested
    assert "、" not in suggested
