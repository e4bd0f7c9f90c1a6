"""Electronic certificates (电子证照): the results an application produces."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department
from onevisit.applications.models import Application, Case


class Certificate(models.Model):
    number = models.CharField(_("证照编号"), max_length=32, unique=True)
    title = models.CharField(_("证照名称"), max_length=128)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="certificates"
    )
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="certificate")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(max_length=128)
    holder_id = models.CharField(max_length=32, db_index=True)
    issued_at = models.DateTimeField()
    verification_code = models.CharField(max_length=16, unique=True)
    data = models.JSONField(default=dict)
    pdf = models.CharField(max_length=255, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"
