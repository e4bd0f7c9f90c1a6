"""The hotline knowledge base: guides found by what callers say, no answer for a matter the
catalogue lacks, weak hits cut off, an item ahead of the life event around it, FAQ entries
kept in step with the index, refusals that change nothing, past answers taken from closed
tickets, and the question set's top-5 rate over the demo catalogue."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from onevisit import clock
from onevisit.accounts.models import Role, User
from onevisit.applications.constants import (
    ApplicantKind,
    ApplicationStatus,
    Channel,
    DeliveryMethod,
)
from onevisit.applications.models import Application
from onevisit.audit.models import AuditEvent
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.questions import QUESTIONS
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from onevisit.hotline.constants import KnowledgeKind, TicketChannel, TicketStatus, TicketType
from onevisit.hotline.knowledge import (
    CALIBRATION,
    knowledge_answer,
    knowledge_answer_from_ticket,
    knowledge_entries,
    knowledge_entry_deactivate,
    knowledge_entry_save,
    knowledge_search,
)
from onevisit.hotline.models import KnowledgeEntry, Ticket
from onevisit.search.constants import ITEM, LIFE_EVENT
from onevisit.search.models import SearchDocument
from onevisit.search.services import search_reindex
from tests.conftest import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _found(text: str, limit: int = 5) -> list[tuple[str, str]]:
    return [(hit.kind, hit.key) for hit in knowledge_search(text=text, limit=limit)]


def _state() -> dict[str, Any]:
    """Everything a refused write must leave as it was."""
    return {
        "entries": list(KnowledgeEntry.objects.order_by("pk").values(
            "pk", "kind", "title", "body", "item_codes", "active", "updated_at")),
        "documents": list(SearchDocument.objects.exclude(kind__in=(ITEM, LIFE_EVENT))
                          .order_by("pk").values("kind", "key", "title", "body", "extra")),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def agent(world: World) -> User:
    return UserFactory(username="agent-kb", role=Role.AGENT)


# --------------------------------------------------------------------------- guides


def test_a_guide_is_found_by_a_colloquial_question(world: World):
    hits = knowledge_search(text="卖房子要跑哪些部门？")
    bundle = hits[0]

    assert (bundle.kind, bundle.key) == (LIFE_EVENT, "house")
    assert bundle.is_guide is True
    assert (bundle.code, bundle.url_name, bundle.entry_id) == ("house", "web:life_event", None)
    assert bundle.item_codes == (world.filing.code, world.tax_item.code, world.transfer.code)
    assert bundle.kind_label == "一件事"
    assert bundle.department_names == (
        "西湖区住房和城乡建设局", "国家税务总局杭州市西湖区税务局", "西湖区不动产登记中心",
    )


def test_an_item_guide_links_to_its_page_and_marks_the_words(world: World):
    hits = knowledge_search(text="房产证过户要带什么？")
    transfer = next(hit for hit in hits if hit.key == world.transfer.code)

    assert (transfer.kind, transfer.code, transfer.url_name) == (
        ITEM, world.transfer.code, "web:item")
    assert transfer.item_codes == (world.transfer.code,)
    assert transfer.title == "房屋所有权转移登记"
    assert ("转移登记", True) in transfer.title_marked
    assert transfer.every_word is True
    assert transfer.kind_label == "办事指南"


def test_an_empty_or_meaningless_question_finds_nothing(world: World):
    assert knowledge_search(text="") == []
    assert knowledge_search(text="？！…") == []
    assert knowledge_search(text="卖房", limit=0) == []


# --------------------------------------------------------------------------- the answer


@pytest.mark.parametrize("text", [
    "孩子明年上小学，入学报名要准备什么材料",
    "车子要年检了去哪个检测站",
])
def test_a_matter_outside_the_catalogue_gets_no_answer(world: World, text: str):
    answer = knowledge_answer(text=text)

    assert (answer.found, answer.hits) == (False, [])
    assert knowledge_search(text=text) == []


def test_with_no_good_answer_the_nearest_guides_are_set_apart_as_leads(world: World):
    strict = replace(CALIBRATION, floor=2.0, entry_floor=2.0)  # nothing is good enough
    answer = knowledge_answer(text="房产证过户要带什么", calibration=strict)

    assert (answer.found, answer.hits) == (False, [])
    assert [hit.key for hit in answer.near][:1] == [world.transfer.code]
    assert len(answer.near) <= 3
    assert knowledge_answer(text="房产证过户要带什么").near == []  # answered: no leads


def test_a_matter_of_the_catalogue_still_gets_its_guide(world: World):
    answer = knowledge_answer(text="房产证过户要带什么")

    assert answer.found is True
    assert [(hit.kind, hit.key, hit.confidence) for hit in answer.hits] == [
        (ITEM, world.transfer.code, 1.0)]


@pytest.fixture
def demo(db: None) -> None:
    demo_catalogue_load()


def test_weak_hits_are_cut_off_so_fewer_than_five_are_shown(demo: None):
    text = "开个小饭店要办什么证"
    everything = replace(CALIBRATION, floor=0.0, relative=0.0)

    shown = knowledge_answer(text=text).hits
    uncut = knowledge_answer(text=text, calibration=everything).hits

    assert [hit.key for hit in shown] == ["330106-SJ-023", "licence-food", "330106-SJ-003"]
    assert [hit.key for hit in uncut][:len(shown)] == [hit.key for hit in shown]
    assert len(uncut) > len(shown)  # weaker hits there were: cut off
    best = max(hit.confidence for hit in shown)
    assert all(hit.confidence >= CALIBRATION.relative * best for hit in shown)
    assert all(hit.confidence < CALIBRATION.relative * best for hit in uncut[len(shown):])


def test_an_item_ranks_ahead_of_the_life_event_that_merely_contains_it(demo: None):
    step = knowledge_answer(text="出生医学证明怎么补办")
    whole = knowledge_answer(text="孩子出生要办哪些手续")

    assert step.whole_event is False
    assert [(hit.kind, hit.key) for hit in step.hits[:2]] == [
        (ITEM, "330106-WJ-001"), (LIFE_EVENT, "newborn")]
    assert whole.whole_event is True
    assert [(hit.kind, hit.key) for hit in whole.hits] == [(LIFE_EVENT, "newborn")]


def test_an_item_the_cut_left_out_is_brought_ahead_of_its_life_event(world: World):
    hits = knowledge_answer(text="二手房过户的税谁交").hits

    assert [(hit.kind, hit.key) for hit in hits] == [
        (ITEM, world.tax_item.code), (LIFE_EVENT, "house")]
    assert hits[0].confidence < hits[1].confidence


# --------------------------------------------------------------------------- FAQ entries


def test_an_faq_entry_is_saved_found_edited_and_deactivated(world: World, agent: User):
    entry = knowledge_entry_save(
        kind=KnowledgeKind.FAQ, title="  二手房过户时卖方要带房产证原件吗？ ",
        body="需要。卖方携带不动产权证书原件和居民身份证，到不动产登记窗口办理。",
        item_codes=[world.transfer.code, world.transfer.code], actor=agent,
    )

    assert (entry.kind, entry.title, entry.item_codes, entry.active) == (
        "faq", "二手房过户时卖方要带房产证原件吗？", [world.transfer.code], True)
    assert entry.updated_by == agent
    hit = next(hit for hit in knowledge_search(text="卖房子房产证原件要带吗")
               if hit.kind == KnowledgeKind.FAQ)
    assert (hit.key, hit.entry_id, hit.item_codes) == (
        str(entry.pk), entry.pk, (world.transfer.code,))
    assert (hit.code, hit.url_name, hit.is_guide, hit.kind_label) == (
        None, None, False, "常见问题")
    assert ("原件", True) in hit.snippet
    assert list(knowledge_entries(item_code=world.transfer.code)) == [entry]
    assert list(knowledge_entries(item_code=world.filing.code)) == []

    edited = knowledge_entry_save(
        entry_id=entry.pk, kind=KnowledgeKind.FAQ, title="施工许可证要多久能批下来？",
        body="材料齐全的，承诺5个工作日内办结。", item_codes=[world.licence.code], actor=agent,
    )

    assert edited.pk == entry.pk
    assert (KnowledgeKind.FAQ, str(entry.pk)) not in _found("卖房子房产证原件要带吗")
    assert (KnowledgeKind.FAQ, str(entry.pk)) in _found("施工许可证多久能批")
    assert SearchDocument.objects.get(kind="faq").extra == {"item_codes": [world.licence.code]}

    knowledge_entry_deactivate(entry_id=entry.pk, actor=agent)

    entry.refresh_from_db()
    assert entry.active is False
    assert (KnowledgeKind.FAQ, str(entry.pk)) not in _found("施工许可证多久能批")
    assert not SearchDocument.objects.filter(kind="faq").exists()
    assert list(knowledge_entries(kind="faq")) == []
    assert list(knowledge_entries(kind="faq", active=False)) == [entry]
    assert list(AuditEvent.objects.filter(entity="knowledge_entry", entity_id=str(entry.pk))
                .order_by("seq").values_list("action", flat=True)) == [
        "knowledge_entry.created", "knowledge_entry.updated", "knowledge_entry.deactivated",
    ]


def test_a_deactivated_entry_is_neither_edited_nor_deactivated_again(world, agent):
    entry = knowledge_entry_save(kind="faq", title="社保卡丢了怎么办", body="先挂失再补领。",
                                 item_codes=[], actor=agent)
    knowledge_entry_deactivate(entry_id=entry.pk, actor=agent)
    before = _state()

    with pytest.raises(Conflict):
        knowledge_entry_deactivate(entry_id=entry.pk, actor=agent)
    with pytest.raises(Conflict):
        knowledge_entry_save(entry_id=entry.pk, kind="faq", title="社保卡丢了", body="挂失。",
                             item_codes=[], actor=agent)

    assert _state() == before


def test_changing_the_kind_moves_the_entry_in_the_index(world, agent):
    entry = knowledge_entry_save(kind="faq", title="契税什么时候交", body="网签备案后申报缴纳。",
                                 item_codes=[world.tax_item.code], actor=agent)

    knowledge_entry_save(entry_id=entry.pk, kind="answer", title="契税什么时候交",
                         body="网签备案后申报缴纳。", item_codes=[world.tax_item.code],
                         actor=agent)

    assert list(SearchDocument.objects.filter(key=str(entry.pk))
                .values_list("kind", flat=True)) == ["answer"]


def test_invalid_item_codes_are_refused_and_nothing_changes(world: World, agent: User):
    entry = knowledge_entry_save(kind="faq", title="契税怎么交", body="网签备案后申报缴纳。",
                                 item_codes=[world.tax_item.code], actor=agent)
    before = _state()

    with pytest.raises(InvalidInput) as refused:
        knowledge_entry_save(kind="faq", title="新问题", body="新答案",
                             item_codes=[world.tax_item.code, "330106-XX-999", "nope"],
                             actor=agent)
    with pytest.raises(InvalidInput) as edit_refused:
        knowledge_entry_save(entry_id=entry.pk, kind="faq", title="改过的问题", body="改过的答案",
                             item_codes=["330106-XX-999"], actor=agent)

    assert refused.value.errors == {"item_codes": "事项目录中没有这些事项：330106-XX-999、nope"}
    assert edit_refused.value.errors == {"item_codes": "事项目录中没有这些事项：330106-XX-999"}
    assert _state() == before


def test_every_bad_field_is_named_at_once_and_nothing_changes(world: World, agent: User):
    before = _state()

    with pytest.raises(InvalidInput) as refused:
        knowledge_entry_save(kind="news", title="  ", body="", item_codes="330106-SW-001",
                             actor=agent)

    assert refused.value.errors == {
        "kind": "类型须为常见问题或历史答复", "title": "请填写问题", "body": "请填写答案",
        "item_codes": "事项编码须为编码列表",
    }
    assert _state() == before


def test_only_the_centre_and_editors_write_the_knowledge_base(world: World):
    before = _state()

    with pytest.raises(NotAllowed):
        knowledge_entry_save(kind="faq", title="问题", body="答案", item_codes=[],
                             actor=world.citizen)
    with pytest.raises(NotAllowed):
        knowledge_entry_save(kind="faq", title="问题", body="答案", item_codes=[],
                             actor=world.clerk)

    assert _state() == before
    editor = UserFactory(username="editor-kb", role=Role.EDITOR)
    assert knowledge_entry_save(kind="faq", title="问题", body="答案", item_codes=[],
                                actor=editor).active is True


def test_reindex_rebuilds_the_active_entries_only(world: World, agent: User):
    kept = knowledge_entry_save(kind="faq", title="契税怎么交", body="网签备案后申报缴纳。",
                                item_codes=[world.tax_item.code], actor=agent)
    gone = knowledge_entry_save(kind="faq", title="施工许可多久", body="5个工作日。",
                                item_codes=[], actor=agent)
    knowledge_entry_deactivate(entry_id=gone.pk, actor=agent)
    SearchDocument.objects.filter(kind="faq").delete()

    assert search_reindex(kinds=["faq", "answer"]) == {"faq": 1, "answer": 0}
    document = SearchDocument.objects.get(kind="faq")
    assert (document.key, document.title) == (str(kept.pk), "契税怎么交")
    assert "存量房" in document.body_tokens  # the linked item's name is searched with it


# --------------------------------------------------------------------------- past answers


def _ticket(world: World, **overrides: Any) -> Ticket:
    now = clock.now()
    values: dict[str, Any] = {
        "number": "12345-20261120-0001", "type": TicketType.CONSULTATION,
        "channel": TicketChannel.PHONE, "status": TicketStatus.CLOSED,
        "caller_name": "王女士", "caller_phone": "13905710002",
        "title": "咨询二手房买卖的契税在哪里缴纳",
        "text": "我住翠苑三区，上个月买了套二手房，想问契税去哪里交，要带什么。",
        "limit_days": 1, "created_at": now - dt.timedelta(days=1), "closed_at": now,
        "reply": "契税由买方在网签备案后向税务部门申报缴纳，可在不动产交易登记窗口一窗办理。",
        "lead_department": world.tax, "jurisdiction_id": "330106",
    }
    values.update(overrides)
    return Ticket.objects.create(**values)


def _application(world: World) -> Application:
    return Application.objects.create(
        number="XH-20261120-0001", item=world.tax_item, title=world.tax_item.name,
        region_id="330106",
        applicant_kind=ApplicantKind.PERSON, applicant_name="王小明",
        applicant_id_number=world.citizen_id, channel=Channel.ONLINE,
        status=ApplicationStatus.ACCEPTED, promised_visits=0, committed_limit=15,
        limit_unit="minutes", submitted_at=clock.now(), delivery_method=DeliveryMethod.DOWNLOAD,
    )


def test_a_past_answer_from_a_closed_ticket_is_found_by_a_similar_question(world, agent):
    ticket = _ticket(world, application=_application(world))

    entry = knowledge_answer_from_ticket(ticket=ticket, actor=agent)

    assert (entry.kind, entry.title, entry.body) == (
        "answer", "咨询二手房买卖的契税在哪里缴纳", ticket.reply)
    assert (entry.item_codes, entry.department, entry.source_ticket) == (
        [world.tax_item.code], world.tax, ticket)
    hit = next(hit for hit in knowledge_search(text="买了二手房子，契税去哪交？")
               if hit.kind == KnowledgeKind.ANSWER)
    assert (hit.entry_id, hit.item_codes, hit.department_names, hit.kind_label) == (
        entry.pk, (world.tax_item.code,), ("国家税务总局杭州市西湖区税务局",), "历史答复")
    # The caller's own account is not in the knowledge base.
    document = SearchDocument.objects.get(kind="answer")
    assert "翠苑" not in document.body + document.body_tokens + document.title
    event = AuditEvent.objects.get(action="knowledge_entry.answer_from_ticket")
    assert event.data == {"ticket": ticket.number, "created": True,
                          "item_codes": [world.tax_item.code]}


def test_a_life_event_ticket_links_the_bundle_items(world: World, agent: User):
    application = _application(world)
    Application.objects.filter(pk=application.pk).update(item=None, life_event=world.house)
    application.refresh_from_db()
    ticket = _ticket(world, application=application)

    entry = knowledge_answer_from_ticket(ticket=ticket, actor=agent)

    assert entry.item_codes == [world.filing.code, world.tax_item.code, world.transfer.code]


def test_taking_a_ticket_again_updates_its_answer(world: World, agent: User):
    ticket = _ticket(world)
    first = knowledge_answer_from_ticket(ticket=ticket, actor=agent)
    knowledge_entry_deactivate(entry_id=first.pk, actor=agent)
    Ticket.objects.filter(pk=ticket.pk).update(reply="契税在网签备案后申报缴纳，也可网上缴纳。")

    again = knowledge_answer_from_ticket(ticket=ticket, actor=agent)

    assert again.pk == first.pk
    assert (again.body, again.active, again.item_codes) == (
        "契税在网签备案后申报缴纳，也可网上缴纳。", True, [])
    assert KnowledgeEntry.objects.count() == 1
    assert SearchDocument.objects.filter(kind="answer").count() == 1


@pytest.mark.parametrize(("overrides", "error"), [
    ({"status": TicketStatus.REPLIED, "closed_at": None}, Conflict),
    ({"status": TicketStatus.MERGED, "closed_at": None}, Conflict),
    ({"reply": "  "}, InvalidInput),
    ({"type": TicketType.REPORT}, InvalidInput),
])
def test_an_open_unanswered_or_confidential_ticket_is_not_taken(world, agent, overrides, error):
    ticket = _ticket(world, **overrides)
    before = _state()

    with pytest.raises(error):
        knowledge_answer_from_ticket(ticket=ticket, actor=agent)

    assert _state() == before


# --------------------------------------------------------------------------- the question set


def test_the_question_set_finds_its_guide_in_the_first_five(db: None):
    demo_catalogue_load()
    guides = set(SearchDocument.objects.filter(kind__in=(ITEM, LIFE_EVENT))
                 .values_list("key", flat=True))
    first = top5 = 0
    missed = []
    for question in QUESTIONS:
        keys = [hit.key for hit in knowledge_search(text=question.text, limit=5)
                if hit.is_guide]
        first += keys[:1] == [question.code]
        top5 += question.code in keys
        if question.code not in keys:
            missed.append(question.text)

    assert len(QUESTIONS) >= 120
    assert len({question.text for question in QUESTIONS}) == len(QUESTIONS)
    assert {question.code for question in QUESTIONS} <= guides
    assert top5 / len(QUESTIONS) >= 0.9, missed
    assert first / len(QUESTIONS) >= 0.5
