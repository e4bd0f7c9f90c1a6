"""Browser test: a supervisor of Hangzhou opens the standardisation report and compares how
西湖区 and 余杭区 implement 居住证申领 against the province's standard, then downloads it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.catalogue.standards import demo_second_county_load, yuhang_item_code
from tests.e2e.conftest import shot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supervisor_compares_two_counties_implementation_of_one_item(live_server, page):
    demo_catalogue_load()
    demo_second_county_load()
    UserFactory(username="supervisor", supervisor=True, region_id="3301",
                first_name="杭州市电子监察")

    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="标准化对比").click()
    page.get_by_role("heading", name="标准化对比").wait_for()
    page.select_option("#s-item", "33-GA-004")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="居住证申领：各地实施对比").wait_for()
    shot(page, "standards-two-counties")

    standard = page.locator("tr.standard-row")
    xihu = page.locator('#comparison tr[data-region="330106"]')
    yuhang = page.locator('#comparison tr[data-region="330110"]')
    assert "承诺 5 个工作日（法定 15 个工作日）" in standard.inner_text()
    assert xihu.locator('td[data-aspect="limits"]').inner_text().split("\n")[:2] == [
        "7 个工作日", "超出标准"]
    assert "承诺时限 7 个工作日 长于基本目录的 5 个工作日" in xihu.inner_text()
    assert yuhang.locator('td[data-aspect="limits"]').inner_text().split("\n")[:2] == [
        "5 个工作日", "与标准一致"]
    assert yuhang.locator('td[data-aspect="materials"]').get_attribute(
        "data-verdict") == "tighter"
    assert "复印件减少" in yuhang.locator('td[data-aspect="materials"]').inner_text()
    assert yuhang_item_code("330106-GA-004", "yh-ga") in yuhang.inner_text()
    scores = page.locator("#region-scores")
    assert scores.locator('tr[data-region="330106"] td.score').inner_text() == "83.3"
    assert scores.locator('tr[data-region="330110"] td.score').inner_text() == "100.0"

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert [row[:2] for row in book["地区得分"].iter_rows(min_row=2, values_only=True)] == [
        ("西湖区", "330106"), ("余杭区", "330110")]
