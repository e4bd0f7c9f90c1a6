from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onevisit.ops.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: runs are written by the scheduler and the task worker."""

    list_display = ("job", "due_at", "status", "attempts", "started_at", "finished_at",
                    "scheduler")
    list_filter = ("status", "job")
    date_hierarchy = "due_at"
    readonly_fields = ("job", "task", "due_at", "status", "attempts", "scheduler",
                       "enqueued_at", "started_at", "finished_at", "result", "error")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
