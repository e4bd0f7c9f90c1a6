"""Taxes and fees an item charges, computed from its rules and the form (税费计征).

Rates are data (`ChargeRule`): each with its legal basis and the days it is in force. For
each charge of the item (契税, 个人所得税, 不动产登记费 …) the rules in force on the day
are tried in `priority` order and the first whose conditions the form meets decides the
line: a rate times the base field, or a fixed amount; a zero line is an exemption or a
waiver and keeps its reason. A charge none of whose rules applies is an error in the
rules, never a silent zero.

A charge is levied on the days its rules span, from the earliest `valid_from` to the
latest `valid_to` (open: still levied): a day inside that span on which no rule is in
force is a gap in the rules, refused naming the charge; a charge whose rules have all
ended (or not yet begun) is simply not levied.

A condition is `field`, `field__lt`, `__lte`, `__gt`, `__gte` (numbers) or `field__in`
(a list) against the form's value; a missing field meets no condition but `field: ""`.
`rule_problems` is what an editor's rule must pass before it is saved (docs/charges.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from onevisit.catalogue.models import ChargeRule, FieldDef, ServiceItem
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
    """The item's taxes and fees for this form on this day, one line per charge levied
    that day, in the order the charges were first defined. An item without rules charges
    nothing."""
    return charges_compute_many(item_codes=[item_code], data=data, on=on)[item_code]


def charges_compute_many(*, item_codes: Collection[str], data: Mapping[str, Any], on: dt.date
                         ) -> dict[str, list[Charge]]:
    """`charges_compute` for several items of one form (a life event's stages), with one
    query."""
    rules: dict[str, list[ChargeRule]] = {code: [] for code in item_codes}
    for rule in ChargeRule.objects.filter(item_code__in=rules).order_by("priority", "code"):
        rules[rule.item_code].append(rule)
    return {code: _lines(of_item, data, on) for code, of_item in rules.items()}


def _lines(rules: list[ChargeRule], data: Mapping[str, Any], on: dt.date) -> list[Charge]:
    names = dict.fromkeys(rule.charge for rule in sorted(rules, key=lambda rule: rule.pk))
    lines = []
    for name in names:
        of_charge = [rule for rule in rules if rule.charge == name]
        if not _levied(of_charge, on):
            continue
        in_force = [rule for rule in of_charge if rule.in_force(on)]
        if not in_force:
            raise InvalidInput(
                _("无法计征%(charge)s") % {"charge": name},
                {"charges": _("%(day)s 没有施行中的%(charge)s规则（规则的有效期有断档），"
                              "请联系税费主管部门") % {"day": on.isoformat(), "charge": name}})
        rule = next((r for r in in_force if conditions_met(r.conditions, data)), None)
        if rule is None:
            raise InvalidInput(
                _("无法计征%(charge)s") % {"charge": name},
                {"charges": _("%(day)s 没有适用于所填情形的%(charge)s规则，请联系税费主管部门")
                 % {"day": on.isoformat(), "charge": name}})
        lines.append(_line(rule, data))
    return lines


def _levied(rules: list[ChargeRule], on: dt.date) -> bool:
    """Whether the charge is levied on the day: inside the span of its rules."""
    begun = min(rule.valid_from for rule in rules) <= on
    return begun and any(rule.valid_to is None or on <= rule.valid_to for rule in rules)


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


def payer_of(line: Mapping[str, Any], data: Mapping[str, Any], *, applicant_id: str,
             applicant_name: str) -> tuple[str, str]:
    """Who pays a charge line: the ID number in its payer field and the name beside it
    (`buyer_id_number` → `buyer_name`); the applicant when the line names no payer."""
    field = str(line.get("payer_field") or "")
    payer_id = str(data.get(field) or "") if field else ""
    if not payer_id:
        return applicant_id, applicant_name
    name = str(data.get(field.removesuffix("_id_number") + "_name") or "")
    return payer_id, name or (applicant_name if payer_id.upper() == applicant_id.upper() else "")


def rate_percent(rate: str | Decimal | None) -> str:
    """A rate as people write it: 0.015000 → 1.5%; blank for a fixed amount."""
    if rate in (None, ""):
        return ""
    return f"{(Decimal(str(rate)) * 100).normalize():f}%"


def charges_total(lines: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(line["amount_yuan"]) for line in lines), Decimal("0.00"))


def rule_problems(rule: ChargeRule) -> dict[str, str]:
    """What is wrong with a rule an editor wrote, by field (empty when it may be saved):
    a rate or an amount, not both; a rate applies to a base field; the validity the right
    way round; conditions that name existing fields, known operators and fitting values —
    a condition on a misspelt field would silently never match."""
    problems: dict[str, str] = {}
    if (rule.rate is None) == (rule.amount_yuan is None):
        problems["rate"] = _("税率/费率与定额应填且只填一项")
    elif rule.rate is not None and not rule.base_field:
        problems["base_field"] = _("按税率/费率计征的规则须写明计税依据字段")
    elif rule.amount_yuan is not None and rule.base_field:
        problems["base_field"] = _("定额规则不使用计税依据字段，请留空")
    for value, name in ((rule.rate, "rate"), (rule.amount_yuan, "amount_yuan")):
        if value is not None and value < 0:
            problems[name] = _("不能为负数")
    if rule.valid_from and rule.valid_to and rule.valid_to < rule.valid_from:
        problems["valid_to"] = _("废止日期不能早于施行日期")
    known = set(FieldDef.objects.values_list("key", flat=True))
    for name in ("base_field", "payer_field"):
        key = getattr(rule, name)
        if key and key not in known and name not in problems:
            problems[name] = _("没有名为“%(key)s”的数据元") % {"key": key}
    if rule.item_code and not ServiceItem.objects.filter(code=rule.item_code).exists():
        problems["item_code"] = _("没有编码为 %(code)s 的事项") % {"code": rule.item_code}
    reason = _conditions_problem(rule.conditions, known)
    if reason:
        problems["conditions"] = reason
    return problems


def _conditions_problem(conditions: object, known: set[str]) -> str:
    if not isinstance(conditions, dict):
        return _("适用条件应为 JSON 对象，如 {\"property_use\": \"住宅\"}")
    for key, wanted in conditions.items():
        field, _sep, operator = key.partition("__")
        if field not in known:
            return _("条件“%(key)s”：没有名为“%(field)s”的数据元") % {"key": key,
                                                                   "field": field}
        if operator and operator != "in" and operator not in _COMPARISONS:
            return _("条件“%(key)s”：不认识的运算“%(operator)s”，可用 __lt、__lte、__gt、"
                     "__gte、__in") % {"key": key, "operator": operator}
        if operator == "in" and not isinstance(wanted, list):
            return _("条件“%(key)s”的值应为列表") % {"key": key}
        if operator in _COMPARISONS and _number(wanted) is None:
            return _("条件“%(key)s”的值应为数字") % {"key": key}
        if not operator and isinstance(wanted, list | dict):
            return _("条件“%(key)s”的值应为一个值；多个值请用 %(field)s__in") % {
                "key": key, "field": field}
    return ""


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
