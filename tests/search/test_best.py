"""The short list (`search_best`): every word first, then some; kinds narrowed by the
index; common words looked for in headings only; documents put many at a time."""

from __future__ import annotations

import pytest

from onevisit.search import selectors
from onevisit.search.models import SearchDocument
from onevisit.search.selectors import Term, query_plan, search_best, search_run
from onevisit.search.services import (
    DocumentInput,
    search_document_put,
    search_documents_put_many,
    search_index_optimize,
)
from onevisit.search.text import query_parse

pytestmark = pytest.mark.django_db

NOTE = "note"


def _put(key: str, title: str, body: str = "", kind: str = NOTE) -> None:
    search_document_put(document=DocumentInput(kind=kind, key=key, title=title, body=body))


def _best(text: str, kinds: tuple[str, ...] = (NOTE,), limit: int = 5
          ) -> list[tuple[str, bool]]:
    return [(best.hit.document.key, best.every_word)
            for best in search_best(text=text, kinds=kinds, limit=limit).hits]


@pytest.fixture
def few_common(monkeypatch):
    """A word in more than two documents is common (instead of 1% and 1,000)."""
    monkeypatch.setattr(selectors, "COMMON_MIN", 2)
    monkeypatch.setattr(selectors, "COMMON_SHARE", 0.0)
    monkeypatch.setattr(selectors, "_counts", {})


def test_documents_with_every_word_come_first_then_those_with_some(db):
    _put("both", "契税缴纳", "在税务窗口缴纳契税")
    _put("tax", "契税减免", "首套住房减免")
    _put("window", "办事窗口", "窗口受理时间")
    _put("neither", "结婚登记")

    found = _best("契税在哪个窗口交")

    assert found[0] == ("both", True)
    assert sorted(found[1:]) == [("tax", False), ("window", False)]
    assert _best("契税在哪个窗口交", limit=1) == [("both", True)]
    assert _best("", limit=5) == []
    assert _best("契税", limit=0) == []


def test_scores_are_returned_best_first(db):
    _put("title", "契税缴纳", "")
    _put("body", "住房登记", "缴纳契税")

    scores = [best.score for best in search_best(text="契税", kinds=(NOTE,), limit=5).hits]

    assert len(scores) == 2
    assert scores[0] > scores[1]


def test_the_index_leaves_out_other_kinds(db):
    _put("mine", "契税缴纳", kind=NOTE)
    _put("other", "契税缴纳", kind="memo")
    _put("bundle", "契税缴纳", kind="life_event")

    assert _best("契税") == [("mine", True)]
    assert [hit.document.key for hit in search_run(text="契税", kinds=("memo",)).page] == [
        "other"]
    assert {key for key, _every in _best("契税", kinds=(NOTE, "life_event"))} == {
        "mine", "bundle"}


def test_a_common_word_is_looked_for_in_headings_and_a_very_common_one_not_at_all(
        db, few_common):
    _put("tax", "契税缴纳", "到税务窗口缴纳，登记后领证")
    for index in range(3):
        _put(f"body-{index}", f"婚姻登记{index}", "到民政窗口办理")
    _put("heading", "办事窗口", "受理时间")

    plan = query_plan(query_parse("契税 窗口 登记"), kinds=(NOTE,))

    assert [(term.phrases[0], term.heading_only) for term in plan.strict] == [
        (("契税",), False), (("窗口",), False), (("登记",), False)]
    # 窗口 is in five documents, one heading: headings only; 登记 in four headings: dropped.
    assert [(term.phrases[0], term.heading_only) for term in plan.relaxed] == [
        (("契税",), False), (("窗口",), True)]
    assert _best("契税 窗口 登记") == [("tax", True), ("heading", False)]


def test_a_question_of_common_words_only_asks_every_word_in_the_headings(db, few_common):
    for index in range(3):
        _put(f"body-{index}", f"事项{index}", "到窗口办理")
    _put("heading", "办事窗口", "受理时间")

    plan = query_plan(query_parse("窗口"), kinds=(NOTE,))

    assert plan.strict == [Term(phrases=(("窗口",),), heading_only=True)]
    assert _best("窗口") == [("heading", True)]


def test_few_documents_are_asked_every_word_everywhere(db):
    _put("one", "契税缴纳", "窗口")

    plan = query_plan(query_parse("契税 窗口"), kinds=(NOTE,))

    assert plan.strict == plan.relaxed == [Term(phrases=(("契税",),)), Term(phrases=(("窗口",),))]


def test_many_documents_are_put_at_once_replacing_and_once_per_key(db):
    _put("old", "结婚登记", "婚姻登记处")

    keys = search_documents_put_many(documents=[
        DocumentInput(kind=NOTE, key="old", title="契税缴纳"),
        DocumentInput(kind=NOTE, key="new", title="失业保险金申领"),
        DocumentInput(kind=NOTE, key="new", title="社会保障卡申领"),
    ], batch_size=2)
    search_index_optimize()

    assert keys == ["old", "new"]
    assert dict(SearchDocument.objects.filter(kind=NOTE).values_list("key", "title")) == {
        "old": "契税缴纳", "new": "社会保障卡申领"}
    assert _best("结婚") == []
    assert _best("契税") == [("old", True)]
    assert _best("社保卡") == [("new", True)]
    assert _best("失业") == []
