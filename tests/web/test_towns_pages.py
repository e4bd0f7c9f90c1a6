"""The 特色小镇 pages: each page tried with every role (anonymous, a citizen, the town's
county officer, another county's officer, the office); a declaration refused keeps what
was typed and names every problem; an annual report walks from its form to the
assessment and the ledger; the evidence opens for the office and the county only; the
public page and its Excel workbook carry the ledger's figures."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from onevisit.exchange.models import AccessLog
from onevisit.towns.models import (
    AnnualReport,
    Assessment,
    AssessmentMethod,
    LedgerEntry,
    ReportEvidence,
    Town,
)
from onevisit.towns.services import (
    assessment_settle,
    assessments_publish,
    report_assess,
    report_submit,
)
from tests.towns.conftest import (
    PDF,
    PNG,
    Programme,
    evidence,
    figures,
    programme,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db


def _as(user: object | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def _settled(p: Programme, year: int = 2016) -> AnnualReport:
    """The 西湖区 town's year reported, assessed (合格), published and settled."""
    report = report_submit(actor=p.xihu, code=p.town.code, year=year, figures=figures(),
                           evidence=evidence())
    report_assess(actor=p.office, code=p.town.code, year=year)
    assessments_publish(actor=p.office, year=year)
    assessment_settle(actor=p.office, code=p.town.code, year=year)
    return report


def _status(p: Programme, path: str) -> dict[str, int]:
    return {name: _as(user).get(path).status_code for name, user in (
        ("anonymous", None), ("citizen", p.citizen), ("county", p.xihu),
        ("other county", p.yuhang), ("office", p.office))}


def test_the_workbench_for_every_role(programme: Programme) -> None:  # noqa: F811
    assert _status(programme, "/workbench/towns/") == {
        "anonymous": 302, "citizen": 403, "county": 200, "other county": 200, "office": 200}
    county = _as(programme.xihu).get("/workbench/towns/").content.decode()
    assert "云栖小镇" in county
    assert 'id="declare-form"' in county
    assert "待审核的申报" not in county
    other = _as(programme.yuhang).get("/workbench/towns/").content.decode()
    assert "云栖小镇" not in other
    office = _as(programme.office).get("/workbench/towns/").content.decode()
    assert "待审核的申报" in office
    assert "现行办法：省级特色小镇创建对象年度考核办法（KH-2016）" in office


@pytest.mark.parametrize("path", ["/workbench/towns/{code}/",
                                  "/workbench/towns/{code}/reports/2016/"])
def test_a_towns_pages_for_every_role(programme: Programme, path: str) -> None:  # noqa: F811
    assert _status(programme, path.format(code=programme.town.code)) == {
        "anonymous": 302, "citizen": 403, "county": 200, "other county": 404, "office": 200}


def test_a_refused_declaration_keeps_what_was_typed(programme: Programme) -> None:  # noqa: F811
    towns = Town.objects.count()
    response = _as(programme.xihu).post("/workbench/towns/declare/", {
        "name": "西溪谷互联网金融小镇", "region_code": "330106", "industry": "information",
        "focus": "互联网金融", "planned_area_km2": "8", "scenic_goal": "3A",
        "functions": ["industry", "culture"], "start_year": "2017", "years": "3",
        "plan_1": "50000", "plan_2": "60000", "plan_3": "70000",
    })

    assert response.status_code == 400
    page = response.content.decode()
    # Every problem named, each at its field: 百镇一面 and the area far from 3 km².
    assert page.count('class="field-error"') == 2
    assert "云栖小镇" in page
    assert 'value="西溪谷互联网金融小镇"' in page
    assert 'value="互联网金融"' in page
    assert 'value="8"' in page
    assert 'value="60000"' in page
    assert '<option value="information" selected>' in page
    assert 'value="culture" checked' in page
    assert Town.objects.count() == towns


