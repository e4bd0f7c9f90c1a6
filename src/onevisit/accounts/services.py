from __future__ import annotations

import csv
import hashlib
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from onevisit.accounts.models import ApiToken, Department, Region, RegionLevel, User

REGION_DATA = Path(__file__).resolve().parent / "data"


def api_token_create(*, user: User, name: str) -> str:
    """Create a token and return its key; the key is shown once and never stored."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name, key_hash=hashlib.sha256(key.encode()).hexdigest()
    )
    return key


def _rows(name: str) -> Iterable[dict[str, str]]:
    with (REGION_DATA / name).open(encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


@transaction.atomic
def regions_load() -> int:
    """Load the bundled region codes (idempotent). Returns the number of regions."""
    regions = [
        Region(code=row["code"], name=row["name"], level=RegionLevel.PROVINCE)
        for row in _rows("provinces.csv")
    ]
    for name, level, parent in (
        ("cities.csv", RegionLevel.CITY, "provinceCode"),
        ("areas.csv", RegionLevel.COUNTY, "cityCode"),
        ("streets.csv", RegionLevel.TOWNSHIP, "areaCode"),
    ):
        regions.extend(
            Region(code=row["code"], name=row["name"], level=level, parent_id=row[parent])
            for row in _rows(name)
        )
    Region.objects.bulk_create(regions, batch_size=2000, ignore_conflicts=True)
    return len(regions)


def department_ensure(*, code: str, name: str, region_code: str) -> Department:
    department, _ = Department.objects.update_or_create(
        code=code, defaults={"name": name, "region_id": region_code}
    )
    return department
