from django.contrib import admin
from django.http import HttpRequest

from onevisit.notifications.models import Notification, OutboxMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("created_at", "event", "key", "channel", "recipient", "status", "attempts")
    list_filter = ("event", "channel", "status")
    search_fields = ("key", "recipient")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ("created_at", "channel", "to", "subject")
    list_filter = ("channel",)
    readonly_fields = ("created_at", "channel", "to", "subject", "body")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
