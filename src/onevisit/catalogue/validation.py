"""Validation of canonical form fields (数据元).

Each validator returns the normalised value or raises `FieldInvalid` with a reason a
person can act on. The reasons are translatable; the caller's language is applied when
they are rendered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.cn import uscc as cn_uscc
from stdnum.exceptions import ValidationError as StdnumError

from onevisit import clock
from onevisit.accounts.models import Region
from onevisit.accounts.selectors import county_codes
from onevisit.catalogue.constants import FieldType

# Resident ID numbers (GB 11643) are issued to people born since 1900; an earlier birth
# date is a typing error.
EARLIEST_BIRTH_YEAR = 1900


class FieldInvalid(ValueError):
    def __init__(self, reason: str | Promise) -> None:
        super().__init__(str(reason))
        self.reason = reason


def _text(value: object) -> str:
    if not isinstance(value, str | int):
        raise FieldInvalid(_("应为文本"))
    return str(value).strip()


def _stdnum_knows_county(code: str) -> bool:
    """python-stdnum's place table keeps codes since abolished (older ID numbers carry
    them) but predates districts created after it (330113 临平区, 330114 钱塘区), where its
    own `get_birth_place` raises KeyError. Ask the table itself, never that function."""
    return any("county" in props for _part, props in numdb.get("cn/loc").info(code))


def resident_id(value: object) -> str:
    number = ric.compact(_text(value)).upper()
    if len(number) != 18 or not number[:17].isdigit():
        raise FieldInvalid(_("居民身份证号码应为18位，前17位为数字"))
    if ric.calc_check_digit(number) != number[-1]:
        raise FieldInvalid(_("居民身份证号码校验位不正确"))
    try:
        birth = ric.get_birth_date(number)
    except StdnumError as exc:
        raise FieldInvalid(_("居民身份证号码中的出生日期无效")) from exc
    if birth > timezone.localtime(clock.now()).date():
        raise FieldInvalid(_("居民身份证号码中的出生日期在未来"))
    if birth.year < EARLIEST_BIRTH_YEAR:
        raise FieldInvalid(_("居民身份证号码中的出生日期早于 1900 年"))
    if number[:6] not in county_codes() and not _stdnum_knows_county(number[:6]):
        raise FieldInvalid(_("居民身份证号码中的地区代码不存在"))
    return str(number)


def uscc(value: object) -> str:
    try:
        return str(cn_uscc.validate(_text(value)))
    except StdnumError as exc:
        raise FieldInvalid(_("统一社会信用代码无效（长度、字符或校验位错误）")) from exc


def phone(value: object) -> str:
    text = _text(value)
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise FieldInvalid(_("电话号码格式不正确")) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise FieldInvalid(_("电话号码不是有效的号码"))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def money(value: object) -> str:
    try:
        amount = Decimal(_text(value))
    except InvalidOperation as exc:
        raise FieldInvalid(_("金额应为数字")) from exc
    if not amount.is_finite() or amount < 0:
        raise FieldInvalid(_("金额不能为负数"))
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise FieldInvalid(_("金额最多保留两位小数"))
    return f"{amount:.2f}"


def date(value: object) -> str:
    try:
        return dt.date.fromisoformat(_text(value)).isoformat()
    except ValueError as exc:
        raise FieldInvalid(_("日期格式应为 YYYY-MM-DD")) from exc


_CJK_OR_DIGIT = re.compile(r"[\u4e00-\u9fff0-9]")


def address(value: object) -> str:
    text = _text(value)
    if not 5 <= len(text) <= 255:
        raise FieldInvalid(_("地址应为5至255个字符"))
    if not _CJK_OR_DIGIT.search(text):
        raise FieldInvalid(_("地址应包含街道、门牌等信息"))
    return text


def region(value: object) -> str:
    code = _text(value)
    if not code.isdigit() or not Region.objects.filter(code=code).exists():
        raise FieldInvalid(_("行政区划代码不存在"))
    return code


def integer(value: object) -> int:
    if isinstance(value, bool):
        raise FieldInvalid(_("应为整数"))
    try:
        return int(_text(value))
    except ValueError as exc:
        raise FieldInvalid(_("应为整数")) from exc


def text(value: object) -> str:
    result = _text(value)
    if len(result) > 500:
        raise FieldInvalid(_("最多500个字符"))
    return result


VALIDATORS: dict[str, Callable[[object], object]] = {
    FieldType.TEXT: text,
    FieldType.RESIDENT_ID: resident_id,
    FieldType.USCC: uscc,
    FieldType.PHONE: phone,
    FieldType.MONEY: money,
    FieldType.DATE: date,
    FieldType.ADDRESS: address,
    FieldType.REGION: region,
    FieldType.INTEGER: integer,
    FieldType.CHOICE: text,
}


def field_value_clean(*, field_type: str, value: object, choices: list[str]) -> object:
    """Validate one value of a field of `field_type`, restricted to `choices` if any."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FieldInvalid(_("必填"))
    cleaned = VALIDATORS[field_type](value)
    if choices and str(cleaned) not in choices:
        raise FieldInvalid(_("应为以下之一：%(choices)s") % {"choices": "、".join(choices)})
    return cleaned
