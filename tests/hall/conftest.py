"""A hall of 西湖区 with three categories and three windows, clerks, and a clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from onevisit.accounts.models import User
from onevisit.hall.models import Hall, ServiceCategory, ServiceWindow
from tests.factories import RegionFactory, UserFactory, resident_id

TZ = ZoneInfo("Asia/Shanghai")

# A Monday, a working day.
MONDAY = dt.date(2026, 12, 7)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment in Hangzhou."""
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=TZ)


@dataclass
class HallWorld:
    hall: Hall
    general: ServiceCategory  # A 综合受理, served by windows 1 and 2
    property: ServiceCategory  # B 不动产登记, served by window 1
    business: ServiceCategory  # C 企业开办, served by window 3
    window1: ServiceWindow
    window2: ServiceWindow
    window3: ServiceWindow
    clerk: User
    clerk2: User
    citizen_id: str


@pytest.fixture
def hw(db: None) -> HallWorld:
    region = RegionFactory()
    hall = Hall.objects.create(code="xihu", name="西湖区行政服务中心", region=region,
                               address="杭州市西湖区文三路 1 号", opens_at=dt.time(9),
                               closes_at=dt.time(17), slot_minutes=30, booking_days=7)
    general = ServiceCategory.objects.create(hall=hall, name="综合受理", prefix="A", order=1,
                                             slot_capacity=2, service_minutes=10)
    prop = ServiceCategory.objects.create(hall=hall, name="不动产登记", prefix="B", order=2,
                                          slot_capacity=1, service_minutes=20)
    business = ServiceCategory.objects.create(hall=hall, name="企业开办", prefix="C", order=3,
                                              slot_capacity=0, service_minutes=15)
    window1 = ServiceWindow.objects.create(hall=hall, number=1, name="综合窗口")
    window1.categories.set([general, prop])
    window2 = ServiceWindow.objects.create(hall=hall, number=2, name="综合窗口")
    window2.categories.set([general])
    window3 = ServiceWindow.objects.create(hall=hall, number=3, name="企业开办窗口")
    window3.categories.set([business])
    return HallWorld(
        hall=hall, general=general, property=prop, business=business, window1=window1,
        window2=window2, window3=window3,
        clerk=UserFactory(username="hall-clerk", clerk=True),
        clerk2=UserFactory(username="hall-clerk-2", clerk=True),
        citizen_id=resident_id(),
    )
