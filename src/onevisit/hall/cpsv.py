"""The service hall as the catalogue's CPSV-AP export names it: where a guide that names no
place or opening hours of its own sends people."""

from __future__ import annotations

from onevisit.catalogue.cpsv import ServicePlace
from onevisit.hall.selectors import hall_hours, hall_of_region


def hall_place(*, region_code: str) -> ServicePlace | None:
    hall = hall_of_region(region_code=region_code)
    if hall is None:
        return None
    return ServicePlace(name=hall.name, address=hall.address, opens_at=hall.opens_at,
                        closes_at=hall.closes_at, hours=str(hall_hours(hall)))
