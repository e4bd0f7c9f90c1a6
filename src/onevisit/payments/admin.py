"""Orders and notifications, read-only: they change only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onevisit.payments.models import PaymentNotice, PaymentOrder, Refund


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnly):
    list_display = ["number", "application", "amount_yuan", "status", "provider", "created_at",
                    "paid_at"]
    list_filter = ["status", "provider"]
    search_fields = ["number", "application__number", "trade_number"]


@admin.register(PaymentNotice)
class PaymentNoticeAdmin(ReadOnly):
    list_display = ["received_at", "provider", "order_number", "amount_yuan", "signature_ok",
                    "outcome"]
    list_filter = ["outcome", "provider"]
    search_fields = ["order_number", "trade_number"]


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = ["number", "order", "amount_yuan", "status", "requested_at", "confirmed_at"]
    list_filter = ["status"]
