"""Browser test 1 of issue 3: a citizen finds 二手房 by searching 卖房, applies online,
the three departments approve, the result goes by courier — zero visits recorded."""

from __future__ import annotations

from typing import Any

import pytest

from onevisit.applications.models import Application
from onevisit.delivery.models import Delivery
from tests.conftest import PDF, PNG
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _approve(browser: Any, base: str, username: str, number: str) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _sign_in(page, f"{base}/workbench/", username)
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="认领").click()
    page.get_by_label("审批意见").fill("材料齐全，准予办理")
    page.get_by_role("button", name="准予").click()
    page.get_by_text("已准予").first.wait_for()
    shot(page, f"sell-flat-approved-{username}")
    context.close()


def test_a_citizen_sells_a_flat_without_going_anywhere(world, api, live_server, browser, page):
    base = live_server.url
    page.goto(f"{base}/")
    page.get_by_label("搜索办事服务").fill("卖房")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="二手房交易登记一件事").first.click()
    shot(page, "sell-flat-guide")
    page.get_by_role("link", name="在线申请").click()

    page.get_by_label("用户名").fill("citizen")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("成交价格").fill("1850000")
    page.get_by_label("合同签订日期").fill("2026-11-20")
    page.get_by_label("房屋用途").select_option("住宅")
    page.get_by_label("存量房买卖合同").set_input_files(
        files=[{"name": "合同.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_label("不动产登记申请书").set_input_files(
        files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_label("契税纳税申报表").set_input_files(
        files=[{"name": "申报表.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_label("快递送达").check()
    page.get_by_label("收件人", exact=True).fill("王小明")
    page.get_by_label("收件人电话").fill("13812345678")
    page.get_by_label("收件地址").fill("杭州市西湖区文三路 100 号 1 幢 101 室")
    page.get_by_label("我同意政府部门为办理本次申请获取上述数据", exact=False).check()
    shot(page, "sell-flat-form")
    page.get_by_role("button", name="提交申请").click()

    page.locator("#status").get_by_text("已受理").wait_for()
    shot(page, "sell-flat-accepted")
    number = Application.objects.get().number

    for username in ("reviewer-xh-zjj", "reviewer-xh-sw", "reviewer-xh-bdc"):
        _approve(browser, base, username, number)

    hall = browser.new_context(locale="zh-CN")
    clerk = hall.new_page()
    _sign_in(clerk, f"{base}/hall/parcels/", "clerk")
    clerk.get_by_role("button", name="已交给快递员").click()
    clerk.get_by_text("已交寄 1 件").wait_for()
    hall.close()
    tracking = Delivery.objects.get().tracking_number
    assert api["courier"].post(f"/deliveries/{tracking}/delivered",
                               {"note": "本人签收"}).status_code == 200

    page.reload()
    page.locator("#status").get_by_text("已办结").wait_for()
    assert "快递已签收" in page.content()
    shot(page, "sell-flat-delivered")
    application = Application.objects.get()
    assert application.status == "completed"
    assert application.visits.count() == 0
    assert "到大厅办事" not in page.content()
