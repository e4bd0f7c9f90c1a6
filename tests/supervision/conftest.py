from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from onevisit import clock
from onevisit.applications.models import Case
from onevisit.supervision.models import Alert, AlertKind
from onevisit.supervision.services import alert_raise

TZ = ZoneInfo("Asia/Shanghai")
# A Wednesday: three working days later is the Monday after (the weekend not counted).
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=TZ)


@dataclass
class Raised:
    alert: Alert
    case: Case
    number: str


@pytest.fixture
def fixed_now():
    with clock.frozen_at(NOW):
        yield NOW


@pytest.fixture
def raised(world, api, fixed_now) -> Raised:
    """An accepted 二手房 application whose housing case is overdue (a red alert)."""
    body = api["citizen"].post("/applications", world.house_payload()).json()
    case = Case.objects.get(application__number=body["number"], department=world.housing)
    alert = alert_raise(kind=AlertKind.OVERDUE, application_number=body["number"],
                        case_id=case.pk, message="“存量房交易合同网签备案”已超过办理时限")
    return Raised(alert=alert, case=case, number=body["number"])
