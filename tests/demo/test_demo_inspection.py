"""The demo's joint inspection: drawn, its seed revealed, verifiable, results published
with a 责令整改 and a 立案; a second plan published awaiting its draw; loading twice adds
nothing."""

from __future__ import annotations

import pytest

from onevisit.demo.inspection import JOINT_PLAN, SINGLE_PLAN, demo_inspection_load
from onevisit.inspection.models import Plan, Result
from onevisit.inspection.selectors import draw_verify
from onevisit.ops.demo_setup import demo_world_load

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_joint_plan_drawn_published_and_verifiable():
    world = demo_world_load(people=200, companies=120)

    plan = demo_inspection_load(staff=world.staff)

    assert plan is not None
    plan.refresh_from_db()
    assert plan.name == JOINT_PLAN
    assert plan.status == "revealed"
    assert plan.departments.count() == 3
    assert plan.departments.exclude(platform="").count() == 1  # 翠苑街道's 综合执法 platform
    assert draw_verify(plan).identical
    published = set(Result.objects.filter(assignment__draw__plan=plan,
                                          published_at__isnull=False)
                    .values_list("outcome", flat=True))
    assert published == {"passed", "rectify", "case_opened"}
    assert Plan.objects.get(name=SINGLE_PLAN).status == "published"
    assert demo_inspection_load(staff=world.staff) is None
    assert Plan.objects.count() == 2
