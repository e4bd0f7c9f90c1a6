"""The demo's 第四届 call reproduces the notice's lists through the real rounds."""

from __future__ import annotations

from onevisit.awards import selectors, services
from onevisit.awards.constants import CallStatus, Tier
from onevisit.awards.models import AwardCall, AwardCase, ReviewAssignment, ScoreSheet
from onevisit.certificates.seals import seals_ensure
from onevisit.demo.awards import ORGANISING, WINNERS, demo_awards_load
from tests.awards.test_notice import pdf_text


def test_the_demo_reproduces_the_notice_and_leaves_a_call_to_walk(db):
    seals_ensure(actor=None)
    made = demo_awards_load()
    assert made["calls_made"] == [4, 5]
    fourth = AwardCall.objects.get(edition=4)
    assert fourth.status == CallStatus.PUBLISHED
    assert fourth.cases.count() == 60
    assert selectors.draw_verify(call=fourth)
    assert selectors.call_result_check(call=fourth)
    listed = {tier: [(a.unit_name, a.case.title if a.case else "") for a in awards]
              for tier, _label, awards in selectors.awards_by_tier(call=fourth)}
    for tier in (Tier.SPECIAL, Tier.TOP_TEN, Tier.EXCELLENCE):
        assert listed[tier] == [(e.unit, e.title) for e in WINNERS if e.tier == tier]
    assert listed[Tier.ORGANISING] == [(unit, "") for unit in ORGANISING]
    assert [len(v) for v in listed.values()] == [7, 10, 16, 6]
    text = pdf_text(services.notice_pdf(notice=fourth.notice))
    assert ("为进一步总结浙江各地在基层治理领域的创新实践，推动我省基层治理能力的提升，"
            "在浙江省委办公厅、浙江省社会管理综合治理委员会办公室的指导下") in text
    assert ("评选活动得到了各省级部门和全省各市、县（市、区）党委、政府及有关部门的热烈响应"
            "和大力支持。按照创新性") in text
    # The experts read the texts blind: no text names its unit.
    for case in AwardCase.objects.all():
        assert case.unit_name not in case.text
    # No drawn expert is in conflict with the case; the local official skips 义乌's cases.
    for assignment in ReviewAssignment.objects.select_related("case", "expert"):
        assert not selectors.conflicts_between(expert=assignment.expert, case=assignment.case)
    stats = selectors.expert_stats(call=fourth)
    assert len(stats) == 14
    assert any((s.leniency or 0) > 0 for s in stats)
    assert any((s.leniency or 0) < 0 for s in stats)

    fifth = AwardCall.objects.get(edition=5)
    assert fifth.status == CallStatus.PRELIMINARY
    left = ReviewAssignment.objects.filter(draw__call=fifth, sheet__isnull=True)
    assert left.exists()
    assert {a.expert.user.username for a in left} == {"expert-01"}

    sheets = ScoreSheet.objects.count()
    assert demo_awards_load()["calls_made"] == []
    assert ScoreSheet.objects.count() == sheets
