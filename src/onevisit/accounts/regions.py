"""Regions as tenants: which part of the GB/T 2260 tree a staff account acts in.

A region's code is a prefix of every code below it (33 → 3301 → 330106 → 330106001), so
"within a region" is a prefix test, in Python and in SQL, with no tree walk. Staff act
within their region's subtree: an account's own region when it has one, else its
department's. A staff account with neither acts nowhere (it sees nothing), so a missing
set-up fails closed rather than open. Citizens are not scoped by region: they see their
own matters wherever those are handled.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from onevisit.accounts.models import Role

# A code no region has: the scope of a staff account that has none.
NOWHERE = "-"


def staff_region(user: Any) -> str:
    """The code of the region a staff account acts in; NOWHERE when it has none."""
    code = getattr(user, "region_id", None)
    if code:
        return str(code)
    department = getattr(user, "department", None) if getattr(user, "department_id", None) else None
    return str(department.region_id) if department is not None else NOWHERE


def is_staff_role(user: Any) -> bool:
    role = getattr(user, "role", None)
    return bool(role) and role != Role.CITIZEN


def scope_of(user: Any) -> str:
    """The region code a user's reads and writes are limited to: "" (every region) for
    the instance's operators (superusers) and for the system itself (no actor: the
    scheduler's jobs), else the staff account's region."""
    if user is None or getattr(user, "is_superuser", False):
        return ""
    return staff_region(user)


def covers(scope: str, code: str | None) -> bool:
    """Whether `code` lies in `scope`: the region itself or one below it ("" covers all)."""
    if not scope:
        return True
    return bool(code) and scope != NOWHERE and str(code).startswith(scope)


def within(field: str, scope: str) -> Q:
    """The rows whose region `field` (a path to a Region foreign key, e.g. "region" or
    "department__region") lies in `scope` ("" : every row)."""
    if not scope:
        return Q()
    return Q(**{f"{field}__code__startswith": scope})
