"""Department work (后台审批): work items, the claims on cases and what came of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department
from onevisit.applications.models import Case


class WorkItemOutcome(models.TextChoices):
    APPROVED = "approved", _("准予")
    REJECTED = "rejected", _("不予许可")
    CORRECTION = "correction", _("要求补正")
    CANCELLED = "cancelled", _("因其他部门不予许可而终止")


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
