"""Drawn experts are told how many cases wait for them; units are told what their case won."""

from __future__ import annotations

from collections import Counter

from onevisit.awards import services
from onevisit.awards.constants import Tier
from onevisit.notifications.constants import NotifyChannel, NotifyEvent
from onevisit.notifications.models import Notification
from tests.awards.conftest import Awards


def test_the_draw_tells_each_drawn_expert_how_many_cases_wait(awards: Awards) -> None:
    call = awards.open_call()
    awards.to_preliminary(call, 8)
    services.review_draw_commit(actor=awards.office, call=call)
    assert not Notification.objects.exists()

    services.review_draw_run(actor=awards.office, call=call)

    drawn = Counter(call.cases.values_list("assignments__expert__user__username", flat=True))
    told = {n.user.username: n.context["count"] for n in Notification.objects.filter(
        event=NotifyEvent.AWARD_REVIEW, channel=NotifyChannel.SITE)}
    assert told == dict(drawn)
    assert sum(told.values()) == 8 * 3
    assert all(n.link == "/workbench/awards/reviews/" for n in Notification.objects.all())


def test_publication_tells_each_submitter_what_the_case_won(awards: Awards) -> None:
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.to_selection(call, {c.number: 90 - 2 * i for i, c in enumerate(cases)})
    shortlisted = list(call.cases.filter(shortlisted=True).order_by("preliminary_rank"))
    services.vote_record(actor=awards.office, call=call, case=shortlisted[0],
                         tier=Tier.SPECIAL, votes_for=12, votes_against=2, votes_abstain=1)
    services.vote_record(actor=awards.office, call=call, tier=Tier.ORGANISING,
                         unit_name="杭州市委办公厅", votes_for=10, votes_against=5,
                         votes_abstain=0)
    Notification.objects.all().delete()  # the draw's

    services.call_publish(actor=awards.office, call=call)

    told = {n.key: n.context["outcome"] for n in Notification.objects.filter(
        event=NotifyEvent.AWARD_RESULT, channel=NotifyChannel.SITE)}
    assert told == {f"case-{c.pk}": ("特别贡献奖" if c == shortlisted[0] else "未获奖")
                    for c in cases}
