"""The award's pages on a phone: long hashes wrap and wide tables scroll in their own
box, so no page scrolls sideways; the leniency chart names every expert."""

from __future__ import annotations

import pytest

from onevisit.accounts.models import Role
from onevisit.awards import services
from onevisit.awards.constants import CallStatus
from tests.awards.conftest import awards  # noqa: F401 - the fixture
from tests.e2e.conftest import shot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_award_pages_fit_a_phone_and_the_chart_names_every_expert(awards, live_server,  # noqa: F811
                                                                     browser):
    for i in range(6):  # fourteen experts: more names than a fixed-height chart shows
        user = UserFactory(username=f"expert-extra-{i}", role=Role.EXPERT)
        awards.experts.append(services.expert_register(
            actor=awards.office, user=user, name=f"外省专家{i}", affiliation=f"大学{i}",
            region_code=""))
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.score_all(call, {c.number: 90 - 2 * i for i, c in enumerate(cases)})
    services.call_transition(actor=awards.office, call=call, to=CallStatus.SITE_VISIT)
    # Not `is_mobile`: a mobile viewport widens itself to fit what overflows.
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("awards-office")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    too_wide = {}
    for path in (f"/awards/{call.pk}/", f"/workbench/awards/{call.pk}/", "/workbench/awards/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth")
        if overflow > 0:
            too_wide[path] = overflow
        shot(page, "award-phone" + path.replace("/", "-").rstrip("-"))
    assert too_wide == {}

    page.goto(f"{live_server.url}/workbench/awards/{call.pk}/")
    page.wait_for_function("() => document.body.dataset.chartsReady === '2'")
    shown = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('chart-experts'));
        const axis = chart.getOption().yAxis[0];
        const stats = JSON.parse(document.getElementById('awards-stats').textContent);
        return [axis.axisLabel.interval, axis.data.length, stats.experts.length,
                document.getElementById('chart-experts').getBoundingClientRect().height];
    }""")
    interval, names, experts, height = shown
    assert (interval, names) == (0, experts)
    assert experts == len(awards.experts) == 14
    assert abs(height - max(320, 28 * experts + 80)) <= 2
    context.close()
