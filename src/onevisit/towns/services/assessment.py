"""考核: the office's assessment methods (drafted, then published; only the published one
scores), the assessment of a report under it, and the publication of a year's results."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Role, User
from onevisit.accounts.regions import covers, staff_region
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.services import notification_send
from onevisit.towns import scoring
from onevisit.towns.access import is_towns_office
from onevisit.towns.constants import (
    DEFAULT_DEDUCTION_MULTIPLIER,
    DEFAULT_DEMONSTRATION_LAND_MU,
    DEFAULT_DEMONSTRATION_MAX,
    DEFAULT_LAND_REWARD_PERCENT,
    DEFAULT_PASS_SCORE,
    DEFAULT_PROVINCE_TAX_SHARE_PERCENT,
    DEFAULT_RETURN_PERCENTS,
    DEFAULT_WARNING_SCORE,
    DEFAULT_WEIGHTS,
    FAILED_RESULTS,
    REPORTING_STATUSES,
    TEXT_MAX,
    AssessmentResult,
    Indicator,
    MethodStatus,
)
from onevisit.towns.models import AnnualReport, Assessment, AssessmentMethod, YearTarget
from onevisit.towns.services.common import (
    Errors,
    decimal_clean,
    integer_clean,
    office_required,
    status_move,
    town_locked,
)

# The legal bases a new method starts with (the office edits them before publishing).
# They cite the province's policy and the seed's account of it; docs/towns.md says which
# figures are configured defaults rather than checked against the policy's text.
DEFAULT_BASES = {
    "land_basis": "《浙江省人民政府关于加快特色小镇规划建设的指导意见》（浙政发〔2015〕8号）："
                  "对完成年度目标任务的省级特色小镇创建对象，按年度实际新增建设用地给予用地指标奖励，"
                  "事后结算",
    "deduction_basis": "《浙江省人民政府关于加快特色小镇规划建设的指导意见》（浙政发〔2015〕8号）："
                       "对不能完成年度目标任务的，加倍倒扣用地指标",
    "fiscal_basis": "《浙江省人民政府关于加快特色小镇规划建设的指导意见》（浙政发〔2015〕8号）："
                    "特色小镇规划空间范围内的新增财政收入上交省财政部分，前 3 年全额返还、"
                    "后 2 年返还一半给当地财政",
    "demonstration_basis": "浙江省国土资源厅对省级示范特色小镇的倾斜支持："
                           "额外奖励每个小镇用地指标 100 亩",
}


def _percent(value: Any, key: str, errors: Errors, *, label: str, maximum: int = 100) -> int:
    return integer_clean(value, key, errors, label=label, maximum=maximum)


@atomic_audited
def method_create(
    *, actor: Any, code: str, name: str, weights: dict[str, Any] | None = None,
    pass_score: Any = None, warning_score: Any = None, land_reward_percent: Any = None,
    deduction_multiplier: Any = None, province_tax_share_percent: Any = None,
    return_percents: list[Any] | None = None, demonstration_land_mu: Any = None,
    demonstration_max: Any = None, land_basis: str | None = None,
    deduction_basis: str | None = None, fiscal_basis: str | None = None,
    demonstration_basis: str | None = None,
) -> AssessmentMethod:
    """A draft method; every parameter left out takes the programme's default."""
    office_required(actor)
    errors: Errors = {}
    code = str(code or "").strip()
    if not code or len(code) > 32:
        errors["code"] = _("请填写办法编号（最多 32 字）")
    elif AssessmentMethod.objects.filter(code=code).exists():
        errors["code"] = _("已有该编号的考核办法")
    name = str(name or "").strip()
    if not name or len(name) > 255:
        errors["name"] = _("请填写办法名称（最多 255 字）")
    given = DEFAULT_WEIGHTS if weights is None else weights
    clean_weights: dict[str, int] = {}
    weight_errors: Errors = {}
    for key, value in given.items():
        if key not in Indicator.values:
            weight_errors[key] = _("没有指标“%(key)s”") % {"key": key}
            continue
        clean_weights[str(key)] = integer_clean(value, key, weight_errors,
                                                label=str(Indicator(key).label), maximum=100)
    if weight_errors:
        errors["weights"] = "；".join(str(e) for e in weight_errors.values())
    elif sum(clean_weights.values()) != 100:
        errors["weights"] = _("各指标权重之和须为 100（现为 %(sum)s）") % {
            "sum": sum(clean_weights.values())}
    passing = decimal_clean(DEFAULT_PASS_SCORE if pass_score is None else pass_score,
                            "pass_score", errors, label=_("合格分数线"), maximum=Decimal(100))
    warning = decimal_clean(DEFAULT_WARNING_SCORE if warning_score is None else warning_score,
                            "warning_score", errors, label=_("警告分数线"),
                            maximum=Decimal(100))
    if "pass_score" not in errors and "warning_score" not in errors and warning > passing:
        errors["warning_score"] = _("警告分数线不能高于合格分数线")
    land_percent = _percent(
        DEFAULT_LAND_REWARD_PERCENT if land_reward_percent is None else land_reward_percent,
        "land_reward_percent", errors, label=_("用地奖励比例"), maximum=1000)
    multiplier = _percent(
        DEFAULT_DEDUCTION_MULTIPLIER if deduction_multiplier is None else deduction_multiplier,
        "deduction_multiplier", errors, label=_("倒扣倍数"), maximum=10)
    share = _percent(DEFAULT_PROVINCE_TAX_SHARE_PERCENT if province_tax_share_percent is None
                     else province_tax_share_percent, "province_tax_share_percent", errors,
                     label=_("新增税收省级分成比例"))
    returns_given = DEFAULT_RETURN_PERCENTS if return_percents is None else return_percents
    returns: list[int] = []
    if not isinstance(returns_given, list | tuple) or not 1 <= len(returns_given) <= 10:
        errors["return_percents"] = _("请按年度填写返还比例（1 至 10 个年度）")
    else:
        return_errors: Errors = {}
        returns = [_percent(v, str(i), return_errors, label=_("第 %(n)s 年返还比例") % {
            "n": i + 1}) for i, v in enumerate(returns_given)]
        if return_errors:
            errors["return_percents"] = "；".join(str(e) for e in return_errors.values())
    demo_land = decimal_clean(DEFAULT_DEMONSTRATION_LAND_MU if demonstration_land_mu is None
                              else demonstration_land_mu, "demonstration_land_mu", errors,
                              label=_("示范小镇奖励用地"), maximum=Decimal(100000))
    demo_max = integer_clean(DEFAULT_DEMONSTRATION_MAX if demonstration_max is None
                             else demonstration_max, "demonstration_max", errors,
                             label=_("每年示范小镇名额"), maximum=1000)
    bases: dict[str, str] = {}
    for key, value in (("land_basis", land_basis), ("deduction_basis", deduction_basis),
                       ("fiscal_basis", fiscal_basis),
                       ("demonstration_basis", demonstration_basis)):
        text = str(DEFAULT_BASES[key] if value is None else value).strip()
        if not text or len(text) > TEXT_MAX:
            errors[key] = _("请填写依据（最多 %(n)s 字）") % {"n": TEXT_MAX}
        bases[key] = text
    if errors:
        raise InvalidInput(_("考核办法未通过校验"), errors)
    method = AssessmentMethod.objects.create(
        code=code, name=name, status=MethodStatus.DRAFT, weights=clean_weights,
        pass_score=passing, warning_score=warning, land_reward_percent=land_percent,
        deduction_multiplier=multiplier, province_tax_share_percent=share,
        return_percents=returns, demonstration_land_mu=demo_land, demonstration_max=demo_max,
        **bases, created_by=actor if getattr(actor, "pk", None) else None,
        created_at=clock.now())
    audit_record(actor=actor, action="towns.method_created", entity="town_method",
                 entity_id=code, data=method_parameters(method))
    return method


