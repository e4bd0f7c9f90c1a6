"""How a guide states limits and fees to people."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onevisit.catalogue.charges import rate_percent
from onevisit.catalogue.constants import MINUTES_PER_WORKING_DAY, LimitUnit

register = template.Library()


def _working_days(n: int) -> str:
    return ngettext("%(n)d 个工作日", "%(n)d 个工作日", n) % {"n": n}


@register.filter
def committed_limit(value: int, unit: str) -> str:
    """The committed limit as promised: minutes only for a minute-committed item."""
    if unit == LimitUnit.MINUTES:
        return _("%(n)d 分钟") % {"n": value}
    return _working_days(value)


@register.filter
def statutory_limit(value: int, unit: str) -> str:
    """The statutory limit in working days. A minute-committed item keeps it in minutes at
    eight hours a working day: whole working days read as such, a shorter one in minutes."""
    if unit == LimitUnit.MINUTES:
        days, rest = divmod(value, MINUTES_PER_WORKING_DAY)
        return _working_days(days) if days and not rest else committed_limit(value, unit)
    return _working_days(value)


@register.filter
def fee(amount: Decimal, note: str) -> str:
    """The fee stated once: the amount with its note, or the note (or 不收费) when free."""
    note = (note or "").strip()
    if not amount:
        return note or _("不收费")
    stated = _("%(amount)s 元") % {"amount": f"{amount:f}".rstrip("0").rstrip(".")}
    return f"{stated}（{note}）" if note else stated


@register.filter
def percent(rate: str | Decimal | None) -> str:
    """A charge rule's rate as people write it (1.5%)."""
    return rate_percent(rate)
