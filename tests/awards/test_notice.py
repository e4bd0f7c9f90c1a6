"""The published result: recomputable from the recorded votes and scores, and its
sealed notice lists the tiers."""

from __future__ import annotations

import subprocess

import pytest
from django.utils import translation

from onevisit import clock
from onevisit.awards import selectors, services
from onevisit.awards.constants import CallStatus, Tier
from onevisit.awards.models import Award, AwardCall, Notice
from onevisit.certificates.verification import pdf_verify
from onevisit.errors import InvalidInput
from tests.awards.conftest import Awards


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode().replace("\n", "")


@pytest.fixture
def published(awards: Awards):
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.to_selection(call, {c.number: 90 - 2 * i for i, c in enumerate(cases)})
    shortlisted = list(call.cases.filter(shortlisted=True).order_by("preliminary_rank"))
    for case, tier in zip(shortlisted, [Tier.SPECIAL, Tier.SPECIAL, Tier.TOP_TEN,
                                        Tier.EXCELLENCE, Tier.EXCELLENCE, Tier.EXCELLENCE],
                          strict=True):
        services.vote_record(actor=awards.office, call=call, case=case, tier=tier,
                             votes_for=11, votes_against=3, votes_abstain=1)
    for unit in ("杭州市委办公厅", "温州市委政研室"):
        services.vote_record(actor=awards.office, call=call, tier=Tier.ORGANISING,
                             unit_name=unit, votes_for=10, votes_against=5, votes_abstain=0)
    notice = services.call_publish(actor=awards.office, call=call)
    return call, cases, notice


def test_the_stored_result_follows_the_quotas_and_is_recomputed(published):
    call, cases, _notice = published
    tiers = [(a.tier, a.case.number if a.case else a.unit_name)
             for a in Award.objects.order_by("pk")]
    assert tiers == [
        (Tier.SPECIAL, cases[0].number),        # one special place for two proposals
        (Tier.TOP_TEN, cases[1].number), (Tier.TOP_TEN, cases[2].number),
        (Tier.EXCELLENCE, cases[3].number), (Tier.EXCELLENCE, cases[4].number),
        (Tier.ORGANISING, "杭州市委办公厅"), (Tier.ORGANISING, "温州市委政研室"),
    ]
    assert selectors.call_result_check(call=call)
    Award.objects.filter(call=call, tier=Tier.TOP_TEN, position=2).update(
        case=cases[5], unit_name=cases[5].unit_name)
    assert not selectors.call_result_check(call=call)


def test_the_notice_is_sealed_and_lists_the_tiers(published):
    _call, cases, notice = published
    content = services.notice_pdf(notice=notice)
    signature = pdf_verify(content).signatures[-1]
    assert (signature.intact, signature.valid, signature.trusted) == (True, True, True)
    assert "《今日浙江》杂志社" in signature.signer
    assert notice.verification_code in signature.reason
    text = pdf_text(content)
    for line in (
        "关于第四届浙江省公共管理创新案例评选结果的通报",
        "申报的8个参评案例进行了专家初评、实地考察和综合评选",
        "一、第四届浙江省公共管理创新案例特别贡献奖（1个）",
        f"1. {cases[0].unit_name}：{cases[0].title}",
        "二、第四届浙江省公共管理创新案例十佳创新奖（2个）",
        "三、第四届浙江省公共管理创新案例优秀奖（2个）",
        "四、第四届浙江省公共管理创新案例评选活动组织奖（2个）",
        "杭州市委办公厅、温州市委政研室",
        "浙江大学公共政策研究院",
    ):
        assert line in text, line
    assert cases[5].title not in text
    notice.refresh_from_db()
    assert notice.pdf_sha256
    assert services.notice_pdf(notice=notice) == content  # stored once
    assert selectors.notice_by_code(code=notice.verification_code.lower()) == notice


def test_the_notice_is_written_in_chinese_whoever_first_opens_it(published):
    _call, _cases, notice = published
    with translation.override("en"):  # an English-speaking visitor downloads it first
        text = pdf_text(services.notice_pdf(notice=notice))
    assert "关于第四届浙江省公共管理创新案例评选结果的通报" in text
    assert "一、第四届浙江省公共管理创新案例特别贡献奖（1个）" in text
    assert "Special" not in text


def test_votes_only_on_shortlisted_cases_and_within_the_panel(awards: Awards):
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.to_selection(call, {c.number: 90 - 2 * i for i, c in enumerate(cases)})
    outside = call.cases.get(number=cases[7].number)
    with pytest.raises(InvalidInput) as refused:
        services.vote_record(actor=awards.office, call=call, case=outside, tier=Tier.SPECIAL,
                             votes_for=10, votes_against=5, votes_abstain=1)
    assert set(refused.value.errors) == {"case", "votes_total"}  # 16 votes, 15 members
    assert refused.value.errors["votes_total"] == "票数之和 16 超过评选委员会人数 15"
    with pytest.raises(InvalidInput) as refused:
        services.vote_record(actor=awards.office, call=call, tier=Tier.ORGANISING,
                             unit_name="", votes_for=-1, votes_against=0, votes_abstain=0)
    assert set(refused.value.errors) == {"unit_name", "votes_for"}
    with pytest.raises(InvalidInput) as refused:
        services.vote_record(actor=awards.office, call=call, tier=Tier.ORGANISING,
                             unit_name="某单位", votes_for=-1, votes_against=1001,
                             votes_abstain="x")  # type: ignore[arg-type]
    assert refused.value.errors == {"votes_for": "赞成票数须为 0 至 1000 的整数",
                                    "votes_against": "反对票数须为 0 至 1000 的整数",
                                    "votes_abstain": "弃权票数须为 0 至 1000 的整数"}
    assert not call.votes.exists()


