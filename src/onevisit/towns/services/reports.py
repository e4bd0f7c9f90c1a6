"""A town's annual report: the figures its county types, each with uploaded evidence, and
the figures the government already holds — the tax revenue of the town's enterprises and
the number of new enterprises — fetched through the exchange with a stated purpose and
logged, never typed (DESIGN.md §3 rule 3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.services.inputs import Upload, upload_sniff, upload_store
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotFound
from onevisit.exchange.models import FetchOutcome
from onevisit.exchange.services import FetchRequest, evidence_fetch_logged
from onevisit.exchange.sources import source_name
from onevisit.files.services import files_guard
from onevisit.towns.constants import (
    ENTERPRISES_EVIDENCE,
    ENTERPRISES_SOURCE,
    HELD_FIGURES,
    REPORTING_STATUSES,
    TAX_EVIDENCE,
    TAX_SOURCE,
    TEXT_MAX,
    Figure,
)
from onevisit.towns.models import AnnualReport, Assessment, ReportEvidence, Town
from onevisit.towns.services.common import Errors, decimal_clean, integer_clean, town_of_actor

# The purpose every fetch states: kept in the access log as written (data, not a message).
LEGAL_PURPOSE = ("特色小镇年度考核（浙政发〔2015〕8号《浙江省人民政府关于加快特色小镇规划建设的"
                 "指导意见》）")


def log_number(town: Town, year: int) -> str:
    """The reference the access log keeps for a town's report (its "application")."""
    return f"TX{year}-{town.code}"[:32]


@dataclass
class HeldFigures:
    """The figures the government holds for a town's year, as fetched just now."""

    tax_revenue: Decimal | None = None
    tax_base: Decimal | None = None
    tax_source: str = ""
    new_enterprises: int | None = None
    enterprises_source: str = ""
    fetched_at: dt.datetime | None = None
    errors: dict[str, str | Promise] = field(default_factory=dict)

    @property
    def tax_source_name(self) -> str:
        return source_name(self.tax_source) if self.tax_source else ""

    @property
    def enterprises_source_name(self) -> str:
        return source_name(self.enterprises_source) if self.enterprises_source else ""


def _by_year(data: dict[str, Any], year: int) -> Any:
    by_year = data.get("by_year")
    return by_year.get(str(year)) if isinstance(by_year, dict) else None


def _held_fetch(*, town: Town, year: int, actor: Any) -> HeldFigures:
    """Ask the tax office's and the enterprise registries for the town's year (the
    subject is the town's code); every request is logged with its purpose and outcome."""
    purpose = f"{LEGAL_PURPOSE}：{town.name} {year} 年度"
    fetched = evidence_fetch_logged(
        requests=[FetchRequest(TAX_EVIDENCE, TAX_SOURCE, town.code, purpose),
                  FetchRequest(ENTERPRISES_EVIDENCE, ENTERPRISES_SOURCE, town.code, purpose)],
        allowed={TAX_EVIDENCE, ENTERPRISES_EVIDENCE},
        application_number=log_number(town, year), actor=actor,
    )
    held = HeldFigures(fetched_at=clock.now())
    for answer in fetched:
        key = ("tax_revenue" if answer.request.evidence_type == TAX_EVIDENCE
               else "new_enterprises")
        registry = _(source_name(answer.request.source))  # the exchange's Chinese name
        if answer.outcome == FetchOutcome.ERROR:
            held.errors[key] = _("%(registry)s暂时无法访问，请稍后再报送") % {"registry": registry}
            continue
        if answer.evidence is None:
            held.errors[key] = _("%(registry)s中没有本小镇的数据") % {"registry": registry}
            continue
        value = _by_year(answer.evidence.data, year)
        if value is None:
            held.errors[key] = _("%(registry)s尚无本小镇 %(year)s 年度的数据") % {
                "registry": registry, "year": year}
            continue
        try:
            if key == "tax_revenue":
                held.tax_revenue = Decimal(str(value))
                # 新增税收 is measured against the year before the creation period; a
                # platform the tax office holds no figure for then collected nothing.
                base = _by_year(answer.evidence.data, town.creation_start_year - 1)
                held.tax_base = Decimal(str(base)) if base is not None else Decimal("0.00")
                held.tax_source = answer.evidence.source
            else:
                held.new_enterprises = int(value)
                held.enterprises_source = answer.evidence.source
        except (InvalidOperation, ValueError):
            held.errors[key] = _("%(registry)s返回的数据无法识别") % {"registry": registry}
    return held