def test_a_county_declares_and_the_office_lists(programme: Programme) -> None:  # noqa: F811
    response = _as(programme.xihu).post("/workbench/towns/declare/", {
        "name": "西湖龙坞茶镇", "region_code": "330106", "industry": "tea", "focus": "龙井茶",
        "planned_area_km2": "3.2", "scenic_goal": "5A", "functions": ["industry", "tourism"],
        "start_year": "2017", "years": "3", "plan_1": "50000", "plan_2": "60000",
        "plan_3": "70000",
    }, follow=True)

    town = Town.objects.get(name="西湖龙坞茶镇")
    assert "已申报特色小镇 西湖龙坞茶镇" in response.content.decode()
    assert town.investment_plan == {"2017": "50000.00", "2018": "60000.00",
                                    "2019": "70000.00"} or town.investment_plan == {
        "2017": "50000", "2018": "60000", "2019": "70000"}
    assert _as(programme.xihu).post(f"/workbench/towns/{town.code}/review/",
                                    {"to": "creation"}).status_code == 403
    page = _as(programme.office).post(f"/workbench/towns/{town.code}/review/", {
        "to": "cultivation", "note": "产业基础尚需培育", "back": "workbench"},
        follow=True).content.decode()
    town.refresh_from_db()
    assert (town.status, town.office_note) == ("cultivation", "产业基础尚需培育")
    assert "已更新小镇状态" in page


def test_an_annual_report_from_its_form_to_the_ledger(programme: Programme) -> None:  # noqa: F811
    p = programme
    base = f"/workbench/towns/{p.town.code}/reports/2016/"
    county = _as(p.xihu)
    fetched = county.post(f"{base}fetch/", {"investment": "120000"}).content.decode()
    assert "25000" in fetched  # the tax office's figure, shown before submitting
    assert 'value="120000"' in fetched
    assert AccessLog.objects.filter(evidence_type="town_tax").count() == 1

    uploads = {f"evidence_{key}": SimpleUploadedFile(f"{key}.pdf", PDF, "application/pdf")
               for key in ("investment", "special_investment", "new_land", "visitors",
                           "construction_progress")}
    uploads["evidence_new_land"] = [SimpleUploadedFile("红线图.png", PNG, "image/png"),
                                    SimpleUploadedFile("供地批文.pdf", PDF, "application/pdf")]
    page = county.post(f"{base}submit/", {
        **figures(), "tax_revenue": "99999", **uploads}, follow=True).content.decode()
    report = AnnualReport.objects.get(town=p.town, year=2016)
    assert "已报送 2016 年度报告" in page, page
    assert report.tax_revenue == Decimal("25000.00")  # fetched, the typed one ignored
    assert ReportEvidence.objects.filter(report=report).count() == 6
    assert "红线图.png" in page

    # The evidence opens for the office and the county, for nobody else.
    land = ReportEvidence.objects.get(report=report, filename="红线图.png")
    assert _status(p, f"/workbench/towns/evidence/{land.pk}/") == {
        "anonymous": 302, "citizen": 403, "county": 200, "other county": 404, "office": 200}
    opened = _as(p.office).get(f"/workbench/towns/evidence/{land.pk}/")
    assert opened["Content-Type"] == "image/png"
    assert opened.content == PNG

    office = _as(p.office)
    assert county.post(f"{base}assess/").status_code == 403
    assert "已完成考核评分" in office.post(f"{base}assess/", {"note": "完成目标"},
                                          follow=True).content.decode()
    assessment = Assessment.objects.get(town=p.town, year=2016)
    assert assessment.result == "passed"
    assert "已公布 2016 年度考核结果" in office.post(f"{base}publish/",
                                                   follow=True).content.decode()
    page = office.post(f"{base}settle/", follow=True).content.decode()
    assert "已结算，奖惩记入台账" in page
    reward = LedgerEntry.objects.get(town=p.town, kind="land_reward")
    assert reward.land_mu == Decimal("120.50")
    assert reward.legal_basis in page

    ledger = office.get("/workbench/towns/ledger/").content.decode()
    assert "1 个小镇考核合格，兑现用地 120.50 亩" in ledger
    assert reward.legal_basis in ledger


def test_a_refused_report_names_every_problem(programme: Programme) -> None:  # noqa: F811
    p = programme
    response = _as(p.xihu).post(f"/workbench/towns/{p.town.code}/reports/2016/submit/",
                                {**figures(investment="-5")})

    assert response.status_code == 400
    page = response.content.decode()
    # The negative investment and the five figures without evidence (and the reminder
    # that files are chosen again).
    assert page.count('class="field-error"') == 7
    assert "请重新选择证明材料后再提交" in page
    assert 'value="-5"' in page
    assert not AnnualReport.objects.exists()


