from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from onevisit.accounts.models import Department, Region, User


@admin.register(User)
class OnevisitUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("onevisit", {"fields": ("role", "department", "id_number", "phone")}),
    )
    list_display = ("username", "first_name", "role", "department", "is_active")
    list_filter = ("role", "department")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "region")
    search_fields = ("code", "name")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
