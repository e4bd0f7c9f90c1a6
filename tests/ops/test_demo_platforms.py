"""The demo's townships host their four platforms: 12345 calls about their matters flow to
the township's own platform, and the staff of 翠苑街道's platforms have tickets to work."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.accounts.models import Department, PlatformKind
from onevisit.demo.catalogue.reference import DISTRICT
from onevisit.demo.staff import PLATFORM_TOWNSHIP
from onevisit.hotline.constants import TicketStatus
from onevisit.hotline.models import Ticket
from onevisit.hotline.selectors import department_queue
from onevisit.hotline.services import ticket_accept
from onevisit.metrics.selectors import platform_figures
from onevisit.ops.demo_hotline import PLATFORM_CALLS, demo_hotline_load
from onevisit.ops.demo_setup import demo_world_load

pytestmark = pytest.mark.django_db


def test_demo_calls_flow_to_the_townships_platforms_and_their_staff_work_them() -> None:
    world = demo_world_load(people=200, companies=20)
    demo_hotline_load(staff=world.staff)

    platforms = Department.objects.exclude(platform="")
    assert platforms.filter(region__parent_id=DISTRICT).count() == 4 * 12
    # Staff for 翠苑街道's four platforms only, a reviewer and a lead each.
    staffed = {code for code in [*world.staff.reviewers, *world.staff.leads]
               if code in set(platforms.values_list("code", flat=True))}
    assert staffed == {f"{PLATFORM_TOWNSHIP}-{kind}" for kind in PlatformKind.values}
    led = Ticket.objects.filter(lead_department__in=platforms).select_related("lead_department")
    # Every ticket a platform leads is in the platform's own township, in more than one.
    assert all(t.lead_department is not None and t.lead_department.region_id == t.region_id
               for t in led)
    assert len({t.region_id for t in led}) >= 2
    assert led.count() > len(PLATFORM_CALLS)

    enforcement = Department.objects.get(code=f"{PLATFORM_TOWNSHIP}-enforcement")
    enforcer = world.staff.reviewers[enforcement.code]
    [waiting] = [t for t in department_queue(department_id=enforcement.pk)
                 if t.status == TicketStatus.DISPATCHED]
    assert waiting.suggestion["choices"][0]["department"] == enforcement.code
    assert waiting.suggestion["choices"][0]["reason"]["platform"] == "enforcement"
    assert ticket_accept(number=waiting.number, actor=enforcer).status == TicketStatus.ACCEPTED

    today = clock.now().date()
    figures = platform_figures(since=today - dt.timedelta(days=15),
                               until=today + dt.timedelta(days=1), now=clock.now())
    cuiyuan = next(t for t in figures["townships"] if t["code"] == PLATFORM_TOWNSHIP)
    assert cuiyuan["total"]["closed"] >= 2
    assert cuiyuan["total"]["open"] >= len(PlatformKind)  # the accepted one is still its work
