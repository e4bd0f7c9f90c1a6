"""The synthetic ticket generator: varied, deterministic, and split without shared texts."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from django.utils import translation

import onevisit.accounts
from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.tickets import (
    HOTLINE_DEPARTMENTS,
    hotline_departments_ensure,
    near_duplicates,
    repeat_of,
    tickets_generate,
    tickets_split,
)
from onevisit.hotline.constants import TicketChannel, TicketType

STREETS = Path(onevisit.accounts.__file__).parent / "data" / "streets.csv"


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _similarity(one: str, other: str) -> float:
    a, b = _bigrams(one), _bigrams(other)
    return len(a & b) / len(a | b)


def test_the_same_seed_gives_the_same_tickets_and_another_seed_others():
    first = tickets_generate(count=50, seed=5)
    again = tickets_generate(count=50, seed=5)
    other = tickets_generate(count=50, seed=6)
    assert first == again
    assert [t.text for t in first] == [t.text for t in again]
    assert [t.caller_phone for t in first] == [t.caller_phone for t in again]
    assert len({t.text for t in first} & {t.text for t in other}) <= 1


def test_tickets_are_varied_across_departments_types_channels_and_townships():
    tickets = tickets_generate(count=1500, seed=1)
    with STREETS.open(encoding="utf-8") as handle:
        townships = {row["code"] for row in csv.DictReader(handle) if row["areaCode"] == "330106"}
    assert len({t.department_code for t in tickets}) >= 14
    assert {t.department_code for t in tickets} <= set(HOTLINE_DEPARTMENTS)
    assert {t.type for t in tickets} == set(TicketType.values)
    assert {t.channel for t in tickets} == set(TicketChannel.values)
    assert {t.region_code for t in tickets} <= townships
    assert len({t.region_code for t in tickets}) >= 10
    assert len({t.text for t in tickets}) >= 0.98 * len(tickets)
    lengths = sorted(len(t.text) for t in tickets)
    assert lengths[0] < 40 < 100 < lengths[-1]
    assert all(t.title and len(t.title) <= 120 for t in tickets)
    assert all(t.address.startswith("杭州市西湖区") for t in tickets if t.address)
    assert sum(1 for t in tickets if not t.caller_name) < 0.2 * len(tickets)
    # Some matters end up with another department than the usual one, as in reality.
    assert 0.03 < sum(1 for t in tickets if t.department_code != t.case.matter.department) / (
        len(tickets)) < 0.25


def test_a_ticket_s_title_fits_what_it_tells():
    tickets = tickets_generate(count=3000, seed=1)
    bricks = [t for t in tickets if "人行道砖翘起来" in t.text]
    lights = [t for t in tickets if "路灯坏了一大段" in t.text]

    assert len(bricks) >= 3
    assert {t.title.removeprefix("关于").removeprefix("再次反映：")[:5]
            for t in bricks} == {"人行道破损"}
    assert all("路灯不亮" in t.title for t in lights)


def test_held_out_tickets_share_no_text_with_the_training_tickets():
    split = tickets_split(train=1500, test=500, seed=3)
    assert len(split.train) == 1500
    assert len(split.test) == 500
    assert not {t.text for t in split.train} & {t.text for t in split.test}
    assert split.drawn == 500 + split.exact_overlap
    assert split.exact_overlap_rate < 0.02


def test_unseen_wording_tells_held_out_tickets_in_phrasings_training_never_uses():
    split = tickets_split(train=600, test=300, seed=4, unseen_wording=True)
    trained = {(t.case.matter.key, t.case.core) for t in split.train}
    held = {(t.case.matter.key, t.case.core) for t in split.test}
    assert not trained & held


def test_near_duplicates_tell_the_same_matter_in_other_words_by_other_callers():
    base = tickets_generate(count=30, seed=8)[7]
    others = near_duplicates(base, count=4, rng=random.Random(1))
    assert len(others) == 4
    texts = {base.text, *(t.text for t in others)}
    assert len(texts) == 5
    for other in others:
        assert other.case.matter == base.case.matter
        assert other.address == base.address
        assert other.region_code == base.region_code
        assert other.department_code == base.department_code
        assert other.caller_phone != base.caller_phone
        assert 0.15 < _similarity(base.text, other.text) < 0.95


def test_a_repeat_is_the_same_caller_on_the_same_matter_in_new_words():
    rng = random.Random(2)
    for base in tickets_generate(count=20, seed=9):
        again = repeat_of(base, rng)
        assert (again.caller_name, again.caller_phone) == (base.caller_name, base.caller_phone)
        assert again.address == base.address
        assert again.department_code == base.department_code
        assert again.text != base.text


@pytest.mark.django_db
def test_hotline_departments_are_created_once_and_existing_ones_kept():
    province = Region.objects.create(code="33", name="浙江省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="3301", name="杭州市", level=RegionLevel.CITY,
                                 parent=province)
    county = Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY,
                                   parent=city)
    Department.objects.create(code="xh-zjj", name="西湖区住建局", region=county)
    departments = hotline_departments_ensure(region=county)
    assert len(departments) == len(HOTLINE_DEPARTMENTS) >= 14
    assert Department.objects.get(code="xh-zjj").name == "西湖区住建局"
    assert Department.objects.get(code="xh-cgj").name == "杭州市西湖区城市管理局"
    again = hotline_departments_ensure(region=county)
    assert [d.pk for d in again] == [d.pk for d in departments]
    assert Department.objects.count() == len(HOTLINE_DEPARTMENTS)


@pytest.mark.django_db
def test_the_hotline_s_own_departments_have_english_names_also_when_they_existed():
    demo_catalogue_load()
    county = Region.objects.get(code="330106")
    Department.objects.create(code="xh-cgj", name="杭州市西湖区城市管理局", region=county)
    hotline_departments_ensure(region=county)
    with translation.override("en"):
        names = {d.code: d.name for d in Department.objects.filter(code__in=HOTLINE_DEPARTMENTS)}
    assert names["xh-cgj"] == "Xihu District Urban Management Bureau"
    assert names["xh-sthj"] == "Hangzhou Ecology and Environment Bureau, Xihu Branch"
    assert not [name for name in names.values() if not name.isascii()]
