"""Citizens use the portal on a phone: its pages fit a narrow screen without sideways
scrolling, and the controls stay reachable."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_portal_fits_a_phone(world, api, live_server, browser):
    number = api["citizen"].post("/applications", world.house_payload()).json()["number"]
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/me/")
    page.get_by_label("用户名").fill("citizen")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: url.endswith("/me/"))

    too_wide = {}
    for path in ("/", "/search/?q=卖房", "/life-events/house/", "/apply/life-events/house/",
                 "/me/", f"/me/applications/{number}/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[path] = overflow
        shot(page, "phone" + path.replace("/", "-").replace("?", "-").rstrip("-"))
    context.close()

    assert too_wide == {}
