"""Reads of the 特色小镇 programme: the towns a user may see, a town's whole record,
published results, and every total the pages show, summed from the ledger and the
reports — never typed (docs/towns.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from onevisit import clock
from onevisit.accounts.models import Region
from onevisit.towns.access import is_towns_office as is_towns_office
from onevisit.towns.access import may_act_for, towns_scope
from onevisit.towns.constants import (
    AssessmentResult,
    Industry,
    LedgerKind,
    MethodStatus,
    TownStatus,
)
from onevisit.towns.models import (
    AnnualReport,
    Assessment,
    AssessmentMethod,
    Demonstration,
    LedgerEntry,
    ReportEvidence,
    Town,
    TownStatusChange,
    YearTarget,
)
from onevisit.towns.scoring import cents

ZERO = Decimal("0.00")
# The towns the public pages show: listed, whatever became of them since.
PUBLIC_STATUSES = (TownStatus.CREATION, TownStatus.CULTIVATION, TownStatus.EXITED,
                   TownStatus.NAMED)


def may_report(user: Any, town: Town) -> bool:
    """Whether a user may submit the town's annual reports (its county, or the office)."""
    return may_act_for(user, town.region_id)


def towns_visible_to(user: Any) -> QuerySet[Town]:
    """Every town for the office, the towns of her region for a county's or city's
    TOWNS staff, none for anyone else."""
    scope = towns_scope(user)
    towns = Town.objects.select_related("region")
    if scope is None:
        return towns.none()
    return towns.filter(region__code__startswith=scope) if scope else towns


def town_get(*, code: str, user: Any) -> Town | None:
    """A town the user may see as staff; None when unknown or outside her region."""
    return towns_visible_to(user).filter(code=str(code)).first()


def town_public_get(*, code: str) -> Town | None:
    return (Town.objects.select_related("region")
            .filter(code=str(code), status__in=PUBLIC_STATUSES).first())


def _filtered(towns: QuerySet[Town], *, industry: str, status: str,
              region: str) -> QuerySet[Town]:
    if industry:
        towns = towns.filter(industry=industry)
    if status:
        towns = towns.filter(status=status)
    if region:
        towns = towns.filter(region__code__startswith=region)
    return towns


def towns_filter(*, user: Any, industry: str = "", status: str = "",
                 region: str = "") -> QuerySet[Town]:
    return _filtered(towns_visible_to(user), industry=industry, status=status, region=region)


def towns_public(*, industry: str = "", status: str = "", region: str = "") -> QuerySet[Town]:
    return _filtered(Town.objects.select_related("region").filter(status__in=PUBLIC_STATUSES),
                     industry=industry, status=status, region=region)


def declarations_waiting(*, user: Any) -> QuerySet[Town]:
    return towns_visible_to(user).filter(status=TownStatus.DECLARED).order_by("declared_at")


def reports_waiting(*, user: Any) -> QuerySet[AnnualReport]:
    """Reports of the user's towns not yet assessed, oldest first."""
    return (AnnualReport.objects.select_related("town", "town__region")
            .filter(town__in=towns_visible_to(user), assessment__isnull=True)
            .order_by("submitted_at", "id"))


def assessments_unsettled(*, user: Any) -> QuerySet[Assessment]:
    """Assessments of the user's towns whose ledger rows are not yet written."""
    return (Assessment.objects.select_related("town", "method")
            .filter(town__in=towns_visible_to(user), settled_at__isnull=True)
            .order_by("year", "town__code"))


def report_evidence_get(*, evidence_id: int, user: Any) -> ReportEvidence | None:
    """One evidence file, for the office and the town's county only."""
    evidence = (ReportEvidence.objects.select_related("report__town")
                .filter(pk=evidence_id).first())
    if evidence is None or not may_report(user, evidence.report.town):
        return None
    return evidence


def method_published() -> AssessmentMethod | None:
    return AssessmentMethod.objects.filter(status=MethodStatus.PUBLISHED).first()


def methods() -> QuerySet[AssessmentMethod]:
    return AssessmentMethod.objects.all()


def results_published(*, year: int | None = None, region: str = "") -> QuerySet[Assessment]:
    results = (Assessment.objects.select_related("town", "town__region", "method")
               .filter(published_at__isnull=False))
    if year is not None:
        results = results.filter(year=year)
    if region:
        results = results.filter(town__region__code__startswith=region)
    return results.order_by("-year", "-total", "town__code")


def demonstrations(*, year: int | None = None) -> QuerySet[Demonstration]:
    found = Demonstration.objects.select_related("town", "town__region")
    return found.filter(year=year) if year is not None else found


def ledger_rows(*, scope: str = "", year: int | None = None,
                town_code: str = "") -> QuerySet[LedgerEntry]:
    rows = LedgerEntry.objects.select_related("town", "town__region", "assessment",
                                              "demonstration")
    if scope:
        rows = rows.filter(town__region__code__startswith=scope)
    if year is not None:
        rows = rows.filter(year=year)
    if town_code:
        rows = rows.filter(town__code=town_code)
    return rows.order_by("year", "town__code", "id")


