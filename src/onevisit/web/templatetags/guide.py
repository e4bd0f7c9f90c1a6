"""How a guide states limits and fees to people."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from onevisit.catalogue.constants import MINUTES_PER_WORKING_DAY, LimitUnit

register = template.Library()


def _working_days(n: int | Decimal) -> str:
    shown = str(n) if isinstance(n, int) or n != n.to_integral_value() else str(int(n))
    return _("%(days)s 个工作日") % {"days": shown}


@register.filter
def committed_limit(value: int, unit: str) -> str:
    """The committed limit as promised: minutes only for a minute-committed item."""
    if unit == LimitUnit.MINUTES:
        return _("%(n)d 分钟") % {"n": value}
    return _working_days(value)


@register.filter
def statutory_limit(value: int, unit: str) -> str:
    """The statutory limit, always in working days (kept in minutes for a minute-committed
    item, at eight hours a working day)."""
    if unit == LimitUnit.MINUTES:
        return _working_days(
            (Decimal(value) / MINUTES_PER_WORKING_DAY).quantize(Decimal("0.1")))
    return _working_days(value)


@register.filter
def fee(amount: Decimal, note: str) -> str:
    """The fee stated once: the amount with its note, or the note (or 不收费) when free."""
    note = (note or "").strip()
    if not amount:
        return note or _("不收费")
    stated = _("%(amount)s 元") % {"amount": f"{amount:f}".rstrip("0").rstrip(".")}
    return f"{stated}（{note}）" if note else stated