def report_held_fetch(*, actor: Any, code: str, year: int) -> HeldFigures:
    """The held figures of a town's year, fetched (and logged) to show before the report
    is submitted; writes no report."""
    town = town_of_actor(code=code, actor=actor)
    errors: Errors = {}
    the_year = _reportable_year(town, year, errors)
    if errors:
        raise InvalidInput(_("不能获取"), errors)
    return _held_fetch(town=town, year=the_year, actor=actor)


def _reportable_year(town: Town, year: Any, errors: Errors) -> int:
    """The year, if the town reports it now (a registry is asked for nothing else)."""
    if town.status not in REPORTING_STATUSES:
        errors["town"] = _("小镇当前为“%(status)s”，不需报送年度报告") % {
            "status": town.get_status_display()}
    the_year = integer_clean(year, "year", errors, label=_("年度"))
    if "year" not in errors:
        if not town.in_creation_period(the_year):
            errors["year"] = _("%(year)s 年不在创建期（%(first)s—%(last)s 年）内") % {
                "year": the_year, "first": town.creation_start_year,
                "last": town.creation_end_year}
        elif the_year > clock.now().year:
            errors["year"] = _("%(year)s 年尚未开始") % {"year": the_year}
        elif Assessment.objects.filter(town=town, year=the_year).exists():
            errors["year"] = _("%(year)s 年度已考核，不能再报送") % {"year": the_year}
        elif AnnualReport.objects.filter(town=town, year=the_year).exists():
            errors["year"] = _("%(year)s 年度报告已报送") % {"year": the_year}
    return the_year


EVIDENCE_FILES_MAX = 10

FIGURE_LABELS = {
    Figure.INVESTMENT: _("完成投资"),
    Figure.SPECIAL_INVESTMENT: _("特色产业投资"),
    Figure.NEW_LAND: _("实际新增建设用地"),
    Figure.VISITORS: _("接待游客人次"),
    Figure.CONSTRUCTION_PROGRESS: _("景区建设进度"),
}


def _figures_clean(figures: dict[str, Any], errors: Errors) -> dict[str, Any]:
    for key in HELD_FIGURES:
        if key in figures:
            errors[key] = _("该数据由政府部门共享获取，不能填报")
    for key in sorted(set(figures) - set(Figure.values) - set(HELD_FIGURES)):
        errors[key] = _("年度报告中没有该数据项")
    cleaned: dict[str, Any] = {
        "investment": decimal_clean(figures.get("investment"), "investment", errors,
                                    label=_("完成投资")),
        "special_investment": decimal_clean(figures.get("special_investment"),
                                            "special_investment", errors,
                                            label=_("特色产业投资")),
        "new_land": decimal_clean(figures.get("new_land"), "new_land", errors,
                                  label=_("实际新增建设用地")),
        "visitors": integer_clean(figures.get("visitors"), "visitors", errors,
                                  label=_("接待游客人次")),
        "construction_progress": integer_clean(figures.get("construction_progress"),
                                               "construction_progress", errors,
                                               label=_("景区建设进度"), maximum=100),
    }
    if ("investment" not in errors and "special_investment" not in errors
            and cleaned["special_investment"] > cleaned["investment"]):
        errors["special_investment"] = _("特色产业投资不能超过完成投资")
    return cleaned


