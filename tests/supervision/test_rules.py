"""Electronic supervision as rules: each rule fires once per subject with its evidence,
never again (even after a supervisor closed its alert), not at all when turned off, and
at the threshold the administrator set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel
from onevisit.applications.models import Case, OneTimeNotice
from onevisit.applications.services import visit_record
from onevisit.errors import InvalidInput, NotAllowed
from onevisit.exchange.models import AccessLog, FetchOutcome
from onevisit.supervision.models import Alert, AlertKind, RuleFiring, SupervisionRule
from onevisit.supervision.registry import rule_setting
from onevisit.supervision.rules import correction_second_check, rules_scan
from onevisit.supervision.selectors import alert_evidence_rows
from onevisit.supervision.services import alert_close, supervision_rule_set
from onevisit.workflow.models import CaseDemand
from onevisit.workflow.services import case_fee_record, case_material_demand, deadline_scan
from tests.conftest import FIXED_START, PDF, b64
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LICENCE_DRAWINGS = "upload:330106-ZJ-009:drawings"
CONTRACT = "upload:330106-FW-001:sales-contract"
TAX_FORM = "upload:330106-SW-001:tax-form"


def _rule(kind: AlertKind, *, enabled: bool = True, threshold: str | None = None) -> None:
    setting = rule_setting(kind)
    supervision_rule_set(kind=kind, enabled=enabled,
                         threshold=Decimal(threshold) if threshold else setting.threshold,
                         note="", actor=None)


def _close(alert: Alert, world) -> None:
    alert_close(alert_id=alert.pk, actor=world.supervisor, reason="已核实")


def _licence_case(world, api) -> Case:
    body = api["citizen"].post("/applications", world.licence_payload()).json()
    return Case.objects.select_related("application").get(pk=body["cases"][0]["id"])


def _house(world, api) -> dict:
    return api["citizen"].post("/applications", world.house_payload()).json()


def _stage(body: dict, stage: str) -> int:
    return next(c["id"] for c in body["cases"] if c["stage_key"] == stage)


# --- The registry ------------------------------------------------------------------


def test_the_migration_creates_every_rule_with_its_default():
    rules = dict(SupervisionRule.objects.values_list("kind", "threshold"))

    assert rules == {
        "deadline_near": Decimal("0.80"), "overdue": 0, "visits_exceeded": 0,
        "second_correction": 0, "material_beyond_guide": 0, "fee_not_in_guide": 0,
        "pause_too_long": 20, "decided_too_fast": 5, "case_idle": 3,
        "data_read_without_case": 1,
    }
    assert SupervisionRule.objects.filter(enabled=False).count() == 0


def test_a_threshold_out_of_bounds_is_refused_and_nothing_changes(world):
    with pytest.raises(InvalidInput) as refused:
        supervision_rule_set(kind=AlertKind.DEADLINE_NEAR, enabled=True,
                             threshold=Decimal("1.5"), note="", actor=world.supervisor)

    assert "threshold" in refused.value.errors
    assert rule_setting(AlertKind.DEADLINE_NEAR).threshold == Decimal("0.80")


# --- On case events ------------------------------------------------------------------


def test_a_second_correction_naming_what_the_first_could_have_fires_once(world, api):
    body = _house(world, api)
    first = api["reviewer:xh-zjj"].decide(_stage(body, "filing"), "corrections", {
        "entries": [{"key": CONTRACT, "problem": "缺少买受人签字"}]})
    assert first.status_code == 201
    second = api["reviewer:xh-sw"].decide(_stage(body, "tax"), "corrections", {
        "entries": [{"key": TAX_FORM, "problem": "申报表未签章"}]})
    assert second.status_code == 201

    alert = Alert.objects.get(kind=AlertKind.SECOND_CORRECTION)
    assert alert.application_number == body["number"]
    assert alert.case_id == _stage(body, "tax")
    assert alert.evidence["first_notice"] == first.json()["number"]
    assert alert.evidence["notice"] == second.json()["number"]
    assert alert.evidence["materials"] == ["契税纳税申报表"]
    assert alert.evidence["first_department"] == "西湖区住房和城乡建设局"
    # Re-evaluating the same notice, also after a supervisor closed the alert: no new one.
    notice = OneTimeNotice.objects.get(number=second.json()["number"])
    assert correction_second_check(notice=notice) is None
    _close(alert, world)
    assert correction_second_check(notice=notice) is None
    assert Alert.objects.filter(kind=AlertKind.SECOND_CORRECTION).count() == 1


def test_a_correction_of_what_was_supplied_after_the_first_does_not_fire(world, api):
    body = _house(world, api)
    api["reviewer:xh-zjj"].decide(_stage(body, "filing"), "corrections", {
        "entries": [{"key": CONTRACT, "problem": "缺少买受人签字"}]})
    api["citizen"].post(f"/applications/{body['number']}/supplements", {
        "materials": [{"key": CONTRACT, "content_base64": b64(PDF)}]})

    again = api["reviewer:xh-zjj"].decide(_stage(body, "filing"), "corrections", {
        "entries": [{"key": CONTRACT, "problem": "签字页模糊"}]})

    assert again.status_code == 201, again.json()
    assert not Alert.objects.filter(kind=AlertKind.SECOND_CORRECTION).exists()


def test_a_disabled_rule_does_not_fire(world, api):
    _rule(AlertKind.SECOND_CORRECTION, enabled=False)
    body = _house(world, api)
    api["reviewer:xh-zjj"].decide(_stage(body, "filing"), "corrections", {
        "entries": [{"key": CONTRACT, "problem": "缺少买受人签字"}]})

    second = api["reviewer:xh-sw"].decide(_stage(body, "tax"), "corrections", {
        "entries": [{"key": TAX_FORM, "problem": "申报表未签章"}]})

    assert second.status_code == 201  # the notice is issued; only the alert is not raised
    assert not Alert.objects.filter(kind=AlertKind.SECOND_CORRECTION).exists()
    assert not RuleFiring.objects.exists()


def test_a_material_beyond_the_guide_fires_a_listed_one_does_not(world, api):
    case = _licence_case(world, api)
    reviewer = world.reviewer(world.housing)

    case_material_demand(case_id=case.pk, actor=reviewer, name="施工图设计文件审查合格书",
                         reason="原件核对")
    assert not Alert.objects.filter(kind=AlertKind.MATERIAL_BEYOND_GUIDE).exists()
    case_material_demand(case_id=case.pk, actor=reviewer, name="房屋安全鉴定报告",
                         reason="部门内部要求")

    alert = Alert.objects.get(kind=AlertKind.MATERIAL_BEYOND_GUIDE)
    assert alert.case_id == case.pk
    assert alert.evidence["material"] == "房屋安全鉴定报告"
    assert alert.evidence["reason"] == "部门内部要求"
    assert alert.evidence["guide_materials"] == ["居民身份证", "施工图设计文件审查合格书"]
    assert "房屋安全鉴定报告" in alert.message


def test_a_fee_on_a_free_item_fires_within_the_tolerance_it_does_not(world, api):
    case = _licence_case(world, api)
    reviewer = world.reviewer(world.housing)
    _rule(AlertKind.FEE_NOT_IN_GUIDE, threshold="50")

    case_fee_record(case_id=case.pk, actor=reviewer, amount_yuan="50", basis="工本费")
    assert not Alert.objects.filter(kind=AlertKind.FEE_NOT_IN_GUIDE).exists()
    case_fee_record(case_id=case.pk, actor=reviewer, amount_yuan="200.50", basis="图纸审查费")

    alert = Alert.objects.get(kind=AlertKind.FEE_NOT_IN_GUIDE)
    assert alert.evidence["amount_yuan"] == "200.50"
    assert alert.evidence["guide_fee_yuan"] == "0.00"
    assert alert.evidence["basis"] == "图纸审查费"
    assert alert.evidence["rule_threshold"] == "50.00"
    assert "写明不收费" in alert.message


def test_a_bad_fee_is_refused_and_nothing_is_recorded(world, api):
    case = _licence_case(world, api)

    with pytest.raises(InvalidInput) as refused:
        case_fee_record(case_id=case.pk, actor=world.reviewer(world.housing),
                        amount_yuan="-3", basis="")

    assert set(refused.value.errors) == {"amount_yuan", "basis"}
    assert not CaseDemand.objects.exists()
    assert not Alert.objects.exists()


def test_a_decision_in_implausibly_short_time_fires_once(world, api):
    case = _licence_case(world, api)
    with clock.frozen_at(case.started_at + dt.timedelta(minutes=2)):
        assert api["reviewer:xh-zjj"].decide(case.pk).status_code == 200

    alert = Alert.objects.get(kind=AlertKind.DECIDED_TOO_FAST)
    assert alert.evidence["minutes"] == 2.0
    assert alert.evidence["decision"] == "approved"
    assert alert.evidence["decided_by"] == "测试"
    assert RuleFiring.objects.get().key == f"case:{case.pk}"


def test_a_decision_after_the_threshold_or_on_a_minutes_item_does_not_fire(world, api):
    case = _licence_case(world, api)
    with clock.frozen_at(case.started_at + dt.timedelta(minutes=6)):
        api["reviewer:xh-zjj"].decide(case.pk)
    body = _house(world, api)  # 即办件: limits in minutes
    api["reviewer:xh-zjj"].decide(_stage(body, "filing"))

    assert not Alert.objects.filter(kind=AlertKind.DECIDED_TOO_FAST).exists()


def test_visits_above_the_promise_list_each_trip_with_its_cause(world, api):
    case = _licence_case(world, api)
    number = case.application.number
    visit_record(number=number, purpose="supplement", actor=world.clerk, new_trip=True,
                 cause="required")
    visit_record(number=number, purpose="supplement", actor=world.clerk, new_trip=True,
                 cause="missing_notice", note="未告知需原件")

    alert = Alert.objects.get(kind=AlertKind.VISITS_EXCEEDED)
    assert alert.evidence["counted"] == 2
    assert alert.evidence["promised"] == 1
    assert [(v["cause"], v["note"], v["counted"]) for v in alert.evidence["visits"]] == [
        ("required", "", True), ("missing_notice", "未告知需原件", True)]
    rows = {row.key: row for row in alert_evidence_rows(alert=alert)}
    assert rows["visits"].items[1].endswith("此前未一次性告知所需材料（未告知需原件） · 计入承诺")
    # A third trip brings the open alert up to date; after closing, a fourth raises none.
    visit_record(number=number, purpose="other", actor=world.clerk, new_trip=True,
                 cause="second_trip_demanded")
    alert.refresh_from_db()
    assert alert.evidence["counted"] == 3
    _close(alert, world)
    visit_record(number=number, purpose="other", actor=world.clerk, new_trip=True,
                 cause="second_trip_demanded")
    assert Alert.objects.filter(kind=AlertKind.VISITS_EXCEEDED).count() == 1


def test_visits_within_the_tolerance_do_not_fire(world, api):
    _rule(AlertKind.VISITS_EXCEEDED, threshold="1")
    case = _licence_case(world, api)
    for cause in ("required", "missing_notice"):
        visit_record(number=case.application.number, purpose="supplement", actor=world.clerk,
                     new_trip=True, cause=cause)

    assert not Alert.objects.filter(kind=AlertKind.VISITS_EXCEEDED).exists()


# --- The deadlines, through the registry ----------------------------------------------


def test_the_near_due_share_is_the_administrators(world, api):
    case = _licence_case(world, api)
    at_sixty = case.started_at + (case.due_at - case.started_at) * 0.6
    with clock.frozen_at(at_sixty):
        assert deadline_scan()["yellow"] == 0
    _rule(AlertKind.DEADLINE_NEAR, threshold="0.5")
    with clock.frozen_at(at_sixty):
        assert deadline_scan()["yellow"] == 1
        assert deadline_scan()["yellow"] == 0

    alert = Alert.objects.get(kind=AlertKind.DEADLINE_NEAR)
    assert alert.evidence["share_used"] == 0.6
    assert alert.evidence["rule_threshold"] == "0.50"


def test_a_disabled_overdue_rule_raises_no_red(world, api):
    case = _licence_case(world, api)
    _rule(AlertKind.OVERDUE, enabled=False)
    with clock.frozen_at(case.due_at + dt.timedelta(hours=1)):
        assert deadline_scan() == {"yellow": 0, "red": 0}


# --- On the schedule -------------------------------------------------------------------


def _paused_licence(world, api) -> Case:
    case = _licence_case(world, api)
    response = api["reviewer:xh-zjj"].decide(case.pk, "corrections", {
        "entries": [{"key": LICENCE_DRAWINGS, "problem": "缺少审查意见"}]})
    assert response.status_code == 201
    case.refresh_from_db()
    return case


def test_a_clock_paused_longer_than_the_law_allows_fires_once(world, api):
    case = _paused_licence(world, api)
    # Paused on Tuesday 8 December: 20 working days end on Tuesday 5 January (New Year
    # off); on the 6th the pause has run longer.
    with clock.frozen_at(dt.datetime(2027, 1, 5, 12, tzinfo=FIXED_START.tzinfo)):
        assert rules_scan()["pause_too_long"] == 0
    with clock.frozen_at(dt.datetime(2027, 1, 6, 9, tzinfo=FIXED_START.tzinfo)):
        assert rules_scan()["pause_too_long"] == 1
        assert rules_scan()["pause_too_long"] == 0
        alert = Alert.objects.get(kind=AlertKind.PAUSE_TOO_LONG)
        _close(alert, world)
        assert rules_scan()["pause_too_long"] == 0

    assert alert.case_id == case.pk
    assert alert.evidence["working_days"] == 21
    assert alert.evidence["notice"] == OneTimeNotice.objects.get(case=case).number
    assert alert.evidence["paused_at"] == "2026-12-08 10:00"


def test_a_longer_allowed_pause_does_not_fire(world, api):
    _paused_licence(world, api)
    _rule(AlertKind.PAUSE_TOO_LONG, threshold="30")
    with clock.frozen_at(dt.datetime(2027, 1, 6, 9, tzinfo=FIXED_START.tzinfo)):
        assert rules_scan()["pause_too_long"] == 0


def test_an_idle_case_fires_once_after_n_working_days(world, api):
    case = _licence_case(world, api)
    tz = FIXED_START.tzinfo
    # Untouched since Tuesday: Wed, Thu, Fri are three working days; Monday the fourth.
    with clock.frozen_at(dt.datetime(2026, 12, 11, 16, tzinfo=tz)):
        assert rules_scan()["case_idle"] == 0
    with clock.frozen_at(dt.datetime(2026, 12, 14, 9, tzinfo=tz)):
        assert rules_scan()["case_idle"] == 1
        assert rules_scan()["case_idle"] == 0

    alert = Alert.objects.get(kind=AlertKind.CASE_IDLE)
    assert alert.case_id == case.pk
    assert alert.evidence["working_days"] == 4
    assert alert.evidence["status"] == "pending"
    assert alert.evidence["last_action_at"] == "2026-12-08 10:00"


def test_a_case_worked_on_is_not_idle(world, api):
    case = _licence_case(world, api)
    with clock.frozen_at(dt.datetime(2026, 12, 11, 9, tzinfo=FIXED_START.tzinfo)):
        api["reviewer:xh-zjj"].post(f"/cases/{case.pk}/claim")
    with clock.frozen_at(dt.datetime(2026, 12, 14, 9, tzinfo=FIXED_START.tzinfo)):
        assert rules_scan()["case_idle"] == 0


def _read(actor, *, at: dt.datetime, person: str) -> None:
    AccessLog.objects.create(
        at=at, actor=actor, application_number="", evidence_type="resident-id-card",
        source="population", subject_digest=f"digest-{person}", subject_masked="3301**",
        purpose="窗口预览", outcome=FetchOutcome.FOUND)


def test_reading_personal_data_without_a_case_fires_once_per_staff_and_day(world):
    Region.objects.create(code="330108", name="滨江区", level=RegionLevel.COUNTY,
                          parent=Region.objects.get(code="3301"))
    nosy = UserFactory(username="nosy", clerk=True, first_name="李四")
    monday = dt.datetime(2026, 12, 7, 10, tzinfo=FIXED_START.tzinfo)
    for person in ("a", "b"):
        _read(nosy, at=monday, person=person)

    # Judged once the day after has passed (a read before filing is explained by the
    # application filed within a day): on Wednesday.
    with clock.frozen_at(dt.datetime(2026, 12, 8, 20, tzinfo=FIXED_START.tzinfo)):
        assert rules_scan()["data_read_without_case"] == 0
    with clock.frozen_at(dt.datetime(2026, 12, 9, 9, tzinfo=FIXED_START.tzinfo)):
        assert rules_scan()["data_read_without_case"] == 1
        assert rules_scan()["data_read_without_case"] == 0

    alert = Alert.objects.get(kind=AlertKind.DATA_READ_WITHOUT_CASE)
    assert alert.application_number == ""
    assert alert.subject == f"staff:{nosy.pk}:20261207"
    assert alert.region_id == "330106"
    assert alert.evidence["unmatched_people"] == 2
    assert alert.evidence["day"] == "2026-12-07"
    assert "李四" in alert.message


def test_reads_below_the_threshold_do_not_fire(world):
    _rule(AlertKind.DATA_READ_WITHOUT_CASE, threshold="3")
    nosy = UserFactory(username="nosy", clerk=True)
    for person in ("a", "b"):
        _read(nosy, at=dt.datetime(2026, 12, 7, 10, tzinfo=FIXED_START.tzinfo), person=person)
    with clock.frozen_at(dt.datetime(2026, 12, 9, 9, tzinfo=FIXED_START.tzinfo)):
        assert rules_scan()["data_read_without_case"] == 0


def test_a_demand_refused_records_nothing(world, api):
    case = _licence_case(world, api)

    with pytest.raises(InvalidInput) as refused:
        case_material_demand(case_id=case.pk, actor=world.reviewer(world.housing), name=" ",
                             reason="")
    with pytest.raises(NotAllowed):
        case_fee_record(case_id=case.pk, actor=world.reviewer(world.tax), amount_yuan="10",
                        basis="代收")

    assert set(refused.value.errors) == {"name", "reason"}
    assert not CaseDemand.objects.exists()
    assert not Alert.objects.exists()
    assert not RuleFiring.objects.exists()


def test_the_api_records_fees_and_materials_and_shows_the_evidence(world, api):
    case = _licence_case(world, api)
    reviewer = api["reviewer:xh-zjj"]

    fee = reviewer.post(f"/cases/{case.pk}/fees", {"amount_yuan": "30", "basis": "工本费"})
    material = reviewer.post(f"/cases/{case.pk}/material-demands",
                             {"name": "房屋安全鉴定报告", "reason": "补充审查"})
    refused = api["reviewer:xh-sw"].post(f"/cases/{case.pk}/fees",
                                         {"amount_yuan": "30", "basis": "工本费"})

    assert fee.status_code == 201, fee.json()
    assert (fee.json()["kind"], fee.json()["amount_yuan"]) == ("fee", "30.00")
    assert material.status_code == 201
    assert refused.status_code == 403
    assert CaseDemand.objects.count() == 2
    alert = Alert.objects.get(kind=AlertKind.FEE_NOT_IN_GUIDE)
    detail = api["supervisor"].get(f"/supervision/alerts/{alert.pk}").json()
    assert detail["evidence"]["amount_yuan"] == "30.00"
    assert detail["subject"] == ""
    listed = api["supervisor"].get("/supervision/alerts?kind=material_beyond_guide").json()
    assert [a["kind"] for a in listed] == ["material_beyond_guide"]
    rules = {r["kind"]: r for r in api["supervisor"].get("/supervision/rules").json()}
    assert rules["fee_not_in_guide"]["fired"] == 1
    assert rules["pause_too_long"]["threshold"] == "20.00"
    assert rules["second_correction"]["threshold"] == ""
    assert api["clerk"].get("/supervision/rules").status_code == 403


def test_a_stage_that_started_after_the_first_notice_may_ask_its_own(world, api):
    """The tax stage's clock starts after the filing stage's notice: that notice could not
    have named the tax office's materials, so its own first correction is no defect."""
    body = _house(world, api)
    tax = Case.objects.get(pk=_stage(body, "tax"))
    api["reviewer:xh-zjj"].decide(_stage(body, "filing"), "corrections", {
        "entries": [{"key": CONTRACT, "problem": "缺少买受人签字"}]})
    Case.objects.filter(pk=tax.pk).update(started_at=clock.now() + dt.timedelta(minutes=1))

    with clock.frozen_at(clock.now() + dt.timedelta(minutes=5)):
        second = api["reviewer:xh-sw"].decide(tax.pk, "corrections", {
            "entries": [{"key": TAX_FORM, "problem": "申报表未签章"}]})

    assert second.status_code == 201
    assert not Alert.objects.filter(kind=AlertKind.SECOND_CORRECTION).exists()
