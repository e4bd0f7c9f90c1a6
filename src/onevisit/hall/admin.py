"""Hall administrators set up halls, their service categories and windows here. Tickets
and appointments change only through the services (the queue and the booking pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from onevisit.hall.models import Hall, ServiceCategory, ServiceWindow


class ServiceCategoryInline(TranslationTabularInline):  # type: ignore[type-arg]
    model = ServiceCategory
    extra = 0
    fields = ("prefix", "name", "order", "slot_capacity", "service_minutes",
              "daily_ticket_limit", "is_active")


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "region", "opens_at", "closes_at", "slot_minutes",
                    "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    raw_id_fields = ("region",)
    inlines = [ServiceCategoryInline]


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ("hall", "prefix", "name", "order", "slot_capacity", "service_minutes",
                    "daily_ticket_limit", "is_active")
    list_filter = ("hall", "is_active")
    search_fields = ("name",)


class ServiceWindowForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ServiceWindow
        fields = ("hall", "number", "name", "categories", "is_active")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        hall, categories = cleaned.get("hall"), cleaned.get("categories")
        if hall is not None and categories is not None and any(
                c.hall_id != hall.pk for c in categories):
            self.add_error("categories", _("只能选择本服务中心的业务类别"))
        return cleaned


@admin.register(ServiceWindow)
class ServiceWindowAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ServiceWindowForm
    list_display = ("hall", "number", "name", "is_active")
    list_filter = ("hall", "is_active")
    filter_horizontal = ("categories",)
