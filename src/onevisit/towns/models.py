"""特色小镇: towns and their status history, yearly targets, annual reports with their
evidence, the published assessment methods, assessments, demonstration designations and
the append-only incentive ledger (docs/towns.md). Money in 万元, land in 亩."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Region
from onevisit.towns.constants import (
    CREATION_YEARS_DEFAULT,
    REPORTING_STATUSES,
    AssessmentResult,
    Figure,
    Industry,
    LedgerKind,
    MethodStatus,
    ScenicGoal,
    TownStatus,
)


class Town(models.Model):
    """A characteristic town: a platform of one county, not an administrative township."""

    code = models.CharField(_("小镇编号"), max_length=32, unique=True)
    name = models.CharField(_("小镇名称"), max_length=128)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在县（市、区）"))
    location = models.CharField(_("所在位置"), max_length=255, blank=True)
    planned_area_km2 = models.DecimalField(_("规划面积（平方公里）"), max_digits=6,
                                           decimal_places=2)
    area_reason = models.TextField(_("面积说明"), blank=True,
                                   help_text=_("规划面积明显偏离 3 平方公里左右时必须说明理由"))
    industry = models.CharField(_("特色产业"), max_length=32, choices=Industry.choices)
    focus = models.CharField(_("主攻方向"), max_length=128)
    differentiation = models.TextField(
        _("差异化说明"), blank=True,
        help_text=_("同一县（市、区）已有同一产业的小镇时必须说明差异（避免“百镇一面”）"))
    scenic_goal = models.CharField(_("景区建设目标"), max_length=2, choices=ScenicGoal.choices)
    functions = models.JSONField(_("功能"), default=list,
                                 help_text=_("TownFunction 的值列表，必须含“产业”"))
    # {"2016": "150000.00", …}: the year (string) → planned investment in 万元 (string).
    investment_plan = models.JSONField(_("分年度投资计划（万元）"), default=dict)
    creation_start_year = models.PositiveSmallIntegerField(_("创建期起始年度"))
    creation_years = models.PositiveSmallIntegerField(_("创建期（年）"),
                                                      default=CREATION_YEARS_DEFAULT)
    status = models.CharField(_("状态"), max_length=16, choices=TownStatus.choices,
                              default=TownStatus.DECLARED)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("申报时间"))
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    listed_at = models.DateTimeField(_("列入时间"), null=True, blank=True)
    office_note = models.TextField(_("联席办意见"), blank=True)
    named_at = models.DateTimeField(_("验收命名时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("特色小镇")
        verbose_name_plural = _("特色小镇")
        ordering = ["region_id", "code"]
        indexes = [models.Index(fields=["industry", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_area_km2__gt=0),
                                   name="town_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def creation_end_year(self) -> int:
        return self.creation_start_year + self.creation_years - 1

    def in_creation_period(self, year: int) -> bool:
        return self.creation_start_year <= year <= self.creation_end_year

    def reports_on(self, year: int, *, current_year: int) -> bool:
        """Whether the town reports on `year`: a listed town (creation or cultivation
        object), a year of its creation period that has begun."""
        return (self.status in REPORTING_STATUSES and self.in_creation_period(year)
                and year <= current_year)


class TownStatusChange(models.Model):
    """Every move of a town's status, appended by `town_transition` (never edited)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=TownStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=TownStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    assessment = models.ForeignKey("Assessment", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["town", "at", "id"]

    def __str__(self) -> str:
        return f"{self.town_id} {self.from_status}→{self.to_status}"


