"""The 四个平台 figures on the reform dashboard: per township and per platform, the tickets
waiting in each platform's queue and those overdue (live), and those closed in the period
with the share closed on time (from the rollups); in the page and in the Excel export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from onevisit import clock
from onevisit.accounts.models import Department, Role, User
from onevisit.accounts.services import grassroots_platforms_ensure
from onevisit.hotline.services import (
    ticket_accept,
    ticket_close,
    ticket_create,
    ticket_dispatch,
    ticket_reply,
)
from onevisit.metrics.selectors import platform_figures
from onevisit.metrics.services import rollups_refresh
from tests.hotline.conftest import HotlineWorld

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
SINCE, UNTIL = dt.date(2026, 11, 9), dt.date(2026, 12, 8)


def _at(day: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=TZ)


@pytest.fixture
def handled(hw: HotlineWorld) -> dict[str, Department]:
    """翠苑街道's platforms with tickets in every state, and a county bureau's closed one."""
    platforms = {d.platform: d for d in
                 grassroots_platforms_ensure(region_code=hw.cuiyuan.code, actor=None)}
    staff = {kind: User.objects.create(username=f"reviewer-{kind}", role=Role.REVIEWER,
                                       department=d) for kind, d in platforms.items()}

    def ticket(kind: str | None, filed: dt.datetime, *, closed: dt.datetime | None = None,
               text: str = "文三路夜宵摊占道经营") -> None:
        lead = platforms[kind] if kind else hw.urban
        reviewer = staff[kind] if kind else hw.urban_reviewer
        with clock.frozen_at(filed):
            number = ticket_create(data=hw.complaint(text=text), actor=hw.agent,
                                   independent=True).ticket.number
            ticket_dispatch(number=number, lead=lead.code, actor=hw.dispatcher)
        if closed is not None:
            with clock.frozen_at(closed):
                ticket_accept(number=number, actor=reviewer)
                ticket_reply(number=number, reply="已处理。", actor=reviewer)
                ticket_close(number=number, actor=hw.agent)

    ticket("enforcement", _at(7, 12))  # waiting, due next week
    ticket("enforcement", _at(20), text="学院路违章搭建彩钢棚")  # waiting, overdue
    ticket("enforcement", _at(23), closed=_at(24), text="翠苑一区广场舞噪音")  # on time
    ticket("market", _at(10), closed=_at(1, 12), text="水果店未明码标价")  # closed two weeks late
    ticket(None, _at(23), closed=_at(24), text="文三路路灯不亮")  # not a platform
    rollups_refresh(days=[SINCE + dt.timedelta(days=n) for n in range((UNTIL - SINCE).days + 1)])
    return platforms


def _row(open_: int, overdue: int, closed: int, on_time: float | None) -> dict[str, object]:
    return {"open": open_, "overdue": overdue, "closed": closed, "on_time_rate": on_time}


def test_each_township_s_platforms_show_their_queue_overdue_closed_and_on_time(
        handled: dict[str, Department]) -> None:
    figures = platform_figures(since=SINCE, until=UNTIL, now=clock.now())

    [township] = figures["townships"]
    assert (township["code"], township["name"]) == ("330106005", "翠苑街道")
    assert [(p["kind"], p["label"], p["department"], p["name"]) for p in township["platforms"]] == [
        ("governance", "综治工作", "330106005-governance", "翠苑街道综治工作平台"),
        ("market", "市场监管", "330106005-market", "翠苑街道市场监管平台"),
        ("enforcement", "综合执法", "330106005-enforcement", "翠苑街道综合执法平台"),
        ("convenience", "便民服务", "330106005-convenience", "翠苑街道便民服务平台"),
    ]
    assert [{key: p[key] for key in ("open", "overdue", "closed", "on_time_rate")}
            for p in township["platforms"]] == [
        _row(0, 0, 0, None), _row(0, 0, 1, 0.0), _row(2, 1, 1, 1.0), _row(0, 0, 0, None)]
    assert township["total"] == _row(2, 1, 2, 0.5)
    assert [(k["kind"], {key: k[key] for key in ("open", "overdue", "closed", "on_time_rate")})
            for k in figures["kinds"]] == [
        ("governance", _row(0, 0, 0, None)), ("market", _row(0, 0, 1, 0.0)),
        ("enforcement", _row(2, 1, 1, 1.0)), ("convenience", _row(0, 0, 0, None))]


def test_a_supervisor_sees_the_platforms_of_her_region_only(
        handled: dict[str, Department]) -> None:
    mine = platform_figures(since=SINCE, until=UNTIL, now=clock.now(), scope="330106")
    township = platform_figures(since=SINCE, until=UNTIL, now=clock.now(), scope="330106005")
    elsewhere = platform_figures(since=SINCE, until=UNTIL, now=clock.now(), scope="330108")

    assert mine == township == platform_figures(since=SINCE, until=UNTIL, now=clock.now())
    assert elsewhere == {"townships": [], "kinds": []}


def test_closings_outside_the_period_are_not_counted_but_the_queue_is_live(
        handled: dict[str, Department]) -> None:
    figures = platform_figures(since=dt.date(2026, 12, 2), until=UNTIL, now=clock.now())

    assert figures["townships"][0]["total"] == _row(2, 1, 0, None)


def test_without_platforms_there_is_nothing_to_show(hw: HotlineWorld) -> None:
    figures = platform_figures(since=SINCE, until=UNTIL, now=clock.now())

    assert figures == {"townships": [], "kinds": []}
    page = _as(hw.world.supervisor).get("/dashboard/").content.decode()
    assert 'id="platforms"' not in page


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_and_its_export_show_them_to_the_supervisor(
        hw: HotlineWorld, handled: dict[str, Department]) -> None:
    query = f"?since={SINCE}&until={UNTIL}"
    supervisor = _as(hw.world.supervisor)

    page = supervisor.get(f"/dashboard/{query}").content.decode()

    assert 'id="platforms"' in page
    assert ('<tr data-township="330106005" data-platform="governance">'
            '<th scope="rowgroup" rowspan="5">翠苑街道</th><td>综治工作</td><td>0</td><td>0</td>'
            '<td>0</td><td>—</td></tr>') in page
    assert ('<tr data-township="330106005" data-platform="enforcement" class="urgency-red">'
            '<td>综合执法</td><td>2</td><td>1</td><td>1</td><td>100%</td></tr>') in page
    assert ('<tr data-township="330106005" data-platform="" class="platform-total">'
            '<td>合计</td><td>2</td><td>1</td><td>2</td><td>50%</td></tr>') in page
    assert ('<tr data-platform="market"><td>市场监管</td><td>0</td><td>0</td><td>1</td>'
            '<td>0%</td></tr>') in page

    book = load_workbook(io.BytesIO(supervisor.get(f"/dashboard/export.xlsx{query}").content))
    rows = list(book["四个平台"].iter_rows(values_only=True))
    assert rows[0] == ("街道（乡镇）", "平台", "在办工单", "其中超期", "办结工单", "按时办结率")
    assert rows[1:] == [
        ("翠苑街道", "综治工作", 0, 0, 0, "—"), ("翠苑街道", "市场监管", 0, 0, 1, 0),
        ("翠苑街道", "综合执法", 2, 1, 1, 1), ("翠苑街道", "便民服务", 0, 0, 0, "—")]
    for user in (hw.world.citizen, hw.urban_reviewer, hw.dispatcher):
        assert _as(user).get(f"/dashboard/{query}").status_code == 403
