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

from django.utils.translation import gettext_lazy as _

# The identifier checks are the accounts app's; the catalogue's fields use them.
from onevisit.accounts.identifiers import FieldInvalid as FieldInvalid
from onevisit.accounts.identifiers import phone as phone
from onevisit.accounts.identifiers import resident_id as resident_id
from onevisit.accounts.identifiers import uscc as uscc
from onevisit.accounts.identifiers import value_text
from onevisit.accounts.models import Region
from onevisit.catalogue.constants import FieldType


def money(value: object) -> str:
    try:
        amount = Decimal(value_text(value))
    except InvalidOperation as exc:
        raise FieldInvalid(_("金额应为数字")) from exc
    if not amount.is_finite() or amount < 0:
        raise FieldInvalid(_("金额不能为负数"))
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise FieldInvalid(_("金额最多保留两位小数"))
    return f"{amount:.2f}"


def date(value: object) -> str:
    try:
        return dt.date.fromisoformat(value_text(value)).isoformat()
    except ValueError as exc:
        raise FieldInvalid(_("日期格式应为 YYYY-MM-DD")) from exc


_CJK_OR_DIGIT = re.compile(r"[\u4e00-\u9fff0-9]")


def address(value: object) -> str:
    text = value_text(value)
    if not 5 <= len(text) <= 255:
        raise FieldInvalid(_("地址应为5至255个字符"))
    if not _CJK_OR_DIGIT.search(text):
        raise FieldInvalid(_("地址应包含街道、门牌等信息"))
    return text


def region(value: object) -> str:
    code = value_text(value)
    if not code.isdigit() or not Region.objects.filter(code=code).exists():
        raise FieldInvalid(_("行政区划代码不存在"))
    return code


def integer(value: object) -> int:
    if isinstance(value, bool):
        raise FieldInvalid(_("应为整数"))
    try:
        return int(value_text(value))
    except ValueError as exc:
        raise FieldInvalid(_("应为整数")) from exc


def area(value: object) -> str:
    """An area in square metres (建筑面积): a positive number, at most two decimals."""
    try:
        amount = Decimal(value_text(value))
    except InvalidOperation as exc:
        raise FieldInvalid(_("面积应为数字（平方米）")) from exc
    if not amount.is_finite() or amount <= 0:
        raise FieldInvalid(_("面积应大于0"))
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise FieldInvalid(_("面积最多保留两位小数"))
    return f"{amount:.2f}"


def text(value: object) -> str:
    result = value_text(value)
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
    FieldType.AREA: area,
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
