"""Segmenting, query parsing and snippets: the words the database sees."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onevisit.search.text import (
    MAX_QUERY_WORDS,
    index_tokens,
    keyword_tokens,
    query_parse,
    snippet,
    vocabulary,
)

WORD = re.compile(r"\w+")


def test_the_vocabulary_keeps_colloquial_phrases_whole():
    assert query_parse("开公司").groups[0][0] == ("开公司",)
    assert query_parse("卖房子").groups[0][0] == ("卖房子",)
    assert "二手房" in index_tokens("二手房交易登记一件事")
    assert "一件事" in index_tokens("二手房交易登记一件事")


def test_a_one_way_synonym_widens_the_colloquial_word_only():
    synonyms = vocabulary().synonyms

    assert "企业开办" in synonyms["开公司"]
    assert "开公司" not in synonyms.get("企业开办", ())
    assert "存量房" in synonyms["二手房"]  # a line without => : both ways
    assert "二手房" in synonyms["存量房"]


def test_a_query_is_its_meaningful_words_each_with_its_synonyms():
    query = query_parse("我想卖房子，怎么办？")

    assert [group[0] for group in query.groups] == [("卖房子",)]
    assert ("二手房",) in query.groups[0]
    assert ("存量房",) in query.groups[0]
    assert "卖房子" in query.highlight


def test_stopwords_alone_are_still_searched():
    assert [group[0] for group in query_parse("办理").groups] == [("办理",)]


def test_full_width_and_capitals_are_folded():
    assert query_parse("ＢＤＣ").groups[0][0] == ("bdc",)


def test_keywords_are_indexed_whole_and_in_parts():
    tokens = keyword_tokens("上户口 不动产转移登记")

    assert tokens[0] == "上户口"
    assert "不动产转移登记" in tokens
    assert "不动产" in tokens


@pytest.mark.parametrize("text", [
    "", "   ", '"', '""', "*", "-", "OR", "NEAR", "NEAR(a b, 2)", "AND OR NOT", "(((", ")",
    "卖房 OR 开公司", '"卖房" -买房 *', "title:卖房", "^卖房", "a & b | !c <-> d", "'; DROP --",
    "\x00卖房\x00", "🏠卖房🏠", "卖房" * 1000, "x" * 10_000, "\u200b\u3000", "１２３",
])
def test_hostile_text_parses_to_plain_words(text):
    query = query_parse(text)

    assert len(query.groups) <= MAX_QUERY_WORDS
    for group in query.groups:
        for phrase in group:
            assert all(WORD.fullmatch(token) for token in phrase), phrase
    if query.whole:
        assert all(WORD.fullmatch(token) for token in query.whole)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_to_plain_words(text):
    query = query_parse(text)

    for group in query.groups:
        for phrase in group:
            assert all(WORD.fullmatch(token) for token in phrase)


def test_a_snippet_is_cut_around_the_first_match_and_marks_every_match():
    text = "甲" * 100 + "办理营业执照后刻章，营业执照载有统一社会信用代码" + "乙" * 100

    segments = snippet(text, ["营业执照"], width=40, before=4)

    assert segments[0] == ("…", False)
    assert segments[-1] == ("…", False)
    assert [part for part, marked in segments if marked] == ["营业执照", "营业执照"]
    window = "".join(part for part, _ in segments[1:-1])
    assert window.startswith("甲甲办理营业执照后刻章")
    assert len(window) == 40


def test_a_snippet_without_a_match_is_the_start_of_the_text():
    assert snippet("出生医学证明签发", ["结婚"]) == [("出生医学证明签发", False)]
    assert snippet("", ["结婚"]) == []
