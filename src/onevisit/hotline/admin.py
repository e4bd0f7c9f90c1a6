"""The 12345 settings administrators keep: per-type limits, and the knowledge base's FAQ
entries (saved through the knowledge services, so each change is indexed and audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onevisit.errors import DomainError
from onevisit.hotline.knowledge import knowledge_entry_deactivate, knowledge_entry_save
from onevisit.hotline.models import KnowledgeEntry, TicketTypeRule


@admin.register(TicketTypeRule)
class TicketTypeRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["type", "limit_days"]


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "kind", "active", "updated_at"]
    list_filter = ["kind", "active"]
    search_fields = ["title", "body"]
    fields = ["kind", "title", "body", "item_codes"]
    actions = ["retire"]

    def save_model(self, request: HttpRequest, obj: KnowledgeEntry, form: Any,
                   change: bool) -> None:
        try:
            saved = knowledge_entry_save(
                entry_id=obj.pk if change else None, kind=obj.kind, title=obj.title,
                body=obj.body, item_codes=obj.item_codes or [], actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retired instead: the audit chain and tickets may name an entry

    @admin.action(description=_("停用所选知识条目"))
    def retire(self, request: HttpRequest, queryset: QuerySet[KnowledgeEntry]) -> None:
        for entry in queryset.filter(active=True):
            knowledge_entry_deactivate(entry_id=entry.pk, actor=request.user)
