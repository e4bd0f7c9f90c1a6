from django.contrib import admin

from onevisit.workflow.models import RemedyBodies


@admin.register(RemedyBodies)
class RemedyBodiesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("department", "region", "review_body", "court")
