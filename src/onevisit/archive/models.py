"""The electronic archive (电子文件归档): one BagIt package per closed application, and the
disposal lists (销毁清单) that end a package's life once its retention is over."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.applications.models import Application
from onevisit.archive.constants import DisposalStatus, PackageStatus, RetentionClass


class ArchivePackage(models.Model):
    """A closed application's package on disk, registered once it is complete. After
    disposal the row stays as a tombstone (status disposed, `disposed_at`)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="archive_package"
    )
    path = models.CharField(
        _("存放路径"), max_length=255, unique=True,
        help_text=_("the package: a directory relative to ONEVISIT_ARCHIVE_DIR, or its "
                    "tar object in the archive's object storage"),
    )
    created_at = models.DateTimeField(_("归档时间"))
    retention = models.CharField(_("保管期限"), max_length=16, choices=RetentionClass.choices)
    retain_until = models.DateField(
        _("保管至"), null=True, blank=True,
        help_text=_("the last day the package is kept; empty: kept permanently"),
    )
    payload_oxum = models.CharField(
        max_length=32, help_text=_("BagIt Payload-Oxum at archiving: bytes.files")
    )
    manifest_sha256 = models.CharField(
        max_length=64, help_text=_("SHA-256 of manifest-sha256.txt at archiving")
    )
    tagmanifest_sha256 = models.CharField(
        max_length=64, blank=True,
        help_text=_("SHA-256 of tagmanifest-sha256.txt at archiving; empty for packages "
                    "registered before tag manifests were"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PackageStatus.choices, default=PackageStatus.ARCHIVED
    )
    last_verified_at = models.DateTimeField(_("最近校验时间"), null=True, blank=True)
    damage = models.JSONField(
        default=list, blank=True,
        help_text=_("what the last verification found wrong: kind, path, detail"),
    )
    disposed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "retain_until"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status=PackageStatus.DISPOSED, disposed_at__isnull=False)
                    | (~models.Q(status=PackageStatus.DISPOSED)
                       & models.Q(disposed_at__isnull=True))
                ),
                name="archive_disposed_when_disposed_at",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(retention=RetentionClass.PERMANENT, retain_until__isnull=True)
                    | (~models.Q(retention=RetentionClass.PERMANENT)
                       & models.Q(retain_until__isnull=False))
                ),
                name="archive_retain_until_unless_permanent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.status}"


class DisposalList(models.Model):
    """销毁清单: packages past retention, proposed together; destroyed only once a
    supervisor or an administrator has approved the list."""

    status = models.CharField(
        _("状态"), max_length=16, choices=DisposalStatus.choices, default=DisposalStatus.PENDING
    )
    created_at = models.DateTimeField(_("提出时间"))
    packages = models.ManyToManyField(ArchivePackage, related_name="disposal_lists")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("批准人"),
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    executed_at = models.DateTimeField(_("执行时间"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status=DisposalStatus.PENDING)
                    | models.Q(approved_by__isnull=False, approved_at__isnull=False)
                ),
                name="disposal_approved_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"
