"""Identifiers of the people and companies accounts act for: the resident ID number
(GB 11643), the unified social credit code (GB 32100) and phone numbers, checked as a
person would be told to correct them. The catalogue's field validation uses them for its fields."""

from __future__ import annotations

import phonenumbers
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.cn import uscc as cn_uscc
from stdnum.exceptions import ValidationError as StdnumError

from onevisit import clock
from onevisit.accounts.selectors import county_codes

# Resident ID numbers (GB 11643) are issued to people born since 1900; an earlier birth
# date is a typing error.
EARLIEST_BIRTH_YEAR = 1900


class FieldInvalid(ValueError):
    def __init__(self, reason: str | Promise) -> None:
        super().__init__(str(reason))
        self.reason = reason


def value_text(value: object) -> str:
    if not isinstance(value, str | int):
        raise FieldInvalid(_("应为文本"))
    return str(value).strip()


def _stdnum_knows_county(code: str) -> bool:
    """python-stdnum's place table keeps codes since abolished (older ID numbers carry
    them) but predates districts created after it (330113 临平区, 330114 钱塘区), where its
    own `get_birth_place` raises KeyError. Ask the table itself, never that function."""
    return any("county" in props for _part, props in numdb.get("cn/loc").info(code))


def resident_id(value: object) -> str:
    number = ric.compact(value_text(value)).upper()
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
        return str(cn_uscc.validate(value_text(value)))
    except StdnumError as exc:
        raise FieldInvalid(_("统一社会信用代码无效（长度、字符或校验位错误）")) from exc


def phone(value: object) -> str:
    text = value_text(value)
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise FieldInvalid(_("电话号码格式不正确")) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise FieldInvalid(_("电话号码不是有效的号码"))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