def method_parameters(method: AssessmentMethod) -> dict[str, Any]:
    return {"weights": method.weights, "pass_score": str(method.pass_score),
            "warning_score": str(method.warning_score),
            "land_reward_percent": method.land_reward_percent,
            "deduction_multiplier": method.deduction_multiplier,
            "province_tax_share_percent": method.province_tax_share_percent,
            "return_percents": method.return_percents,
            "demonstration_land_mu": str(method.demonstration_land_mu),
            "demonstration_max": method.demonstration_max}


@atomic_audited
def method_publish(*, actor: Any, code: str) -> AssessmentMethod:
    """Publish a draft method (frozen from now on); the method published before it is
    retired. Assessments keep the method they were scored under."""
    office_required(actor)
    method = AssessmentMethod.objects.select_for_update().filter(code=code).first()
    if method is None:
        raise InvalidInput(_("考核办法不存在"), {"code": _("考核办法不存在")})
    if method.status != MethodStatus.DRAFT:
        raise Conflict(_("只有草拟中的考核办法能发布"))
    now = clock.now()
    for previous in AssessmentMethod.objects.select_for_update().filter(
            status=MethodStatus.PUBLISHED):
        previous.status = MethodStatus.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at"])
        audit_record(actor=actor, action="towns.method_retired", entity="town_method",
                     entity_id=previous.code, data={})
    method.status = MethodStatus.PUBLISHED
    method.published_by = actor if getattr(actor, "pk", None) else None
    method.published_at = now
    method.save(update_fields=["status", "published_by", "published_at"])
    audit_record(actor=actor, action="towns.method_published", entity="town_method",
                 entity_id=method.code, data=method_parameters(method))
    return method


