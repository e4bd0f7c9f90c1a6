"""Searching the guides: colloquial queries, ranking, an index kept current by publishing,
and text that would be syntax to the database."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.models import ServiceItem
from onevisit.catalogue.services import item_new_version, item_publish
from onevisit.lifeevents.services import life_event_define
from onevisit.search.constants import ITEM, LIFE_EVENT
from onevisit.search.models import SearchDocument
from onevisit.search.selectors import search_browse, search_run
from onevisit.search.services import (
    DocumentInput,
    search_document_put,
    search_item_reindex,
    search_reindex,
)
from tests.factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


def _found(text: str, **options) -> list[tuple[str, str]]:
    return [(hit.document.kind, hit.document.key) for hit in search_run(text=text, **options).page]


# --------------------------------------------------------------------------- the demo catalogue


COLLOQUIAL = {
    "卖房子": "second-hand-housing",
    "卖房": "second-hand-housing",
    "我想把房子卖了": "second-hand-housing",
    "二手房过户": "second-hand-housing",
    "开公司": "business-startup",
    "我要开公司": "business-startup",
    "注册公司": "business-startup",
    "生孩子": "newborn",
    "新生儿": "newborn",
    "宝宝上户口": "newborn",
    "投资项目备案": "investment-filing",
}


def test_a_colloquial_query_finds_its_life_event_first(demo):
    first = {text: _found(text)[:1] for text in COLLOQUIAL}

    assert first == {text: [(LIFE_EVENT, code)] for text, code in COLLOQUIAL.items()}


def test_the_items_of_a_bundle_are_found_by_the_everyday_word_too(demo):
    found = _found("卖房子")

    assert found[0] == (LIFE_EVENT, "second-hand-housing")
    assert sorted(found[1:4]) == [  # the order of these differs between bm25 and ts_rank
        (ITEM, "330106-BDC-001"),  # 转移登记: a synonym in its title
        (ITEM, "330106-SW-001"),  # 存量房: a synonym in their titles
        (ITEM, "330106-ZJ-001"),
    ]
    assert (ITEM, "330106-MZ-002") not in found  # 结婚登记 has nothing to do with it


def test_a_result_says_which_departments_and_how_many_visits(demo):
    hits = search_run(text="开公司").page.object_list
    bundle = hits[0]
    licence = next(hit for hit in hits if hit.document.key == "330106-SJ-001")

    assert bundle.department_names == [
        "杭州市西湖区市场监督管理局", "杭州市公安局西湖区分局", "国家税务总局杭州市西湖区税务局",
        "杭州市西湖区人力资源和社会保障局",
    ]
    assert bundle.document.extra["promised_visits"] == 0
    assert licence.department_names == ["杭州市西湖区市场监督管理局"]
    assert ("营业执照", True) in licence.snippet


def test_an_item_code_finds_the_item(demo):
    assert _found("330106-BDC-001") == [(ITEM, "330106-BDC-001")]


def test_when_no_guide_has_every_word_those_with_most_are_shown_as_such(demo):
    results = search_run(text="二手房 网签 契税 火星")

    assert results.relaxed is True
    assert results.page.object_list[0].document.key == "330106-SW-001"  # 契税 in its title
    assert search_run(text="二手房").relaxed is False


def test_a_guide_with_half_the_words_is_no_good_match(demo):
    results = search_run(text="二手房 火星")

    assert results.total == 0
    assert results.relaxed is False
    assert results.suggestions[0] == "二手房"


def test_a_kind_narrows_the_search(demo):
    # 多证合一 and the 证照联办 bundles open a company too; 企业开办 comes first.
    found = _found("开公司", kinds=(LIFE_EVENT,))
    assert found[0] == (LIFE_EVENT, "business-startup")
    assert {kind for kind, _key in found} == {LIFE_EVENT}
    assert (LIFE_EVENT, "business-startup") not in _found("开公司", kinds=(ITEM,))
    assert _found("开公司", kinds=()) == []


def test_results_come_in_pages(demo):
    everything = _found("登记", per_page=100)
    first = search_run(text="登记", per_page=3, page=1).page
    second = search_run(text="登记", per_page=3, page="2").page
    beyond = search_run(text="登记", per_page=3, page=999).page
    nonsense = search_run(text="登记", per_page=3, page="abc").page

    assert first.paginator.count == len(everything) > 6
    assert [hit.document.key for hit in first] == [key for _, key in everything[:3]]
    assert [hit.document.key for hit in second] == [key for _, key in everything[3:6]]
    assert beyond.number == first.paginator.num_pages
    assert nonsense.number == 1


def test_browsing_by_topic_and_by_department(demo):
    housing = search_browse(topic="不动产登记")
    market = search_browse(department_code="xh-scjg")

    assert [hit.document.key for hit in housing] == [
        "second-hand-housing", "330106-BDC-002", "330106-BDC-001",
    ]  # the life event first, then by title
    titles = [hit.document.title for hit in market]
    first = ("个体工商户设立登记", "企业设立登记", "食品经营许可")
    assert [title for title in titles if title in first] == list(first)  # by title
    assert "药品经营许可（零售）" in titles  # and 证照联办's permits (demo/catalogue/market.py)
    # the demo's four, market.py's nine and investment.py's one
    assert search_browse(kind=LIFE_EVENT).paginator.count == 4 + 1 + 8 + 1


# --------------------------------------------------------------------------- keeping it current


def test_publishing_an_item_indexes_it(world):
    draft = ServiceItemFactory(code="330106-MZ-009", name="殡葬补贴申领",
                               department=world.housing, description="为逝者家属发放补贴")

    assert _found("殡葬") == []
    item_publish(item=draft, actor=None)

    assert _found("殡葬") == [(ITEM, "330106-MZ-009")]
    assert _found("逝者") == [(ITEM, "330106-MZ-009")]


def test_a_retired_version_is_no_longer_found(world):
    draft = item_new_version(item=world.licence, actor=None)
    ServiceItem.objects.filter(pk=draft.pk).update(name="建设工程施工许可证核发")
    draft.refresh_from_db()

    item_publish(item=draft, actor=None)

    assert _found("建筑工程施工许可") == []
    assert _found("施工许可证核发") == [(ITEM, world.licence.code)]
    assert SearchDocument.objects.get(kind=ITEM, key=world.licence.code).title == \
        "建设工程施工许可证核发"


def test_an_item_without_a_published_version_is_dropped(world):
    ServiceItem.objects.filter(code=world.licence.code).update(status=ItemStatus.RETIRED)

    search_item_reindex(code=world.licence.code)

    assert not SearchDocument.objects.filter(kind=ITEM, key=world.licence.code).exists()
    assert (LIFE_EVENT, "house") in _found("卖房")


def test_a_new_version_under_another_department_moves_the_bundle_too(world):
    other = DepartmentFactory(code="xh-fgj", name="西湖区发展和改革局")
    draft = item_new_version(item=world.tax_item, actor=None)
    ServiceItem.objects.filter(pk=draft.pk).update(department=other)
    draft.refresh_from_db()

    item_publish(item=draft, actor=None)

    bundle = search_run(text="卖房").page.object_list[0]
    assert bundle.document.key == "house"
    assert "西湖区发展和改革局" in bundle.department_names
    assert "国家税务总局杭州市西湖区税务局" not in bundle.department_names


def test_defining_a_life_event_indexes_it_and_unpublishing_drops_it(world):
    stages = [{"key": "licence", "name": "施工许可", "item_code": world.licence.code}]
    life_event_define(code="build", name="建房一件事", region_code="330106",
                      committed_limit=5, limit_unit="working_days", promised_visits=0,
                      actor=None, keywords="盖房子 建房", stages=stages)

    assert _found("盖房子")[0] == (LIFE_EVENT, "build")

    life_event_define(code="build", name="建房一件事", region_code="330106",
                      committed_limit=5, limit_unit="working_days", promised_visits=0,
                      actor=None, keywords="盖房子 建房", stages=stages, publish=False)

    assert (LIFE_EVENT, "build") not in _found("盖房子")


def test_reindex_rebuilds_what_is_missing_and_drops_what_is_stale(world):
    SearchDocument.objects.filter(kind=ITEM).delete()
    SearchDocument.objects.create(
        kind=ITEM, key="GONE", title="已撤销的事项", heading_tokens="已 撤销 事项",
        indexed_at=world.filing.published_at,
    )
    out = io.StringIO()

    call_command("search", "reindex", stdout=out)

    assert out.getvalue().splitlines() == [
        "item: 4 documents indexed", "life_event: 1 documents indexed",
        # the hotline knowledge base's kinds (registered by the hotline app), empty here
        "faq: 0 documents indexed", "answer: 0 documents indexed",
    ]
    assert sorted(SearchDocument.objects.filter(kind=ITEM).values_list("key", flat=True)) == \
        sorted(item.code for item in (world.filing, world.tax_item, world.transfer, world.licence))
    assert _found("撤销") == []
    assert _found("施工许可") == [(ITEM, world.licence.code)]


def test_reindex_of_one_kind_and_of_an_unknown_kind(world):
    SearchDocument.objects.all().delete()

    assert search_reindex(kinds=[LIFE_EVENT]) == {LIFE_EVENT: 1}
    assert not SearchDocument.objects.filter(kind=ITEM).exists()
    with pytest.raises(CommandError, match="unknown kind"):
        call_command("search", "reindex", "--kind", "nonsense")


# --------------------------------------------------------------------------- hostile text


@pytest.fixture
def house(db):
    search_document_put(document=DocumentInput(
        kind=LIFE_EVENT, key="house", title="二手房交易登记一件事", keywords="卖房 二手房",
        body="不动产交易、税收缴纳、登记三个环节一窗受理。",
    ))


@pytest.mark.parametrize("text", [
    '"', '""', '"卖房', "*", "卖*", "-", "-卖房", "OR", "卖房 OR", "OR 卖房", "AND", "NOT 卖房",
    "NEAR", "NEAR(卖房 二手房)", "NEAR(a b, 2)", "(((", ")))", "(卖房", "heading_tokens:卖房",
    "{heading_tokens}: 卖房", "^卖房", "卖房 + 过户", "a & b | !c <-> d:*", "'; DROP TABLE x; --",
    "\x00", "卖房\x00子", "🏠", "_", "___", "a_", "²", "\u0301", "卖房" * 500, "x" * 10_000,
    "　", "%s %(q)s {0}", "\\",
])
def test_syntax_in_a_query_never_raises(house, text):
    results = search_run(text=text)

    assert results.total == len(results.page.object_list) or results.page.has_next()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=120) | st.text(alphabet='"*-_()^:{}+!&|<>卖房 ORNEAR', max_size=40))
def test_any_text_is_searched_without_raising(house, text):
    results = search_run(text=text)

    assert results.total >= len(results.page.object_list)


def test_syntax_does_not_hide_the_words_around_it(house):
    assert _found('"卖房" OR (二手房*)')[0] == (LIFE_EVENT, "house")
    assert _found("NEAR(卖房 二手房 存量房)")[0] == (LIFE_EVENT, "house")  # near is a word


def test_an_admin_edit_of_a_life_event_is_indexed(world, admin_client):
    house = world.house
    stages = list(house.stages.all())
    data = {
        "code": "house", "name_zh_hans": "二手房买卖一件事", "description_zh_hans": "",
        "topic": "",
        "keywords": "卖房 二手房 房子过户", "region": "330106", "committed_limit": "50",
        "limit_unit": "minutes", "promised_visits": "1", "published": "on",
        "stages-TOTAL_FORMS": str(len(stages)), "stages-INITIAL_FORMS": str(len(stages)),
        "stages-MIN_NUM_FORMS": "0", "stages-MAX_NUM_FORMS": "1000",
    }
    for index, stage in enumerate(stages):
        data |= {
            f"stages-{index}-id": str(stage.pk), f"stages-{index}-life_event": str(house.pk),
            f"stages-{index}-key": stage.key, f"stages-{index}-name_zh_hans": stage.name,
            f"stages-{index}-item_code": stage.item_code,
            f"stages-{index}-depends_on": json.dumps(stage.depends_on),
            f"stages-{index}-order": str(stage.order),
            f"stages-{index}-mode": stage.mode,
            f"stages-{index}-skip_when": json.dumps(stage.skip_when),
            f"stages-{index}-refusal_scope": stage.refusal_scope,
        }

    response = admin_client.post(f"/admin/lifeevents/lifeevent/{house.pk}/change/", data)

    assert response.status_code == 302
    assert _found("房子过户")[0] == (LIFE_EVENT, "house")
    assert SearchDocument.objects.get(kind=LIFE_EVENT, key="house").title == "二手房买卖一件事"
