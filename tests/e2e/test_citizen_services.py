"""Browser tests of the portal's citizen services: a complaint through the 12345 web form
lands in 我的诉求; the public progress lookup with a right and a wrong second factor; a
guide in English; 长辈版 switched on and kept."""

from __future__ import annotations

from typing import Any

import pytest

from onevisit.applications.models import Application
from onevisit.catalogue.models import ServiceItem
from onevisit.hotline.models import Ticket
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_complaint_from_the_portal_appears_in_my_tickets(world, live_server, page):
    base = live_server.url
    _sign_in(page, f"{base}/accounts/login/?next=/12345/", "citizen")
    page.get_by_label("投诉").check()
    page.get_by_label("标题").fill("窗口排队太久")
    page.get_by_role("button", name="提交").click()
    page.locator("#text-error").wait_for()  # the text is required: said at the field
    assert not Ticket.objects.exists()
    page.get_by_label("诉求内容").fill("周一上午在西湖区政务服务中心排队两个小时")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_role("button", name="提交").click()

    page.wait_for_url(f"{base}/me/tickets/")
    ticket = Ticket.objects.get()
    card = page.locator(f"#ticket-{ticket.number}").locator("..")
    assert "窗口排队太久" in card.inner_text()
    assert "待派单" in card.inner_text()
    shot(page, "portal-my-tickets")


def test_the_progress_lookup_with_a_right_and_a_wrong_second_factor(world, api, live_server,
                                                                    page):
    number = api["citizen"].post("/applications", world.house_payload()).json()["number"]
    application = Application.objects.get(number=number)
    base = live_server.url
    page.goto(f"{base}/")
    page.get_by_role("link", name="办件进度查询").first.click()

    page.get_by_label("回执编号").fill(application.receipt_number)
    page.get_by_label("查询码或证件号码后 6 位").fill("12345678")
    page.get_by_role("button", name="查询").click()
    assert "未查到办件" in page.locator("#progress-not-found").inner_text()
    assert page.locator("#progress-result").count() == 0
    shot(page, "portal-progress-wrong")

    page.get_by_label("回执编号").fill(application.receipt_number)
    page.get_by_label("查询码或证件号码后 6 位").fill(application.query_code)
    page.get_by_role("button", name="查询").click()
    result = page.locator("#progress-result").inner_text()
    assert "二手房交易登记一件事" in result
    assert "合同备案" in result
    assert "转移登记" in result
    assert "已受理" in result
    assert application.applicant_name not in result
    shot(page, "portal-progress-found")


def test_a_guide_in_english_shows_translated_names_and_working_day_limits(world, live_server,
                                                                          page):
    world.licence.name_en = "Construction permit"
    world.licence.save()
    world.housing.name_en = "Housing and Urban-Rural Development Bureau"
    world.housing.save()
    base = live_server.url
    page.goto(f"{base}/items/{world.licence.code}/")
    page.locator("#lang").select_option("en")
    page.locator("#lang").locator("xpath=following-sibling::button").click()

    page.get_by_role("heading", name="Construction permit").wait_for()
    assert "Housing and Urban-Rural Development Bureau" in page.content()
    assert page.locator("#statutory-limit").inner_text().startswith("15 ")
    assert page.locator("#committed-limit").inner_text().startswith("5 ")
    assert "分钟" not in page.locator("#statutory-limit").inner_text()
    shot(page, "portal-guide-english")
    ServiceItem.objects.filter(pk=world.filing.pk).update(statutory_limit=14400)
    page.goto(f"{base}/items/{world.filing.code}/")  # a minute-committed item
    assert page.locator("#statutory-limit").inner_text().startswith("30 ")
    assert page.locator("#committed-limit").inner_text().startswith("15 ")


def test_elder_mode_is_switched_on_and_kept(world, live_server, page):
    base = live_server.url
    page.goto(f"{base}/items/{world.licence.code}/")
    normal = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="长辈版").click()

    page.wait_for_url(f"{base}/items/{world.licence.code}/")
    page.goto(f"{base}/")  # kept on the next page
    large = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert page.locator("body.elder").count() == 1
    assert large >= normal * 1.3
    assert not page.get_by_role("link", name="开放接口").is_visible()  # a simpler layout
    shot(page, "portal-elder")
    page.get_by_role("button", name="标准版").click()
    page.wait_for_url(f"{base}/")
    assert page.locator("body.elder").count() == 0
