from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin

from onevisit.accounts.models import ApiToken, Authorisation, Department, Region, User
from onevisit.accounts.services import (
    api_token_revoke,
    authorisation_check,
    authorisation_grant,
    authorisation_revoke,
    grassroots_platforms_ensure,
)
from onevisit.errors import DomainError, InvalidInput


@admin.register(User)
class OnevisitUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("onevisit", {"fields": ("role", "department", "id_number", "phone")}),
    )
    list_display = ("username", "first_name", "role", "department", "is_active")
    list_filter = ("role", "department")


@admin.register(Department)
class DepartmentAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "region", "platform")
    list_filter = ("platform",)
    search_fields = ("code", "name")


@admin.action(description=gettext_lazy("建立所选地区各乡镇（街道）的四个平台"))
def _platforms_ensure(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Region]) -> None:
    for region in queryset:
        try:
            platforms = grassroots_platforms_ensure(region_code=region.code, actor=request.user)
        except DomainError as exc:
            messages.error(request, f"{region.name}：{exc.message}")
        else:
            messages.success(request, _("%(region)s：共 %(count)d 个乡镇（街道）平台")
                             % {"region": region.name, "count": len(platforms)})


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    actions = [_platforms_ensure]


@admin.action(description=gettext_lazy("撤销所选令牌"))
def _tokens_revoke(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
    for token in queryset:
        api_token_revoke(token_id=token.pk, actor=request.user)
    messages.success(request, _("已撤销 %(count)d 个令牌") % {"count": queryset.count()})


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tokens are created with `onevisit token create` (the key is printed once) and only
    revoked here."""

    list_display = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at",
                    "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at",
                       "revoked_at")
    exclude = ("key_hash",)
    actions = [_tokens_revoke]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description=gettext_lazy("撤销所选授权"))
def _authorisations_revoke(modeladmin: Any, request: HttpRequest,
                           queryset: QuerySet[Authorisation]) -> None:
    for authorisation in queryset.filter(revoked_at__isnull=True):
        authorisation_revoke(authorisation_id=authorisation.pk, actor=request.user,
                             reason=_("在管理后台撤销"))
    messages.success(request, _("所选授权已撤销"))


class AuthorisationForm(forms.ModelForm):  # type: ignore[type-arg]
    """Checked by the service's own rules, every problem beside its field, before the
    admin says anything was saved."""

    class Meta:
        model = Authorisation
        fields = ("user", "subject_kind", "subject_id", "subject_name", "basis", "scope",
                  "valid_from", "valid_until", "document")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or self.instance.pk is not None:
            return data
        try:
            data["subject_id"] = authorisation_check(
                user=data["user"], subject_kind=data["subject_kind"],
                subject_id=data["subject_id"], subject_name=data["subject_name"],
                basis=data["basis"], valid_from=data["valid_from"],
                valid_until=data.get("valid_until"))
        except InvalidInput as exc:
            for field, reason in exc.errors.items():
                self.add_error(field if field in self.fields else None, str(reason))
        return data


@admin.register(Authorisation)
class AuthorisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Authorisations (法定代表人, 授权委托) are recorded through the service, after the
    documents were checked; never edited or deleted, only revoked."""

    list_display = ("user", "subject_name", "subject_id", "basis", "valid_from",
                    "valid_until", "revoked_at")
    list_filter = ("basis", "subject_kind")
    search_fields = ("user__username", "subject_name", "subject_id", "document")
    form = AuthorisationForm
    fields = ("user", "subject_kind", "subject_id", "subject_name", "basis", "scope",
              "valid_from", "valid_until", "document")
    actions = [_authorisations_revoke]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Authorisation, form: Any,
                   change: bool) -> None:
        if change:
            return
        try:
            saved = authorisation_grant(
                user=obj.user, subject_kind=obj.subject_kind, subject_id=obj.subject_id,
                subject_name=obj.subject_name, basis=obj.basis, actor=request.user,
                scope=obj.scope or [], valid_from=obj.valid_from,
                valid_until=obj.valid_until, document=obj.document,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
