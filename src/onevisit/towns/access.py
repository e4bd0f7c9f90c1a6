"""Who may act on the programme: the joint-meeting office (the TOWNS staff of the office
department) for the whole province, a county's or city's TOWNS staff for the towns in
their region. Everyone else acts on nothing."""

from __future__ import annotations

from typing import Any

from onevisit.accounts.models import Role
from onevisit.accounts.regions import covers, scope_of
from onevisit.towns.constants import OFFICE_DEPARTMENT_CODE


def is_towns_office(user: Any) -> bool:
    """A superuser, or a TOWNS account of the joint-meeting office's department."""
    if getattr(user, "is_superuser", False):
        return True
    if getattr(user, "role", None) != Role.TOWNS or not getattr(user, "department_id", None):
        return False
    return bool(user.department.code == OFFICE_DEPARTMENT_CODE)


def is_towns_staff(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)
                or getattr(user, "role", None) == Role.TOWNS)


def towns_scope(user: Any) -> str | None:
    """The region prefix of the towns a user sees as staff: "" for the office (every
    town), her region for a county's or city's TOWNS staff, None for anyone else."""
    if is_towns_office(user):
        return ""
    if is_towns_staff(user):
        return scope_of(user)
    return None


def may_act_for(user: Any, region_code: str) -> bool:
    """Whether a user may declare and report for a town of this county."""
    scope = towns_scope(user)
    return scope is not None and covers(scope, region_code)