@dataclass(frozen=True)
class LedgerTotals:
    """What the ledger sums to: "N towns passed, X 亩 granted" and the rest. Passed and
    failed count distinct towns with a settled assessment of that result: over several
    years a town counts once however many years it passed, and a town that passed one
    year and failed another counts in both."""

    towns_passed: int
    towns_failed: int
    land_granted_mu: Decimal  # rewards and demonstration land, positive
    land_deducted_mu: Decimal  # deductions, as a positive figure
    land_net_mu: Decimal
    fiscal_wan: Decimal
    demonstration_mu: Decimal
    entries: int


def _sums(rows: QuerySet[LedgerEntry]) -> dict[str, Any]:
    return rows.aggregate(
        granted=Coalesce(Sum("land_mu", filter=Q(land_mu__gt=0)), ZERO),
        deducted=Coalesce(Sum("land_mu", filter=Q(land_mu__lt=0)), ZERO),
        fiscal=Coalesce(Sum("fiscal_wan"), ZERO),
        demonstration=Coalesce(Sum("land_mu", filter=Q(kind=LedgerKind.DEMONSTRATION_LAND)),
                               ZERO),
        entries=Count("id"),
    )


def _towns_counted(assessments: QuerySet[Assessment]) -> int:
    return int(assessments.aggregate(n=Count("town", distinct=True))["n"] or 0)


def ledger_totals(*, scope: str = "", year: int | None = None) -> LedgerTotals:
    """Totals of the ledger rows in a region (a code prefix; "" the province) and year.
    Passed and failed count the distinct towns whose settled assessments (of the year, or
    of any year) earned a reward or a deduction (合格 and 不合格 / 降格 / 退出) — towns,
    not town-years, as "N 个小镇考核合格" says."""
    rows = ledger_rows(scope=scope, year=year)
    sums = _sums(rows)
    settled = Assessment.objects.filter(settled_at__isnull=False)
    if scope:
        settled = settled.filter(town__region__code__startswith=scope)
    if year is not None:
        settled = settled.filter(year=year)
    passed = _towns_counted(settled.filter(result=AssessmentResult.PASSED))
    failed = _towns_counted(settled.exclude(result__in=(AssessmentResult.PASSED,
                                                        AssessmentResult.WARNING)))
    granted, deducted = cents(Decimal(sums["granted"])), cents(Decimal(sums["deducted"]))
    return LedgerTotals(towns_passed=passed, towns_failed=failed, land_granted_mu=granted,
                        land_deducted_mu=-deducted, land_net_mu=granted + deducted,
                        fiscal_wan=cents(Decimal(sums["fiscal"])),
                        demonstration_mu=cents(Decimal(sums["demonstration"])),
                        entries=int(sums["entries"]))


@dataclass(frozen=True)
class RegionTotals:
    region_code: str
    region_name: str
    land_granted_mu: Decimal
    land_deducted_mu: Decimal
    land_net_mu: Decimal
    fiscal_wan: Decimal


def ledger_by_region(*, scope: str = "", year: int | None = None,
                     level: str = "county") -> list[RegionTotals]:
    """Ledger totals per county (level "county") or per city ("city") in the scope."""
    length = 6 if level == "county" else 4
    per: dict[str, dict[str, Decimal]] = {}
    for row in ledger_rows(scope=scope, year=year).values("town__region_id", "land_mu",
                                                           "fiscal_wan"):
        code = str(row["town__region_id"])[:length]
        sums = per.setdefault(code, {"granted": ZERO, "deducted": ZERO, "fiscal": ZERO})
        if row["land_mu"] > 0:
            sums["granted"] += row["land_mu"]
        else:
            sums["deducted"] -= row["land_mu"]
        sums["fiscal"] += row["fiscal_wan"]
    names = dict(Region.objects.filter(code__in=per).values_list("code", "name"))
    return [RegionTotals(region_code=code, region_name=names.get(code, code),
                         land_granted_mu=s["granted"], land_deducted_mu=s["deducted"],
                         land_net_mu=s["granted"] - s["deducted"], fiscal_wan=s["fiscal"])
            for code, s in sorted(per.items())]


@dataclass(frozen=True)
class TownDetail:
    town: Town
    status_changes: list[TownStatusChange]
    targets: list[YearTarget]
    reports: list[AnnualReport]
    assessments: list[Assessment]
    ledger: list[LedgerEntry]
    totals: LedgerTotals
    demonstration: Demonstration | None
    plan: list[tuple[int, Decimal]] = field(default_factory=list)


