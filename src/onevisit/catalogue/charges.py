"""Taxes and fees an item charges, computed from its rules and the form (税费计征).

Rates are data (`ChargeRule`): each with its legal basis and the days it is in force. For
each charge of the item (契税, 个人所得税, 不动产登记费 …) the rules in force on the day
are tried in `priority` order and the first whose conditions the form meets decides the
line: a rate times the base field, or a fixed amount; a zero line is an exemption or a
waiver and keeps its reason. A charge none of whose rules applies is an error in the
rules, never a silent zero.

A condition is `field`, `field__lt`, `__lte`, `__gt`, `__gte` (numbers) or `field__in`
(a list) against the form's value; a missing field meets no condition but `field: ""`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from onevisit.catalogue.models import ChargeRule
from onevisit.errors import InvalidInput

CENT = Decimal("0.01")
_COMPARISONS = {
    "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
}


@dataclass(frozen=True)
class Charge:
    """One line of what the applicant pays, as computed (stored on the case as a dict)."""

    rule: str
    charge: str
    kind: str
    payer_field: str
    base_field: str
    base_yuan: str  # the base the rate applied to, "" for a fixed amount
    rate: str  # e.g. "0.010000", "" for a fixed amount
    amount_yuan: str
    note: str
    legal_basis: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def charges_compute(*, item_code: str, data: Mapping[str, Any], on: dt.date) -> list[Charge]:
    """The item's taxes and fees for this form on this day, one line per charge, in the
    order the charges were first defined. An item without rules charges nothing."""
    rules = [rule for rule in ChargeRule.objects.filter(item_code=item_code)
             .order_by("priority", "code")
             if rule.valid_from <= on and (rule.valid_to is None or on <= rule.valid_to)]
    names = list(dict.fromkeys(
        ChargeRule.objects.filter(item_code=item_code).order_by("pk")
        .values_list("charge", flat=True)))
    lines = []
    for name in names:
        candidates = [rule for rule in rules if rule.charge == name]
        rule = next((r for r in candidates if conditions_met(r.conditions, data)), None)
        if rule is None:
            raise InvalidInput(
                _("无法计征%(charge)s") % {"charge": name},
                {"charges": _("%(day)s 没有适用于所填情形的%(charge)s规则，请联系税费主管部门")
                 % {"day": on.isoformat(), "charge": name}})
        lines.append(_line(rule, data))
    return lines


def conditions_met(conditions: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    return all(_condition_met(key, wanted, data) for key, wanted in conditions.items())


def _condition_met(key: str, wanted: Any, data: Mapping[str, Any]) -> bool:
    field, _sep, operator = key.partition("__")
    value = data.get(field)
    if not operator:
        return str(value if value is not None else "") == str(wanted)
    if operator == "in":
        return str(value) in {str(w) for w in wanted}
    number = _number(value)
    return number is not None and _COMPARISONS[operator](number, Decimal(str(wanted)))


def _number(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


def _line(rule: ChargeRule, data: Mapping[str, Any]) -> Charge:
    if rule.rate is not None:
        base = _number(data.get(rule.base_field))
        if base is None:
            raise InvalidInput(_("无法计征%(charge)s") % {"charge": rule.charge},
                               {rule.base_field: _("请填写计税依据")})
        amount = (base * rule.rate).quantize(CENT, rounding=ROUND_HALF_UP)
        base_text, rate_text = f"{base:.2f}", f"{rule.rate:.6f}"
    else:
        amount = Decimal(rule.amount_yuan or 0).quantize(CENT)
        base_text = rate_text = ""
    return Charge(rule=rule.code, charge=rule.charge, kind=rule.kind,
                  payer_field=rule.payer_field, base_field=rule.base_field,
                  base_yuan=base_text, rate=rate_text, amount_yuan=f"{amount:.2f}",
                  note=rule.note, legal_basis=rule.legal_basis)


def rate_percent(rate: str | Decimal | None) -> str:
    """A rate as people write it: 0.015000 → 1.5%; blank for a fixed amount."""
    if rate in (None, ""):
        return ""
    return f"{(Decimal(str(rate)) * 100).normalize():f}%"


def charges_total(lines: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(line["amount_yuan"]) for line in lines), Decimal("0.00"))


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿", "万亿")


def yuan_in_capitals(amount: Decimal) -> str:
    """An amount as written on receipts (金额大写): 12345.60 is 壹万贰仟叁佰肆拾伍元陆角整."""
    cents = int((amount.copy_abs() * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = _integer_in_capitals(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    if not yuan and not jiao and not fen:
        text = "零元整"
    return ("负" if amount < 0 else "") + text


def _integer_in_capitals(number: int) -> str:
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    text = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += "零"
        text += _group_in_capitals(group) + _GROUP_UNITS[index]
        pending_zero = False
    return text


def _group_in_capitals(group: int) -> str:
    text = ""
    zero = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit:
            if zero and text:
                text += "零"
            text += _DIGITS[digit] + _SMALL_UNITS[position]
            zero = False
        else:
            zero = True
    return text