def report_actuals(report: AnnualReport) -> dict[str, Decimal]:
    return {
        Indicator.INVESTMENT: report.investment,
        Indicator.SPECIAL_INVESTMENT: report.special_investment,
        Indicator.NEW_ENTERPRISES: Decimal(report.new_enterprises),
        Indicator.TAX_REVENUE: report.tax_revenue,
        Indicator.VISITORS: Decimal(report.visitors),
        Indicator.CONSTRUCTION_PROGRESS: Decimal(report.construction_progress),
    }


def target_values(target: YearTarget) -> dict[str, Decimal]:
    return {
        Indicator.INVESTMENT: target.investment,
        Indicator.SPECIAL_INVESTMENT: target.special_investment,
        Indicator.NEW_ENTERPRISES: Decimal(target.new_enterprises),
        Indicator.TAX_REVENUE: target.tax_revenue,
        Indicator.VISITORS: Decimal(target.visitors),
        Indicator.CONSTRUCTION_PROGRESS: Decimal(target.construction_progress),
    }


@atomic_audited
def report_assess(*, actor: Any, code: str, year: Any, note: str = "") -> Assessment:
    """The office scores a town's report under the published method: each indicator
    weight × min(actual / target, 1), the total against the bands, and the demotion and
    exit rules (scoring.result_decide). A 降格 or 退出 moves the town's status at once."""
    office_required(actor)
    town = town_locked(code=code, actor=actor)
    errors: Errors = {}
    the_year = integer_clean(year, "year", errors, label=_("年度"))
    note = str(note or "").strip()
    if len(note) > TEXT_MAX:
        errors["note"] = _("考核意见最多 %(n)s 字") % {"n": TEXT_MAX}
    if errors:
        raise InvalidInput(_("考核未通过校验"), errors)
    method = AssessmentMethod.objects.filter(status=MethodStatus.PUBLISHED).first()
    report = AnnualReport.objects.filter(town=town, year=the_year).first()
    target = YearTarget.objects.filter(town=town, year=the_year).first()
    if method is None:
        errors["method"] = _("尚未发布考核办法")
    if report is None:
        errors["year"] = _("%(year)s 年度报告尚未报送") % {"year": the_year}
    elif Assessment.objects.filter(town=town, year=the_year).exists():
        errors["year"] = _("%(year)s 年度已考核") % {"year": the_year}
    if target is None:
        errors["target"] = _("尚未设定 %(year)s 年度目标任务") % {"year": the_year}
    if town.status not in REPORTING_STATUSES:
        errors["town"] = _("小镇当前为“%(status)s”，不参加年度考核") % {
            "status": town.get_status_display()}
    if errors or method is None or report is None or target is None:
        raise InvalidInput(_("不能考核"), errors)
    scores, total = scoring.scores_compute(actuals=report_actuals(report),
                                           targets=target_values(target),
                                           weights=method.weights)
    previous = (Assessment.objects.filter(town=town, year=the_year - 1)
                .values_list("result", flat=True).first())
    failed_before = Assessment.objects.filter(town=town, year__lt=the_year,
                                              result__in=FAILED_RESULTS).exists()
    result = scoring.result_decide(total=total, pass_score=method.pass_score,
                                   warning_score=method.warning_score, status=town.status,
                                   previous_result=previous, failed_before=failed_before)
    try:
        assessment = Assessment.objects.create(
            report=report, town=town, year=the_year, method=method,
            scores={s.indicator: {"actual": str(s.actual), "target": str(s.target),
                                  "weight": s.weight, "score": str(s.score)} for s in scores},
            total=total, result=result, met_targets=result == AssessmentResult.PASSED,
            note=note, assessed_by=actor if getattr(actor, "pk", None) else None,
            assessed_at=clock.now())
    except IntegrityError as exc:
        raise Conflict(_("%(year)s 年度已考核") % {"year": the_year}) from exc
    audit_record(actor=actor, action="towns.assessed", entity="town", entity_id=town.code,
                 data={"year": the_year, "method": method.code, "total": str(total),
                       "result": result})
    moved_to = scoring.STATUS_AFTER.get(result)
    if moved_to is not None:
        with translation.override(settings.LANGUAGE_CODE):  # the note of record is Chinese
            note = _("%(year)s 年度考核结果：%(result)s") % {
                "year": the_year, "result": AssessmentResult(result).label}
        status_move(town=town, to=moved_to, actor=actor, assessment=assessment, note=note)
    return assessment


