"""The demo service hall of 西湖区: five categories and six windows, for the kiosk, the
wall display and the window console. Demo mode only."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from onevisit.accounts.models import Region
from onevisit.demo.catalogue.english import HALL_CATEGORIES_EN
from onevisit.demo.catalogue.reference import DISTRICT
from onevisit.hall.models import Hall, ServiceCategory, ServiceWindow

DEMO_HALL = "xihu"

# prefix: name, places per appointment slot (0: numbers only), mean minutes of service
CATEGORIES: dict[str, tuple[str, int, int]] = {
    "A": ("综合受理", 3, 12),
    "B": ("不动产登记", 2, 20),
    "C": ("企业开办", 2, 15),
    "D": ("社保医保", 2, 8),
    "E": ("出件领取", 0, 3),
}

# number: name, the prefixes it calls
WINDOWS: dict[int, tuple[str, str]] = {
    1: ("综合受理", "AE"),
    2: ("综合受理", "A"),
    3: ("不动产登记", "BA"),
    4: ("企业开办", "C"),
    5: ("社保医保", "D"),
    6: ("出件领取", "EA"),
}


@transaction.atomic
def demo_hall_ensure(*, region_code: str = DISTRICT) -> Hall:
    """Create or update the demo hall (idempotent: a second call creates nothing new)."""
    hall, _created = Hall.objects.update_or_create(code=DEMO_HALL, defaults={
        "name": "西湖区政务服务中心", "region": Region.objects.get(code=region_code),
        "address": "杭州市西湖区（演示）", "opens_at": dt.time(9), "closes_at": dt.time(17),
        "slot_minutes": 30, "booking_days": 7, "is_active": True,
    })
    categories = {}
    for order, (prefix, (name, capacity, minutes)) in enumerate(CATEGORIES.items(), start=1):
        categories[prefix], _ = ServiceCategory.objects.update_or_create(
            hall=hall, prefix=prefix, defaults={
                "name": name, "name_en": HALL_CATEGORIES_EN.get(prefix),
                "order": order, "slot_capacity": capacity,
                "service_minutes": minutes, "is_active": True,
            })
    for number, (name, prefixes) in WINDOWS.items():
        window, _ = ServiceWindow.objects.update_or_create(
            hall=hall, number=number, defaults={"name": name, "is_active": True})
        window.categories.set([categories[p] for p in prefixes])
    return hall
