"""Browser test: a county's officer fills a town's annual report — the figures the
government holds fetched, each typed figure with its evidence uploaded — and submits it;
the joint-meeting office opens the evidence, assesses the report, publishes the year's
results and settles; the ledger shows the land reward with its legal basis, and the
public page draws its charts."""

from __future__ import annotations

import pytest

from onevisit.demo.staff import DEMO_PASSWORD
from onevisit.demo.towns import demo_towns_load
from onevisit.towns.models import Assessment, LedgerEntry, ReportEvidence, Town
from onevisit.towns.services import (
    assessment_settle,
    assessments_publish,
    report_assess,
    report_submit,
)
from tests.e2e.conftest import shot
from tests.e2e.test_accessibility import AXE, _violations
from tests.towns.conftest import (
    PDF,
    PNG,
    Programme,
    evidence,
    figures,
    programme,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def _sign_in(page, url: str, username: str, next_path: str) -> None:
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _file(name: str, content: bytes, kind: str) -> dict[str, object]:
    return {"name": name, "mimeType": kind, "buffer": content}


def test_a_towns_annual_report_to_its_assessment_and_ledger(programme: Programme,  # noqa: F811
                                                           live_server, page, browser):
    p = programme
    for user in (p.xihu, p.office):
        user.set_password(PASSWORD)
        user.save()
    code = p.town.code

    _sign_in(page, live_server.url, "towns-xihu", f"/workbench/towns/{code}/")
    page.get_by_role("link", name="2016 年度").click()
    page.get_by_role("heading", name="云栖小镇 2016 年度报告").wait_for()
    for key, value in (("investment", "120000"), ("special_investment", "80000"),
                       ("new_land", "120.50"), ("visitors", "150000"),
                       ("construction_progress", "35")):
        page.fill(f"#figure-{key}", value)
    page.get_by_role("button", name="获取").click()
    # The tax office's and the enterprise registry's figures, fetched, not typed.
    page.locator("#held").get_by_text("25000").wait_for()
    assert page.locator("#figure-investment").input_value() == "120000"
    shot(page, "town-report-held-fetched")
    for key in ("investment", "special_investment", "visitors", "construction_progress"):
        page.set_input_files(f"#evidence-{key}", [_file(f"{key}.pdf", PDF, "application/pdf")])
    page.set_input_files("#evidence-new_land", [_file("红线图.png", PNG, "image/png"),
                                               _file("供地批文.pdf", PDF, "application/pdf")])
    shot(page, "town-report-filled")
    page.get_by_role("button", name="提交年度报告").click()
    page.get_by_text("已报送 2016 年度报告").wait_for()
    assert page.locator("#figures").get_by_role("link", name="红线图.png").is_visible()
    shot(page, "town-report-submitted")

    office_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    office = office_context.new_page()
    _sign_in(office, live_server.url, "towns-office", "/workbench/towns/")
    # The report waits for the office's assessment.
    office.locator("#reports-waiting").get_by_role("link", name="云栖小镇").click()
    office.get_by_role("heading", name="云栖小镇 2016 年度报告").wait_for()
    # The reviewer opens every material (a material she cannot open is no review).
    for proof in ReportEvidence.objects.filter(report__town=p.town):
        opened = office_context.request.get(
            f"{live_server.url}/workbench/towns/evidence/{proof.pk}/")
        assert opened.status == 200
        assert opened.headers["content-type"] == proof.content_type
    office.get_by_label("考核意见").fill("各项目标任务全面完成")
    office.get_by_role("button", name="考核评分").click()
    office.get_by_text("已完成考核评分").wait_for()
    assert office.locator("#result").inner_text() == "合格"
    assert office.locator("#total").inner_text() == str(
        Assessment.objects.get(town=p.town, year=2016).total)
    shot(office, "town-report-assessed")
    office.get_by_role("button", name="公布 2016 年度考核结果").click()
    office.get_by_text("已公布 2016 年度考核结果").wait_for()
    office.get_by_role("button", name="结算奖惩").click()
    office.get_by_text("已结算，奖惩记入台账").wait_for()
    reward = LedgerEntry.objects.get(town=p.town, year=2016, kind="land_reward")
    assert office.locator("#year-ledger").get_by_text(reward.legal_basis).is_visible()
    shot(office, "town-report-settled")

    office.get_by_role("link", name="奖惩台账").first.click()
    office.locator("#totals").get_by_text("1 个小镇考核合格，兑现用地 120.50 亩").wait_for()
    row = office.locator("#ledger tr", has_text="用地奖励")
    assert "120.50" in row.inner_text()
    assert reward.legal_basis in row.inner_text()
    assert "2016 年度考核" in row.inner_text()
    shot(office, "town-ledger")
    office_context.close()

    page.goto(f"{live_server.url}/towns/")
    page.wait_for_selector("body[data-charts-ready='2']")
    assert "1 个小镇考核合格，兑现用地 120.50 亩" in page.locator("#totals").inner_text()
    shot(page, "towns-public")


def test_the_towns_pages_pass_axe(programme: Programme, live_server, browser):  # noqa: F811
    p = programme
    report_submit(actor=p.xihu, code=p.town.code, year=2016, figures=figures(),
                  evidence=evidence())
    report_assess(actor=p.office, code=p.town.code, year=2016)
    assessments_publish(actor=p.office, year=2016)
    assessment_settle(actor=p.office, code=p.town.code, year=2016)
    p.office.set_password(PASSWORD)
    p.office.save()
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    assert AXE.exists()
    found = {}
    for path in ("/towns/", f"/towns/{p.town.code}/"):
        page.goto(live_server.url + path)
        found[path] = _violations(page)
    _sign_in(page, live_server.url, "towns-office", "/workbench/towns/")
    page.locator("#towns").wait_for()
    for path in ("/workbench/towns/", f"/workbench/towns/{p.town.code}/",
                 f"/workbench/towns/{p.town.code}/reports/2016/",
                 f"/workbench/towns/{p.town.code}/reports/2017/",
                 "/workbench/towns/ledger/"):
        page.goto(live_server.url + path)
        found[path] = _violations(page)
    context.close()
    assert {path: v for path, v in found.items() if v} == {}



def test_the_towns_pages_fit_a_phone(live_server, browser):
    """The demo programme's pages at 390 px: wide tables scroll in their own box."""
    demo_towns_load()
    town = Town.objects.get(name="梦想小镇")
    # Not is_mobile: a mobile browser zooms out of a too-wide page, hiding the overflow.
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    too_wide = {}

    def measure(paths: list[str]) -> None:
        for path in paths:
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                too_wide[path] = overflow

    measure(["/towns/", f"/towns/{town.code}/"])
    page.goto(f"{live_server.url}/accounts/login/?next=/workbench/towns/")
    page.get_by_label("用户名").fill("towns-office")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("#towns").wait_for()
    year = town.creation_start_year + 1
    measure(["/workbench/towns/", f"/workbench/towns/{town.code}/",
             f"/workbench/towns/{town.code}/reports/{year}/", "/workbench/towns/ledger/"])
    context.close()
    assert too_wide == {}