def _selection_without_panel(awards: Awards):
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.score_all(call, {c.number: 90 - 2 * i for i, c in enumerate(cases)})
    call = services.call_transition(actor=awards.office, call=call, to=CallStatus.SITE_VISIT)
    for case in call.cases.filter(shortlisted=True):
        services.visit_record(actor=awards.office, case=case,
                              visited_on=clock.now().date(), members="张三",
                              findings="属实", recommendation="recommend")
    return services.call_transition(actor=awards.office, call=call, to=CallStatus.SELECTION)


def test_no_vote_before_the_panel_is_recorded(awards: Awards):
    call = _selection_without_panel(awards)
    case = call.cases.filter(shortlisted=True).first()
    with pytest.raises(InvalidInput) as refused:
        services.vote_record(actor=awards.office, call=call, case=case, tier=Tier.SPECIAL,
                             votes_for=50, votes_against=0, votes_abstain=0)
    assert set(refused.value.errors) == {"panel"}
    assert not call.votes.exists()


def test_the_panel_cannot_shrink_below_a_recorded_vote(awards: Awards):
    call = _selection_without_panel(awards)
    services.panel_record(actor=awards.office, call=call, panel_date=clock.now().date(),
                          panel_members="甲\n乙\n丙\n丁\n戊")
    case = call.cases.filter(shortlisted=True).first()
    services.vote_record(actor=awards.office, call=call, case=case, tier=Tier.SPECIAL,
                         votes_for=3, votes_against=1, votes_abstain=0)
    with pytest.raises(InvalidInput) as refused:
        services.panel_record(actor=awards.office, call=call, panel_date=clock.now().date(),
                              panel_members="甲\n乙\n丙")
    assert set(refused.value.errors) == {"panel_members"}
    call.refresh_from_db()
    assert call.panel_members == "甲\n乙\n丙\n丁\n戊"
    services.panel_record(actor=awards.office, call=call, panel_date=clock.now().date(),
                          panel_members="甲\n乙\n丙\n丁")  # as many as the largest vote


def test_publishing_checks_every_vote_against_the_panel(awards: Awards):
    call = _selection_without_panel(awards)
    services.panel_record(actor=awards.office, call=call, panel_date=clock.now().date(),
                          panel_members="甲\n乙\n丙\n丁\n戊")
    cases = list(call.cases.filter(shortlisted=True).order_by("number"))
    for case in cases[:2]:
        services.vote_record(actor=awards.office, call=call, case=case, tier=Tier.SPECIAL,
                             votes_for=3, votes_against=1, votes_abstain=0)
    # A record older than these rules, or written past the services.
    AwardCall.objects.filter(pk=call.pk).update(panel_members="甲\n乙\n丙")
    with pytest.raises(InvalidInput) as refused:
        services.call_publish(actor=awards.office, call=call)
    votes = list(call.votes.order_by("id"))
    assert refused.value.errors == {
        f"vote_{v.pk}": f"“{v.case.number} {v.case.title}”的表决共 4 票，超过评选委员会人数 3"
        for v in votes}
    call.refresh_from_db()
    assert call.status == CallStatus.SELECTION
    assert not Award.objects.filter(call=call).exists()
    assert not Notice.objects.filter(call=call).exists()


@pytest.mark.parametrize(("quotas", "counts"), [
    ({"special": 1, "top_ten": 2, "excellence": 2, "organising": 1},
     "（1个）（2个）（2个）（1个）"),
    ({"special": 2, "top_ten": 1, "excellence": 3, "organising": 0},
     "（2个）（1个）（3个）"),
])
def test_the_notices_tier_counts_follow_the_calls_quotas(awards: Awards, quotas, counts):
    call = awards.open_call(quotas=quotas)
    cases = awards.drawn(call, 8)
    awards.to_selection(call, {c.number: 90 - 2 * i for i, c in enumerate(cases)})
    for case in call.cases.filter(shortlisted=True):
        services.vote_record(actor=awards.office, call=call, case=case, tier=Tier.SPECIAL,
                             votes_for=11, votes_against=3, votes_abstain=1)
    for unit in ("杭州市委办公厅", "温州市委政研室"):
        services.vote_record(actor=awards.office, call=call, tier=Tier.ORGANISING,
                             unit_name=unit, votes_for=10, votes_against=5, votes_abstain=0)
    text = pdf_text(services.notice_pdf(notice=services.call_publish(actor=awards.office,
                                                                     call=call)))
    found = "".join(part[part.index("（"):part.index("）") + 1]
                    for part in text.split("、第四届")[1:])
    assert found == counts
    tiers = [a.tier for a in Award.objects.filter(call=call)]
    assert [tiers.count(t) for t in ("special", "top_ten", "excellence", "organising")] == [
        quotas[t] for t in ("special", "top_ten", "excellence", "organising")]
