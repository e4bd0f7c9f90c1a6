"""Canonical field validators: each bad value gets a reason a person can act on."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onevisit.catalogue.validation import (
    FieldInvalid,
    address,
    area,
    date,
    field_value_clean,
    money,
    phone,
    resident_id,
    uscc,
)
from tests.factories import resident_id as make_id


def _reason(validator, value) -> str:
    with pytest.raises(FieldInvalid) as caught:
        validator(value)
    return str(caught.value)


def test_a_valid_resident_id_is_normalised():
    full = make_id(birth="19491231", seq="002")

    assert resident_id(full.lower()) == full
    assert resident_id(f" {full} ") == full


@pytest.mark.parametrize("district", ["330113", "330114"])
def test_ids_born_in_districts_created_in_2021_are_valid(district):
    number = make_id(region=district, birth="19900101", seq="123")

    assert resident_id(number) == number


def test_an_id_with_an_abolished_county_code_that_stdnum_knows_is_valid():
    # 330103 (下城区) was merged in 2021, but people born there keep their numbers.
    number = make_id(region="330103", birth="19700101", seq="031")

    assert resident_id(number) == number


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("33010619850312201", "18位"),
        ("33010619850312201A", "校验位"),
        (make_id()[:-1] + ("0" if make_id()[-1] != "0" else "1"), "校验位"),
        (make_id(birth="19850230"), "出生日期"),
        (make_id(birth="20991231"), "未来"),
        (make_id(region="990101"), "地区代码"),
    ],
)
def test_bad_resident_ids_are_refused_with_the_reason(value, reason):
    assert reason in _reason(resident_id, value)


def test_uscc():
    assert uscc("91110000600037341l") == "91110000600037341L"
    assert "统一社会信用代码" in _reason(uscc, "91110000600037341X")
    assert "统一社会信用代码" in _reason(uscc, "9111000060003734")


def test_phone_numbers_are_stored_in_e164():
    assert phone("138 1234 5678") == "+8613812345678"
    assert phone("0571-87654321") == "+8657187654321"
    assert "电话" in _reason(phone, "12345")


def test_money_and_dates():
    assert money("1850000") == "1850000.00"
    assert money("12.5") == "12.50"
    assert "负数" in _reason(money, "-1")
    assert "两位小数" in _reason(money, "1.234")
    assert "数字" in _reason(money, "一百")
    assert date("2026-11-26") == "2026-11-26"
    assert "YYYY-MM-DD" in _reason(date, "2026/11/26")


def test_an_area_is_positive_square_metres_with_two_decimals():
    assert area("89.5") == "89.50"
    assert field_value_clean(field_type="area", value="140", choices=[]) == "140.00"
    assert "大于0" in _reason(area, "0")
    assert "大于0" in _reason(area, "-12")
    assert "两位小数" in _reason(area, "89.555")
    assert "数字" in _reason(area, "九十")


def test_addresses_need_street_details():
    assert address("杭州市西湖区文三路100号") == "杭州市西湖区文三路100号"
    assert "5至255" in _reason(address, "杭州")


def test_choices_and_required():
    assert field_value_clean(field_type="choice", value="住宅", choices=["住宅", "商业"]) == "住宅"
    with pytest.raises(FieldInvalid, match="住宅、商业"):
        field_value_clean(field_type="choice", value="工业", choices=["住宅", "商业"])
    with pytest.raises(FieldInvalid, match="必填"):
        field_value_clean(field_type="text", value="  ", choices=[])


@given(st.text(max_size=30))
def test_the_id_validator_never_crashes(text):
    with contextlib.suppress(FieldInvalid):
        resident_id(text)
