"""Annual reports: typed figures with evidence, held figures fetched and logged, every
problem named at once with nothing stored, and the region scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from onevisit import clock
from onevisit.errors import InvalidInput, NotAllowed, NotFound
from onevisit.exchange.models import AccessLog, FetchOutcome
from onevisit.exchange.sources import (
    Evidence,
    EvidenceSource,
    SourceUnavailable,
    source_register,
)
from onevisit.files.models import StoredFile
from onevisit.towns.models import AnnualReport, ReportEvidence
from onevisit.towns.selectors import report_evidence_get, town_get, towns_visible_to
from onevisit.towns.services import (
    assessments_publish,
    report_assess,
    report_held_fetch,
    report_submit,
    town_declare,
    town_transition,
)
from tests.towns.conftest import PDF, Programme, declaration, evidence, figures


def submit(p: Programme, year: int = 2016, **overrides: object) -> AnnualReport:
    return report_submit(actor=p.xihu, code=p.town.code, year=year, figures=figures(**overrides),
                         evidence=evidence())


def nothing_stored() -> None:
    assert AnnualReport.objects.count() == 0
    assert ReportEvidence.objects.count() == 0
    assert StoredFile.objects.count() == 0


def test_held_figures_are_fetched_from_the_registries_and_logged(programme: Programme) -> None:
    report = submit(programme)

    assert report.tax_revenue == Decimal("25000.00")
    assert report.tax_base == Decimal("5000.00")
    assert report.new_tax_revenue == Decimal("20000.00")
    assert report.tax_source == "tax"
    assert report.new_enterprises == 45
    assert report.enterprises_source == "enterprise"
    assert report.tax_fetched_at is not None
    logged = AccessLog.objects.filter(application_number=f"TX2016-{programme.town.code}")
    assert sorted(logged.values_list("evidence_type", "source", "outcome")) == [
        ("town_enterprises", "enterprise", FetchOutcome.FOUND),
        ("town_tax", "tax", FetchOutcome.FOUND),
    ]
    assert all(row.actor_id == programme.xihu.pk for row in logged)
    assert all("浙政发〔2015〕8号" in row.purpose for row in logged)
    assert sorted(report.evidence.values_list("figure", flat=True)) == [
        "construction_progress", "investment", "new_land", "special_investment", "visitors"]


def test_a_typed_tax_figure_is_refused_not_taken(programme: Programme) -> None:
    with pytest.raises(InvalidInput) as refused:
        submit(programme, tax_revenue="999999", new_enterprises=500)

    assert set(refused.value.errors) == {"tax_revenue", "new_enterprises"}
    nothing_stored()


def test_held_figures_can_be_fetched_before_submitting(programme: Programme) -> None:
    held = report_held_fetch(actor=programme.xihu, code=programme.town.code, year=2017)

    assert (held.tax_revenue, held.tax_base, held.new_enterprises) == (
        Decimal("40000"), Decimal("5000"), 60)
    assert held.errors == {}
    assert AccessLog.objects.filter(application_number=f"TX2017-{programme.town.code}").count() == 2
    assert AnnualReport.objects.count() == 0


def test_an_invalid_report_is_refused_naming_every_problem(programme: Programme) -> None:
    with pytest.raises(InvalidInput) as refused:
        report_submit(actor=programme.xihu, code=programme.town.code, year=2016,
                      figures=figures(investment="-5", visitors="many",
                                      construction_progress=120),
                      evidence={**evidence("new_land"),
                                "visitors": [("游客.txt", b"not a pdf")]})

    assert set(refused.value.errors) == {
        "investment", "visitors", "construction_progress", "evidence_new_land",
        "evidence_visitors"}
    assert "负数" in str(refused.value.errors["investment"])
    nothing_stored()


def test_a_year_outside_the_creation_period_is_refused_with_the_other_problems(
        programme: Programme) -> None:
    with pytest.raises(InvalidInput) as refused:
        report_submit(actor=programme.xihu, code=programme.town.code, year=2019,
                      figures=figures(special_investment="-1"), evidence=evidence("visitors"))

    assert set(refused.value.errors) == {"year", "special_investment", "evidence_visitors"}
    # No registry was asked for a year that cannot be reported.
    assert AccessLog.objects.count() == 0
    nothing_stored()


def test_a_year_that_has_not_begun_is_refused(programme: Programme) -> None:
    now = clock.now().year
    town = town_declare(actor=programme.yuhang, **declaration(
        name="梦想小镇", region_code="330110", focus="互联网创业", start_year=now,
        investment_plan={now: "1000", now + 1: "1000", now + 2: "1000"}))
    town = town_transition(actor=programme.office, code=town.code, to="creation")
    assert town.reports_on(now, current_year=now)
    assert not town.reports_on(now + 1, current_year=now)

    with pytest.raises(InvalidInput) as refused:
        report_submit(actor=programme.yuhang, code=town.code, year=now + 1,
                      figures=figures(), evidence=evidence())

    assert set(refused.value.errors) == {"year"}
    assert AccessLog.objects.count() == 0
    nothing_stored()


def test_a_year_the_registries_do_not_hold_is_refused(programme: Programme) -> None:
    with pytest.raises(InvalidInput) as refused:
        submit(programme, year=2018)

    assert set(refused.value.errors) == {"tax_revenue", "new_enterprises"}
    assert "2018" in str(refused.value.errors["tax_revenue"])
    assert AccessLog.objects.filter(outcome=FetchOutcome.FOUND).count() == 2  # logged anyway
    nothing_stored()


def test_a_year_already_reported_or_assessed_is_refused(programme: Programme) -> None:
    submit(programme)
    with pytest.raises(InvalidInput) as again:
        submit(programme)
    assert "已报送" in str(again.value.errors["year"])

    report_assess(actor=programme.office, code=programme.town.code, year=2016)
    assessments_publish(actor=programme.office, year=2016)
    with pytest.raises(InvalidInput) as assessed:
        submit(programme, investment="-1")
    assert set(assessed.value.errors) == {"year", "investment"}
    assert "已考核" in str(assessed.value.errors["year"])
    assert AnnualReport.objects.count() == 1


def test_another_countys_town_is_not_found(programme: Programme) -> None:
    with pytest.raises(NotFound):
        report_submit(actor=programme.yuhang, code=programme.town.code, year=2016,
                      figures=figures(), evidence=evidence())
    with pytest.raises(NotAllowed):
        report_submit(actor=programme.citizen, code=programme.town.code, year=2016,
                      figures=figures(), evidence=evidence())

    assert town_get(code=programme.town.code, user=programme.yuhang) is None
    assert town_get(code=programme.town.code, user=programme.citizen) is None
    assert town_get(code=programme.town.code, user=programme.office) == programme.town
    assert list(towns_visible_to(programme.yuhang)) == []
    assert list(towns_visible_to(programme.xihu)) == [programme.town]
    nothing_stored()


def test_evidence_is_opened_by_the_office_and_the_county_only(programme: Programme) -> None:
    report = submit(programme)
    piece = report.evidence.first()
    assert piece is not None

    assert report_evidence_get(evidence_id=piece.pk, user=programme.office) == piece
    assert report_evidence_get(evidence_id=piece.pk, user=programme.xihu) == piece
    assert report_evidence_get(evidence_id=piece.pk, user=programme.yuhang) is None
    assert report_evidence_get(evidence_id=piece.pk, user=programme.citizen) is None
    assert piece.content_type == "application/pdf"


def test_no_registry_is_asked_for_a_year_the_town_does_not_report(programme: Programme) -> None:
    with pytest.raises(InvalidInput) as refused:
        report_held_fetch(actor=programme.xihu, code=programme.town.code, year=2015)

    assert set(refused.value.errors) == {"year"}
    assert AccessLog.objects.count() == 0


def test_too_many_files_for_one_figure_are_refused(programme: Programme) -> None:
    too_many = {**evidence(), "new_land": [(f"{n}.pdf", PDF) for n in range(11)]}
    with pytest.raises(InvalidInput) as refused:
        report_submit(actor=programme.xihu, code=programme.town.code, year=2016,
                      figures=figures(), evidence=too_many)

    assert set(refused.value.errors) == {"evidence_new_land"}
    nothing_stored()


class _Down(EvidenceSource):
    code = "tax"
    name = "税收征管库（税务）"

    def fetch(self, *, evidence_type: str, subject: str, purpose: str = "") -> Evidence | None:
        raise SourceUnavailable("timeout")


def test_a_registry_that_does_not_answer_is_named_with_the_other_problems(
        programme: Programme) -> None:
    previous = source_register(_Down())
    try:
        with pytest.raises(InvalidInput) as refused:
            submit(programme, investment="-1")
    finally:
        assert previous is not None
        source_register(previous)

    assert set(refused.value.errors) == {"investment", "tax_revenue"}
    assert "无法访问" in str(refused.value.errors["tax_revenue"])
    assert sorted(AccessLog.objects.values_list("evidence_type", "outcome")) == [
        ("town_enterprises", FetchOutcome.FOUND), ("town_tax", FetchOutcome.ERROR)]
    nothing_stored()
