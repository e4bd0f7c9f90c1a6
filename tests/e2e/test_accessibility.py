"""Pages pass axe-core's WCAG 2.1 A/AA rules (no serious or critical violation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from onevisit.applications.models import Application
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _violations(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_public_pages_and_the_workbench_pass_axe(world, api, live_server, browser):
    if not AXE.exists():
        pytest.fail("axe-core is missing: ./dev installs it from package-lock.json")
    body = api["citizen"].post("/applications", world.house_payload()).json()
    case = next(c["id"] for c in body["cases"] if c["stage_key"] == "filing")
    # axe is injected by the test; the pages' own policy forbids any script not theirs.
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in ("/", f"/items/{world.transfer.code}/", "/life-events/house/", "/lists/",
                 "/verify/?code=ABCDEFGHJKLM", "/accounts/login/", "/search/?q=卖房",
                 "/progress/", "/12345/", "/accessibility/", "/verdict/", "/suggestions/"):
        page.goto(live_server.url + path)
        found[path] = _violations(page)
    # The progress lookup's answer, and 长辈版 on a guide.
    page.goto(live_server.url + "/progress/")
    application = Application.objects.get(number=body["number"])
    page.get_by_label("回执编号").fill(application.receipt_number)
    page.get_by_label("查询码或证件号码后 6 位").fill(application.query_code)
    page.get_by_role("button", name="查询").click()
    page.locator("#progress-result").wait_for()
    found["/progress/ (found)"] = _violations(page)
    page.goto(live_server.url + f"/items/{world.transfer.code}/")
    page.get_by_role("button", name="长辈版").click()
    page.locator("body.elder").wait_for()
    found["长辈版"] = _violations(page)
    page.get_by_role("button", name="标准版").click()
    number = body["number"]
    for username, paths in (
        ("reviewer-xh-zjj", ("/workbench/", f"/workbench/cases/{case}/",
                             "/workbench/rectifications/", "/workbench/experience/")),
        ("citizen", ("/me/", f"/me/applications/{number}/", "/apply/life-events/house/",
                     "/me/access-log/", "/me/tickets/", "/12345/")),
        ("clerk", ("/hall/intake/", f"/hall/intake/?subject=life-events:house"
                   f"&applicant_id_number={world.citizen_id}&consent=1",
                   f"/hall/applications/{number}/",
                   "/hall/parcels/")),
        ("supervisor", ("/dashboard/verdict/", "/dashboard/surveys/", "/dashboard/suggestions/",
                        "/dashboard/evaluations/")),
    ):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("correct horse battery")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        for path in paths:
            page.goto(live_server.url + path)
            found[path] = _violations(page)
        shot(page, f"accessibility-{username}")
        page.context.clear_cookies()
    context.close()

    assert {path: v for path, v in found.items() if v} == {}


def test_the_check_catches_a_real_violation(browser):
    page = browser.new_page()
    page.set_content('<html lang="zh-Hans"><body><main><img src="x.png"></main></body></html>')

    assert any(v.startswith("image-alt") for v in _violations(page))
    page.close()
