"""The portal search on queries as people type them (issue 17): no good match said as
such with words to try and 12345, misspellings, colloquial words, traditional characters
and English, over the demo catalogue."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from onevisit.search.selectors import search_plain, search_run
from onevisit.search.suggest import coverage, spelling_correct
from onevisit.search.text import english_stem, query_parse, simplified
from tests.search.pages import page_get, page_text

pytestmark = pytest.mark.django_db


def _keys(text: str) -> list[str]:
    return [hit.document.key for hit in search_run(text=text).page]


def test_no_good_match_says_so_suggests_words_and_offers_12345(demo):
    page = page_get("/search/?q=" + quote("公积金提取"))
    text = page_text(page)

    assert "没有找到与“公积金提取”相关的服务" in text
    assert "您可以试试：" in text
    assert f'<a href="/search/?q={quote("住房公积金缴存登记")}">住房公积金缴存登记</a>' in page
    assert '<a href="tel:12345">拨打 12345</a>' in page
    assert 'href="/12345/?type=consultation&amp;text=' in page
    assert 'class="results"' not in page  # no list of unrelated guides


def test_the_12345_form_starts_with_what_was_searched(demo):
    asked = "我想办理“公积金提取”，在网上没有找到相关的事项，请问应该怎么办？"
    page = page_get("/12345/?type=consultation&text=" + quote(asked))

    assert f">{asked}</textarea>" in page


def test_a_weak_match_is_no_good_match(demo):
    # 公司 alone matches the company guides, 注销 none: not a list of company guides.
    results = search_run(text="注销公司")

    assert results.total == 0
    assert results.corrected == ""  # 注销 and 公司 are common words, not misspelt
    assert "开公司" in results.suggestions
    assert search_run(text="公积金贷款").total == 0
    assert search_run(text="户口签移").total == 0


def test_stray_matches_are_left_out(demo):
    # 出生登记 asks for the parents' 结婚证, a transfer for the spouse's consent: neither is
    # about getting married; 开公司 no longer lists the planning permit (营业执照 among its
    # materials).
    assert _keys("结婚") == ["330106-MZ-002"]
    assert "330106-GH-001" not in _keys("开公司")
    assert _keys("开公司")[0] == "business-startup"


def test_a_misspelt_word_is_corrected_and_said_so(demo):
    page = page_get("/search/?q=" + quote("结昏登记"))
    text = page_text(page)

    assert "您是不是要找：结婚登记" in text
    assert "找到 1 项与“结婚登记”相关的服务" in text
    assert '<a href="/items/330106-MZ-002/">' in page
    assert search_run(text="居驻证").corrected == "居住证"
    assert _keys("居驻证") == ["330106-GA-004"]
    assert _keys("出生医学证名")[0] == "330106-WJ-001"


def test_a_short_misspelt_word_is_corrected_only_where_every_word_is_then_found(demo):
    results = search_run(text="二手房过护")

    assert results.corrected == "二手房过户"
    assert _keys("二手房过护")[0] == "second-hand-housing"
    assert spelling_correct("护照", kinds=("item", "life_event"), shortest=2) == ""  # common
    assert search_run(text="护照").total == 0
    assert search_run(text="申令").corrected == ""  # alone, a short word is not corrected


def test_colloquial_words_find_their_guides(demo):
    assert _keys("生娃补贴")[0] == "330106-YB-002"
    assert _keys("家里困难申请补助")[0] == "330106-MZ-001"
    assert _keys("失业了怎么领钱")[0] == "330106-RS-004"
    assert _keys("开理发店")[0] == "330106-WJ-002"
    assert _keys("房子抵押贷款")[0] == "330106-BDC-002"


def test_traditional_characters_find_the_simplified_guides(demo):
    assert simplified("營業執照") == "营业执照"
    assert _keys("結婚登記") == ["330106-MZ-002"]
    assert _keys("二手房買賣")[0] == "second-hand-housing"
    assert search_plain(text="結婚登記") == []  # the words as typed find nothing


def test_english_queries_find_the_guides_by_their_english_names(demo):
    assert _keys("sell house") == ["second-hand-housing"]
    assert _keys("marriage") == ["330106-MZ-002"]
    assert _keys("birth registration")[0] == "330106-GA-002"
    assert _keys("business licence")[0] in {"330106-SJ-001", "330106-SJ-002",
                                            "business-startup", "multi-licence"}
    assert _keys("Start a company")[0] == "business-startup"
    assert search_run(text="passport").total == 0


def test_english_words_are_stemmed_alike_in_names_and_queries():
    assert english_stem("selling") == "sell"
    assert english_stem("houses") == english_stem("housing") == english_stem("house")
    assert english_stem("licences") == english_stem("licence")
    assert english_stem("planning") == "plan"
    assert english_stem("business") == "business"
    assert english_stem("办理") == "办理"


def test_a_phrase_of_english_stands_for_its_translation():
    query = query_parse("business licence")

    assert query.groups == ((("营业执照",),),)
    assert query_parse("business licence", widen=False).groups == (
        (("business",),), (("licenc",),))


def test_coverage_weighs_the_words_a_document_has():
    query = query_parse("公积金提取")

    assert coverage(query, "住房 公积金 缴存 登记") == 0.5
    assert coverage(query, "公积金 提取") == 1.0
