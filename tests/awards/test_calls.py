"""Calls: their definition refused naming every problem, and the status table."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.awards import selectors, services
from onevisit.awards.constants import ALLOWED_TRANSITIONS, CallStatus
from onevisit.awards.models import AwardCall, CallStatusChange
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from tests.awards.conftest import Awards
from tests.factories import DepartmentFactory, UserFactory


def test_bad_weights_quotas_and_window_are_refused_all_at_once(awards: Awards):
    now = clock.now()
    with pytest.raises(InvalidInput) as refused:
        awards.call(weights={"innovation": 30, "performance": 30, "replicability": 30,
                             "importance": "x", "beauty": 5},
                    quotas={"special": -1, "top_ten": 10, "excellence": 16, "organising": 6},
                    opens_at=now, closes_at=now - dt.timedelta(days=1), experts_per_case=2,
                    title="")
    assert set(refused.value.errors) == {"weights_importance", "weights_beauty",
                                         "quotas_special", "closes_at", "experts_per_case",
                                         "title"}
    assert not AwardCall.objects.exists()


def test_weights_that_do_not_sum_to_100_are_refused_naming_the_sum(awards: Awards):
    with pytest.raises(InvalidInput) as refused:
        awards.call(weights={"innovation": 30, "performance": 30, "replicability": 30,
                             "importance": 20})
    assert refused.value.errors == {"weights": "四项评审标准的权重之和须为 100，现为 110"}
    assert not AwardCall.objects.exists()


def test_a_fractional_weight_is_named_with_the_sum_it_makes(awards: Awards):
    with pytest.raises(InvalidInput) as refused:
        awards.call(weights={"innovation": 40, "performance": 30, "replicability": 20,
                             "importance": "20.5"})
    assert refused.value.errors == {
        "weights_importance": "“重要性”的权重须为 0 至 100 的整数",
        "weights": "四项评审标准的权重之和须为 100，现为 110.5"}
    assert not AwardCall.objects.exists()


def test_a_shortlist_smaller_than_the_case_quotas_is_refused(awards: Awards):
    with pytest.raises(InvalidInput) as refused:
        awards.call(shortlist_size=4)  # quotas 1 + 2 + 2 = 5 case awards
    assert set(refused.value.errors) == {"shortlist_size"}


def test_only_the_organisers_staff_create_and_move_calls(awards: Awards):
    staff = awards.unit_staff["hz-mzj"]
    with pytest.raises(NotAllowed):
        awards.call(actor=staff)
    call = awards.call()
    with pytest.raises(NotAllowed):
        services.call_transition(actor=staff, call=call, to=CallStatus.OPEN)
    with pytest.raises(NotAllowed):
        services.call_transition(actor=awards.experts[0].user, call=call, to=CallStatus.OPEN)
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_awards_staff_of_a_department_not_organising_cannot_act_on_the_call(awards: Awards):
    outsider = UserFactory(username="awards-outsider", role=Role.AWARDS,
                           department=DepartmentFactory(code="zj-other", name="浙江省某厅",
                                                        region=awards.regions["33"]))
    call = awards.call()
    with pytest.raises(NotAllowed):
        services.call_transition(actor=outsider, call=call, to=CallStatus.OPEN)
    with pytest.raises(InvalidInput) as refused:
        awards.call(actor=outsider)
    assert set(refused.value.errors) == {"organisers"}
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_a_draft_is_editable_and_an_open_call_is_frozen(awards: Awards):
    call = awards.call()
    arguments = {"title": "第四届浙江省公共管理创新案例", "organiser_codes": ["zjggzc", "jrzj"],
                 "opens_at": call.opens_at, "closes_at": call.closes_at, "shortlist_size": 8,
                 "weights": {"innovation": 25, "performance": 25, "replicability": 25,
                             "importance": 25}}
    services.call_update(actor=awards.office, call=call, **arguments)
    call.refresh_from_db()
    assert (call.shortlist_size, call.weights["innovation"]) == (8, 25)
    assert [link.department.code for link in call.organiser_links.all()] == ["zjggzc", "jrzj"]
    services.call_transition(actor=awards.office, call=call, to=CallStatus.OPEN)
    with pytest.raises(Conflict):
        services.call_update(actor=awards.office, call=call, **{**arguments,
                                                                "shortlist_size": 9})
    call.refresh_from_db()
    assert call.shortlist_size == 8


PAIRS = [(a, b) for a, b in itertools.product(CallStatus.values, repeat=2)
         if b not in ALLOWED_TRANSITIONS[a]]


@pytest.mark.parametrize(("start", "to"), PAIRS)
def test_every_transition_outside_the_table_is_refused_and_changes_nothing(
        awards: Awards, start: str, to: str):
    call = awards.call()
    AwardCall.objects.filter(pk=call.pk).update(status=start)
    with pytest.raises(Conflict):
        services.call_transition(actor=awards.office, call=call, to=to)
    call.refresh_from_db()
    assert call.status == start
    assert not CallStatusChange.objects.exists()


def test_the_table_is_a_single_line_from_draft_to_published():
    expected = {
        "draft": {"open"}, "open": {"preliminary"}, "preliminary": {"site_visit"},
        "site_visit": {"selection"}, "selection": {"published"}, "published": set()}
    assert expected == ALLOWED_TRANSITIONS


def test_each_allowed_step_checks_what_it_closes(awards: Awards):
    call = awards.open_call()
    with pytest.raises(InvalidInput) as no_cases:
        services.call_transition(actor=awards.office, call=call, to=CallStatus.PRELIMINARY)
    assert set(no_cases.value.errors) == {"call"}
    cases = awards.to_preliminary(call, 4)
    with pytest.raises(InvalidInput) as no_draw:
        services.call_transition(actor=awards.office, call=call, to=CallStatus.SITE_VISIT)
    assert set(no_draw.value.errors) == {"draw"}
    services.review_draw_commit(actor=awards.office, call=call)
    services.review_draw_run(actor=awards.office, call=call)
    with pytest.raises(InvalidInput) as unscored:
        services.call_transition(actor=awards.office, call=call, to=CallStatus.SITE_VISIT)
    assert set(unscored.value.errors) == {f"case_{c.number}" for c in cases}
    for case in cases:  # each case named in the words, not only in the key
        assert (f"案例 {case.number}“{case.title}”还差 3 份评分表"
                in unscored.value.errors[f"case_{case.number}"])
    awards.score_all(call, {c.number: 80 for c in cases})
    call = services.call_transition(actor=awards.office, call=call, to=CallStatus.SITE_VISIT)
    with pytest.raises(InvalidInput) as unvisited:
        services.call_transition(actor=awards.office, call=call, to=CallStatus.SELECTION)
    assert set(unvisited.value.errors) == {f"case_{c.number}" for c in cases}  # all tied
    for case in cases:
        assert (unvisited.value.errors[f"case_{case.number}"]
                == f"案例 {case.number}“{case.title}”缺少实地考察报告")
    for case in call.cases.all():
        services.visit_record(actor=awards.office, case=case, visited_on=clock.now().date(),
                              members="张三", findings="属实", recommendation="recommend")
    call = services.call_transition(actor=awards.office, call=call, to=CallStatus.SELECTION)
    with pytest.raises(InvalidInput) as no_panel:
        services.call_transition(actor=awards.office, call=call, to=CallStatus.PUBLISHED)
    assert set(no_panel.value.errors) == {"panel", "votes"}
    call.refresh_from_db()
    assert call.status == CallStatus.SELECTION
    assert list(CallStatusChange.objects.values_list("to_status", flat=True)) == [
        "open", "preliminary", "site_visit", "selection"]


def test_the_organisers_choose_the_lead_whose_seal_the_notice_bears(awards: Awards):
    codes = [d.code for d in awards.organisers]
    call = awards.call(organiser_codes=codes, lead_code=codes[2])
    assert [d.code for d in selectors.call_organisers(call=call)] == [codes[2], codes[0],
                                                                      codes[1]]
    with pytest.raises(InvalidInput) as refused:
        awards.call(organiser_codes=codes[:2], lead_code=codes[2])
    assert set(refused.value.errors) == {"lead"}
    assert AwardCall.objects.count() == 1
