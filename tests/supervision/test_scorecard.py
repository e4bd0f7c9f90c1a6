"""The supervision scorecard: alerts per 100 cases, time to close, repeat alerts, per
department and per hall window; its page (supervisors, their region) and the alert
page's evidence in words."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel
from onevisit.applications.models import Application, Case
from onevisit.audit.models import AuditEvent
from onevisit.hall.models import Hall, QueueTicket, ServiceCategory, ServiceWindow
from onevisit.metrics.scorecard import scorecard
from onevisit.supervision.models import Alert, AlertKind, SupervisionRule
from onevisit.supervision.services import alert_close, supervision_rule_set
from onevisit.workflow.services import case_fee_record
from tests.conftest import FIXED_START
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = FIXED_START.replace(hour=0)
QUERY = "since=2026-12-08&until=2026-12-08"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alerted(world, api):
    """Two licence cases decided two minutes after they started (two 办理用时异常短 for
    housing, one closed two hours later), a 二手房 application (a housing and a tax case
    running) with a fee charged on the free tax item; the first licence filed at window 3."""
    numbers = []
    for _ in range(2):
        body = api["citizen"].post("/applications", world.licence_payload()).json()
        numbers.append(body["number"])
        with clock.frozen_at(FIXED_START + dt.timedelta(minutes=2)):
            api["reviewer:xh-zjj"].decide(body["cases"][0]["id"])
    house = api["citizen"].post("/applications", world.house_payload()).json()
    tax = next(c["id"] for c in house["cases"] if c["stage_key"] == "tax")
    case_fee_record(case_id=tax, actor=world.reviewer(world.tax), amount_yuan="80",
                    basis="手续费")
    first = Alert.objects.filter(kind=AlertKind.DECIDED_TOO_FAST).order_by("id").first()
    with clock.frozen_at(first.raised_at + dt.timedelta(hours=2)):
        alert_close(alert_id=first.pk, actor=world.supervisor, reason="抽查属实，已提醒")
    hall = Hall.objects.create(code="xh", name="西湖区行政服务中心",
                               region=Region.objects.get(code="330106"))
    category = ServiceCategory.objects.create(hall=hall, name="综合受理", prefix="A")
    window = ServiceWindow.objects.create(hall=hall, number=3, name="综合受理窗口")
    ticket = QueueTicket.objects.create(hall=hall, category=category, window=window,
                                        service_day=DAY.date(), sequence=1, number="A001",
                                        status="done", issued_at=FIXED_START)
    ticket.applications.add(Application.objects.get(number=numbers[0]))
    return window


def test_the_scorecard_counts_alerts_per_department_and_window(alerted):
    card = scorecard(since=DAY, until=DAY + dt.timedelta(days=1), scope="330106")

    rows = {row.code: row for row in card.departments}
    assert set(rows) == {"xh-zjj", "xh-sw"}  # the registry had no case start, no alert
    housing, tax = rows["xh-zjj"], rows["xh-sw"]
    assert (housing.cases, housing.alerts, housing.per_100_cases) == (3, 2, 66.7)
    assert (housing.closed, housing.close_hours, housing.repeats) == (1, 2.0, 1)
    assert housing.by_kind == {"decided_too_fast": 2}
    assert (tax.cases, tax.alerts, tax.per_100_cases) == (1, 1, 100.0)
    assert (tax.closed, tax.close_hours, tax.repeats) == (0, None, 0)
    [window] = card.windows
    assert window.code == str(alerted.pk)
    assert window.name == "西湖区行政服务中心 3 综合受理窗口"
    assert (window.cases, window.alerts, window.per_100_cases, window.repeats) == (
        1, 1, 100.0, 0)


def test_another_period_or_region_sees_none_of_it(alerted):
    assert scorecard(since=DAY + dt.timedelta(days=1), until=DAY + dt.timedelta(days=2),
                     scope="330106").departments == []
    assert scorecard(since=DAY, until=DAY + dt.timedelta(days=1), scope="330108") \
        .departments == []


def test_the_scorecard_page_is_the_supervisors_of_their_region(alerted, world):
    page = _as(world.supervisor).get(f"/dashboard/scorecard/?{QUERY}")

    assert page.status_code == 200
    html = page.content.decode()
    assert "西湖区住房和城乡建设局" in html
    assert "<td>66.7</td>" in html
    assert "综合受理窗口" in html
    Region.objects.create(code="330108", name="滨江区", level=RegionLevel.COUNTY,
                          parent=Region.objects.get(code="3301"))
    elsewhere = UserFactory(username="bj-supervisor", supervisor=True,
                            region=Region.objects.get(code="330108"))
    assert "西湖区住房和城乡建设局" not in _as(elsewhere).get(
        f"/dashboard/scorecard/?{QUERY}").content.decode()
    for user in (world.citizen, world.clerk, world.reviewer(world.housing)):
        assert _as(user).get("/dashboard/scorecard/").status_code == 403


def test_the_workbook_carries_the_scorecard(alerted, world):
    response = _as(world.supervisor).get(f"/dashboard/export.xlsx?{QUERY}")

    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["监察评分·部门"].values)
    assert rows[0][:2] == ("部门", "办件数")
    assert ("西湖区住房和城乡建设局", 3, 2, 66.7, 1, 2.0, 1) in rows
    assert ("西湖区行政服务中心 3 综合受理窗口", 1, 1, 100.0, 1, 2.0, 0) in list(
        book["监察评分·窗口"].values)


def test_the_alert_page_shows_what_the_rule_saw(alerted, world):
    alert = Alert.objects.get(kind=AlertKind.FEE_NOT_IN_GUIDE)

    html = _as(world.supervisor).get(f"/dashboard/alerts/{alert.pk}/").content.decode()

    assert 'id="alert-evidence"' in html
    assert "<dt>收取金额（元）</dt><dd class=\"evidence-amount_yuan\">80.00</dd>" in html
    assert "<dt>部门说明的收费依据</dt><dd class=\"evidence-basis\">手续费</dd>" in html
    assert "收费：办事指南写明不收费的事项收取了费用" in html
    assert Case.objects.get(pk=alert.case_id).department == world.tax


def test_the_rules_page_shows_each_rule_as_set(world, api):
    supervisor = _as(world.supervisor)
    supervision_rule_set(kind="case_idle", enabled=False, threshold=Decimal(5), note="试运行",
                         actor=world.supervisor)
    html = supervisor.get("/dashboard/rules/").content.decode()

    assert "一次告知：第二次补正要求的材料在第一次补正时已经存在，本应一次告知" in html
    near = html.split('id="rule-deadline_near"')[1].split("</tr>")[0]
    assert '<strong class="rule-threshold">0.80</strong><br><small>已用承诺时限的比例（0.5–0.99）' \
        in near
    idle = html.split('id="rule-case_idle"')[1].split("</tr>")[0]
    assert "<strong>停用</strong>" in idle
    assert '<strong class="rule-threshold">5.00</strong><br><small>无办理动作的工作日数' in idle
    for user in (world.citizen, world.clerk, world.reviewer(world.housing)):
        assert _as(user).get("/dashboard/rules/").status_code == 403


def test_an_administrator_edits_a_rule_in_the_admin_site(world):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    rule = SupervisionRule.objects.get(kind="deadline_near")
    client = _as(admin)

    refused = client.post(f"/admin/supervision/supervisionrule/{rule.pk}/change/",
                          {"enabled": "on", "threshold": "1.20", "note": ""})
    assert refused.status_code == 200  # the form again, with the error
    rule.refresh_from_db()
    assert rule.threshold == Decimal("0.80")
    saved = client.post(f"/admin/supervision/supervisionrule/{rule.pk}/change/",
                        {"threshold": "0.70", "note": "试点调整"})
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert (rule.enabled, rule.threshold, rule.note) == (False, Decimal("0.70"), "试点调整")
    assert AuditEvent.objects.filter(action="supervision_rule.set",
                                     entity_id="deadline_near").count() == 1


def test_a_reviewer_records_a_fee_and_a_material_from_the_workbench(world, api):
    body = api["citizen"].post("/applications", world.licence_payload()).json()
    case_id = body["cases"][0]["id"]
    reviewer = _as(world.reviewer(world.housing))
    reviewer.post(f"/workbench/cases/{case_id}/claim/")

    reviewer.post(f"/workbench/cases/{case_id}/fee/", {"amount_yuan": "120", "basis": "审查费"})
    reviewer.post(f"/workbench/cases/{case_id}/demand/",
                  {"name": "消防设计审查意见", "reason": "补充审查"})
    refused = reviewer.post(f"/workbench/cases/{case_id}/fee/", {"amount_yuan": "x",
                                                                "basis": "审查费"},
                            follow=True)

    assert "收费记录有误" in refused.content.decode()
    page = reviewer.get(f"/workbench/cases/{case_id}/").content.decode()
    assert "120.00 元（审查费）" in page
    assert "消防设计审查意见（补充审查）" in page
    assert sorted(Alert.objects.values_list("kind", flat=True)) == [
        "fee_not_in_guide", "material_beyond_guide"]
