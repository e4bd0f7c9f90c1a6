"""People, departments and regions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class PlatformKind(models.TextChoices):
    """The grassroots platforms (基层治理四个平台) a township hosts."""

    GOVERNANCE = "governance", pgettext_lazy("grassroots platform", "综治工作")
    MARKET = "market", pgettext_lazy("grassroots platform", "市场监管")
    ENFORCEMENT = "enforcement", pgettext_lazy("grassroots platform", "综合执法")
    CONVENIENCE = "convenience", pgettext_lazy("grassroots platform", "便民服务")


class Department(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=128)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    # A township's grassroots platform names its kind; any other department leaves it
    # blank. A platform is an ordinary department in every other way.
    platform = models.CharField(_("基层治理平台"), max_length=16, blank=True, default="",
                                choices=PlatformKind.choices)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "platform"],
                                    condition=~models.Q(platform=""),
                                    name="department_one_platform_of_a_kind"),
        ]

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
    # 特色小镇: the joint-meeting office's staff (province) and the counties' and cities'
    # staff who declare their towns and report on them (their region decides which).
    TOWNS = "towns", _("特色小镇工作人员")
    # 公共管理创新案例评选: the organisers' staff, and the experts who score the cases.
    AWARDS = "awards", _("案例评选工作人员")
    EXPERT = "expert", _("评审专家")


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CITIZEN)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    # The department's lead (科室负责人) reassigns its claimed cases; a lead who reviews
    # decides only the cases she claimed, like any reviewer.
    department_lead = models.BooleanField(_("部门负责人"), default=False)
    # Staff act within this region and the regions below it (a city's supervisor sees
    # its counties); empty: their department's region (accounts.regions).
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("所属行政区划"),
        help_text=_("工作人员只能查看和办理本行政区划及下级的事务；留空则为所在部门的行政区划"),
    )


class ApiToken(models.Model):
    """A bearer token for API clients; only its SHA-256 is stored, with the key's first
    characters so an owner can tell her tokens apart. It works until it expires or is
    revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌（用 onevisit token create 创建）")
        verbose_name_plural = _("API 令牌（用 onevisit token create 创建）")

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"


class SubjectKind(models.TextChoices):
    """Whom an account may act for: a person or a company (the applicant kinds)."""

    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")


class AuthorisationBasis(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    MANDATE = "mandate", _("授权委托")


class Authorisation(models.Model):
    """An account acting for a company or another person (授权委托): the company's legal
    representative, or an agent with a written mandate limited in scope and time.
    Recorded by staff who checked the documents; revocable; never deleted."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="authorisations",
                             verbose_name=_("被授权账户"))
    subject_kind = models.CharField(_("代办对象类型"), max_length=16,
                                    choices=SubjectKind.choices)
    subject_id = models.CharField(_("统一社会信用代码或证件号码"), max_length=18)
    subject_name = models.CharField(_("名称或姓名"), max_length=128)
    basis = models.CharField(_("授权依据"), max_length=32, choices=AuthorisationBasis.choices)
    scope = models.JSONField(
        _("授权范围"), default=list, blank=True,
        help_text=_("事项或一件事编码的列表，如 [\"330106-ZJ-009\"]；留空 [] 表示全部事项"))
    valid_from = models.DateTimeField(_("有效期起"))
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True,
                                       help_text=_("授权委托必填；法定代表人可留空"))
    document = models.CharField(_("授权委托书编号"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("撤销人"),
    )
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("授权委托")
        verbose_name_plural = _("授权委托")
        indexes = [models.Index(fields=["user", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.subject_name} ({self.get_basis_display()})"


class RateCounter(models.Model):
    """How often one address used one rate-limited endpoint in one time window."""

    scope = models.CharField(max_length=32)
    address = models.CharField(max_length=64)
    slot = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "address", "slot"],
                                    name="rate_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.address} #{self.slot}: {self.count}"


class PhoneCode(models.Model):
    """A sign-up verification code sent by SMS: only its keyed hash is stored; it expires
    and allows a few wrong tries."""

    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"
