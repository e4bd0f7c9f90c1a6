"""Dispatch suggestion: keyword rules for a new instance, a model learnt from history that
does better, stored for every process, and learning from the department that accepted."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator

import numpy as np
import pytest

from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.demo.tickets import hotline_departments_ensure, tickets_split
from onevisit.hotline.constants import AssignmentRole, DispatchMethod, TicketStatus
from onevisit.hotline.dispatch import (
    DispatchClassifier,
    Sample,
    TooFewSamples,
    accuracy,
    dispatch_cache_clear,
    dispatch_evaluate,
    dispatch_model_train,
    dispatch_rules_suggest,
    dispatch_samples_from_history,
    dispatch_suggest,
    dispatch_train,
    dispatch_train_from_history,
    features,
    rule_for,
)
from onevisit.hotline.dispatch import suggest as suggest_module
from onevisit.hotline.dispatch.model import CLOSING_MARK, classifier_fit, text_grams
from onevisit.hotline.dispatch.rules import simplified
from onevisit.hotline.dispatch.training import REGULARISATIONS, RULES_WEIGHTS
from onevisit.hotline.models import DispatchModel, Ticket, TicketAssignment
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test asks its own database for the model and departments (and leaves none
    cached for the next test)."""
    dispatch_cache_clear()
    yield
    dispatch_cache_clear()


@pytest.fixture
def departments(db: None) -> dict[str, Department]:
    province = Region.objects.create(code="33", name="浙江省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="3301", name="杭州市", level=RegionLevel.CITY,
                                 parent=province)
    county = Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY,
                                   parent=city)
    return {d.code: d for d in hotline_departments_ensure(region=county)}


def _samples(tickets: list) -> list[Sample]:
    return [Sample(text=t.text, department=t.department_code, region_code=t.region_code)
            for t in tickets]


@pytest.mark.parametrize(("text", "expected"), [
    ("我家楼下新开的烧烤店油烟太大了，窗户都不敢开，还占道摆摊", "xh-cgj"),
    ("来电人称在公司上班，老板已经拖欠了三个月工资，要求帮忙讨薪", "xh-rsj"),
    ("咨询去上海住院怎么办理异地就医备案，医保能报销多少", "xh-ybj"),
    ("孩子明年上小学，想问一下我们小区对应的学区和入学报名材料", "xh-jyj"),
    ("物业收了物业费什么都不管，楼道灯坏了一个月也不修", "xh-zjj"),
    ("小区门口的公交站太远了，建议增加一条公交线路", "xh-jtj"),
])
def test_the_keyword_rules_put_the_obvious_department_first(departments, text, expected):
    suggestion = dispatch_suggest(text=text)
    assert suggestion.method == DispatchMethod.RULES
    assert suggestion.model_id is None
    assert 1 <= len(suggestion.choices) <= 3
    assert suggestion.best == expected
    assert suggestion.choices[0].department_name == departments[expected].name
    confidences = [choice.confidence for choice in suggestion.choices]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 < confidence < 1 for confidence in confidences)
    stored = json.loads(json.dumps(suggestion.as_json()))
    assert stored["method"] == "rules"
    assert stored["choices"][0]["department"] == expected


def test_rules_know_a_department_by_its_name_whatever_its_code():
    assert rule_for("某某县综合行政执法局") == rule_for("杭州市西湖区城市管理局")
    assert rule_for("杭州市公安局西湖区分局交通警察大队").kind == "police"
    assert rule_for("某某县档案馆") is None


def test_a_township_office_is_known_by_its_township_s_name():
    xinjia = rule_for("嘉兴市南湖区新嘉街道办事处")
    assert (xinjia.kind, xinjia.keywords) == ("township", ("新嘉街道", "新嘉"))
    # 建设 is a common word: only the township's full name is a clue.
    assert rule_for("嘉兴市南湖区建设街道办事处").keywords == ("建设街道",)
    assert rule_for("余新镇人民政府").kind == "township"  # not 民政 (人民政府)
    assert rule_for("嘉兴市住房公积金管理中心南湖分中心").kind == "housing-fund"
    assert rule_for("国网嘉兴供电公司").kind == "power-supply"


def test_traditional_characters_are_read_as_simplified(departments):
    simplified = dispatch_suggest(text="我家樓下的燒烤店油煙太大了，還佔道擺攤")
    assert simplified.best == "xh-cgj"
    assert features("營業執照") == features("营业执照")


def test_a_model_of_the_earlier_format_is_not_read(departments):
    samples = _samples(tickets_split(train=120, test=1, seed=6).train)
    payload = dispatch_train(samples=samples, source="test").payload
    with np.load(io.BytesIO(bytes(payload)), allow_pickle=False) as arrays:
        old = {name: arrays[name] for name in arrays.files}
    old["format"] = np.array([1])
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **old)
    with pytest.raises(ValueError, match="unknown dispatch model format 1"):
        DispatchClassifier.from_bytes(buffer.getvalue())


