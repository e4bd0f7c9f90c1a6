"""The inspection lists kept by administrators: 检查事项清单, inspectors and conflicts of
interest; the target register (read only: refreshed from the registries)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from onevisit import clock
from onevisit.accounts.models import Department, Region
from onevisit.accounts.regions import scope_of, within
from onevisit.audit.services import audit_record
from onevisit.inspection.models import ConflictOfInterest, InspectionItem, Inspector, Target


class _Scoped(admin.ModelAdmin):  # type: ignore[type-arg]
    """An editor sees the rows of her region only (ADR 0012)."""

    region_field = "region"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(
            within(self.region_field, scope_of(request.user)))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        """Departments, regions, inspectors and targets to choose from: her region's."""
        scope = scope_of(request.user)
        choices = {"department": Department.objects.filter(within("region", scope)),
                   "region": Region.objects.filter(code__startswith=scope),
                   "inspector": Inspector.objects.filter(within("region", scope)),
                   "target": Target.objects.filter(within("region", scope))}
        if db_field.name in choices:
            kwargs["queryset"] = choices[db_field.name]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _Audited(_Scoped):
    entity = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=f"inspection.{self.entity}_saved",
                     entity=self.entity, entity_id=obj.pk,
                     data={"changed": sorted(form.changed_data)})


@admin.register(InspectionItem)
class InspectionItemAdmin(_Audited):
    entity = "inspection_item"
    region_field = "department__region"
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
    region_field = "inspector__region"
    list_display = ("inspector", "target", "reason", "recorded_at", "ended_at")
    raw_id_fields = ("inspector", "target")
    exclude = ("recorded_at",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(Target)
class TargetAdmin(_Scoped):
    list_display = ("ref", "name", "kind", "industry", "region")
    search_fields = ("ref", "name")
    list_filter = ("kind", "industry")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
