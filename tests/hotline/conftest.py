"""The 12345 world: the base world plus townships of 西湖区, an urban-management
department, and the centre's agent and dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from onevisit.accounts.models import Department, Region, RegionLevel, User
from onevisit.hotline.services import TicketInput
from tests.conftest import World
from tests.factories import UserFactory


@dataclass
class HotlineWorld:
    world: World
    cuiyuan: Region
    jiangcun: Region
    urban: Department
    agent: User
    dispatcher: User
    urban_reviewer: User

    def reviewer(self, department: Department) -> User:
        if department == self.urban:
            return self.urban_reviewer
        return self.world.reviewers[department.code]

    def complaint(self, **overrides: Any) -> TicketInput:
        values: dict[str, Any] = {
            "type": "complaint", "channel": "phone",
            "text": "翠苑街道文三路478号门口的路灯已经坏了一个多星期，晚上一片漆黑，"
                    "老人小孩走路很危险，希望尽快派人修好。",
            "caller_name": "李女士", "caller_phone": "13905710001",
            "region_code": self.cuiyuan.code, "address": "文三路478号",
        }
        values.update(overrides)
        return TicketInput(**values)


@pytest.fixture
def hw(world: World) -> HotlineWorld:
    county = Region.objects.get(code="330106")
    cuiyuan = Region.objects.create(code="330106005", name="翠苑街道",
                                    level=RegionLevel.TOWNSHIP, parent=county)
    jiangcun = Region.objects.create(code="330106011", name="蒋村街道",
                                     level=RegionLevel.TOWNSHIP, parent=county)
    urban = Department.objects.create(code="xh-cgj", name="杭州市西湖区城市管理局",
                                      region=county)
    return HotlineWorld(
        world=world, cuiyuan=cuiyuan, jiangcun=jiangcun, urban=urban,
        agent=UserFactory(username="agent", agent=True),
        dispatcher=UserFactory(username="dispatcher", dispatcher=True),
        urban_reviewer=UserFactory(username="reviewer-xh-cgj", reviewer=True,
                                   department=urban),
    )
