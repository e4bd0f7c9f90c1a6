"""The inspection lists kept by administrators: 检查事项清单, inspectors and conflicts of
interest; the target register (read only: refreshed from the registries)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onevisit import clock
from onevisit.audit.services import audit_record
from onevisit.inspection.models import ConflictOfInterest, InspectionItem, Inspector, Target


class _Audited(admin.ModelAdmin):  # type: ignore[type-arg]
    entity = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=f"inspection.{self.entity}_saved",
                     entity=self.entity, entity_id=obj.pk,
                     data={"changed": sorted(form.changed_data)})


@admin.register(InspectionItem)
class InspectionItemAdmin(_Audited):
    entity = "inspection_item"
    list_display = ("code", "name", "department", "active")
    list_filter = ("active", "department")
    search_fields = ("code", "name")


@admin.register(Inspector)
class InspectorAdmin(_Audited):
    entity = "inspector"
    list_display = ("certificate_number", "user", "department", "region", "active")
    list_filter = ("active", "department")
    raw_id_fields = ("user",)


@admin.register(ConflictOfInterest)
class ConflictAdmin(_Audited):
    entity = "inspection_conflict"
    list_display = ("inspector", "target", "reason", "recorded_at", "ended_at")
    raw_id_fields = ("inspector", "target")
    exclude = ("recorded_at",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("ref", "name", "kind", "industry", "region")
    search_fields = ("ref", "name")
    list_filter = ("kind", "industry")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
