"""The standardisation report on the dashboard and as Excel, for supervisors only."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from onevisit.accounts.models import User
from onevisit.catalogue.models import BasicItem
from tests.catalogue.scene import YUHANG_CODE, Province, implementations_compare, province_make
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def compared(db: None) -> Province:
    return implementations_compare(province_make())


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_supervisor_compares_two_counties_implementation_of_one_item(compared: Province):
    supervisor = UserFactory(username="supervisor", supervisor=True, region_id="3301")

    page = _as(supervisor).get("/dashboard/standards/",
                               {"region": "3301", "item": "33-SJ-003"}).content.decode()

    assert "食品经营许可：各地实施对比" in page
    assert '<tr class="flagged" data-region="330106">' in page
    assert '<tr data-region="330110">' in page
    assert "承诺时限 10 个工作日 长于基本目录的 5 个工作日" in page
    assert "免交“食品安全管理制度”" in page
    assert '<td class="score">83.3</td>' in page
    assert '<td class="score">100.0</td>' in page


def test_without_an_item_the_page_lists_the_implementations_that_differ(compared: Province):
    supervisor = UserFactory(username="supervisor", supervisor=True, region_id="3301")

    page = _as(supervisor).get("/dashboard/standards/").content.decode()

    assert "与标准不同的实施事项" in page
    assert page.count('data-aspect="limits"') == 2


def test_a_region_or_item_that_does_not_exist_is_named(compared: Province):
    supervisor = UserFactory(username="supervisor", supervisor=True, region_id="3301")

    page = _as(supervisor).get("/dashboard/standards/",
                               {"region": "9999", "item": "no-such"}).content.decode()

    assert "没有这个行政区划，或不在您的管辖范围内" in page
    assert "基本目录中没有这个事项" in page
    assert page.count('class="score"') == 2  # her whole city instead


def test_the_workbook_holds_scores_comparison_and_differences(compared: Province):
    supervisor = UserFactory(username="supervisor", supervisor=True, region_id="3301")

    response = _as(supervisor).get("/dashboard/standards/export.xlsx", {"region": "3301"})

    assert response["Content-Disposition"] == (
        'attachment; filename="onevisit-standards-3301.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["地区得分", "逐项对比", "差异说明"]
    assert list(book["地区得分"].iter_rows(min_row=2, values_only=True)) == [
        ("西湖区", "330106", 1, 6, 5, 0, 1, 83.3),
        ("余杭区", "330110", 1, 6, 6, 4, 0, 100),
    ]
    compared_rows = list(book["逐项对比"].iter_rows(values_only=True))
    assert compared_rows[0][:6] == ("基本编码", "事项名称", "地区", "实施编码", "实施部门",
                                    "名称、类型、依据、编码")
    assert compared_rows[2][:4] == ("33-SJ-003", "食品经营许可", "余杭区", YUHANG_CODE)
    differences = list(book["差异说明"].iter_rows(min_row=2, values_only=True))
    assert differences[0] == ("33-SJ-003", "食品经营许可", "西湖区", "330106-SJ-003", "办理时限",
                              "超出标准", "承诺时限 10 个工作日 长于基本目录的 5 个工作日")
    assert len(differences) == 6


def test_a_county_supervisor_sees_her_county_only(compared: Province):
    county = UserFactory(username="xihu-supervisor", supervisor=True, region_id="330106")
    client = _as(county)

    own = client.get("/dashboard/standards/", {"item": "33-SJ-003"}).content.decode()
    other = client.get("/dashboard/standards/", {"region": "330110"}).content.decode()
    book = load_workbook(io.BytesIO(client.get(
        "/dashboard/standards/export.xlsx", {"region": "3301"}).content))

    assert 'data-region="330106"' in own
    assert 'data-region="330110"' not in own
    assert '<option value="330110"' not in own
    assert "没有这个行政区划，或不在您的管辖范围内" in other
    assert 'data-region="330110"' not in other
    assert [row[1] for row in book["地区得分"].iter_rows(min_row=2, values_only=True)] == [
        "330106"]


def test_only_supervisors_see_the_report(compared: Province):
    for role in ("citizen", "clerk", "reviewer", "editor"):
        user = UserFactory(username=role, role=role)
        assert _as(user).get("/dashboard/standards/").status_code == 403
        assert _as(user).get("/dashboard/standards/export.xlsx").status_code == 403


def test_a_name_that_looks_like_a_formula_stays_text_in_the_workbook(compared: Province):
    BasicItem.objects.filter(pk=compared.food.pk).update(name='=HYPERLINK("http://x","y")')
    supervisor = UserFactory(username="supervisor", supervisor=True, region_id="3301")

    response = _as(supervisor).get("/dashboard/standards/export.xlsx")

    cell = load_workbook(io.BytesIO(response.content))["逐项对比"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")
