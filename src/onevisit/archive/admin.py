from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onevisit.archive.models import ArchivePackage, DisposalList


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: packages change only through the archive commands (verify, disposal)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ArchivePackage)
class ArchivePackageAdmin(_ReadOnly):
    list_display = ("application", "status", "retention", "retain_until", "created_at",
                    "last_verified_at", "disposed_at")
    list_filter = ("status", "retention")
    search_fields = ("application__number",)


@admin.register(DisposalList)
class DisposalListAdmin(_ReadOnly):
    list_display = ("id", "status", "created_at", "approved_by", "approved_at", "executed_at")
    list_filter = ("status",)
