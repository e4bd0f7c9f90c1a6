"""Browser test 3 of issue 3: a reviewer works a red (overdue) case from the workbench."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.applications.models import Case
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reviewer_works_an_overdue_case(world, api, live_server, page):
    body = api["citizen"].post("/applications", world.house_payload()).json()
    filing = next(c["id"] for c in body["cases"] if c["stage_key"] == "filing")
    Case.objects.filter(pk=filing).update(due_at=clock.now() - dt.timedelta(hours=3))

    page.goto(f"{live_server.url}/workbench/")
    page.get_by_label("用户名").fill("reviewer-xh-zjj")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()

    red_row = page.locator('tr[data-urgency="red"]')
    red_row.wait_for()
    assert "已超期" in red_row.inner_text()
    shot(page, "workbench-queue-red")

    red_row.get_by_role("link", name=body["number"]).click()
    assert "数据共享获取（不动产登记库（自然资源））" in page.content()
    page.get_by_role("button", name="认领").click()
    page.get_by_label("审批意见").fill("逾期原因已说明，材料齐全，准予备案")
    page.get_by_role("button", name="准予").click()

    page.get_by_text("已准予").first.wait_for()
    shot(page, "workbench-case-approved")
    assert Case.objects.get(pk=filing).status == "approved"
    assert Case.objects.get(application__number=body["number"], stage_key="tax").status \
        == "pending"