def test_nothing_to_suggest_without_a_keyword_or_a_model(departments):
    suggestion = dispatch_suggest(text="你好")
    assert suggestion.method == DispatchMethod.RULES
    assert suggestion.choices == []
    assert suggestion.as_json() == {"method": "rules", "model_id": None, "uncertain": True,
                                    "choices": []}


def test_a_model_learnt_from_history_beats_the_rules_on_held_out_tickets(departments):
    split = tickets_split(train=1500, test=500, seed=21)
    held = _samples(split.test)
    rules = dispatch_evaluate(samples=held)
    assert rules.method == DispatchMethod.RULES

    stored = dispatch_train(samples=_samples(split.train), source="test")
    model = dispatch_evaluate(samples=held)

    assert model.method == DispatchMethod.MODEL
    assert model.model_id == stored.pk
    assert model.accuracy.count == 500
    assert model.accuracy.top1 >= 0.75
    assert model.accuracy.top3 >= 0.93
    assert model.accuracy.top1 > rules.accuracy.top1
    assert model.accuracy.top3 > rules.accuracy.top3 + 0.05
    assert stored.samples == 1500
    assert len(stored.departments) >= 14
    assert stored.metrics["holdout"]["count"] > 0
    assert stored.metrics["rules_weight"] in RULES_WEIGHTS
    assert stored.metrics["regularisation"] in REGULARISATIONS
    assert 0.0 <= stored.metrics["uncertain_below"] <= 1.0
    suggestion = dispatch_suggest(text=split.test[0].text, region_code=split.test[0].region_code)
    assert suggestion.method == DispatchMethod.MODEL
    assert suggestion.model_id == stored.pk
    assert len(suggestion.choices) == 3
    assert 0 < sum(c.confidence for c in suggestion.choices) <= 1.0 + 1e-9
    assert suggestion.as_json()["choices"][0]["name"] == departments[suggestion.best].name


def test_a_stored_model_reads_back_the_same():
    split = tickets_split(train=300, test=20, seed=5)
    tokens = [features(t.text) for t in split.train]
    classifier = classifier_fit(tokens=tokens, labels=[t.department_code for t in split.train])
    again = DispatchClassifier.from_bytes(classifier.to_bytes())
    assert again.departments == classifier.departments
    for ticket in split.test:
        one, other = classifier.top(features(ticket.text)), again.top(features(ticket.text))
        assert [code for code, _ in one] == [code for code, _ in other]
        assert [p for _, p in one] == pytest.approx([p for _, p in other], abs=1e-5)


def test_a_letter_s_closing_counts_again_as_its_own():
    made = text_grams("一二三四五六七八九十")
    assert made.grams[made.closing] == ["五六", "六七", "七八", "八九", "九十",
                                        "五六七", "六七八", "七八九", "八九十"]
    assert sorted(made.grams) == sorted(
        text[start:start + size] for text in ["一二三四五六七八九十"] for size in (1, 2, 3)
        for start in range(len(text) - size + 1))
    assert features("一二三四五六七八九十").count(CLOSING_MARK + "八九十") == 1
    assert CLOSING_MARK + "四五" not in features("一二三四五六七八九十")


def test_suggesting_looks_the_closing_up_as_training_made_it():
    split = tickets_split(train=300, test=20, seed=5)
    tokens = [features(t.text) for t in split.train]
    classifier = classifier_fit(tokens=tokens, labels=[t.department_code for t in split.train])
    for ticket in split.test:
        made = text_grams(simplified(ticket.text))
        assert classifier.probabilities(made.grams, made.closing) == pytest.approx(
            classifier.probabilities(features(ticket.text)), abs=1e-12)


def test_storing_a_model_deactivates_the_earlier_one(departments):
    samples = _samples(tickets_split(train=120, test=1, seed=6).train)
    first = dispatch_train(samples=samples, source="first")
    second = dispatch_train(samples=samples, source="second")
    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    assert DispatchModel.objects.filter(active=True).count() == 1
    assert dispatch_suggest(text=samples[0].text).model_id == second.pk


def test_another_process_s_newer_model_is_used_at_its_next_check(departments, monkeypatch):
    monkeypatch.setattr(suggest_module, "MODEL_CHECK_SECONDS", 0.0)  # check on every call
    samples = _samples(tickets_split(train=120, test=1, seed=7).train)
    first = dispatch_train(samples=samples, source="first")
    assert dispatch_suggest(text=samples[0].text).model_id == first.pk
    # Another process stores a model: this process's cache knows nothing of it.
    classifier, metrics = dispatch_model_train(samples=samples)
    DispatchModel.objects.filter(pk=first.pk).update(active=False)
    other = DispatchModel.objects.create(
        created_at=NOW, method=DispatchMethod.MODEL, samples=len(samples),
        departments=list(classifier.departments), payload=classifier.to_bytes(), metrics=metrics)
    assert dispatch_suggest(text=samples[0].text).model_id == other.pk
    DispatchModel.objects.filter(pk=other.pk).update(active=False)
    assert dispatch_suggest(text=samples[0].text).method == DispatchMethod.RULES


