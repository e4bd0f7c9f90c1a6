"""双随机一公开: what is checked (inspection items), whom (targets), by whom (inspectors,
with their conflicts of interest), the plans and their reproducible draws, and the
results of each check."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department, Region, SubjectKind
from onevisit.catalogue.models import ListEntry
from onevisit.credit.constants import CreditTier
from onevisit.inspection.constants import (
    ConflictReason,
    Outcome,
    PlanStatus,
    RecheckOutcome,
)


class InspectionItem(models.Model):
    """One entry of a department's 检查事项清单: what may be checked, on which legal
    basis, the 责任清单 entry it discharges, and the service items whose holders it
    supervises (empty: every target of the plan)."""

    code = models.CharField(_("检查事项编码"), max_length=64, unique=True)
    name = models.CharField(_("检查事项名称"), max_length=255)
    department = models.ForeignKey(Department, on_delete=models.PROTECT,
                                   related_name="inspection_items", verbose_name=_("实施部门"))
    legal_basis = models.TextField(_("检查依据"))
    method = models.CharField(_("检查方式"), max_length=128, blank=True)
    responsibility = models.ForeignKey(
        ListEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": "responsibility"}, verbose_name=_("责任清单事项"))
    service_item_codes = models.JSONField(
        _("监管的政务服务事项"), default=list, blank=True,
        help_text=_("持有这些事项办理结果（证照）的对象属于本检查事项的检查范围，如 "
                    "[\"330106-SC-001\"]；留空 [] 表示所有对象"))
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("检查事项")
        verbose_name_plural = _("检查事项清单")
        ordering = ["department__code", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Target(models.Model):
    """A company or licence holder onevisit knows: from the enterprise registry and the
    certificates it issued (refreshed by `targets_refresh`)."""

    ref = models.CharField(_("公示编号"), max_length=32, unique=True,
                           help_text=_("企业为统一社会信用代码；个人为其证件号码的摘要"))
    kind = models.CharField(_("对象类型"), max_length=16, choices=SubjectKind.choices)
    code = models.CharField(_("统一社会信用代码或证件号码"), max_length=32, unique=True)
    name = models.CharField(_("名称或姓名"), max_length=128)
    industry = models.CharField(_("行业"), max_length=32, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("所在地区"))
    # The service items whose results it holds (item codes, sorted).
    licences = models.JSONField(_("持有许可"), default=list, blank=True)
    sources = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象名录")
        ordering = ["ref"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"


class Inspector(models.Model):
    """A member of a department's staff qualified to inspect (执法检查人员名录)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="inspector_roles", verbose_name=_("账户"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT,
                                   related_name="inspectors", verbose_name=_("所属部门"))
    certificate_number = models.CharField(_("执法证号"), max_length=32, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("执法区域"))
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录")
        ordering = ["certificate_number"]
        constraints = [models.UniqueConstraint(fields=["user", "department"],
                                               name="inspector_once_per_department")]

    def __str__(self) -> str:
        return f"{self.certificate_number} {self.user}"


class ConflictOfInterest(models.Model):
    """An inspector who must never be drawn for a target (回避): declared by the
    inspector or found by the department. "Same target last time" is not stored here: it
    is derived from the previous draw when a plan is published."""

    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT,
                                  related_name="conflicts", verbose_name=_("执法检查人员"))
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("检查对象"))
    reason = models.CharField(_("回避原因"), max_length=16, choices=ConflictReason.choices)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    ended_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "target"],
                                    condition=models.Q(ended_at__isnull=True),
                                    name="one_open_conflict_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.target}"


class Plan(models.Model):
    """An inspection plan: one department's, or a joint plan of several (进一次门、查多项事:
    one visit checks every department's items). Frozen once published."""

    code = models.CharField(_("计划编号"), max_length=40, unique=True)
    name = models.CharField(_("计划名称"), max_length=255)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("抽查范围"))
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("牵头部门"))
    departments = models.ManyToManyField(Department, related_name="+",
                                         verbose_name=_("参与部门"))
    items = models.ManyToManyField(InspectionItem, related_name="plans",
                                   verbose_name=_("检查事项"))
    industry = models.CharField(_("行业"), max_length=32, blank=True,
                                help_text=_("留空：所有行业"))
    period_start = models.DateField(_("检查期间起"))
    period_end = models.DateField(_("检查期间止"))
    # Percent of each credit tier's candidates drawn: better credit, fewer checks.
    ratios = models.JSONField(_("各信用等级抽查比例（%）"), default=dict)
    status = models.CharField(max_length=16, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="plan_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Draw(models.Model):
    """The draw of a plan. At publication: the parameters (canonical JSON, with the
    ordered candidate lists), their SHA-256 and the SHA-256 of a fresh secret seed are
    published. The draw then runs from the seed; the seed is published afterwards, so
    anyone can re-run it (docs/inspection.md)."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="draw")
    algorithm = models.CharField(max_length=32)
    parameters = models.JSONField()
    parameters_sha256 = models.CharField(max_length=64)
    commitment = models.CharField(_("种子承诺值（SHA-256）"), max_length=64)
    # Secret until revealed_at: never shown before.
    seed = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    revealed_at = models.DateTimeField(null=True, blank=True)
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("抽取记录")
        verbose_name_plural = _("抽取记录")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.commitment[:12]}…"


class Assignment(models.Model):
    """One drawn target and its two inspectors: one visit for every item of the plan
    that applies to the target."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveIntegerField()
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(max_length=1, choices=CreditTier.choices)
    first_inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="+")
    second_inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT,
                                         related_name="+")

    class Meta:
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "target"], name="assignment_target_once"),
            models.UniqueConstraint(fields=["draw", "position"], name="assignment_position"),
            models.CheckConstraint(
                condition=~models.Q(first_inspector=models.F("second_inspector")),
                name="assignment_two_inspectors"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}#{self.position} {self.target_id}"


class Result(models.Model):
    """The outcome of one check item at one assigned target; for 责令整改 the working-day
    deadline and the re-check."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT,
                                   related_name="results")
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("检查结果"), max_length=16, choices=Outcome.choices,
                               blank=True)
    finding = models.TextField(_("检查情况"), blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    rectify_due_at = models.DateTimeField(_("整改期限"), null=True, blank=True)
    recheck = models.CharField(_("复查结果"), max_length=16, choices=RecheckOutcome.choices,
                               blank=True)
    recheck_note = models.TextField(_("复查情况"), blank=True)
    rechecked_at = models.DateTimeField(null=True, blank=True)
    rechecked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # 公开: shown on the portal from this moment.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assignment", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="result_item_once"),
        ]
        indexes = [models.Index(fields=["outcome", "recheck", "rectify_due_at"])]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.item_id} {self.outcome}"
