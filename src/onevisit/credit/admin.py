from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onevisit.credit.models import CreditAppeal, CreditPolicy, CreditRecord
from onevisit.credit.services import credit_policy_save


class CreditPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CreditPolicy
        fields = ("region", "active", "minor_points", "general_points", "serious_points",
                  "a_max", "b_max", "c_max", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("a_max", 0) <= data.get("b_max", 0) <= data.get("c_max", 0):
            raise ValidationError(_("各级最高分应满足 A ≤ B ≤ C"))
        return data


@admin.register(CreditPolicy)
class CreditPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The tier rule, per region or for every region (docs/credit.md). A change is
    audited; an older rule is kept inactive rather than deleted."""

    form = CreditPolicyForm
    list_display = ("region", "active", "minor_points", "general_points", "serious_points",
                    "a_max", "b_max", "c_max", "updated_at")
    list_filter = ("active",)
    def save_model(self, request: HttpRequest, obj: CreditPolicy, form: Any,
                   change: bool) -> None:
        credit_policy_save(policy=obj, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records are written by their sources and ended by appeals, not edited here."""

    list_display = ("subject_name", "source", "severity", "region", "valid_from",
                    "valid_until", "ended_at")
    list_filter = ("source", "severity")
    search_fields = ("subject_name", "reference")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditAppeal)
class CreditAppealAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("record", "kind", "status", "filed_at", "decided_at")
    list_filter = ("kind", "status")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