def _evidence_clean(evidence: dict[str, list[tuple[str, bytes]]],
                    errors: Errors) -> list[tuple[str, Upload, Any]]:
    checked = []
    for key in sorted(set(evidence) - set(Figure.values)):
        errors[f"evidence_{key}"] = _("年度报告中没有该数据项")
    for figure in Figure.values:
        files = [f for f in evidence.get(figure, []) if f and f[1]]
        if not files:
            errors[f"evidence_{figure}"] = _("请上传%(label)s的证明材料") % {
                "label": FIGURE_LABELS[Figure(figure)]}
            continue
        if len(files) > EVIDENCE_FILES_MAX:
            errors[f"evidence_{figure}"] = _("每项数据最多上传 %(n)s 个证明文件") % {
                "n": EVIDENCE_FILES_MAX}
            continue
        for filename, content in files:
            upload = Upload(key=f"evidence_{figure}", filename=str(filename)[:255],
                            content=content)
            try:
                checked.append((figure, upload, upload_sniff(upload)))
            except InvalidInput as exc:
                errors.update(exc.errors)
    return checked


def report_submit(
    *, actor: Any, code: str, year: Any, figures: dict[str, Any],
    evidence: dict[str, list[tuple[str, bytes]]], note: str = "",
) -> AnnualReport:
    """A county reports a town's year. Refused naming every problem at once, with nothing
    stored: a figure missing or negative, a figure without evidence, a year outside the
    creation period or already reported or assessed, a typed tax or enterprise figure, a
    registry that has no figure or does not answer. The held figures are fetched (and the
    fetch logged) before the report's transaction, once the town and year are known good."""
    town = town_of_actor(code=code, actor=actor)
    errors: Errors = {}
    the_year = _reportable_year(town, year, errors)
    cleaned = _figures_clean(dict(figures or {}), errors)
    checked = _evidence_clean(dict(evidence or {}), errors)
    note = str(note or "").strip()
    if len(note) > TEXT_MAX:
        errors["note"] = _("说明最多 %(n)s 字") % {"n": TEXT_MAX}
    held = None
    if "year" not in errors and "town" not in errors:
        held = _held_fetch(town=town, year=the_year, actor=actor)
        errors.update(held.errors)
    if (errors or held is None or held.tax_revenue is None or held.tax_base is None
            or held.new_enterprises is None or held.fetched_at is None):
        raise InvalidInput(_("年度报告未通过校验"), errors)
    fetched = {"tax_revenue": held.tax_revenue, "tax_base": held.tax_base,
               "tax_source": held.tax_source, "tax_fetched_at": held.fetched_at,
               "new_enterprises": held.new_enterprises,
               "enterprises_source": held.enterprises_source,
               "enterprises_fetched_at": held.fetched_at}
    with files_guard():
        return _report_store(town_id=town.pk, year=the_year, cleaned=cleaned,
                             checked=checked, fetched=fetched, note=note, actor=actor)


@atomic_audited
def _report_store(*, town_id: int, year: int, cleaned: dict[str, Any],
                  checked: list[tuple[str, Upload, Any]], fetched: dict[str, Any], note: str,
                  actor: Any) -> AnnualReport:
    town = Town.objects.select_for_update().filter(pk=town_id).first()
    if town is None:
        raise NotFound(_("特色小镇不存在"))
    if AnnualReport.objects.filter(town=town, year=year).exists():
        raise Conflict(_("%(year)s 年度报告已报送") % {"year": year})
    try:
        report = AnnualReport.objects.create(
            town=town, year=year, **cleaned, **fetched, note=note,
            submitted_by=actor if getattr(actor, "pk", None) else None,
            submitted_at=clock.now())
    except IntegrityError as exc:
        raise Conflict(_("%(year)s 年度报告已报送") % {"year": year}) from exc
    stored = []
    for figure, upload, sniffed in checked:
        name, sha256 = upload_store(upload, sniffed, folder="towns")
        stored.append(ReportEvidence(report=report, figure=figure, filename=upload.filename,
                                     file=name, content_type=sniffed.content_type,
                                     size=len(upload.content), sha256=sha256))
    ReportEvidence.objects.bulk_create(stored)
    audit_record(actor=actor, action="towns.report_submitted", entity="town",
                 entity_id=town.code,
                 data={"year": year, **{k: str(v) for k, v in cleaned.items()},
                       **{k: str(v) for k, v in fetched.items()},
                       "evidence": [e.sha256 for e in stored]})
    return report
