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
