from django.contrib import admin

from onevisit.lifeevents.models import LifeEvent, LifeEventStage


class StageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LifeEventStage
    extra = 0


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "committed_limit", "limit_unit", "promised_visits",
                    "published")
    inlines = [StageInline]
