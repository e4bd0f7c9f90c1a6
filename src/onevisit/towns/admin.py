"""The programme's records in the admin, read only: every change goes through the
services (declaration, review, reports, assessment, settlement), which audit it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from onevisit.towns.access import towns_scope
from onevisit.towns.models import (
    AnnualReport,
    Assessment,
    AssessmentMethod,
    Demonstration,
    LedgerEntry,
    Town,
    YearTarget,
)


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Viewing only, limited to the towns the account may see (the office: all)."""

    town_field = "town__region__code"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        if not self.town_field:
            return rows
        scope = towns_scope(request.user)
        if scope is None:
            return rows if getattr(request.user, "is_superuser", False) else rows.none()
        return rows.filter(**{f"{self.town_field}__startswith": scope}) if scope else rows

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Town)
class TownAdmin(_ReadOnly):
    town_field = "region__code"
    list_display = ("code", "name", "region", "industry", "status", "creation_start_year")
    list_filter = ("status", "industry")
    search_fields = ("code", "name", "focus")


@admin.register(YearTarget)
class YearTargetAdmin(_ReadOnly):
    list_display = ("town", "year", "investment", "tax_revenue", "set_at")


@admin.register(AnnualReport)
class AnnualReportAdmin(_ReadOnly):
    list_display = ("town", "year", "investment", "new_land", "tax_revenue",
                    "new_enterprises", "submitted_at")
    list_filter = ("year",)


@admin.register(AssessmentMethod)
class AssessmentMethodAdmin(_ReadOnly):
    town_field = ""
    list_display = ("code", "name", "status", "published_at")


@admin.register(Assessment)
class AssessmentAdmin(_ReadOnly):
    list_display = ("town", "year", "total", "result", "published_at", "settled_at")
    list_filter = ("year", "result")


@admin.register(Demonstration)
class DemonstrationAdmin(_ReadOnly):
    list_display = ("town", "year", "designated_at")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_ReadOnly):
    list_display = ("town", "year", "kind", "land_mu", "fiscal_wan", "recorded_at")
    list_filter = ("year", "kind")
