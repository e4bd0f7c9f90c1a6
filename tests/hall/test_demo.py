"""The demo hall: loads twice without change, and its kiosk works at once."""

from __future__ import annotations

import pytest
from django.test import Client

from onevisit.demo.hall import CATEGORIES, WINDOWS, demo_hall_ensure
from onevisit.hall.models import Hall, ServiceCategory, ServiceWindow
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def _counts():
    return (Hall.objects.count(), ServiceCategory.objects.count(),
            ServiceWindow.objects.count(),
            ServiceWindow.categories.through.objects.count())


def test_the_demo_hall_loads_twice_and_the_second_load_changes_nothing():
    RegionFactory()
    hall = demo_hall_ensure()
    first = _counts()

    assert demo_hall_ensure().pk == hall.pk
    assert _counts() == first
    assert first[:3] == (1, len(CATEGORIES), len(WINDOWS))
    assert 4 <= len(WINDOWS) <= 6
    assert hall.region_id == "330106"
    # Every category has a window; the kiosk offers each one.
    page = Client().get(f"/hall/{hall.code}/kiosk/").content.decode()
    for name, _capacity, _minutes in CATEGORIES.values():
        assert name in page
    assert "暂无窗口办理" not in page
