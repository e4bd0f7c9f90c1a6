"""事后结算: the incentive ledger written after the fact from published assessments and
demonstration designations. Append-only (the database refuses updates) and idempotent:
each cause writes each kind of row once (unique constraints), so settling twice writes
nothing new."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput
from onevisit.towns import scoring
from onevisit.towns.constants import (
    FAILED_RESULTS,
    FIRST_YEAR,
    AssessmentResult,
    LedgerKind,
    MethodStatus,
    TownStatus,
)
from onevisit.towns.models import Assessment, AssessmentMethod, Demonstration, LedgerEntry, Town
from onevisit.towns.services.common import Errors, integer_clean, office_required

# A demonstration town is a listed creation object or a town already named.
DEMONSTRATION_STATUSES = (TownStatus.CREATION, TownStatus.NAMED)


def _entries_for(assessment: Assessment) -> list[LedgerEntry]:
    """The rows an assessment causes, by its method's rules (docs/towns.md)."""
    method, report = assessment.method, assessment.report
    rows: list[LedgerEntry] = []

    def row(kind: str, *, land: Decimal = Decimal(0), fiscal: Decimal = Decimal(0),
            basis: str, formula: str) -> None:
        rows.append(LedgerEntry(town=assessment.town, year=assessment.year, kind=kind,
                                land_mu=land, fiscal_wan=fiscal, legal_basis=basis,
                                formula=formula[:500], assessment=assessment))

    if assessment.result == AssessmentResult.PASSED:
        land = scoring.land_reward(new_land=report.new_land,
                                   percent=method.land_reward_percent)
        if land:
            row(LedgerKind.LAND_REWARD, land=land, basis=method.land_basis,
                formula=_("实际新增建设用地 %(land)s 亩 × %(percent)s%% = %(result)s 亩") % {
                    "land": report.new_land, "percent": method.land_reward_percent,
                    "result": land})
        period_year = assessment.year - assessment.town.creation_start_year + 1
        fiscal = scoring.fiscal_reward(
            new_tax=report.new_tax_revenue, share_percent=method.province_tax_share_percent,
            return_percents=method.return_percents, period_year=period_year)
        if fiscal:
            row(LedgerKind.FISCAL_REWARD, fiscal=fiscal, basis=method.fiscal_basis,
                formula=_("新增税收（%(tax)s − %(base)s）万元 × 省级分成 %(share)s%% × 创建期第 "
                          "%(n)s 年返还 %(back)s%% = %(result)s 万元") % {
                    "tax": report.tax_revenue, "base": report.tax_base,
                    "share": method.province_tax_share_percent, "n": period_year,
                    "back": method.return_percents[period_year - 1], "result": fiscal})
    elif assessment.result in FAILED_RESULTS:
        land = scoring.land_deduction(new_land=report.new_land,
                                      multiplier=method.deduction_multiplier)
        if land:
            row(LedgerKind.LAND_DEDUCTION, land=land, basis=method.deduction_basis,
                formula=_("−%(multiplier)s × 实际新增建设用地 %(land)s 亩 = %(result)s 亩") % {
                    "multiplier": method.deduction_multiplier, "land": report.new_land,
                    "result": land})
    return rows


def _settle(assessment: Assessment, actor: Any) -> list[LedgerEntry]:
    if assessment.published_at is None:
        raise Conflict(_("考核结果公布后才能结算"))
    if assessment.settled_at is not None:
        return []
    now = clock.now()
    with translation.override(settings.LANGUAGE_CODE):  # the formula of record is Chinese
        rows = _entries_for(assessment)
    for entry in rows:
        entry.recorded_by = actor if getattr(actor, "pk", None) else None
        entry.recorded_at = now
    LedgerEntry.objects.bulk_create(rows)
    # settled_at marks the assessment done; the unique constraints stop a second row
    # even if two settlements raced past this check.
    Assessment.objects.filter(pk=assessment.pk).update(settled_at=now)
    audit_record(actor=actor, action="towns.settled", entity="town",
                 entity_id=assessment.town.code,
                 data={"year": assessment.year, "result": assessment.result,
                       "rows": [{"kind": e.kind, "land_mu": str(e.land_mu),
                                 "fiscal_wan": str(e.fiscal_wan)} for e in rows]})
    return rows


def _assessment_locked(*, code: str, year: int) -> Assessment | None:
    return (Assessment.objects.select_for_update(of=("self",))
            .select_related("method", "report", "town").filter(town__code=code, year=year)
            .first())


