"""Writes of 双随机一公开: the target register, inspectors and conflicts, plans, the
publish → draw → reveal sequence, and results with their credit consequences."""

from onevisit.inspection.services.access import plan_manageable
from onevisit.inspection.services.plans import plan_create, plan_draw, plan_publish, plan_reveal
from onevisit.inspection.services.register import (
    conflict_declare,
    conflict_end,
    conflict_record,
    inspection_item_define,
    inspector_register,
    targets_refresh,
)
from onevisit.inspection.services.results import (
    rectification_overdue_scan,
    result_recheck,
    result_record,
    results_publish,
)

__all__ = [
    "conflict_declare", "conflict_end", "conflict_record", "inspection_item_define",
    "inspector_register", "plan_create", "plan_draw", "plan_manageable", "plan_publish",
    "plan_reveal", "rectification_overdue_scan", "result_recheck", "result_record",
    "results_publish", "targets_refresh",
]
