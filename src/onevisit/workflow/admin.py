from django.contrib import admin

from onevisit.workflow.models import CalendarOverride, CalendarYear, RemedyBodies


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("date", "is_working_day", "note")
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("year", "note")


@admin.register(RemedyBodies)
class RemedyBodiesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("department", "region", "review_body", "court")