@atomic_audited
def assessment_settle(*, actor: Any, code: str, year: Any) -> list[LedgerEntry]:
    """Settle one published assessment: 合格 → the land reward (actual new construction
    land × the method's percent) and the fiscal reward (新增税收 × the province's share ×
    the year's return percent); 不合格 / 降格 / 退出 → the deduction (−multiplier × the
    actual new construction land); 警告 → nothing. Settling again writes nothing."""
    office_required(actor)
    errors: Errors = {}
    the_year = integer_clean(year, "year", errors, label=_("年度"))
    if errors:
        raise InvalidInput(_("年度无效"), errors)
    assessment = _assessment_locked(code=str(code), year=the_year)
    if assessment is None:
        raise InvalidInput(_("不能结算"), {"year": _("%(year)s 年度尚未考核") % {
            "year": the_year}})
    return _settle(assessment, actor)


@atomic_audited
def year_settle(*, actor: Any, year: Any) -> list[LedgerEntry]:
    """Settle every published, unsettled assessment of a year."""
    office_required(actor)
    errors: Errors = {}
    the_year = integer_clean(year, "year", errors, label=_("年度"))
    if errors:
        raise InvalidInput(_("年度无效"), errors)
    rows: list[LedgerEntry] = []
    for assessment in (Assessment.objects.select_for_update(of=("self",))
                       .select_related("method", "report", "town")
                       .filter(year=the_year, published_at__isnull=False,
                               settled_at__isnull=True).order_by("town__code")):
        rows += _settle(assessment, actor)
    return rows


@atomic_audited
def demonstration_designate(*, actor: Any, year: Any, codes: list[str],
                            note: str = "") -> list[Demonstration]:
    """The office publishes demonstration towns (省级示范特色小镇) for a year, at most the
    published method's number a year; each gets the method's extra land in the ledger.

    The year is one that has begun — from the programme's first year to the clock's — and
    not before a chosen town's creation period began: a designation writes a permanent
    ledger row, and a year chosen freely would let the office spread towns over years to
    pass the yearly maximum. A town is a demonstration town at most once, ever."""
    office_required(actor)
    errors: Errors = {}
    the_year = integer_clean(year, "year", errors, label=_("年度"))
    this_year = clock.now().year
    if "year" not in errors and not FIRST_YEAR <= the_year <= this_year:
        errors["year"] = _("年度须在 %(first)s 至 %(last)s 之间") % {
            "first": FIRST_YEAR, "last": this_year}
    # The published method's row lock serialises designations, so two publications
    # cannot both pass the year's limit.
    method = (AssessmentMethod.objects.select_for_update()
              .filter(status=MethodStatus.PUBLISHED).first())
    if method is None:
        errors["method"] = _("尚未发布考核办法")
    wanted = list(dict.fromkeys(str(c).strip() for c in codes or [] if str(c).strip()))
    if not wanted:
        errors["codes"] = _("请选择示范特色小镇")
    towns = {t.code: t for t in Town.objects.select_for_update().filter(code__in=wanted)}
    problems = []
    for code in wanted:
        town = towns.get(code)
        if town is None:
            problems.append(_("%(code)s 不存在") % {"code": code})
        elif town.status not in DEMONSTRATION_STATUSES:
            problems.append(_("%(name)s 不是省级特色小镇创建对象或已命名小镇") % {
                "name": town.name})
        elif Demonstration.objects.filter(town=town).exists():
            problems.append(_("%(name)s 已是示范特色小镇") % {"name": town.name})
        elif "year" not in errors and the_year < town.creation_start_year:
            problems.append(_("%(name)s 的创建期自 %(start)s 年开始") % {
                "name": town.name, "start": town.creation_start_year})
    if problems:
        errors["codes"] = "；".join(str(p) for p in problems)
    if method is not None and "year" not in errors:
        already = Demonstration.objects.filter(year=the_year).count()
        if already + len(wanted) > method.demonstration_max:
            errors["codes"] = _("%(year)s 年示范特色小镇最多 %(max)s 个，已公布 %(already)s 个") % {
                "year": the_year, "max": method.demonstration_max, "already": already}
    note = str(note or "").strip()
    if errors or method is None:
        raise InvalidInput(_("不能公布示范特色小镇"), errors)
    now = clock.now()
    by = actor if getattr(actor, "pk", None) else None
    with translation.override(settings.LANGUAGE_CODE):  # the formula of record is Chinese
        formula = _("示范特色小镇额外奖励用地 %(land)s 亩") % {
            "land": method.demonstration_land_mu}
    designated = []
    for code in wanted:
        demonstration = Demonstration.objects.create(
            town=towns[code], year=the_year, method=method, note=note[:2000],
            designated_by=by, designated_at=now)
        LedgerEntry.objects.create(
            town=towns[code], year=the_year, kind=LedgerKind.DEMONSTRATION_LAND,
            land_mu=method.demonstration_land_mu, legal_basis=method.demonstration_basis,
            formula=formula,
            demonstration=demonstration, recorded_by=by, recorded_at=now)
        designated.append(demonstration)
    audit_record(actor=actor, action="towns.demonstrations_designated", entity="town_year",
                 entity_id=the_year, data={"towns": wanted, "land_mu":
                                           str(method.demonstration_land_mu)})
    return designated
