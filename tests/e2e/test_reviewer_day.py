"""Browser tests of issue 12's reviewer: every material of a case opened from the
workbench (an upload in the page's viewer, fetched evidence as its registry record), a
refusal whose sealed decision the citizen then downloads; and a 容缺 follow-up, where the
citizen supplies the tolerated material and the withheld result is released."""

from __future__ import annotations

from typing import Any

import pytest

from onevisit.applications.models import Application
from onevisit.certificates.models import Certificate
from onevisit.exchange.models import AccessLog
from tests.conftest import PNG
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
TAX_FORM = "upload:330106-SW-001:tax-form"


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_reviewer_opens_every_material_and_refuses_with_a_decision(
        world, api, live_server, browser, page):
    body = api["citizen"].post("/applications", world.house_payload()).json()
    number = body["number"]
    filing = next(c["id"] for c in body["cases"] if c["stage_key"] == "filing")
    base = live_server.url

    _sign_in(page, f"{base}/workbench/", "reviewer-xh-zjj")
    page.get_by_role("link", name=number).click()
    case_page = page.url

    # The uploaded contract: a PDF in the page's viewer, loaded with its own safe headers.
    with page.expect_response(lambda r: "/file?t=" in r.url) as framed:
        page.get_by_role("link", name="打开“存量房买卖合同”").click()
    assert framed.value.status == 200
    assert framed.value.header_value("content-type") == "application/pdf"
    assert framed.value.header_value("content-disposition").startswith("inline;")
    page.locator("iframe.material-viewer").wait_for()
    assert page.get_by_role("link", name="下载文件").is_visible()
    shot(page, "reviewer-day-upload-viewer")

    # The property certificate the registry returned: its record, source and fetch time.
    page.goto(case_page)
    page.get_by_role("link", name="打开“不动产权证书”").click()
    record = page.locator("table.registry-record")
    assert "来源：不动产登记库（自然资源）" in record.inner_text()
    assert "获取时间：" in record.inner_text()
    assert "浙(2019)杭州市不动产权第0123456号" in record.inner_text()
    shot(page, "reviewer-day-fetched-record")
    assert AccessLog.objects.filter(case_id=filing, source="onevisit",
                                    actor__username="reviewer-xh-zjj").count() >= 2

    # The refusal: claimed first, decided by the claimer, a decision document issued.
    page.goto(case_page)
    page.get_by_role("button", name="认领").click()
    page.get_by_label("不予许可理由").fill("房屋已被司法查封，不能办理转移")
    page.get_by_label("法律依据").fill("《不动产登记暂行条例》第二十二条")
    page.get_by_role("button", name="不予许可").click()
    page.get_by_text("已作出决定，决定书已出具").wait_for()
    decision = Certificate.objects.get(application__number=number)
    assert page.get_by_role("link", name=f"不予许可决定书 {decision.number}（PDF）").is_visible()
    shot(page, "reviewer-day-refused")

    # The citizen sees the refusal and downloads the sealed decision.
    page.context.clear_cookies()
    _sign_in(page, f"{base}/me/applications/{number}/", "citizen")
    refusal = page.locator("section.refusal")
    assert "房屋已被司法查封" in refusal.inner_text()
    assert "60 日内" in refusal.inner_text()
    assert "6 个月内" in refusal.inner_text()
    assert "尚未出证" not in page.content()
    link = page.get_by_role("link", name="下载不予许可决定书（PDF）")
    pdf = page.request.get(f"{base}{link.get_attribute('href')}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    shot(page, "reviewer-day-citizen-refusal")


def test_a_tolerated_material_is_supplied_and_the_result_released(
        world, api, live_server, browser, page, tmp_path):
    payload = world.house_payload()
    payload["materials"] = [m for m in payload["materials"] if m["key"] != TAX_FORM]
    payload["tolerated_missing"] = [TAX_FORM]
    body = api["citizen"].post("/applications", payload).json()
    number = body["number"]
    for case in body["cases"]:
        reviewer = {"filing": "xh-zjj", "tax": "xh-sw", "transfer": "xh-bdc"}[case["stage_key"]]
        assert api[f"reviewer:{reviewer}"].decide(case["id"]).status_code == 200
    assert Application.objects.get(number=number).status == "accepted"
    assert not Certificate.objects.exists()

    _sign_in(page, f"{live_server.url}/me/applications/{number}/", "citizen")
    tolerated = page.locator("section[aria-labelledby=tolerated]")
    assert "契税纳税申报表" in tolerated.inner_text()
    assert "前补交" in tolerated.inner_text()
    assert "容缺材料补交后出具" in page.content()
    shot(page, "tolerated-waiting")

    scan = tmp_path / "tax-form.png"
    scan.write_bytes(PNG)
    page.get_by_label("契税纳税申报表").set_input_files(str(scan))
    page.get_by_role("button", name="补交容缺材料").click()
    page.get_by_text("容缺材料已补交").wait_for()

    assert page.locator("#status").inner_text() == "已办结"
    assert page.get_by_text("不动产权证书（西湖区不动产登记中心）").is_visible()
    assert "已于" in page.locator("section[aria-labelledby=tolerated]").inner_text()
    shot(page, "tolerated-released")
