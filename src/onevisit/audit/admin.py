from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onevisit.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the log is append-only."""

    list_display = ("seq", "occurred_at", "actor", "action", "entity", "entity_id")
    list_filter = ("action", "entity")
    search_fields = ("entity_id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
