"""Browser test: the 12345 agent answers from the knowledge base while taking a call, sees
the caller's earlier ticket, and files a new one."""

from __future__ import annotations

import pytest

from onevisit.hotline.models import Ticket
from onevisit.hotline.services import ticket_create
from tests.e2e.conftest import shot
from tests.hotline.conftest import hw  # noqa: F401 - the 12345 world fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_agent_takes_a_call_in_the_console(hw, live_server, page):  # noqa: F811
    earlier = ticket_create(data=hw.complaint(), actor=hw.agent).ticket

    page.goto(f"{live_server.url}/hotline/")
    page.get_by_label("用户名").fill("agent")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()

    page.get_by_label("搜索知识库").fill("施工许可怎么办")
    page.get_by_role("button", name="搜索").click()
    hit = page.locator("#knowledge li[data-kind]").first
    hit.wait_for()
    assert "建筑工程施工许可" in hit.inner_text()

    page.get_by_label("联系电话").fill("13905710001")
    page.get_by_label("联系电话").dispatch_event("change")
    page.locator("#caller-history").get_by_role("link", name=earlier.number).wait_for()
    shot(page, "hotline-console")

    page.get_by_label("类型").select_option("help")
    page.get_by_label("诉求内容").fill("蒋村街道西溪湿地南门附近有老人走失，家属求助。")
    page.get_by_label("所在街道（乡镇）代码").fill(hw.jiangcun.code)
    page.get_by_role("button", name="登记并转派单").click()

    page.get_by_text("已登记，等待派单").wait_for()
    ticket = Ticket.objects.exclude(pk=earlier.pk).get()
    assert ticket.number in page.content()
    assert (ticket.type, ticket.region_id, ticket.status) == ("help", hw.jiangcun.code, "new")