class YearTarget(models.Model):
    """The office's target tasks of one town for one year (年度目标任务)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年度"))
    investment = models.DecimalField(_("投资（万元）"), max_digits=14, decimal_places=2)
    special_investment = models.DecimalField(_("其中特色产业投资（万元）"),
                                             max_digits=14, decimal_places=2)
    new_enterprises = models.PositiveIntegerField(_("新入驻企业（家）"))
    tax_revenue = models.DecimalField(_("税收收入（万元）"), max_digits=14, decimal_places=2)
    visitors = models.PositiveIntegerField(_("接待游客（人次）"))
    construction_progress = models.PositiveSmallIntegerField(_("景区建设进度（%）"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        verbose_name = _("年度目标任务")
        verbose_name_plural = _("年度目标任务")
        ordering = ["town", "year"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="town_target_once_a_year"),
            models.CheckConstraint(condition=models.Q(investment__gte=0,
                                                      special_investment__gte=0,
                                                      tax_revenue__gte=0,
                                                      construction_progress__lte=100),
                                   name="town_target_figures_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.town_id} {self.year}"


class AnnualReport(models.Model):
    """A town's actual figures for one year. The typed figures each carry evidence; the
    figures the government holds (tax revenue, new enterprises) are fetched through the
    exchange and stored with their source and time of fetch, never typed."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    investment = models.DecimalField(_("完成投资（万元）"), max_digits=14, decimal_places=2)
    special_investment = models.DecimalField(_("其中特色产业投资（万元）"),
                                             max_digits=14, decimal_places=2)
    new_land = models.DecimalField(_("实际新增建设用地（亩）"), max_digits=12, decimal_places=2)
    visitors = models.PositiveIntegerField(_("接待游客（人次）"))
    construction_progress = models.PositiveSmallIntegerField(_("景区建设进度（%）"))
    # Fetched: the tax office's registry (税收征管库).
    tax_revenue = models.DecimalField(_("税收收入（万元）"), max_digits=14, decimal_places=2)
    # The tax revenue of the year before the creation period began: 新增税收 is measured
    # against it (docs/towns.md).
    tax_base = models.DecimalField(_("创建前一年税收（万元）"), max_digits=14, decimal_places=2)
    tax_source = models.CharField(max_length=64)
    tax_fetched_at = models.DateTimeField()
    # Fetched: the enterprise registry (法人库).
    new_enterprises = models.PositiveIntegerField(_("新入驻企业（家）"))
    enterprises_source = models.CharField(max_length=64)
    enterprises_fetched_at = models.DateTimeField()
    note = models.TextField(_("说明"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["town", "year"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="town_report_once_a_year"),
            models.CheckConstraint(condition=models.Q(investment__gte=0,
                                                      special_investment__gte=0,
                                                      new_land__gte=0,
                                                      tax_revenue__gte=0, tax_base__gte=0,
                                                      construction_progress__lte=100),
                                   name="town_report_figures_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.town_id} {self.year}"

    @property
    def new_tax_revenue(self) -> Decimal:
        """新增税收: the year's tax revenue over the year before creation, never below 0."""
        return max(self.tax_revenue - self.tax_base, Decimal(0))


class ReportEvidence(models.Model):
    """An uploaded proof (PDF or image, sniffed) of one typed figure of a report."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="evidence")
    figure = models.CharField(_("证明的数据"), max_length=32, choices=Figure.choices)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.CharField(max_length=255)  # the stored name (files.services.file_store)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["report", "figure", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.figure} {self.filename}"


class AssessmentMethod(models.Model):
    """考核办法: the indicators and weights, the score bands, the demotion and exit rules'
    thresholds and the incentive parameters with their legal bases. Drafted, then
    published (frozen); only a published method scores, and publishing one retires the
    method published before it."""

    code = models.CharField(_("办法编号"), max_length=32, unique=True)
    name = models.CharField(_("办法名称"), max_length=255)
    status = models.CharField(max_length=16, choices=MethodStatus.choices,
                              default=MethodStatus.DRAFT)
    # {"investment": 25, …}: the indicator (Indicator value) → its weight; weights sum to 100.
    weights = models.JSONField(_("指标权重"))
    pass_score = models.DecimalField(_("合格分数线"), max_digits=5, decimal_places=2)
    warning_score = models.DecimalField(_("警告分数线"), max_digits=5, decimal_places=2)
    land_reward_percent = models.PositiveSmallIntegerField(_("用地奖励比例（%）"))
    deduction_multiplier = models.PositiveSmallIntegerField(_("倒扣倍数"))
    province_tax_share_percent = models.PositiveSmallIntegerField(_("新增税收省级分成比例（%）"))
    # [100, 100, 100, 50, 50]: percent of the province's share returned in the creation
    # period's first, second, … year; a year beyond the list returns nothing.
    return_percents = models.JSONField(_("逐年返还比例（%）"))
    demonstration_land_mu = models.DecimalField(_("示范小镇奖励用地（亩）"),
                                                max_digits=12, decimal_places=2)
    demonstration_max = models.PositiveSmallIntegerField(_("每年示范小镇名额"))
    land_basis = models.TextField(_("用地奖励依据"))
    deduction_basis = models.TextField(_("用地倒扣依据"))
    fiscal_basis = models.TextField(_("财政奖励依据"))
    demonstration_basis = models.TextField(_("示范小镇奖励依据"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("考核办法")
        verbose_name_plural = _("考核办法")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["status"],
                                    condition=models.Q(status=MethodStatus.PUBLISHED),
                                    name="town_method_one_published"),
            models.CheckConstraint(condition=models.Q(warning_score__lte=models.F("pass_score")),
                                   name="town_method_bands_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Assessment(models.Model):
    """The office's assessment of one annual report under a published method: each
    indicator's score, the total, the result and whether the targets were met."""

    report = models.OneToOneField(AnnualReport, on_delete=models.PROTECT,
                                  related_name="assessment")
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("年度"))
    method = models.ForeignKey(AssessmentMethod, on_delete=models.PROTECT, related_name="+")
    # {"investment": {"actual": "…", "target": "…", "weight": 25, "score": "…"}, …}
    scores = models.JSONField(_("各项得分"))
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2)
    result = models.CharField(_("考核结果"), max_length=16, choices=AssessmentResult.choices)
    met_targets = models.BooleanField(_("完成年度目标任务"))
    note = models.TextField(_("考核意见"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("考核时间"))
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    settled_at = models.DateTimeField(_("结算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "town"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="town_assessed_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.town_id} {self.year} {self.result}"


class Demonstration(models.Model):
    """A 省级示范特色小镇 designation published by the office for a year."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="demonstrations")
    year = models.PositiveSmallIntegerField(_("年度"))
    method = models.ForeignKey(AssessmentMethod, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    designated_at = models.DateTimeField(_("公布时间"))

    class Meta:
        verbose_name = _("示范特色小镇")
        verbose_name_plural = _("示范特色小镇")
        ordering = ["-year", "town"]
        constraints = [
            models.UniqueConstraint(fields=["town"], name="town_demonstration_once"),
        ]

    def __str__(self) -> str:
        return f"{self.town_id} {self.year}"


class LedgerEntry(models.Model):
    """One grant or deduction, settled after the fact (事后结算): never changed or
    deleted. Land in 亩 (a deduction is negative), fiscal reward in 万元; the legal basis
    and the formula as applied; the assessment or designation that caused it."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="ledger")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=32, choices=LedgerKind.choices)
    land_mu = models.DecimalField(_("用地指标（亩）"), default=0, max_digits=12, decimal_places=2)
    fiscal_wan = models.DecimalField(_("财政奖励（万元）"), default=0,
                                     max_digits=14, decimal_places=2)
    legal_basis = models.TextField(_("依据"))
    formula = models.CharField(_("计算方法"), max_length=500)
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="ledger")
    demonstration = models.ForeignKey(Demonstration, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="ledger")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记账时间"))

    class Meta:
        verbose_name = _("激励台账")
        verbose_name_plural = _("激励台账")
        ordering = ["town", "year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "kind"],
                                    condition=models.Q(assessment__isnull=False),
                                    name="town_ledger_once_per_assessment"),
            models.UniqueConstraint(fields=["demonstration", "kind"],
                                    condition=models.Q(demonstration__isnull=False),
                                    name="town_ledger_once_per_demonstration"),
            models.CheckConstraint(
                condition=(models.Q(assessment__isnull=False, demonstration__isnull=True)
                           | models.Q(assessment__isnull=True, demonstration__isnull=False)),
                name="town_ledger_one_cause"),
        ]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self) -> str:
        return f"{self.town_id} {self.year} {self.kind} {self.land_mu} 亩 {self.fiscal_wan} 万元"