def test_with_a_check_interval_the_loaded_model_is_kept_meanwhile(departments, monkeypatch):
    samples = _samples(tickets_split(train=120, test=1, seed=7).train)
    first = dispatch_train(samples=samples, source="first")
    monkeypatch.setattr(suggest_module, "MODEL_CHECK_SECONDS", 60.0)
    assert dispatch_suggest(text=samples[0].text).model_id == first.pk
    DispatchModel.objects.filter(pk=first.pk).update(active=False)
    assert dispatch_suggest(text=samples[0].text).model_id == first.pk
    monkeypatch.setattr(suggest_module, "MODEL_CHECK_SECONDS", 0.0)
    assert dispatch_suggest(text=samples[0].text).method == DispatchMethod.RULES


def test_too_few_samples_store_nothing(departments):
    samples = [Sample(text="路灯坏了", department="xh-cgj")] * 5
    with pytest.raises(TooFewSamples):
        dispatch_train(samples=samples, source="test")
    assert not DispatchModel.objects.exists()
    assert dispatch_train_from_history() is None
    assert not DispatchModel.objects.exists()


def _ticket(number: str, text: str, status: str, lead: Department | None) -> Ticket:
    return Ticket.objects.create(
        number=number, type="complaint", channel="phone", status=status, title="路灯不亮",
        text=text, lead_department=lead, limit_days=5, created_at=NOW,
        jurisdiction=RegionFactory(),
    )


def _assign(ticket: Ticket, department: Department, *, accepted: bool,
            returned: bool = False) -> None:
    TicketAssignment.objects.create(
        ticket=ticket, department=department, role=AssignmentRole.LEAD, assigned_at=NOW,
        accepted_at=NOW if accepted else None, returned_at=NOW if returned else None,
        return_reason="不属于本单位职责" if returned else "", active=not returned,
    )


def test_history_teaches_the_department_that_accepted_not_the_one_that_returned(departments):
    urban, housing, police = departments["xh-cgj"], departments["xh-zjj"], departments["xh-ga"]
    corrected = _ticket("T1", "文三路路灯坏了", TicketStatus.CLOSED, urban)
    _assign(corrected, housing, accepted=True, returned=True)  # 退单 after 签收
    _assign(corrected, urban, accepted=True)
    replied = _ticket("T2", "楼上邻居半夜吵闹", TicketStatus.REPLIED, police)
    _assign(replied, police, accepted=True)
    open_ticket = _ticket("T3", "小区物业不作为", TicketStatus.ACCEPTED, housing)
    _assign(open_ticket, housing, accepted=True)
    returned = _ticket("T4", "河道垃圾没人清理", TicketStatus.RETURNED, housing)
    _assign(returned, housing, accepted=False, returned=True)
    # Closed while its lead field still names a department that returned it: no label.
    stale = _ticket("T5", "井盖缺失", TicketStatus.CLOSED, housing)
    _assign(stale, housing, accepted=True, returned=True)
    _ticket("T6", "咨询公积金", TicketStatus.CLOSED, None)  # answered on the call

    samples = dispatch_samples_from_history()

    assert sorted((s.text, s.department) for s in samples) == [
        ("路灯不亮\n文三路路灯坏了", "xh-cgj"),
        ("路灯不亮\n楼上邻居半夜吵闹", "xh-ga"),
    ]


def test_a_model_is_trained_from_history_once_there_is_enough(departments):
    tickets = tickets_split(train=60, test=1, seed=9).train
    for index, generated in enumerate(tickets):
        department = departments[generated.department_code]
        ticket = _ticket(f"H{index}", generated.text, TicketStatus.CLOSED, department)
        _assign(ticket, department, accepted=True)
    stored = dispatch_train_from_history()
    assert stored is not None
    assert stored.samples == 60
    assert stored.metrics["source"] == "history"
    assert set(stored.departments) == {t.department_code for t in tickets}


def test_history_does_not_replace_a_model_that_learnt_from_more_tickets(departments):
    from_file = dispatch_train(samples=_samples(tickets_split(train=200, test=1, seed=3).train),
                               source="export.csv")
    tickets = tickets_split(train=60, test=1, seed=9).train
    for index, generated in enumerate(tickets):
        department = departments[generated.department_code]
        ticket = _ticket(f"H{index}", generated.text, TicketStatus.CLOSED, department)
        _assign(ticket, department, accepted=True)

    assert dispatch_train_from_history() is None
    assert DispatchModel.objects.get(active=True) == from_file
    assert DispatchModel.objects.count() == 1


def test_accuracy_counts_top_one_and_top_three():
    result = accuracy([["a", "b", "c"], ["b", "a", "c"], ["c", "b", "d"], []],
                      ["a", "a", "a", "a"])
    assert (result.count, result.top1, result.top3) == (4, 0.25, 0.5)


def test_rules_alone_are_available_beside_a_model(departments):
    samples = _samples(tickets_split(train=120, test=1, seed=6).train)
    dispatch_train(samples=samples, source="test")
    suggestion = dispatch_rules_suggest(text="公司拖欠工资三个月")
    assert suggestion.method == DispatchMethod.RULES
    assert suggestion.best == "xh-rsj"