def test_the_ledger_for_every_role(programme: Programme) -> None:  # noqa: F811
    _settled(programme)
    assert _status(programme, "/workbench/towns/ledger/") == {
        "anonymous": 302, "citizen": 403, "county": 200, "other county": 200, "office": 200}
    assert "云栖小镇" in _as(programme.xihu).get("/workbench/towns/ledger/").content.decode()
    other = _as(programme.yuhang).get("/workbench/towns/ledger/").content.decode()
    assert "云栖小镇" not in other
    assert "0 个小镇考核合格，兑现用地 0.00 亩" in other
    assert _as(programme.yuhang).get(
        "/workbench/towns/ledger/export.xlsx?region=330106").status_code == 200
    book = load_workbook(io.BytesIO(_as(programme.yuhang).get(
        "/workbench/towns/ledger/export.xlsx?region=330106").content))
    # Another county asking for 西湖区 gets her own region's (empty) ledger.
    assert book["奖惩台账"].max_row == 1


def test_the_public_pages(programme: Programme) -> None:  # noqa: F811
    _settled(programme)
    declared = programme.declare(name="未审小镇", industry="health", focus="养生")

    page = Client().get("/towns/").content.decode()
    assert "云栖小镇" in page
    assert "未审小镇" not in page
    assert "1 个小镇考核合格，兑现用地 120.50 亩" in page
    assert 'id="towns-data"' in page
    assert "<script>" not in page  # data in json_script, code in static files (CSP)
    assert "省级特色小镇创建对象年度考核办法" in page
    filtered = Client().get("/towns/?industry=health").content.decode()
    assert "没有符合条件的小镇" in filtered
    town = Client().get(f"/towns/{programme.town.code}/").content.decode()
    assert "120.50" in town
    assert Client().get(f"/towns/{declared.code}/").status_code == 404