def town_detail(*, town: Town, published_only: bool = False) -> TownDetail:
    """A town's whole record; `published_only` (the public page) leaves out unpublished
    assessments, the reports of years whose assessment is not published, and the
    reports' evidence files."""
    assessments = Assessment.objects.filter(town=town).select_related("method")
    reports = AnnualReport.objects.filter(town=town).order_by("year")
    if published_only:
        assessments = assessments.filter(published_at__isnull=False)
        reports = reports.filter(assessment__published_at__isnull=False)
    else:
        reports = reports.prefetch_related("evidence")
    return TownDetail(
        town=town,
        status_changes=list(town.status_changes.select_related("by")),
        targets=list(YearTarget.objects.filter(town=town).order_by("year")),
        reports=list(reports),
        assessments=list(assessments.order_by("year")),
        ledger=list(ledger_rows(town_code=town.code)),
        totals=_town_totals(town),
        demonstration=Demonstration.objects.filter(town=town).first(),
        plan=sorted((int(y), Decimal(v)) for y, v in town.investment_plan.items()),
    )


def _town_totals(town: Town) -> LedgerTotals:
    sums = _sums(LedgerEntry.objects.filter(town=town))
    settled = Assessment.objects.filter(town=town, settled_at__isnull=False)
    granted, deducted = cents(Decimal(sums["granted"])), cents(Decimal(sums["deducted"]))
    return LedgerTotals(
        towns_passed=_towns_counted(settled.filter(result=AssessmentResult.PASSED)),
        towns_failed=_towns_counted(settled.exclude(result__in=(AssessmentResult.PASSED,
                                                                AssessmentResult.WARNING))),
        land_granted_mu=granted, land_deducted_mu=-deducted, land_net_mu=granted + deducted,
        fiscal_wan=cents(Decimal(sums["fiscal"])),
        demonstration_mu=cents(Decimal(sums["demonstration"])), entries=int(sums["entries"]))


@dataclass(frozen=True)
class TownCounts:
    """(value, label, count) rows for charts: by industry, by status, by county."""

    by_industry: list[tuple[str, str, int]]
    by_status: list[tuple[str, str, int]]
    by_region: list[tuple[str, str, int]]
    total: int


def counts(*, scope: str = "", public: bool = True) -> TownCounts:
    towns = Town.objects.all()
    if public:
        towns = towns.filter(status__in=PUBLIC_STATUSES)
    if scope:
        towns = towns.filter(region__code__startswith=scope)
    industries = dict(towns.values_list("industry").annotate(n=Count("id")))
    statuses = dict(towns.values_list("status").annotate(n=Count("id")))
    regions = list(towns.values_list("region_id", "region__name").annotate(n=Count("id"))
                   .order_by("region_id"))
    return TownCounts(
        by_industry=[(str(i), str(i.label), industries[i]) for i in Industry
                     if industries.get(i)],
        by_status=[(str(s), str(s.label), statuses[s]) for s in TownStatus if statuses.get(s)],
        by_region=[(str(code), str(name), int(n)) for code, name, n in regions],
        total=sum(industries.values()),
    )


@dataclass(frozen=True)
class YearTrend:
    year: int
    towns: int
    investment: Decimal
    special_investment: Decimal
    tax_revenue: Decimal
    new_enterprises: int
    visitors: int
    new_land: Decimal
    # The year has ended and every report of it, province-wide, has a published
    # assessment: its sums are the year's, not a part of it.
    complete: bool = True


def trends(*, scope: str = "", code: str = "", published_only: bool = False) -> list[YearTrend]:
    """The reported figures summed per year (investment, tax, enterprises, …), each year
    marked complete or not. `published_only` (the public pages): only the reports whose
    assessment is published, and — for sums over towns (no `code`) — only complete years,
    so a year still being reported is never shown as a region's total."""
    this_year = clock.now().year
    open_years = set(AnnualReport.objects.filter(
        Q(assessment__isnull=True) | Q(assessment__published_at__isnull=True))
        .values_list("year", flat=True).distinct())
    reports = AnnualReport.objects.all()
    if published_only:
        reports = reports.filter(assessment__published_at__isnull=False)
    if scope:
        reports = reports.filter(town__region__code__startswith=scope)
    if code:
        reports = reports.filter(town__code=code)
    rows = (reports.values("year").annotate(
        towns=Count("id"), investment=Sum("investment"),
        special_investment=Sum("special_investment"), tax_revenue=Sum("tax_revenue"),
        new_enterprises=Sum("new_enterprises"), visitors=Sum("visitors"),
        new_land=Sum("new_land")).order_by("year"))
    return [YearTrend(year=r["year"], towns=r["towns"],
                      investment=cents(Decimal(r["investment"])),
                      special_investment=cents(Decimal(r["special_investment"])),
                      tax_revenue=cents(Decimal(r["tax_revenue"])),
                      new_enterprises=int(r["new_enterprises"]), visitors=int(r["visitors"]),
                      new_land=cents(Decimal(r["new_land"])),
                      complete=r["year"] < this_year and r["year"] not in open_years)
            for r in rows
            if not (published_only and not code
                    and (r["year"] >= this_year or r["year"] in open_years))]
