"""The rule registry of electronic supervision (电子监察): each rule's code (its alert
kind), what its threshold means, and its default. An administrator turns a rule off or
moves its threshold (Django admin, 监察规则); the evaluation reads the current setting
each time it runs, so a change applies to the next event or scan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onevisit.supervision.models import AlertKind, SupervisionRule


@dataclass(frozen=True)
class RuleSpec:
    kind: AlertKind
    threshold: Decimal  # the default
    threshold_label: Promise | str  # what the number means; "" when the rule has none
    when: Promise  # when it is evaluated


ON_EVENT = _("办件事件发生时")
ON_SCHEDULE = _("定时扫描")

RULES: dict[AlertKind, RuleSpec] = {spec.kind: spec for spec in (
    RuleSpec(AlertKind.DEADLINE_NEAR, Decimal("0.80"),
             _("已用承诺时限的比例（0.5–0.99）"), ON_SCHEDULE),
    RuleSpec(AlertKind.OVERDUE, Decimal(0), "", ON_SCHEDULE),
    RuleSpec(AlertKind.VISITS_EXCEEDED, Decimal(0), _("超过承诺后容许的跑动次数"), ON_EVENT),
    RuleSpec(AlertKind.SECOND_CORRECTION, Decimal(0), "", ON_EVENT),
    RuleSpec(AlertKind.MATERIAL_BEYOND_GUIDE, Decimal(0), "", ON_EVENT),
    RuleSpec(AlertKind.FEE_NOT_IN_GUIDE, Decimal(0), _("容许超出指南的金额（元）"), ON_EVENT),
    RuleSpec(AlertKind.PAUSE_TOO_LONG, Decimal(20), _("暂停计时的上限（工作日）"), ON_SCHEDULE),
    RuleSpec(AlertKind.DECIDED_TOO_FAST, Decimal(5), _("从开始计时到决定的合理下限（分钟）"),
             ON_EVENT),
    RuleSpec(AlertKind.CASE_IDLE, Decimal(3), _("无办理动作的工作日数"), ON_SCHEDULE),
    RuleSpec(AlertKind.DATA_READ_WITHOUT_CASE, Decimal(1),
             _("一天内无办件查阅的人数达到"), ON_SCHEDULE),
)}

# Bounds an administrator's threshold must keep (a near-due share of 1.5 means nothing).
THRESHOLD_BOUNDS: dict[AlertKind, tuple[Decimal, Decimal]] = {
    AlertKind.DEADLINE_NEAR: (Decimal("0.50"), Decimal("0.99")),
    AlertKind.VISITS_EXCEEDED: (Decimal(0), Decimal(10)),
    AlertKind.FEE_NOT_IN_GUIDE: (Decimal(0), Decimal(100000)),
    AlertKind.PAUSE_TOO_LONG: (Decimal(1), Decimal(365)),
    AlertKind.DECIDED_TOO_FAST: (Decimal(0), Decimal(10000)),
    AlertKind.CASE_IDLE: (Decimal(1), Decimal(60)),
    AlertKind.DATA_READ_WITHOUT_CASE: (Decimal(1), Decimal(1000)),
}


@dataclass(frozen=True)
class RuleSetting:
    kind: AlertKind
    enabled: bool
    threshold: Decimal


def rule_setting(kind: AlertKind) -> RuleSetting:
    """The rule as the administrator set it, else its default (on, default threshold)."""
    row = SupervisionRule.objects.filter(kind=kind).values_list("enabled", "threshold").first()
    if row is None:
        return RuleSetting(kind=kind, enabled=True, threshold=RULES[kind].threshold)
    return RuleSetting(kind=kind, enabled=row[0], threshold=row[1])


def rule_enabled(kind: AlertKind) -> bool:
    return rule_setting(kind).enabled
