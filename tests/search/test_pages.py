"""The portal's search page, its home page and the browse pages."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client

from onevisit.catalogue.services import item_publish
from onevisit.search.constants import LIFE_EVENT
from onevisit.search.services import DocumentInput, search_document_put
from tests.factories import DepartmentFactory, ServiceItemFactory
from tests.search.pages import page_get, page_text

pytestmark = pytest.mark.django_db


def test_home_has_a_search_box_and_browses_without_listing_every_item(world):
    page = page_get("/")

    assert 'action="/search/"' in page
    assert '<label for="search-q">搜索办事服务</label>' in page
    assert 'id="search-q" type="search" name="q"' in page
    assert "二手房交易登记一件事" in page
    assert 'href="/life-events/"' in page
    assert 'href="/departments/xh-zjj/"' in page
    assert "西湖区住房和城乡建设局" in page_text(page)
    assert "建筑工程施工许可" not in page  # items are searched or browsed, not listed


def test_home_costs_a_fixed_number_of_queries_however_many_items(
    world, django_assert_max_num_queries,
):
    departments = [DepartmentFactory(code=f"dept-{n}", name=f"测试局{n}") for n in range(40)]
    for n in range(200):
        item = ServiceItemFactory(code=f"T-{n:04}", name=f"测试事项{n}", topic=f"主题{n % 25}",
                                  department=departments[n % 40])
        item_publish(item=item, actor=None)

    with django_assert_max_num_queries(7):  # made: the revision, then six to build it
        page = page_get("/")
    with django_assert_max_num_queries(1):  # then stored: the revision only
        assert page_get("/").count('class="tile"') == 24 + 40 + 3

    assert page.count('class="tile"') == 24 + 40 + 3  # the largest 24 topics, every department
    assert '<a href="/topics/">查看全部 25 个主题</a>' in page
    assert "测试事项" not in page


def test_a_search_shows_kind_department_visits_and_a_marked_snippet(demo):
    page = page_get("/search/?q=" + quote("卖房子"))
    text = page_text(page)

    assert "找到 4 项与“卖房子”相关的服务" in text
    assert text.index("二手房交易登记一件事") < text.index("存量房交易合同网签备案")
    assert '<span class="tag">一件事</span>\n<a href="/life-events/second-hand-housing/">' in page
    assert '<span class="tag">事项</span>\n<a href="/items/330106-ZJ-001/">' in page
    assert "部门：杭州市西湖区住房和城乡建设局、国家税务总局杭州市西湖区税务局" in text
    assert "最多跑一次" in text
    assert "零上门" in text  # 网签备案 needs no visit
    assert "<mark>存量房</mark>" in page


def test_a_kind_can_be_chosen(demo):
    page = page_get("/search/?kind=life_event&q=" + quote("卖房"))

    assert "找到 1 项" in page_text(page)
    assert '<option value="life_event" selected>' in page


def test_results_are_paginated_and_the_links_keep_the_query(world):
    for n in range(25):
        item = ServiceItemFactory(code=f"T-{n:04}", name=f"二手房测试事项{n}",
                                  department=world.housing)
        item_publish(item=item, actor=None)

    first = page_get("/search/?q=" + quote("二手房"))
    second = page_get("/search/?page=2&q=" + quote("二手房"))

    assert first.count('<li class="card">') == 20
    assert f'href="?q={quote("二手房")}&amp;page=2" rel="next"' in first
    assert "第 1 页，共 2 页" in first
    assert f'href="?q={quote("二手房")}&amp;page=1" rel="prev"' in second
    assert '<ol class="results" start="21">' in second
    assert second.count('<li class="card">') == int(
        re.search(r"找到 (\d+) 项", first).group(1)) - 20


def test_an_empty_search_asks_what_to_do(db):
    page = page_get("/search/")

    assert "您要办什么事？" in page
    assert 'href="/life-events/"' in page


def test_a_search_of_punctuation_asks_for_words(db):
    assert "请换个说法" in page_get("/search/?q=" + quote("*** (\"-\")"))


def test_a_search_that_finds_nothing_says_so_kindly(db):
    page = page_get("/search/?q=asdfghjkl")

    assert "没有找到与“asdfghjkl”相关的服务" in page
    assert 'href="/life-events/"' in page


@pytest.mark.parametrize("text", [
    '"', "*", "-", "OR", "NEAR(卖房 房)", "((卖房", "卖房 AND", "%00", "卖房" * 2000,
    "<script>alert(1)</script>",
])
def test_hostile_searches_render(db, text):
    page = page_get("/search/?q=" + quote(text))

    assert "<script>alert" not in page


def test_a_search_costs_the_same_queries_for_any_number_of_results(
    world, django_assert_max_num_queries,
):
    for n in range(40):
        item = ServiceItemFactory(code=f"T-{n:04}", name=f"二手房测试事项{n}",
                                  department=world.housing)
        item_publish(item=item, actor=None)

    with django_assert_max_num_queries(5):  # made: the revision, then four to build it
        page = page_get("/search/?q=" + quote("二手房"))

    assert page.count('<li class="card">') == 20


def test_the_search_page_has_no_inline_code(world):
    response = Client().get("/search/?q=" + quote("卖房"))
    page = response.content.decode()

    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "<style" not in page
    assert "<script>" not in page
    assert 'style="' not in page


def test_browse_every_life_event(demo):
    text = page_text(page_get("/life-events/"))

    # and demo/catalogue/market.py's 多证合一 and eight 证照联办, and the investment bundle
    assert "共 14 项" in text
    for name in ("二手房交易登记一件事", "企业开办一件事", "企业投资项目备案", "新生儿出生一件事",
                 "企业设立登记（多证合一、一照一码）",
                 "证照联办：药品零售（营业执照＋药品经营许可（零售））", "企业投资项目核准一件事"):
        assert name in text


def test_browse_a_topic(demo):
    page = page_get("/")
    topic = page_get("/topics/" + quote("不动产登记") + "/")

    assert f'href="/topics/{quote("不动产登记")}/"' in page
    assert "主题：不动产登记" in topic
    assert "共 3 项" in page_text(topic)
    listed = page_text(topic)
    assert listed.index("二手房交易登记一件事") < listed.index("不动产抵押权首次登记")


def test_browse_a_department(demo):
    text = page_text(page_get("/departments/xh-scjg/"))

    assert "杭州市西湖区市场监督管理局" in text
    assert "共 7 项" in text  # and market.py's two registrations and two permits
    names = ("个体工商户设立登记", "企业设立登记", "食品经营许可")
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)


def test_every_topic_and_every_department(demo):
    topics = page_text(page_get("/topics/"))
    departments = page_get("/departments/")

    assert "全部主题" in topics
    assert "企业开办 24 项" in topics  # 5, and market.py's 10 registrations and 9 bundles
    assert "社会救助 1 项" in topics
    assert 'href="/departments/xh-bdc/"' in departments
    assert "杭州市不动产登记服务中心西湖分中心 2 项" in page_text(departments)


def test_unknown_topics_and_departments_are_not_found(db):
    assert Client().get("/topics/" + quote("没有的主题") + "/").status_code == 404
    assert Client().get("/departments/nothing/").status_code == 404


def test_the_text_of_a_guide_is_escaped_around_the_marks(db):
    search_document_put(document=DocumentInput(
        kind=LIFE_EVENT, key="x", title="<b>卖房</b>", body="<script>x</script>卖房&二手房",
    ))

    page = page_get("/search/?q=" + quote("卖房"))

    assert "&lt;b&gt;<mark>卖房</mark>&lt;/b&gt;" in page
    assert "&lt;script&gt;x&lt;/script&gt;<mark>卖房</mark>&amp;<mark>二手房</mark>" in page
    assert "<script>x" not in page
