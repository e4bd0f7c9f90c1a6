"""The award's pages: an organiser walks a call from its creation to the sealed notice,
units submit, experts score blind; every page answers every role as it should; refusals
keep what was typed; the public sees the result by tier and the notice, never a score."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
from django.test import Client

from onevisit.accounts.models import Role
from onevisit.awards.constants import CallStatus, Tier
from onevisit.awards.models import (
    AwardCall,
    AwardCase,
    Expert,
    Notice,
    PanelVote,
    ReviewAssignment,
    ReviewDraw,
    ScoreSheet,
)
from tests.awards.conftest import Awards, awards  # noqa: F401 - the fixture
from tests.conftest import PDF
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCORES = ("innovation", "performance", "replicability", "importance")


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def _main(page: str) -> str:
    """The page's own content, without the site's header and footer."""
    return page[page.index('<main id="main">'):page.index("</main>")]


def _sheet(value: int, comment: str = "") -> dict[str, str]:
    return {**{f"score_{c}": str(value) for c in SCORES}, "comment": comment}


def test_an_organiser_walks_a_call_from_creation_to_its_sealed_notice(awards: Awards):  # noqa: F811
    office = _as(awards.office)
    page = office.post("/workbench/awards/new/", {
        "edition": "6", "year": "2018", "title": "第六届浙江省公共管理创新案例",
        "theme": "基层治理", "organisers": [d.code for d in awards.organisers],
        "lead": awards.organisers[1].code,
        "guidance_units": "浙江省委办公厅", "opens_on": "2026-12-01", "closes_on": "2026-12-31",
        "experts_per_case": "3", "shortlist_size": "4",
        "weight_innovation": "30", "weight_performance": "30", "weight_replicability": "20",
        "weight_importance": "20", "quota_special": "1", "quota_top_ten": "1",
        "quota_excellence": "1", "quota_organising": "1",
    }, follow=True).content.decode()
    call = AwardCall.objects.get()
    assert "已草拟评选活动“第六届浙江省公共管理创新案例”" in page
    assert call.quotas == {Tier.SPECIAL: 1, Tier.TOP_TEN: 1, Tier.EXCELLENCE: 1,
                           Tier.ORGANISING: 1}
    base = f"/workbench/awards/{call.pk}"
    assert Client().get(f"/awards/{call.pk}/").status_code == 404  # a draft is not public

    assert "评选活动已进入“征集中”阶段" in office.post(f"{base}/open/",
                                                     follow=True).content.decode()
    titles = ["社区养老服务标准化", "矛盾纠纷多元化解", "基层治理四平台", "居家养老智慧服务",
              "涉外纠纷调解", "村务监督"]
    for i, title in enumerate(titles):
        staff = _as(awards.unit_staff[awards.units[i % len(awards.units)].code])
        page = staff.post("/workbench/awards/submit/case/", {
            "call": str(call.pk), "title": title, "text": f"{title}的做法与成效。",
        }, follow=True).content.decode()
        assert "已申报案例" in page
    assert AwardCase.objects.count() == 6
    office.post(f"{base}/preliminary/")

    page = office.post(f"{base}/draw-commit/", follow=True).content.decode()
    assert "已公示抽取参数和种子承诺值" in page
    draw = ReviewDraw.objects.get()
    public = Client().get(f"/awards/{call.pk}/").content.decode()
    assert draw.commitment in public
    assert draw.seed not in public
    assert "专家初评结束时公开" in public

    page = office.post(f"{base}/draw-run/", follow=True).content.decode()
    assert "已抽取初评专家；种子在专家初评结束时公开" in page
    # While the experts score, the seed stays secret: who scores which case is unknown.
    assert draw.seed not in page
    assert draw.seed not in Client().get(f"/awards/{call.pk}/").content.decode()
    assert Client().get(f"/awards/{call.pk}/parameters.json").status_code == 404
    assignments = list(ReviewAssignment.objects.select_related("case", "expert__user"))
    assert len(assignments) == 18
    for a in assignments:
        value = 90 - 5 * titles.index(a.case.title)
        response = _as(a.expert.user).post(f"/workbench/awards/reviews/{a.case.pk}/",
                                           _sheet(value, "做法扎实"))
        assert response.status_code == 302
    assert ScoreSheet.objects.count() == 18
    page = office.get(f"{base}/").content.decode()
    assert "评分表：已提交 18 / 18" in page
    assert 'id="chart-experts"' in page
    assert 'id="awards-stats"' in page
    # 18 sheets; each case's three experts agree, so no expert is lenient or strict.
    assert "<tr><td>创新性</td><td>30%</td><td>18</td><td>77.50</td>" in page
    assert page.count("<td>0.00</td><td>—</td></tr>") == len(
        {a.expert_id for a in assignments})

    page = office.post(f"{base}/site-visit/", follow=True).content.decode()
    assert "复核一致：按种子和公示参数重新抽取，结果与记录相同" in page
    public = Client().get(f"/awards/{call.pk}/").content.decode()
    assert draw.seed in public
    assert "复核一致" in public
    parameters = Client().get(f"/awards/{call.pk}/parameters.json").content
    assert hashlib.sha256(parameters).hexdigest() == draw.parameters_sha256
    shortlisted = list(AwardCase.objects.filter(shortlisted=True).order_by("preliminary_rank"))
    assert [c.title for c in shortlisted] == titles[:4]
    for case in shortlisted:
        page = office.post(f"{base}/visit/", {
            "case": str(case.pk), "visited_on": "2026-12-07", "members": "张三\n李四",
            "findings": "做法扎实，成效明显。", "recommendation": "recommend"},
            follow=True).content.decode()
        assert f"已登记案例 {case.number} 的实地考察报告" in page
    office.post(f"{base}/selection/")
    office.post(f"{base}/panel/", {"panel_date": "2026-12-08",
                                   "panel_members": "\n".join(f"委员{i}" for i in range(9))})
    # Two cases voted 特别贡献奖 with a quota of one: the second by votes falls to 十佳.
    for case, tier, votes in ((shortlisted[0], Tier.SPECIAL, 7), (shortlisted[1], Tier.SPECIAL, 8),
                              (shortlisted[2], Tier.EXCELLENCE, 6),
                              (shortlisted[3], Tier.EXCELLENCE, 3)):
        office.post(f"{base}/vote/", {"tier": tier, "case": str(case.pk),
                                      "votes_for": str(votes), "votes_against": "1",
                                      "votes_abstain": "0"})
    office.post(f"{base}/vote/", {"tier": Tier.ORGANISING, "unit_name": "杭州市委办公厅",
                                  "votes_for": "9", "votes_against": "0",
                                  "votes_abstain": "0"})
    assert PanelVote.objects.count() == 5
    page = office.get(f"{base}/").content.decode()
    assert "按当前表决计算的结果" in page

    page = office.post(f"{base}/publish/", {"notice_date": "2026-12-08"},
                       follow=True).content.decode()
    assert "已公布评选结果并签发通报" in page
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    assert "复核一致：按记录的评分和表决重新计算，结果与公布的名单相同" in page

    public = Client().get(f"/awards/{call.pk}/").content.decode()
    units = {c.pk: c.unit_name for c in shortlisted}
    special = public[public.index('id="tier-special"'):public.index('id="tier-top_ten"')]
    assert f"{units[shortlisted[1].pk]}：{shortlisted[1].title}" in special
    top_ten = public[public.index('id="tier-top_ten"'):public.index('id="tier-excellence"')]
    assert f"{units[shortlisted[0].pk]}：{shortlisted[0].title}" in top_ten
    excellence = public[public.index('id="tier-excellence"'):
                        public.index('id="tier-organising"')]
    assert shortlisted[2].title in excellence
    assert shortlisted[3].title not in excellence
    assert "杭州市委办公厅" in public[public.index('id="tier-organising"'):]
    assert "做法扎实" not in public  # no expert's comment or score is published
    for case in shortlisted:
        assert str(case.preliminary_score) not in public

    winner = AwardCase.objects.get(award__tier=Tier.SPECIAL)
    unit_page = _as(winner.submitter).get("/workbench/awards/submit/").content.decode()
    assert f"<td>{winner.title}</td>" in unit_page
    assert "<strong>特别贡献奖</strong>" in unit_page

    response = Client().get(f"/awards/{call.pk}/notice.pdf")
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    text = _pdf_text(content).replace("\n", "")
    assert "关于第六届浙江省公共管理创新案例评选结果的通报" in text
    notice = Notice.objects.get()
    assert notice.department == awards.organisers[1]  # the lead organiser chosen
    assert hashlib.sha256(content).hexdigest() == notice.pdf_sha256
    page = Client().get(f"/awards/verify/{notice.verification_code}/").content.decode()
    assert "通报真实有效" in page
    assert notice.number in page
    assert "签发时间" not in page  # the seal's time is when the PDF was first made
    assert "通报 PDF 首次生成时加盖，盖章时间以 PDF 中的电子签名为准" in page
    assert Client().get("/awards/verify/NOSUCHCODE/").status_code == 404
    assert call.title in Client().get("/awards/").content.decode()


def _drawn(awards: Awards) -> tuple[AwardCall, ReviewAssignment]:  # noqa: F811
    call = awards.open_call()
    awards.drawn(call, 4)
    assignment = ReviewAssignment.objects.select_related(
        "case__unit_department", "case__region", "expert__user").order_by("position").first()
    assert assignment is not None
    return call, assignment


def test_the_expert_sees_the_case_blind(awards: Awards):  # noqa: F811
    _call, assignment = _drawn(awards)
    case = assignment.case
    expert = _as(assignment.expert.user)
    listing = _main(expert.get("/workbench/awards/reviews/").content.decode())
    # Her drawn cases; below them, every department she may declare a conflict with.
    listing = listing[:listing.index('id="conflicts"')]
    assert case.title in listing
    page = _main(expert.get(f"/workbench/awards/reviews/{case.pk}/").content.decode())
    assert case.title in page
    assert case.text in page
    for hidden in (case.unit_name, case.unit_department.name, case.region.name):
        assert hidden not in page
        assert hidden not in listing


def test_a_refused_sheet_names_every_problem_and_keeps_what_was_typed(awards: Awards):  # noqa: F811
    _call, assignment = _drawn(awards)
    expert = _as(assignment.expert.user)
    response = expert.post(f"/workbench/awards/reviews/{assignment.case.pk}/", {
        "score_innovation": "120", "score_performance": "", "score_replicability": "77",
        "score_importance": "abc", "comment": "创新点突出，推广价值有待观察"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "评分表有 3 处需要修改" in page
    for label in ("创新性", "重要性"):
        assert f"“{label}”须为 0 至 100 的整数" in page
    assert "请填写“绩效性”的评分" in page  # left blank
    assert 'name="score_innovation" type="number" min="0" max="100" step="1" value="120"' in page
    assert 'name="score_replicability" type="number" min="0" max="100" step="1" value="77"' in page
    assert "创新点突出，推广价值有待观察</textarea>" in page
    assert not ScoreSheet.objects.exists()


def test_another_expert_finds_neither_the_case_nor_its_sheet(awards: Awards):  # noqa: F811
    _call, assignment = _drawn(awards)
    case = assignment.case
    expert = _as(assignment.expert.user)
    expert.post(f"/workbench/awards/reviews/{case.pk}/", _sheet(80))
    other = next(e for e in awards.experts
                 if not case.assignments.filter(expert=e).exists())
    stranger = _as(other.user)
    assert stranger.get(f"/workbench/awards/reviews/{case.pk}/").status_code == 404
    assert stranger.post(f"/workbench/awards/reviews/{case.pk}/",
                         _sheet(10)).status_code == 404
    assert ScoreSheet.objects.get().innovation == 80
    assert case.title not in stranger.get("/workbench/awards/reviews/").content.decode()


def test_every_page_answers_every_role(awards: Awards):  # noqa: F811
    call, assignment = _drawn(awards)
    case = assignment.case
    staff = awards.unit_staff[case.unit_department.code]
    other_staff = next(u for u in awards.unit_staff.values() if u.department_id
                       != case.unit_department_id)
    citizen = UserFactory(username="citizen-awards", role=Role.CITIZEN)
    expert = assignment.expert.user
    other_expert = next(e for e in awards.experts
                        if not case.assignments.filter(expert=e).exists()).user
    pages = {
        "calls": "/workbench/awards/",
        "call": f"/workbench/awards/{call.pk}/",
        "submit": "/workbench/awards/submit/",
        "reviews": "/workbench/awards/reviews/",
        "sheet": f"/workbench/awards/reviews/{case.pk}/",
        "public": "/awards/",
        "public call": f"/awards/{call.pk}/",
        "notice": f"/awards/{call.pk}/notice.pdf",
    }
    expected = {
        "anonymous": {"calls": 302, "call": 302, "submit": 302, "reviews": 302, "sheet": 302,
                      "public": 200, "public call": 200, "notice": 404},
        "citizen": {"calls": 403, "call": 403, "submit": 403, "reviews": 403, "sheet": 403,
                    "public": 200, "public call": 200, "notice": 404},
        "expert": {"calls": 403, "call": 403, "submit": 403, "reviews": 200, "sheet": 200,
                   "public": 200, "public call": 200, "notice": 404},
        "another expert": {"calls": 403, "call": 403, "submit": 403, "reviews": 200,
                           "sheet": 404, "public": 200, "public call": 200, "notice": 404},
        "organiser": {"calls": 200, "call": 200, "submit": 200, "reviews": 403,
                      "sheet": 403, "public": 200, "public call": 200, "notice": 404},
        "submitting staff": {"calls": 403, "call": 403, "submit": 200, "reviews": 403,
                             "sheet": 403, "public": 200, "public call": 200, "notice": 404},
    }
    clients = {"anonymous": Client(), "citizen": _as(citizen), "expert": _as(expert),
               "another expert": _as(other_expert), "organiser": _as(awards.office),
               "submitting staff": _as(staff)}
    found = {role: {name: clients[role].get(url).status_code for name, url in pages.items()}
             for role in expected}
    assert found == expected
    # The unit's own staff see their case; another unit's staff do not.
    assert case.title in _main(_as(staff).get("/workbench/awards/submit/").content.decode())
    assert case.title not in _main(
        _as(other_staff).get("/workbench/awards/submit/").content.decode())
    # Only the organisers act on the call.
    call.refresh_from_db()
    before = call.status
    for role in ("expert", "submitting staff", "citizen"):
        assert clients[role].post(f"/workbench/awards/{call.pk}/site-visit/").status_code == 403
    call.refresh_from_db()
    assert call.status == before


def test_an_organiser_of_another_region_finds_no_call(awards: Awards):  # noqa: F811
    call = awards.open_call()
    outsider = UserFactory(username="awards-hz", role=Role.AWARDS, department=awards.units[0])
    assert call.title not in _main(_as(outsider).get("/workbench/awards/").content.decode())
    assert call.title in _main(_as(awards.office).get("/workbench/awards/").content.decode())
    assert _as(outsider).get(f"/workbench/awards/{call.pk}/").status_code == 404
    assert _as(outsider).post(f"/workbench/awards/{call.pk}/preliminary/").status_code == 404


def test_a_refused_call_names_every_problem_and_keeps_what_was_typed(awards: Awards):  # noqa: F811
    response = _as(awards.office).post("/workbench/awards/new/", {
        "edition": "7", "year": "2019", "title": "第七届浙江省公共管理创新案例",
        "organisers": [awards.organisers[1].code], "opens_on": "2026-12-31",
        "closes_on": "2026-12-01", "experts_per_case": "2", "shortlist_size": "10",
        "weight_innovation": "50", "weight_performance": "30", "weight_replicability": "20",
        "weight_importance": "20", "quota_special": "7", "quota_top_ten": "10",
        "quota_excellence": "16", "quota_organising": "6"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "评选活动未保存" in page
    assert not AwardCall.objects.exists()
    assert 'value="第七届浙江省公共管理创新案例"' in page
    assert 'id="weight-innovation" name="weight_innovation" type="number" min="0" max="100" ' \
           'required value="50"' in page
    assert f'value="{awards.organisers[1].code}" checked' in page


def test_a_refused_case_keeps_what_the_unit_typed(awards: Awards):  # noqa: F811
    call = awards.open_call()
    staff = _as(awards.unit_staff[awards.units[0].code])
    response = staff.post("/workbench/awards/submit/case/", {
        "call": str(call.pk), "title": "", "text": "居家养老服务标准化的做法。"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写案例名称" in page
    assert "居家养老服务标准化的做法。</textarea>" in page
    assert not AwardCase.objects.exists()

    page = staff.post("/workbench/awards/submit/case/", {
        "call": str(call.pk), "title": "居家养老服务标准化", "text": "做法与成效。",
        "attachments": [_upload("材料.pdf", PDF)]}, follow=True).content.decode()
    case = AwardCase.objects.get()
    assert f"已申报案例 {case.number}“居家养老服务标准化”" in page
    attachment = case.attachments.get()
    response = staff.get(f"/workbench/awards/attachments/{attachment.pk}/")
    assert response.content == PDF
    assert response["Content-Disposition"] == (
        f'attachment; filename="attachment-{attachment.pk}.pdf"')
    other = _as(awards.unit_staff[awards.units[1].code])
    assert other.get(f"/workbench/awards/attachments/{attachment.pk}/").status_code == 404


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_publishing_refused_without_votes_changes_nothing(awards: Awards):  # noqa: F811
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.to_selection(call, {c.number: 90 - i for i, c in enumerate(cases)})
    page = _as(awards.office).post(f"/workbench/awards/{call.pk}/publish/",
                                   follow=True).content.decode()
    assert 'class="message error"' in page
    call.refresh_from_db()
    assert call.status == CallStatus.SELECTION
    assert not Notice.objects.exists()


def test_a_draft_call_s_settings_change_and_a_refusal_keeps_what_was_typed(awards: Awards):  # noqa: F811
    call = awards.call()
    office = _as(awards.office)
    page = office.get(f"/workbench/awards/{call.pk}/").content.decode()
    assert 'id="weight-innovation" name="weight_innovation" type="number" min="0" max="100" ' \
           'required value="30"' in page
    settings = {
        "title": call.title, "organisers": [d.code for d in awards.organisers],
        "opens_on": "2026-12-01", "closes_on": "2026-12-31", "experts_per_case": "4",
        "shortlist_size": "10", "weight_innovation": "40", "weight_performance": "30",
        "weight_replicability": "20", "weight_importance": "10", "quota_special": "2",
        "quota_top_ten": "3", "quota_excellence": "4", "quota_organising": "1"}
    response = office.post(f"/workbench/awards/{call.pk}/settings/",
                           {**settings, "weight_importance": "20", "experts_per_case": "2"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "评选活动未保存" in page
    assert 'name="weight_importance" type="number" min="0" max="100" required value="20"' in page
    assert 'id="call-experts" name="experts_per_case" type="number" min="3" required ' \
           'value="2"' in page
    call.refresh_from_db()
    assert call.weights["innovation"] == 30
    assert call.experts_per_case == 3

    page = office.post(f"/workbench/awards/{call.pk}/settings/", settings,
                       follow=True).content.decode()
    assert "已保存评选活动的设置" in page
    call.refresh_from_db()
    assert call.weights == {"innovation": 40, "performance": 30, "replicability": 20,
                            "importance": 10}
    assert call.quotas == {"special": 2, "top_ten": 3, "excellence": 4, "organising": 1}
    assert call.experts_per_case == 4
    office.post(f"/workbench/awards/{call.pk}/open/")
    assert 'id="settings-form"' not in office.get(f"/workbench/awards/{call.pk}/").content.decode()


def test_the_organisers_staff_and_the_experts_land_on_their_own_pages(awards: Awards):  # noqa: F811
    for username, landing in (("awards-office", "/workbench/awards/"),
                              ("expert-01", "/workbench/awards/reviews/")):
        response = Client().post("/accounts/login/", {"username": username,
                                                      "password": "correct horse battery"})
        assert response.status_code == 302
        assert response["Location"] == landing
    staff = _as(awards.unit_staff[awards.units[0].code])
    assert 'href="/workbench/awards/submit/"' in staff.get("/workbench/").content.decode()


def test_the_organisers_keep_the_expert_pool(awards: Awards):  # noqa: F811
    office = _as(awards.office)
    account = UserFactory(username="expert-new", role=Role.EXPERT, first_name="林")
    response = office.post("/workbench/awards/experts/new/", {
        "user": str(account.pk), "name": "", "affiliation": "浙江工商大学",
        "region": "", "local_official": "1", "field": "公共政策"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "专家未入库" in page
    assert "请填写姓名" in page
    assert "地方干部须填写任职的行政区划" in page
    assert 'value="浙江工商大学"' in page
    assert f'<option value="{account.pk}" selected>' in page
    assert not Expert.objects.filter(user=account).exists()

    page = office.post("/workbench/awards/experts/new/", {
        "user": str(account.pk), "name": "林教授", "affiliation": "浙江工商大学",
        "region": "", "field": "公共政策"}, follow=True).content.decode()
    assert "林教授已入专家库" in page
    expert = account.award_expert
    assert expert.region is None
    page = office.post(f"/workbench/awards/experts/{expert.pk}/active/", {"active": "0"},
                       follow=True).content.decode()
    assert "林教授已出库，不再参加新的抽取" in page
    expert.refresh_from_db()
    assert not expert.active
    for user in (awards.experts[0].user, awards.unit_staff[awards.units[0].code]):
        assert _as(user).get("/workbench/awards/experts/").status_code == 403
        assert _as(user).post(f"/workbench/awards/experts/{expert.pk}/active/",
                              {"active": "1"}).status_code == 403
    expert.refresh_from_db()
    assert not expert.active


def test_a_refused_visit_report_keeps_every_typed_value(awards: Awards):  # noqa: F811
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.score_all(call, {c.number: 90 - i for i, c in enumerate(cases)})
    from onevisit.awards import services

    services.call_transition(actor=awards.office, call=call, to=CallStatus.SITE_VISIT)
    case = call.cases.filter(shortlisted=True).order_by("number").first()
    response = _as(awards.office).post(f"/workbench/awards/{call.pk}/visit/", {
        "case": str(case.pk), "visited_on": "2026-12-05", "members": "",
        "findings": "做法扎实，成效明显。", "recommendation": "reserve"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写考察组成员" in page
    assert (f'id="visited-{case.pk}" name="visited_on" type="date" max="2026-12-08" '
            f'value="2026-12-05"') in page
    assert "做法扎实，成效明显。</textarea>" in page
    assert '<option value="reserve" selected>' in page
    assert not hasattr(AwardCase.objects.get(pk=case.pk), "visit")


def test_a_refused_vote_keeps_its_counts(awards: Awards):  # noqa: F811
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.to_selection(call, {c.number: 90 - 2 * i for i, c in enumerate(cases)})
    case = call.cases.filter(shortlisted=True).order_by("number").first()
    response = _as(awards.office).post(f"/workbench/awards/{call.pk}/vote/", {
        "tier": Tier.TOP_TEN, "case": str(case.pk), "votes_for": "12",
        "votes_against": "3", "votes_abstain": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "弃权票数须为 0 至 1000 的整数" in page
    assert 'name="votes_for" type="number" min="0" value="12"' in page
    assert f'<option value="{case.pk}" selected>' in page
    assert '<option value="top_ten" selected>' in page
    assert not PanelVote.objects.exists()


@pytest.mark.parametrize(("address", "back"), [
    ("/workbench/awards/new/", "/workbench/awards/"),
    ("/workbench/awards/experts/new/", "/workbench/awards/experts/"),
    ("/workbench/awards/submit/case/", "/workbench/awards/submit/"),
    ("/workbench/awards/{call}/visit/", "/workbench/awards/{call}/"),
    ("/workbench/awards/{call}/settings/", "/workbench/awards/{call}/"),
])
def test_a_form_s_address_read_again_leads_back_to_its_page(awards: Awards, address,  # noqa: F811
                                                            back):
    call = awards.call()
    response = _as(awards.office).get(address.format(call=call.pk))
    assert response.status_code == 302
    assert response["Location"] == back.format(call=call.pk)
    assert _as(awards.office).put(address.format(call=call.pk)).status_code == 405


def test_a_unit_reads_its_own_case_and_its_attachments(awards: Awards):  # noqa: F811
    call = awards.open_call()
    staff = _as(awards.unit_staff[awards.units[0].code])
    staff.post("/workbench/awards/submit/case/", {
        "call": str(call.pk), "title": "居家养老服务标准化", "text": "做法与成效。",
        "attachments": [_upload("材料.pdf", PDF)]})
    case = AwardCase.objects.get()
    attachment = case.attachments.get()
    listing = staff.get("/workbench/awards/submit/").content.decode()
    assert f'<a href="/workbench/awards/submit/{case.pk}/">{case.number}</a>' in listing
    page = staff.get(f"/workbench/awards/submit/{case.pk}/").content.decode()
    assert "居家养老服务标准化" in page
    assert "做法与成效。" in page
    assert f'href="/workbench/awards/attachments/{attachment.pk}/">材料.pdf</a>' in page
    other = _as(awards.unit_staff[awards.units[1].code])
    assert other.get(f"/workbench/awards/submit/{case.pk}/").status_code == 404
    assert _as(awards.experts[0].user).get(
        f"/workbench/awards/submit/{case.pk}/").status_code == 403


def test_an_expert_declares_a_conflict_on_her_own_page(awards: Awards):  # noqa: F811
    from onevisit.awards.models import DeclaredConflict

    expert = awards.experts[0]
    client = _as(expert.user)
    response = client.post("/workbench/awards/reviews/conflict/", {
        "department": "", "unit_name": "", "reason": "adviser", "note": "担任顾问"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请指明回避的案例、部门或单位" in page
    assert 'value="担任顾问"' in page
    assert not DeclaredConflict.objects.exists()
    page = client.post("/workbench/awards/reviews/conflict/", {
        "department": awards.units[0].code, "reason": "adviser", "note": "担任顾问"},
        follow=True).content.decode()
    assert "已登记回避关系" in page
    conflict = DeclaredConflict.objects.get()
    assert (conflict.expert, conflict.department) == (expert, awards.units[0])
    assert f"{awards.units[0].name} · " in page
    # Only an expert declares her own here.
    assert _as(awards.office).post("/workbench/awards/reviews/conflict/", {
        "department": awards.units[1].code, "reason": "adviser"}).status_code == 403
    assert DeclaredConflict.objects.count() == 1