@atomic_audited
def assessments_publish(*, actor: Any, year: Any) -> int:
    """Publish every unpublished assessment of a year (公布考核结果): shown on the public
    pages from now, and settled from now."""
    office_required(actor)
    errors: Errors = {}
    the_year = integer_clean(year, "year", errors, label=_("年度"))
    if errors:
        raise InvalidInput(_("年度无效"), errors)
    now = clock.now()
    pending = list(Assessment.objects.select_for_update()
                   .filter(year=the_year, published_at__isnull=True)
                   .values_list("pk", "town__code"))
    Assessment.objects.filter(pk__in=[pk for pk, _code in pending]).update(published_at=now)
    if pending:
        audit_record(actor=actor, action="towns.results_published", entity="town_year",
                     entity_id=the_year, data={"towns": sorted(c for _pk, c in pending)})
        _results_notify(assessments=Assessment.objects.select_related("town").filter(
            pk__in=[pk for pk, _code in pending]))
    return len(pending)


def _results_notify(*, assessments: Iterable[Assessment]) -> None:
    """Tell each town's county (and city) towns officers its published result."""
    officers = [user for user in User.objects.filter(role=Role.TOWNS, is_active=True)
                .select_related("department") if not is_towns_office(user)]
    for assessment in assessments:
        town = assessment.town
        with translation.override(settings.LANGUAGE_CODE):  # the words of record are Chinese
            result = str(AssessmentResult(assessment.result).label)
        for user in officers:
            if not covers(staff_region(user), town.region_id):
                continue
            notification_send(
                event=NotifyEvent.TOWN_ASSESSED, key=f"{town.code}-{assessment.year}",
                user=user, link=reverse("web:towns_report", kwargs={"code": town.code,
                                                         "year": assessment.year}),
                context={"town": town.name, "year": assessment.year,
                         "result": result,
                         "total": str(assessment.total)})
