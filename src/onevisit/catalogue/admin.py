"""Editors maintain the catalogue here. Published versions are read-only: an edit is a new
draft version (action below), published with the bundle check of `item_publish`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.models import (
    EvidenceType,
    FieldDef,
    ItemField,
    ListEntry,
    MaterialRequirement,
    ServiceItem,
)
from onevisit.catalogue.services import item_new_version, item_publish, list_entry_publish


class _DraftOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == ItemStatus.DRAFT

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class ItemFieldInline(_DraftOnlyInline):
    model = ItemField


class MaterialInline(_DraftOnlyInline, TranslationTabularInline):  # type: ignore[type-arg]
    model = MaterialRequirement


@admin.register(ServiceItem)
class ServiceItemAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ("code", "version", "name", "department", "status", "promised_visits")
    list_filter = ("status", "kind", "department")
    search_fields = ("code", "name")
    inlines = [ItemFieldInline, MaterialInline]
    actions = ["new_version", "publish"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or obj.status == ItemStatus.DRAFT) and super().has_change_permission(
            request, obj
        )

    @admin.action(description=_("为所选事项创建新草稿版本"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        for item in queryset:
            draft = item_new_version(item=item, actor=request.user)
            self.message_user(request, _("已创建 %(item)s") % {"item": draft})

    @admin.action(description=_("发布所选草稿"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        for item in queryset:
            try:
                item_publish(item=item, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{item}: {'; '.join(exc.messages)}", messages.ERROR)


@admin.register(FieldDef)
class FieldDefAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ("key", "label", "type")
    search_fields = ("key", "label")


@admin.register(EvidenceType)
class EvidenceTypeAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "subject_kind", "source")


@admin.register(ListEntry)
class ListEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("kind", "code", "title", "department", "published")
    list_filter = ("kind", "published")
    actions = ["publish"]

    @admin.action(description=_("发布所选清单条目"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ListEntry]) -> None:
        for entry in queryset:
            list_entry_publish(entry=entry, actor=request.user)
