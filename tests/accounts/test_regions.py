"""Region codes: the national tables down to county, Zhejiang down to township."""

from __future__ import annotations

import pytest

from onevisit.accounts.models import Region
from onevisit.accounts.services import regions_load

pytestmark = pytest.mark.django_db


def test_regions_load_is_idempotent_and_reaches_townships():
    first = regions_load()
    second = regions_load()

    assert first == second == Region.objects.count()
    linping = Region.objects.get(code="330113")
    assert (linping.name, linping.parent.code, linping.parent.parent.code) == (
        "临平区", "3301", "33",
    )
    assert Region.objects.get(code="330114").name == "钱塘区"
    assert Region.objects.filter(level="township", parent_id="330106").count() >= 10
    assert Region.objects.filter(level="province").count() == 31
    assert not Region.objects.filter(level="township").exclude(code__startswith="33").exists()
