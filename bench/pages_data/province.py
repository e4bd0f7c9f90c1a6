"""The province around 西湖区: 3 cities × 10 counties (杭州, 宁波, 温州; 西湖区 one of
杭州's ten). Each of the 29 other counties handles its applications with departments of its
own — one for each 西湖区 department the catalogue names, coded `pv-<county>-<code>` and
named after the county (杭州市西湖区民政局 → 宁波市海曙区民政局) — and a reviewer in each.

The catalogue stays one (the province's unified item list, 全省统一事项): an application
of another county names the same item and is handled by that county's department of the
item's department."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from onevisit.accounts.models import Department, Region, RegionLevel, Role, User
from onevisit.demo.catalogue.reference import DISTRICT

CITIES = ("3301", "3302", "3303")
COUNTIES_PER_CITY = 10
PREFIX = "pv-"


@dataclass(frozen=True)
class County:
    code: str
    # A 西湖区 department's id → this county's department of the same kind.
    departments: dict[int, int]
    # This county's department id → its reviewer.
    reviewers: dict[int, int]


def counties() -> list[Region]:
    """The province's 30 counties: the first ten county-level divisions of each city."""
    regions: list[Region] = []
    for city in CITIES:
        found = list(Region.objects.filter(parent_id=city, level=RegionLevel.COUNTY)
                     .select_related("parent").order_by("code")[:COUNTIES_PER_CITY])
        if len(found) < COUNTIES_PER_CITY:
            raise RuntimeError(f"city {city} has {len(found)} counties: load the regions "
                               "(`onevisit regions load`)")
        regions += found
    if DISTRICT not in {r.code for r in regions}:
        raise RuntimeError(f"{DISTRICT} is not among the province's counties")
    return regions


def others_ensure(department_ids: set[int]) -> list[County]:
    """The 29 counties other than 西湖区 with their departments — one for each of 西湖区's
    among `department_ids` — and reviewers (idempotent: what exists is kept)."""
    local = list(Department.objects.filter(pk__in=department_ids, region_id=DISTRICT)
                 .order_by("pk"))
    others = [r for r in counties() if r.code != DISTRICT]
    wanted = {_code(region, department): (region, department)
              for region in others for department in local}
    existing = set(Department.objects.filter(code__in=wanted).values_list("code", flat=True))
    Department.objects.bulk_create(
        [Department(code=code, name=_name(region, department), region=region)
         for code, (region, department) in wanted.items() if code not in existing],
        batch_size=1000)
    made = {d.code: d.pk for d in Department.objects.filter(code__in=wanted)}
    have = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    unusable = make_password(None)
    User.objects.bulk_create(
        [User(username=code, password=unusable, role=Role.REVIEWER,
              department_id=made[code], region=region,
              first_name=f"{_name(region, department)}审批员")
         for code, (region, department) in wanted.items() if code not in have],
        batch_size=1000)
    reviewers = dict(User.objects.filter(username__in=wanted)
                     .values_list("department_id", "pk"))
    return [County(code=region.code,
                   departments={d.pk: made[_code(region, d)] for d in local},
                   reviewers={made[_code(region, d)]: reviewers[made[_code(region, d)]]
                              for d in local})
            for region in others]


def _code(region: Region, department: Department) -> str:
    return f"{PREFIX}{region.code}-{department.code.removeprefix('xh-')}"


def _name(region: Region, department: Department) -> str:
    """西湖区's department's name with the county and its city in place of 西湖区 and
    杭州: 杭州市西湖区民政局 → 宁波市海曙区民政局, 杭州市生态环境局西湖分局 →
    宁波市生态环境局海曙分局."""
    city = region.parent.name if region.parent else ""
    short = region.name[:-1] if len(region.name) > 2 else region.name
    return (department.name.replace("西湖区", region.name).replace("西湖", short)
            .replace("杭州市", city).replace("杭州", city.removesuffix("市")))
