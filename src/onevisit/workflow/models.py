"""Department work (后台审批): work items, the claims on cases and what came of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department, Region
from onevisit.applications.models import Case


class WorkItemOutcome(models.TextChoices):
    APPROVED = "approved", _("准予")
    REJECTED = "rejected", _("不予许可")
    CORRECTION = "correction", _("要求补正")
    CANCELLED = "cancelled", _("因其他部门不予许可而终止")
    REASSIGNED = "reassigned", _("由部门负责人改派")
    # A bad-credit applicant's case: the first reviewer agreed; a second signs off (复核).
    FIRST_APPROVED = "first_approved", _("初审同意，待复核")


class WorkItem(models.Model):
    """One step of a case in a department queue (待办): a claim and what came of it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="work_items")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_items"
    )
    claimed_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=WorkItemOutcome.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["claimed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(finished_at__isnull=True),
                name="one_open_work_item_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.assignee_id} {self.outcome or 'open'}"


class RemedyBodies(models.Model):
    """Where a refused applicant may seek remedy, named in every refusal decision: the
    administrative review body (行政复议机关: the people's government at the same level,
    or the department at the next level up for vertically led departments such as tax) and
    the competent people's court (行政诉讼). Set for a department, or for a region and so
    for every department in its subtree; the nearest setting applies."""

    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("行政区划"))
    department = models.OneToOneField(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("部门"),
    )
    review_body = models.CharField(_("行政复议机关"), max_length=128)
    court = models.CharField(_("管辖人民法院"), max_length=128)

    class Meta:
        verbose_name = _("复议和诉讼机关")
        verbose_name_plural = _("复议和诉讼机关")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=True) ^ models.Q(department__isnull=True),
                name="remedy_bodies_region_xor_department",
            ),
            models.UniqueConstraint(fields=["region"], condition=models.Q(region__isnull=False),
                                    name="remedy_bodies_one_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.department or self.region}: {self.review_body} / {self.court}"


class DemandKind(models.TextChoices):
    FEE = "fee", _("收费")
    MATERIAL = "material", _("另行要求的材料")


class CaseDemand(models.Model):
    """What a department asked of the applicant besides its review and its correction
    notices: a fee it charged, or a material it asked for outside the notice. Recorded
    so electronic supervision can hold it against the item's guide."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="demands")
    kind = models.CharField(max_length=16, choices=DemandKind.choices)
    name = models.CharField(_("名称"), max_length=255, blank=True)
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2,
                                      default=0)
    reason = models.TextField(_("依据或理由"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.name or self.amount_yuan}"


class JointReviewPanel(models.Model):
    """施工图审查“多审合一”: a department that takes part in the joint review of an item's
    cases besides the item's own department, which leads it. Each participant records its
    opinion on the same case; the lead issues the one combined decision once all are in."""

    item_code = models.CharField(_("事项编码"), max_length=64)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("参审部门"))

    class Meta:
        verbose_name = _("联合审查参审部门")
        verbose_name_plural = _("联合审查参审部门")
        ordering = ["item_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item_code", "department"],
                                    name="joint_review_panel_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.department_id}"


class OpinionVerdict(models.TextChoices):
    AGREE = "agree", _("同意")
    OBJECT = "object", _("有异议")


class JointOpinion(models.Model):
    """One participating department's opinion in a joint review, signed by its reviewer;
    recorded again (before the decision) it replaces the department's earlier one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="joint_opinions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("意见"), max_length=8, choices=OpinionVerdict.choices)
    text = models.TextField(_("审查意见"), blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="joint_opinion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.department_id} {self.verdict}"
