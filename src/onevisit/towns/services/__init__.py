"""The writing services of the 特色小镇 programme (docs/towns.md)."""

from onevisit.towns.services.assessment import (
    assessments_publish,
    method_create,
    method_publish,
    report_assess,
)
from onevisit.towns.services.ledger import (
    assessment_settle,
    demonstration_designate,
    year_settle,
)
from onevisit.towns.services.reports import HeldFigures, report_held_fetch, report_submit
from onevisit.towns.services.towns import target_set, town_declare, town_transition

__all__ = [
    "HeldFigures",
    "assessment_settle",
    "assessments_publish",
    "demonstration_designate",
    "method_create",
    "method_publish",
    "report_assess",
    "report_held_fetch",
    "report_submit",
    "target_set",
    "town_declare",
    "town_transition",
    "year_settle",
]
