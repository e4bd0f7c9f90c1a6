"""Browser test: the organisers' staff publish the draw's parameters and commitment and
draw the experts; an expert scores a case blind; the organisers close the preliminary
review, which reveals the seed and verifies the draw, and read the score statistics;
then they record a vote, publish the result and the public page lists the tiers."""

from __future__ import annotations

import pytest

from onevisit import clock
from onevisit.awards import services
from onevisit.awards.constants import CallStatus, Tier
from onevisit.awards.models import AwardCase, ReviewAssignment, ReviewDraw, ScoreSheet
from tests.awards.conftest import awards  # noqa: F401 - the fixture
from tests.e2e.conftest import shot
from tests.e2e.test_accessibility import AXE, _violations

pytestmark = pytest.mark.django_db(transaction=True)

SCORES = ("innovation", "performance", "replicability", "importance")


def _sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()


def test_an_award_round_from_the_draw_to_the_published_tiers(awards, live_server, page,  # noqa: F811
                                                              browser):
    call = awards.open_call()
    cases = awards.to_preliminary(call, 6)

    _sign_in(page, live_server.url, "awards-office")
    page.get_by_role("link", name=call.title).click()
    page.get_by_role("button", name="公示抽取参数").click()
    page.get_by_text("已公示抽取参数和种子承诺值").wait_for()
    assert page.locator("#commitment").inner_text() == ReviewDraw.objects.get().commitment
    page.get_by_role("button", name="抽取专家").click()
    page.get_by_text("已抽取初评专家；种子在专家初评结束时公开").wait_for()
    assert page.locator("#seed").count() == 0
    shot(page, "award-drawn")

    assignment = (ReviewAssignment.objects.select_related("case", "expert__user")
                  .order_by("position").first())
    case = assignment.case
    expert_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    expert = expert_context.new_page()
    _sign_in(expert, live_server.url, assignment.expert.user.username)
    expert.get_by_role("link", name=case.title).click()
    assert case.unit_name not in expert.locator("main").inner_text()
    expert.get_by_label("创新性").fill("120")
    expert.get_by_label("绩效性").fill("85")
    expert.get_by_label("推广性").fill("80")
    expert.get_by_label("重要性").fill("75")
    expert.get_by_label("评语").fill("机制设计新颖，成效有数据支撑")
    expert.locator("#score-innovation").evaluate("e => e.removeAttribute('max')")
    expert.get_by_role("button", name="提交评分表").click()
    expert.get_by_text("“创新性”须为 0 至 100 的整数").wait_for()
    assert expert.locator("#sheet-comment").input_value() == "机制设计新颖，成效有数据支撑"
    expert.get_by_label("创新性").fill("90")
    expert.get_by_role("button", name="提交评分表").click()
    expert.get_by_text(f"已提交案例 {case.number} 的评分表").wait_for()
    shot(expert, "award-sheet-submitted")
    expert_context.close()
    sheet = ScoreSheet.objects.get()
    assert (sheet.innovation, sheet.importance) == (90, 75)

    # The other experts' sheets, each case scored by its place so the ranking is known.
    for other in ReviewAssignment.objects.exclude(pk=assignment.pk).select_related(
            "case", "expert__user"):
        value = 90 - 4 * [c.pk for c in cases].index(other.case_id)
        services.sheet_submit(actor=other.expert.user, case=other.case,
                              scores=dict.fromkeys(SCORES, value + other.expert_id % 3))
    page.reload()
    page.get_by_role("button", name="进入“实地考察”阶段").click()
    page.get_by_text("评选活动已进入“实地考察”阶段").wait_for()
    page.get_by_text("复核一致：按种子和公示参数重新抽取，结果与记录相同").wait_for()
    assert page.locator("#seed").inner_text() == ReviewDraw.objects.get().seed
    page.locator("body[data-charts-ready='2']").wait_for()
    drawn = ReviewAssignment.objects.values("expert").distinct().count()
    assert page.locator("#expert-stats tbody tr").count() == drawn
    assert page.locator("#criterion-stats tbody tr").count() == 4
    shot(page, "award-statistics")

    for shortlisted in AwardCase.objects.filter(shortlisted=True):
        services.visit_record(actor=awards.office, case=shortlisted,
                              visited_on=clock.now().date(), members="张三\n李四",
                              findings="做法扎实，成效明显。", recommendation="recommend")
    services.call_transition(actor=awards.office, call=call, to=CallStatus.SELECTION)
    services.panel_record(actor=awards.office, call=call, panel_date=clock.now().date(),
                          panel_members="\n".join(f"委员{i}" for i in range(9)))
    first = AwardCase.objects.get(preliminary_rank=1)
    page.reload()
    page.select_option("#vote-tier", Tier.SPECIAL.value)
    page.select_option("#vote-case", str(first.pk))
    page.fill("#vote-for", "8")
    page.fill("#vote-against", "1")
    page.fill("#vote-abstain", "0")
    page.get_by_role("button", name="登记表决").click()
    page.get_by_text("已登记表决结果").wait_for()
    page.get_by_role("button", name="公布结果并签发通报").click()
    page.get_by_text("已公布评选结果并签发通报").wait_for()
    page.get_by_text("复核一致：按记录的评分和表决重新计算，结果与公布的名单相同").wait_for()

    public_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    anyone = public_context.new_page()
    anyone.goto(f"{live_server.url}/awards/")
    anyone.get_by_role("link", name=call.title).click()
    special = anyone.locator("#tier-special").inner_text()
    assert f"{first.unit_name}：{first.title}" in special
    assert anyone.locator("#notice-link").is_visible()
    shot(anyone, "award-public-tiers")
    public_context.close()


def test_the_award_pages_pass_axe(awards, live_server, browser):  # noqa: F811
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.to_selection(call, {c.number: 90 - 2 * i for i, c in enumerate(cases)})
    case = AwardCase.objects.get(preliminary_rank=1)
    services.vote_record(actor=awards.office, call=call, case=case, tier=Tier.SPECIAL,
                         votes_for=12, votes_against=2, votes_abstain=1)
    services.call_publish(actor=awards.office, call=call)
    second = awards.open_call(edition=9, title="第九届浙江省公共管理创新案例")
    awards.drawn(second, 4)
    assignment = (ReviewAssignment.objects.filter(case__call=second)
                  .select_related("case", "expert__user").first())
    assert AXE.exists()
    found = {}
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    for path in ("/awards/", f"/awards/{call.pk}/",
                 f"/awards/verify/{call.notice.verification_code}/"):
        page.goto(live_server.url + path)
        found[path] = _violations(page)
    _sign_in(page, live_server.url, "awards-office")
    for path in ("/workbench/awards/", f"/workbench/awards/{call.pk}/",
                 f"/workbench/awards/{second.pk}/", "/workbench/awards/experts/"):
        page.goto(live_server.url + path)
        found[path] = _violations(page)
    context.close()
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    _sign_in(page, live_server.url, assignment.expert.user.username)
    page.goto(f"{live_server.url}/workbench/awards/reviews/{assignment.case.pk}/")
    page.locator("#sheet-form").wait_for()
    found["sheet"] = _violations(page)
    context.close()
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    _sign_in(page, live_server.url, awards.unit_staff[awards.units[0].code].username)
    page.goto(f"{live_server.url}/workbench/awards/submit/")
    found["submit"] = _violations(page)
    context.close()
    assert {path: v for path, v in found.items() if v} == {}
