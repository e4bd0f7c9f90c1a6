"""Editors maintain the catalogue here. Published versions are read-only: an edit is a new
draft version (action below), published with the bundle check of `item_publish`.

One item, one standard: a draft that loosens its basic catalogue entry is refused where it
is saved, as form errors on the fields concerned (materials on the materials' inline)."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet, construct_instance
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.accounts.regions import covers, scope_of, within
from onevisit.audit.services import audit_record
from onevisit.catalogue.charges import rule_problems
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.importing import MAX_BYTES, FileRejected, catalogue_import
from onevisit.catalogue.models import (
    BasicItem,
    BasicMaterial,
    ChargeRule,
    EvidenceType,
    FieldDef,
    ItemField,
    ListEntry,
    MaterialRequirement,
    PendingImplementation,
    ServiceItem,
)
from onevisit.catalogue.services import (
    STANDARD_FIELDS,
    Standard,
    item_new_version,
    item_publish,
    list_entry_publish,
    pending_implementation_draft,
    standard_problems,
)
from onevisit.catalogue.standard import (
    chinese,
    in_chinese,
    standard_missing,
    standard_refusals,
)
from onevisit.errors import DomainError, InvalidInput


def _refused(exc: ValidationError | DomainError) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    reasons = exc.errors.values() if isinstance(exc, InvalidInput) else ()
    return "; ".join([str(exc.message), *map(str, reasons)])


class ServiceItemForm(forms.ModelForm):  # type: ignore[type-arg]
    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = construct_instance(self, copy.copy(self.instance))
        for field, reason in standard_refusals(item=candidate, materials=None).items():
            name = in_chinese(field) if in_chinese(field) in self.fields else field
            self.add_error(name if name in self.fields else None, reason)
        return cleaned


class MaterialFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        materials = [form.instance for form in self.forms
                     if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        refusals = standard_refusals(item=self.instance, materials=materials)
        if "materials" in refusals:
            raise ValidationError(refusals["materials"])


class _DraftOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == ItemStatus.DRAFT

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class ItemFieldInline(_DraftOnlyInline):
    model = ItemField


class MaterialInline(_DraftOnlyInline, TranslationTabularInline):  # type: ignore[type-arg]
    model = MaterialRequirement
    formset = MaterialFormSet


class ImportForm(forms.Form):
    region = forms.CharField(label=_("行政区划代码"), max_length=12,
                             help_text=_("实施清单所属地区，如 330110"))
    file = forms.FileField(label=_("文件"), help_text=_(".csv（UTF-8 或 GBK）或 .xlsx"))


@admin.register(ServiceItem)
class ServiceItemAdmin(TranslationAdmin):  # type: ignore[type-arg]
    form = ServiceItemForm
    list_display = ("code", "version", "name", "department", "status", "promised_visits")
    list_filter = ("status", "kind", "department")
    search_fields = ("code", "name")
    autocomplete_fields = ("basic_item",)
    inlines = [ItemFieldInline, MaterialInline]
    actions = ["new_version", "publish"]
    change_list_template = "admin/catalogue/serviceitem/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        return [path("import/", self.admin_site.admin_view(self.import_view),
                     name="catalogue_serviceitem_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """导入实施清单: the file checked whole, every problem listed, or the result."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        context: dict[str, Any] = {**self.admin_site.each_context(request), "form": form,
                                   "title": _("导入实施清单"), "opts": self.model._meta}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if not covers(scope_of(request.user), form.cleaned_data["region"]):
                form.add_error("region", _("该地区不在您的管辖范围内"))
            elif upload.size > MAX_BYTES:
                form.add_error("file", _("文件超过 %(mb)d MB") % {"mb": MAX_BYTES // 1024 // 1024})
            else:
                try:
                    context["result"] = catalogue_import(
                        name=upload.name, content=upload.read(),
                        region_code=form.cleaned_data["region"], actor=request.user)
                except FileRejected as rejected:
                    context["problems"] = rejected.problems
        return TemplateResponse(request, "admin/catalogue/serviceitem/import.html", context)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or obj.status == ItemStatus.DRAFT) and super().has_change_permission(
            request, obj
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItem]:
        """An editor edits her region's implementation list (and the regions below)."""
        return super().get_queryset(request).filter(within("region", scope_of(request.user)))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        """Only her region's departments and regions to choose from."""
        scope = scope_of(request.user)
        if db_field.name == "department":
            kwargs["queryset"] = Department.objects.filter(within("region", scope))
        elif db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(code__startswith=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("为所选事项创建新草稿版本"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        for item in queryset:
            draft = item_new_version(item=item, actor=request.user)
            self.message_user(request, _("已创建 %(item)s") % {"item": draft})

    @admin.action(description=_("发布所选草稿"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        for item in queryset:
            try:
                item_publish(item=item, actor=request.user)
            except (ValidationError, DomainError) as exc:
                self.message_user(request, f"{item}: {_refused(exc)}", messages.ERROR)


class BasicItemForm(forms.ModelForm):  # type: ignore[type-arg]
    """The checks `basic_item_save` makes, as form errors: a code in the pattern, limits
    that fit together, a province as the issuer."""

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.errors or cleaned is None:
            return cleaned
        candidate = construct_instance(self, copy.copy(self.instance))
        standard = Standard(name=chinese(candidate, "name"), **{
            name: getattr(candidate, name) for name in STANDARD_FIELDS})
        problems = standard_problems(code=candidate.code, standard=standard)
        if candidate.region.level != RegionLevel.PROVINCE:
            problems["region"] = _("基本目录由省级发布：%(code)s 不是省级行政区划代码") % {
                "code": candidate.region_id}
        for field, reason in problems.items():
            name = in_chinese(field) if in_chinese(field) in self.fields else field
            self.add_error(name if name in self.fields else None, reason)
        return cleaned


class BasicMaterialInline(TranslationTabularInline):  # type: ignore[type-arg]
    model = BasicMaterial
    extra = 0


@admin.register(BasicItem)
class BasicItemAdmin(TranslationAdmin):  # type: ignore[type-arg]
    """The basic catalogue (基本目录). A changed standard rewrites no item: the
    standardisation report marks the implementations it now finds loose."""

    form = BasicItemForm
    list_display = ("code", "name", "kind", "region", "complete")
    list_filter = ("kind", "region")
    search_fields = ("code", "name")
    inlines = [BasicMaterialInline]

    @admin.display(description=_("标准完整"), boolean=True)
    def complete(self, obj: BasicItem) -> bool:
        return not standard_missing(obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        audit_record(actor=request.user, action="basic_item.saved", entity="basic_item",
                     entity_id=form.instance.pk,
                     data={"code": form.instance.code, "changed": form.changed_data})


@admin.register(PendingImplementation)
class PendingImplementationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Implementation-list entries imported before their standard was complete."""

    list_display = ("code", "basic_name", "region", "department", "missing", "imported_at")
    list_filter = ("region",)
    search_fields = ("code", "basic_item__code", "basic_item__name")
    list_select_related = ("basic_item", "region", "department")
    actions = ["draft"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("事项名称"))
    def basic_name(self, obj: PendingImplementation) -> str:
        return obj.basic_item.name

    @admin.display(description=_("基本目录尚未规定"))
    def missing(self, obj: PendingImplementation) -> str:
        return "、".join(standard_missing(obj.basic_item)) or "—"

    @admin.action(description=_("按基本目录编制实施事项草稿"))
    def draft(self, request: HttpRequest, queryset: QuerySet[PendingImplementation]) -> None:
        for entry in queryset:
            try:
                item = pending_implementation_draft(pending=entry, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{entry}: {_refused(exc)}", messages.ERROR)
            else:
                self.message_user(request, _("已编制草稿 %(item)s") % {"item": item})


@admin.register(FieldDef)
class FieldDefAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ("key", "label", "type")
    search_fields = ("key", "label")


@admin.register(EvidenceType)
class EvidenceTypeAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "subject_kind", "source")


@admin.register(ListEntry)
class ListEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("kind", "code", "title", "department", "published")
    list_filter = ("kind", "published")
    actions = ["publish"]

    @admin.action(description=_("发布所选清单条目"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ListEntry]) -> None:
        for entry in queryset:
            list_entry_publish(entry=entry, actor=request.user)


class ChargeRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    """The checks of `rule_problems` as form errors on the fields concerned: a rule that
    would never match, or match the wrong form, is refused where it is saved; and a rule
    only for an item of the editor's region (`scope`, set per request by the admin)."""

    scope = ""

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = construct_instance(self, copy.copy(self.instance))
        problems = rule_problems(candidate)
        if "item_code" not in problems and not _items_in(self.scope).filter(
                code=candidate.item_code).exists():
            problems["item_code"] = str(_("该事项不在您的管辖范围内"))
        for field, reason in problems.items():
            self.add_error(field if field in self.fields else None, reason)
        return cleaned


def _items_in(scope: str) -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(within("region", scope))


@admin.register(ChargeRule)
class ChargeRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """税费规则: a rate change is a new rule with its `valid_from`, the old one given the
    day before as its `valid_to` (docs/charges.md); applications accepted earlier keep the
    lines computed then."""

    form = ChargeRuleForm
    list_display = ("item_code", "charge", "note", "rate", "amount_yuan", "priority",
                    "valid_from", "valid_to")
    list_filter = ("kind", "charge")
    search_fields = ("code", "item_code", "charge", "note")
    ordering = ("item_code", "charge", "-valid_from", "priority")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChargeRule]:
        """An editor keeps the rules of her region's items (and the regions below)."""
        return super().get_queryset(request).filter(
            item_code__in=_items_in(scope_of(request.user)).values("code"))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"scope": scope_of(request.user)})

    def save_model(self, request: HttpRequest, obj: ChargeRule, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="charge_rule.saved", entity="charge_rule",
                     entity_id=obj.pk, data={"code": obj.code, "changed": form.changed_data})

    def delete_model(self, request: HttpRequest, obj: ChargeRule) -> None:
        audit_record(actor=request.user, action="charge_rule.deleted", entity="charge_rule",
                     entity_id=obj.pk, data={"code": obj.code})
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ChargeRule]) -> None:
        for rule in queryset:
            self.delete_model(request, rule)