def test_the_public_workbook_carries_the_ledger(programme: Programme) -> None:  # noqa: F811
    _settled(programme)

    response = Client().get("/towns/export.xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["奖惩台账"].iter_rows(values_only=True))
    reward = next(row for row in rows if row[3] == "用地奖励")
    assert (reward[0], reward[1], Decimal(str(reward[4]))) == (2016, "云栖小镇",
                                                                Decimal("120.50"))
    summary = dict(row[:2] for row in book["汇总"].iter_rows(values_only=True) if row[0])
    assert summary["考核合格的小镇"] == 1


OFFICE_POSTS = ["/workbench/towns/{code}/review/", "/workbench/towns/{code}/targets/",
                "/workbench/towns/methods/", "/workbench/towns/methods/KH-2016/publish/",
                "/workbench/towns/demonstrations/",
                "/workbench/towns/{code}/reports/2016/assess/",
                "/workbench/towns/{code}/reports/2016/publish/",
                "/workbench/towns/{code}/reports/2016/settle/"]


@pytest.mark.parametrize("path", OFFICE_POSTS)
def test_only_the_office_posts_its_decisions(programme: Programme, path: str) -> None:  # noqa: F811
    url = path.format(code=programme.town.code)
    assert {name: _as(user).post(url).status_code for name, user in (
        ("anonymous", None), ("citizen", programme.citizen), ("county", programme.xihu),
        ("other county", programme.yuhang))} == {
        "anonymous": 302, "citizen": 403, "county": 403, "other county": 403}


def test_the_office_sets_targets_drafts_and_publishes_a_method_and_designates(
        programme: Programme) -> None:  # noqa: F811
    p = programme
    office = _as(p.office)
    page = office.post(f"/workbench/towns/{p.town.code}/targets/", {
        "year": "2017", "investment": "110000", "special_investment": "75000",
        "new_enterprises": "50", "tax_revenue": "30000", "visitors": "120000",
        "construction_progress": "60"}, follow=True).content.decode()
    assert "已下达年度目标任务" in page
    assert p.town.targets.get(year=2017).investment == Decimal("110000.00")

    refused = office.post("/workbench/towns/methods/", {
        "code": "KH-2017", "name": "2017 年考核办法", "pass_score": "50",
        "warning_score": "70"}, follow=True).content.decode()
    assert "考核办法未通过校验：警告分数线不能高于合格分数线" in refused
    assert not AssessmentMethod.objects.filter(code="KH-2017").exists()
    office.post("/workbench/towns/methods/", {
        "code": "KH-2017", "name": "2017 年考核办法", "weight_investment": "40",
        "weight_special_investment": "20", "weight_new_enterprises": "10",
        "weight_tax_revenue": "10", "weight_visitors": "10",
        "weight_construction_progress": "10", "return_percents": "100，80，60"})
    method = AssessmentMethod.objects.get(code="KH-2017")
    assert (method.status, method.weights["investment"], method.return_percents) == (
        "draft", 40, [100, 80, 60])
    page = office.post("/workbench/towns/methods/KH-2017/publish/",
                       follow=True).content.decode()
    assert "现行办法：2017 年考核办法（KH-2017）" in page
    assert AssessmentMethod.objects.get(code="KH-2016").status == "retired"

    page = office.post("/workbench/towns/demonstrations/", {
        "year": "2017", "codes": [p.town.code], "note": "产业集聚度高"},
        follow=True).content.decode()
    assert "已公布示范特色小镇，奖励用地记入台账" in page
    extra = LedgerEntry.objects.get(town=p.town, kind="demonstration_land")
    assert extra.land_mu == Decimal("100.00")
    public = Client().get("/towns/").content.decode()
    assert f'<li>2017 · <a href="/towns/{p.town.code}/">云栖小镇</a>' in public
    assert "兑现用地 100.00 亩（含示范小镇奖励用地 100.00 亩）" in public


def test_a_towns_officer_lands_on_her_workbench(programme: Programme) -> None:  # noqa: F811
    response = Client().post("/accounts/login/", {"username": "towns-xihu", "password": "x"})

    assert (response.status_code, response["Location"]) == (302, "/workbench/towns/")
    page = _as(programme.xihu).get("/towns/").content.decode()
    assert '<a href="/workbench/towns/">特色小镇工作台</a>' in page
    assert '<a class="secondary" href="/towns/">特色小镇</a>' in Client().get("/").content.decode()


def test_refused_targets_keep_what_was_typed_with_each_fields_reason(
        programme: Programme) -> None:  # noqa: F811
    p = programme
    response = _as(p.office).post(f"/workbench/towns/{p.town.code}/targets/", {
        "year": "2017", "investment": "110000", "special_investment": "abc",
        "new_enterprises": "5.5", "tax_revenue": "30000", "visitors": "-3",
        "construction_progress": "60"})

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="field-error"') == 3
    assert "特色产业投资须为数字" in page
    for value in ("110000", "abc", "5.5", "-3", "30000", "60"):
        assert f'value="{value}"' in page
    assert '<option value="2017" selected>' in page
    assert 'id="target-new_enterprises" name="new_enterprises" inputmode="numeric"' in page
    assert p.town.targets.get(year=2017).investment == Decimal("100000.00")  # unchanged


def test_a_refused_method_draft_keeps_every_field_and_stays_open(
        programme: Programme) -> None:  # noqa: F811
    typed = {"code": "KH-2017", "name": "2017 年考核办法", "weight_investment": "40",
             "weight_special_investment": "20", "weight_new_enterprises": "10",
             "weight_tax_revenue": "10", "weight_visitors": "10",
             "weight_construction_progress": "10", "pass_score": "50",
             "warning_score": "70", "land_reward_percent": "100",
             "deduction_multiplier": "2", "province_tax_share_percent": "50",
             "return_percents": "100,80", "demonstration_land_mu": "100",
             "demonstration_max": "10", "land_basis": "用地依据甲",
             "deduction_basis": "倒扣依据乙", "fiscal_basis": "财政依据丙",
             "demonstration_basis": "示范依据丁"}
    response = _as(programme.office).post("/workbench/towns/methods/", typed)

    assert response.status_code == 400
    page = response.content.decode()
    assert "<details open>" in page
    assert '<p class="field-error">警告分数线不能高于合格分数线</p>' in page
    for name, value in typed.items():
        assert f'name="{name}"' in page
        assert f'value="{value}"' in page or f">{value}</textarea>" in page, name
    assert not AssessmentMethod.objects.filter(code="KH-2017").exists()


def test_a_refused_designation_keeps_the_ticked_towns(programme: Programme) -> None:  # noqa: F811
    p = programme
    response = _as(p.office).post("/workbench/towns/demonstrations/", {
        "year": "2031", "codes": [p.town.code], "note": "产业集聚度高"})

    assert response.status_code == 400
    page = response.content.decode()
    assert f'value="{p.town.code}" checked' in page
    assert 'value="2031"' in page
    assert 'value="产业集聚度高"' in page
    assert '<p class="field-error">年度须在 2015 至 2026 之间</p>' in page
    assert not LedgerEntry.objects.filter(kind="demonstration_land").exists()


@pytest.mark.parametrize(("path", "page"), [
    ("/workbench/towns/declare/", "/workbench/towns/"),
    ("/workbench/towns/methods/", "/workbench/towns/"),
    ("/workbench/towns/demonstrations/", "/workbench/towns/"),
    ("/workbench/towns/{code}/targets/", "/workbench/towns/{code}/"),
    ("/workbench/towns/{code}/reports/2016/submit/", "/workbench/towns/{code}/reports/2016/"),
    ("/workbench/towns/{code}/reports/2016/fetch/", "/workbench/towns/{code}/reports/2016/"),
    ("/workbench/towns/{code}/reports/2016/assess/", "/workbench/towns/{code}/reports/2016/"),
    ("/workbench/towns/{code}/review/", "/workbench/towns/{code}/"),
    ("/workbench/towns/methods/KH-2016/publish/", "/workbench/towns/"),
])
def test_a_forms_address_read_by_get_leads_back_to_the_form(
        programme: Programme, path: str, page: str) -> None:  # noqa: F811
    code = programme.town.code
    response = _as(programme.xihu).get(path.format(code=code), {"language": "en"})

    assert (response.status_code, response["Location"]) == (302, page.format(code=code))
    assert _as(programme.xihu).put(path.format(code=code)).status_code == 405


def test_a_refused_submit_after_fetching_keeps_the_fetched_figures(
        programme: Programme) -> None:  # noqa: F811
    p = programme
    url = f"/workbench/towns/{p.town.code}/reports/2016/"
    fetched = _as(p.xihu).post(url + "fetch/", figures()).content.decode()
    assert 'name="fetched" value="1"' in fetched
    assert "未通过校验" not in fetched

    response = _as(p.xihu).post(url + "submit/", {**figures(), "fetched": "1"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "尚未获取" not in page
    assert '<td class="number">25000</td>' in page  # the tax office's 2016 figure
    assert "请重新选择证明材料后再提交" in page
    assert not AnnualReport.objects.exists()


def test_a_town_only_declared_is_offered_no_report_form(programme: Programme) -> None:  # noqa: F811
    p = programme
    town = p.declare(name="梦想小镇", focus="互联网创业", industry="finance",
                     start_year=2027, investment_plan={2027: "1", 2028: "1", 2029: "1"})
    page = _as(p.xihu).get(f"/workbench/towns/{town.code}/reports/2027/").content.decode()
    assert 'id="report-form"' not in page
    assert 'id="not-reporting"' in page

    refused = _as(p.xihu).post(f"/workbench/towns/{town.code}/reports/2027/fetch/", {})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "不需报送年度报告" in text
    assert "未通过校验，填报值已保留" not in text


def test_the_totals_count_towns_on_the_page_and_in_the_workbook(
        programme: Programme) -> None:  # noqa: F811
    _settled(programme, 2016)
    _settled(programme, 2017)

    page = Client().get("/towns/").content.decode()
    assert "1 个小镇考核合格" in page
    assert "；0 个小镇未完成目标任务" in page
    book = load_workbook(io.BytesIO(Client().get("/towns/export.xlsx").content))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row}
    assert summary["考核合格的小镇"] == 1


def test_the_whole_number_figures_ask_for_a_numeric_keypad(programme: Programme) -> None:  # noqa: F811
    page = _as(programme.xihu).get(
        f"/workbench/towns/{programme.town.code}/reports/2016/").content.decode()
    assert 'name="construction_progress" inputmode="numeric"' in page
    assert 'name="visitors" inputmode="numeric"' in page
    assert 'name="new_land" inputmode="decimal"' in page


def test_the_ledger_workbook_names_cause_recorder_and_time(programme: Programme) -> None:  # noqa: F811
    _settled(programme)

    staff = load_workbook(io.BytesIO(
        _as(programme.office).get("/workbench/towns/ledger/export.xlsx").content))
    sheet = staff["奖惩台账"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][8:] == ("起因", "记录人", "记录时间")
    reward = next(row for row in rows if row[3] == "用地奖励")
    assert reward[8:] == ("2016 年度考核（合格）", "towns-office", "2026-12-08 10:00")
    for name in staff.sheetnames:
        assert staff[name].freeze_panes == "A2"
    assert sheet.column_dimensions["G"].width == 50  # the legal basis, wrapped
    assert sheet.column_dimensions["A"].width == 6  # 年度
    public = load_workbook(io.BytesIO(Client().get("/towns/export.xlsx").content))
    assert next(public["奖惩台账"].iter_rows(values_only=True))[8:] == ("起因", "记录时间")
