"""Browser test: a supervisor plans a joint inspection of two departments (进一次门、查多项事),
publishes its parameters and seed commitment, draws and reveals the seed; an inspector
records a finding; the supervisor publishes the results; the public page verifies the
draw and shows the result."""

from __future__ import annotations

import pytest

from onevisit.credit.models import CreditRecord
from onevisit.inspection.models import Draw, Plan, Result
from onevisit.inspection.services import plan_draw, plan_publish, plan_reveal
from tests.e2e.conftest import shot
from tests.e2e.test_accessibility import AXE, _violations
from tests.inspection.conftest import inspection  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, url: str, username: str, next_path: str) -> None:
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()


def test_a_joint_inspection_from_plan_to_published_result(inspection, live_server, page,  # noqa: F811
                                                          browser):
    _sign_in(page, live_server.url, "supervisor", "/workbench/inspections/")
    page.get_by_label("计划名称").fill("翠苑街道餐饮企业联合抽查")
    page.select_option("#plan-lead", inspection.market.code)
    page.check("input[value='SC-JC-001']")
    page.check("input[value='ZF-JC-001']")
    page.get_by_label("检查期间起").fill("2026-12-01")
    page.get_by_label("检查期间止").fill("2026-12-31")
    for tier, ratio in (("A", "20"), ("B", "40"), ("C", "60"), ("D", "100")):
        page.fill(f"#ratio-{tier}", ratio)
    page.get_by_role("button", name="保存计划").click()
    page.get_by_text("已制定抽查计划").wait_for()
    plan = Plan.objects.get()

    page.get_by_role("button", name="公示计划").click()
    page.get_by_text("已公示计划参数和种子承诺值").wait_for()
    commitment = page.locator("#commitment").inner_text()
    assert commitment == Draw.objects.get().commitment
    page.get_by_role("button", name="抽取").click()
    page.get_by_text("已完成抽取").wait_for()
    page.get_by_role("button", name="公开种子").click()
    page.get_by_text("复核一致：按种子和公示参数重新抽取，结果与记录相同").wait_for()
    shot(page, "inspection-plan-revealed")

    result = Result.objects.filter(item__code="ZF-JC-001").order_by(
        "assignment__position").first()
    inspector = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    own = inspector.new_page()
    _sign_in(own, live_server.url, result.assignment.first_inspector.user.username,
             "/workbench/inspections/")
    own.get_by_role("link", name=plan.name).first.click()
    own.select_option(f"#outcome-{result.pk}", "rectify")
    own.fill(f"#finding-{result.pk}", "门前堆放杂物，未落实门前三包")
    own.fill(f"#days-{result.pk}", "5")
    own.locator(f"#outcome-{result.pk}").locator("xpath=..").get_by_role(
        "button", name="登记结果").click()
    own.get_by_text("已登记检查结果").wait_for()
    shot(own, "inspection-result-recorded")
    inspector.close()

    page.reload()
    page.get_by_role("button", name="公开检查结果").click()
    page.get_by_text("已公开检查结果").wait_for()

    public = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    anyone = public.new_page()
    anyone.goto(f"{live_server.url}/inspections/")
    anyone.get_by_role("link", name="翠苑街道餐饮企业联合抽查").click()
    anyone.get_by_text("门前堆放杂物，未落实门前三包").wait_for()
    shot(anyone, "inspection-public-result")
    assert anyone.locator("#verdict").inner_text() == "复核一致"
    assert anyone.locator("#commitment").inner_text() == commitment
    assert result.assignment.target.name in anyone.locator("#results").inner_text()
    public.close()
    assert CreditRecord.objects.get().reference == f"JC-{result.pk}"


def test_the_inspection_pages_pass_axe(inspection, live_server, browser):  # noqa: F811
    plan = inspection.joint_plan()
    for step in (plan_publish, plan_draw, plan_reveal):
        step(plan_code=plan.code, actor=inspection.supervisor)
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    assert AXE.exists()
    found = {}
    for path in ("/inspections/", f"/inspections/{plan.code}/"):
        page.goto(live_server.url + path)
        found[path] = _violations(page)
    _sign_in(page, live_server.url, "supervisor", "/workbench/inspections/")
    page.locator("#plan-form").wait_for()
    found["/workbench/inspections/"] = _violations(page)
    inspector = Result.objects.order_by("pk").first().assignment.first_inspector.user
    context.close()
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    _sign_in(page, live_server.url, inspector.username, f"/workbench/inspections/{plan.code}/")
    page.locator(".result-form").first.wait_for()
    found["plan (inspector)"] = _violations(page)
    context.close()
    assert {path: v for path, v in found.items() if v} == {}
