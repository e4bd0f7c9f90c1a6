from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from onevisit.catalogue.services import catalogue_revision_bump
from onevisit.lifeevents.models import LifeEvent, LifeEventStage
from onevisit.lifeevents.services import life_event_listeners_notify


class StageInline(TranslationTabularInline):  # type: ignore[type-arg]
    model = LifeEventStage
    extra = 0


@admin.register(LifeEvent)
class LifeEventAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "committed_limit", "limit_unit", "promised_visits",
                    "published")
    inlines = [StageInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any,
                     change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            catalogue_revision_bump()
            life_event_listeners_notify(form.instance)
