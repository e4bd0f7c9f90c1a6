"""Browser test: a supervisor opens the alert inbox, acknowledges an alert and sends a
督办; the department answers it from its workbench; the supervisor closes the alert with
a reason."""

from __future__ import annotations

import pytest

from onevisit.applications.models import Case
from onevisit.supervision.models import Alert, AlertKind
from onevisit.supervision.services import alert_raise
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, url: str, username: str, next_path: str) -> None:
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()


def test_a_supervisor_follows_an_alert_through_to_its_close(world, api, live_server, page,
                                                            browser):
    body = api["citizen"].post("/applications", world.house_payload()).json()
    case = Case.objects.get(application__number=body["number"], department=world.housing)
    alert = alert_raise(kind=AlertKind.OVERDUE, application_number=body["number"],
                        case_id=case.pk, message="“存量房交易合同网签备案”已超过办理时限")

    _sign_in(page, live_server.url, "supervisor", "/dashboard/alerts/")
    page.get_by_role("link", name="超过办理时限（红牌）").click()
    page.get_by_text("办理时限：部门办件超过承诺时限仍未办结（红牌）").wait_for()
    shot(page, "alert-inbox-detail")
    page.get_by_role("button", name="确认预警").click()
    page.get_by_text("已确认预警").wait_for()
    page.select_option("#fu-department", world.housing.code)
    page.get_by_label("督办事项").fill("请说明超期原因及整改措施")
    page.get_by_label("答复期限（工作日）").fill("3")
    page.get_by_role("button", name="发出督办").click()
    page.get_by_text("已发出督办").wait_for()
    shot(page, "alert-follow-up-sent")

    department = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    reviewer = department.new_page()
    _sign_in(reviewer, live_server.url, f"reviewer-{world.housing.code}",
             "/workbench/follow-ups/")
    reviewer.get_by_text("请说明超期原因及整改措施").wait_for()
    reviewer.get_by_label("答复").fill("系统接口故障导致延误，已于当日办结并完成排查")
    reviewer.get_by_role("button", name="提交答复").click()
    reviewer.get_by_text("已答复督办").wait_for()
    shot(reviewer, "follow-up-answered-by-department")
    department.close()

    page.reload()
    page.get_by_text("系统接口故障导致延误").wait_for()
    page.get_by_label("关闭原因").fill("部门说明属实，已整改")
    page.get_by_role("button", name="关闭预警").click()
    page.get_by_text("已关闭预警").wait_for()
    shot(page, "alert-closed")

    alert.refresh_from_db()
    assert (alert.status, alert.close_reason) == ("closed", "部门说明属实，已整改")
    assert page.locator("#alert-status").inner_text() == "已关闭"
    assert Alert.objects.filter(status="open").count() == 0
