"""Browser test of issue 15: a citizen selling a flat pays the deed tax and the registration
fee in the same online application — at the reference payment gateway's cashier, its
signed notification coming back over HTTP — and finds the amounts on her 完税证明 and her
electronic receipt; no bank counter, no tax hall."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from typing import Any

import pytest

from onevisit.applications.models import Application
from onevisit.catalogue.models import ChargeRule, ServiceItem
from onevisit.payments.models import PaymentOrder
from onevisit.payments.reference.gateway import notifications_deliver
from tests.conftest import PDF, PNG
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def _rules(world: Any) -> None:
    ChargeRule.objects.create(
        code="deed-tax-sole-home", item_code=world.tax_item.code, charge="契税", kind="tax",
        payer_field="applicant_id_number", base_field="price", rate=Decimal("0.01"),
        note="家庭唯一住房，面积140平方米及以下",
        legal_basis="《财政部 税务总局 住房城乡建设部关于促进房地产市场平稳健康发展"
                    "有关税收政策的公告》（2024年第16号）第一条", valid_from=dt.date(2024, 12, 1))
    ChargeRule.objects.create(
        code="registration-fee-home", item_code=world.transfer.code, charge="不动产登记费",
        kind="fee", amount_yuan=Decimal("80.00"), note="住宅类不动产登记，每件",
        legal_basis="《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》"
                    "（发改价格规〔2016〕2559号）", valid_from=dt.date(2017, 3, 15))
    ServiceItem.objects.filter(pk=world.tax_item.pk).update(completes_on_payment=True,
                                                            result_name="税收完税证明")


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _file_online(page: Any, base: str) -> str:
    _sign_in(page, f"{base}/apply/life-events/house/", "citizen")
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
    page.get_by_label("网上下载").check()
    page.get_by_label("我同意政府部门为办理本次申请获取上述数据", exact=False).check()
    page.get_by_role("button", name="提交申请").click()
    page.locator("#status").get_by_text("已受理").wait_for()
    return Application.objects.get().number


def test_a_citizen_pays_the_taxes_of_her_sale_online(world, api, live_server, browser, page,
                                                      settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "PUBLIC_URL": live_server.url}
    _rules(world)
    base = live_server.url
    number = _file_online(page, base)

    assert page.locator("#payment-link").get_by_text("待缴费").is_visible()
    shot(page, "pay-taxes-owed")
    page.get_by_role("link", name="查看并缴纳税费").click()
    charges = page.locator("#charges")
    assert "18500.00" in charges.inner_text()
    assert "80.00" in charges.inner_text()
    assert page.locator("#owed").inner_text() == "18580.00"
    shot(page, "pay-taxes-breakdown")
    page.get_by_role("button", name="去支付").click()

    page.get_by_text("参考支付平台").first.wait_for()
    assert "18580.00" in page.content()
    shot(page, "pay-taxes-cashier")
    page.get_by_role("button", name="确认支付").click()
    # The gateway has the money; its notification is not applied yet.
    page.get_by_text("支付平台已收款，正在核对，无需重复支付").first.wait_for()
    shot(page, "pay-taxes-processing")

    # The gateway's scheduled job posts its signed notification to the live site.
    assert notifications_deliver() == {"delivered": 1, "failed": 0, "abandoned": 0}
    page.get_by_text("已缴纳").first.wait_for(timeout=10_000)
    shot(page, "pay-taxes-paid")
    order = PaymentOrder.objects.get()
    assert order.status == "paid"
    assert order.amount_yuan == Decimal("18580.00")
    application = Application.objects.get(number=number)
    assert application.cases.get(stage_key="tax").status == "approved"  # completed on payment

    for reviewer, stage in (("reviewer:xh-zjj", "filing"), ("reviewer:xh-bdc", "transfer")):
        response = api[reviewer].decide(application.cases.get(stage_key=stage).pk)
        assert response.status_code == 200, response.json()

    page.goto(f"{base}/me/applications/{number}/")
    page.locator("#status").get_by_text("已办结").wait_for()
    shot(page, "pay-taxes-completed")
    certificate = page.locator("li", has_text="税收完税证明").get_by_role("link", name="下载")
    response = page.request.get(base + certificate.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.body())
    assert "契税" in text
    assert "18500.00" in text
    assert "壹万捌仟伍佰元整" in text
    assert application.visits.count() == 0

    page.get_by_role("link", name="查看").click()
    # One receipt per collecting department: the tax office's tax, the centre's fee.
    receipts = page.get_by_role("link", name="（PDF）")
    tax = _pdf_text(page.request.get(base + receipts.nth(0).get_attribute("href")).body())
    fee = _pdf_text(page.request.get(base + receipts.nth(1).get_attribute("href")).body())
    assert "18500.00" in tax
    assert "不动产登记费" not in tax
    assert "80.00" in fee
    shot(page, "pay-taxes-receipt")


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()
