"""People, departments and regions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县/区")
    TOWNSHIP = "township", _("乡镇/街道")


class Region(models.Model):
    """A GB/T 2260 administrative division (行政区划)."""

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=64)
    level = models.CharField(max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Department(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=128)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CITIZEN = "citizen", _("申请人")
    CLERK = "clerk", _("综合受理窗口")
    REVIEWER = "reviewer", _("后台审批")
    SUPERVISOR = "supervisor", _("电子监察")
    EDITOR = "editor", _("事项管理员")
    COURIER = "courier", _("寄递服务")
    AGENT = "agent", _("12345 话务员")
    DISPATCHER = "dispatcher", _("12345 派单员")


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CITIZEN)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)


class ApiToken(models.Model):
    """A bearer token for API clients; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"
