"""The administrator's side of electronic supervision: the rule registry (监察规则)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onevisit.errors import InvalidInput
from onevisit.supervision.models import AlertKind, SupervisionRule
from onevisit.supervision.registry import RULES, THRESHOLD_BOUNDS
from onevisit.supervision.services import supervision_rule_set


class SupervisionRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SupervisionRule
        fields = ("enabled", "threshold", "note")

    def clean_threshold(self) -> Any:
        value = self.cleaned_data["threshold"]
        kind = AlertKind(self.instance.kind)
        low, high = THRESHOLD_BOUNDS.get(kind, (value, value))
        if kind in THRESHOLD_BOUNDS and not low <= value <= high:
            raise ValidationError(_("应在 %(low)s 至 %(high)s 之间") % {"low": low, "high": high})
        return value


@admin.register(SupervisionRule)
class SupervisionRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rules are created by the migration, one per alert kind the registry knows: the
    administrator edits them, never adds or deletes one."""

    form = SupervisionRuleForm
    list_display = ("kind", "enabled", "threshold", "threshold_meaning", "updated_at")
    list_editable = ("enabled",)
    readonly_fields = ("kind", "threshold_meaning", "updated_at")
    fields = ("kind", "enabled", "threshold", "threshold_meaning", "note", "updated_at")

    @admin.display(description=_("阈值含义"))
    def threshold_meaning(self, rule: SupervisionRule) -> str:
        spec = RULES.get(AlertKind(rule.kind))
        return str(spec.threshold_label or _("（无阈值）")) if spec else ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SupervisionRule, form: Any,
                   change: bool) -> None:
        try:
            supervision_rule_set(kind=obj.kind, enabled=obj.enabled, threshold=obj.threshold,
                                 note=obj.note, actor=request.user)
        except InvalidInput as error:  # the form checked the bounds; this is a last guard
            raise ValidationError(str(error)) from error
