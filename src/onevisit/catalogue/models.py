"""The service catalogue (事项库): items, canonical fields, materials, evidence types, lists."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.catalogue.constants import (
    ChargeKind,
    FieldType,
    ItemKind,
    ItemStatus,
    LimitUnit,
    ListKind,
    SubjectKind,
)


class EvidenceType(models.Model):
    """A kind of proof the government may already hold (证明材料类型)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=128)
    subject_kind = models.CharField(max_length=16, choices=SubjectKind.choices)
    source = models.CharField(
        max_length=64, help_text=_("代码 of the evidence source plugin that holds it")
    )
    subject_field = models.CharField(
        max_length=64,
        help_text=_("the FieldDef key whose value names the subject (e.g. applicant_id_number)"),
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class FieldDef(models.Model):
    """A canonical form field (数据元); items reuse them so a bundle's form merges."""

    key = models.SlugField(max_length=64, unique=True)
    label = models.CharField(max_length=128)
    type = models.CharField(max_length=16, choices=FieldType.choices)
    help_text = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


class BasicItem(models.Model):
    """A standard item of the basic catalogue (基本目录), issued by a province: what every
    region's implementation of it (its service items) must at least offer. An
    implementation may only tighten it (catalogue.standard); a value left empty is one the
    province has not set yet, and no implementation of the entry is published until it is.
    """

    code = models.CharField(_("基本编码"), max_length=64, unique=True)
    name = models.CharField(_("事项名称"), max_length=255)
    kind = models.CharField(_("事项类型"), max_length=32, choices=ItemKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="basic_items",
                               verbose_name=_("发布地区"))
    legal_basis = models.TextField(_("设定依据"), blank=True)
    statutory_limit = models.PositiveIntegerField(_("法定时限"), null=True, blank=True)
    committed_limit = models.PositiveIntegerField(
        _("标准承诺时限"), null=True, blank=True,
        help_text=_("各地承诺时限不得长于此；留空则以法定时限为限"))
    limit_unit = models.CharField(_("时限单位"), max_length=16, choices=LimitUnit.choices,
                                  blank=True)
    fee_yuan = models.DecimalField(_("收费上限（元）"), max_digits=12, decimal_places=2,
                                   null=True, blank=True, help_text=_("不收费的填 0"))
    fee_note = models.CharField(_("收费依据"), max_length=255, blank=True)
    promised_visits = models.PositiveSmallIntegerField(_("跑动次数上限"), null=True, blank=True)
    channel_window = models.BooleanField(_("须提供窗口办理"), default=False)
    channel_online = models.BooleanField(_("须提供网上办理"), default=False)
    channel_courier = models.BooleanField(_("须提供快递送达"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("基本目录事项")
        verbose_name_plural = _("基本目录")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(committed_limit__isnull=True)
                           | models.Q(statutory_limit__isnull=True)
                           | models.Q(committed_limit__lte=models.F("statutory_limit"))),
                name="basic_committed_within_statutory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BasicMaterial(models.Model):
    """A standard material (标准材料) of a basic entry. An implementation asks for these
    or fewer, matched by `code`, and never more of one than the standard does."""

    basic_item = models.ForeignKey(BasicItem, on_delete=models.CASCADE,
                                   related_name="materials")
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=255)
    evidence_type = models.ForeignKey(
        EvidenceType, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("the evidence type that satisfies it: implementations fetch it too"))
    original = models.BooleanField(_("需原件"), default=False)
    copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    required = models.BooleanField(default=True)
    tolerated_missing = models.BooleanField(_("可容缺"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["basic_item", "code"],
                                    name="basic_material_code_once"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """One version of a government service item (政务服务事项): a region's implementation
    of a basic catalogue entry (实施清单), when it names one."""

    code = models.CharField(_("事项编码"), max_length=64)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    name = models.CharField(_("事项名称"), max_length=255)
    kind = models.CharField(_("事项类型"), max_length=32, choices=ItemKind.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="items")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="items")
    region_level = models.CharField(_("行使层级"), max_length=16, choices=RegionLevel.choices)
    basic_item = models.ForeignKey(
        BasicItem, null=True, blank=True, on_delete=models.PROTECT,
        related_name="implementations", verbose_name=_("基本目录事项"),
        help_text=_("本事项实施的基本目录事项：只能在其标准之上从严"),
    )
    topic = models.CharField(_("主题"), max_length=64, blank=True)
    description = models.TextField(_("事项说明"), blank=True)
    legal_basis = models.TextField(_("设定依据"))
    conditions = models.TextField(_("受理条件"))
    statutory_limit = models.PositiveIntegerField(_("法定时限"))
    committed_limit = models.PositiveIntegerField(_("承诺时限"))
    limit_unit = models.CharField(max_length=16, choices=LimitUnit.choices)
    fee_yuan = models.DecimalField(_("收费金额（元）"), max_digits=12, decimal_places=2, default=0)
    fee_note = models.CharField(_("收费说明"), max_length=255, blank=True)
    promised_visits = models.PositiveSmallIntegerField(_("承诺跑动次数"))
    channel_window = models.BooleanField(_("窗口办理"), default=True)
    channel_online = models.BooleanField(_("网上办理"), default=True)
    channel_courier = models.BooleanField(_("快递送达"), default=True)
    result_name = models.CharField(_("办理结果"), max_length=128, blank=True)
    result_evidence_type = models.ForeignKey(
        EvidenceType, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("结果证照类型"),
        help_text=_("the evidence type the result proves: issued results enter the "
                    "certificate library and later applications fetch them"),
    )
    # Where, when and whom to ask: the guide's 办理地点, 办理时间 and 咨询电话.
    service_location = models.CharField(_("办理地点"), max_length=255, blank=True)
    service_hours = models.CharField(_("办理时间"), max_length=255, blank=True)
    enquiry_phone = models.CharField(_("咨询电话"), max_length=64, blank=True)
    result_holder_fields = models.JSONField(
        _("结果持有人字段"), default=list, blank=True,
        help_text=_("写明结果持有人的表单字段（如二手房买受人，共同买受人各一）：结果发给"
                    "他们而不是申请人；留空则按证照类型的主体字段确定"),
    )
    tolerated_supply_days = models.PositiveSmallIntegerField(
        _("容缺材料补交期限（工作日）"), default=5,
        help_text=_("自受理起，容缺受理的材料须在这些工作日内补交；补交前暂不出具结果"),
    )
    # 告知承诺制: the applicant signs a written commitment that she meets the conditions,
    # in place of the materials marked `commitment_replaceable` (offered to tier A only:
    # docs/credit.md).
    commitment_allowed = models.BooleanField(
        _("实行告知承诺制"), default=False,
        help_text=_("信用A级的申请人可签署告知承诺书，以承诺代替标注“可承诺替代”的材料"),
    )
    # A declaration whose whole work is the payment (a tax declaration): paid, it is done.
    completes_on_payment = models.BooleanField(
        _("缴款即办结"), default=False,
        help_text=_("按规则计征的税费缴清后，部门办件即办结，不再进入审批队列"),
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="item_code_version_unique"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(status="published"),
                name="item_one_published_version",
            ),
            models.CheckConstraint(
                condition=models.Q(committed_limit__lte=models.F("statutory_limit")),
                name="item_committed_within_statutory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class PendingImplementation(models.Model):
    """An entry of a region's implementation list (实施清单) that is not a service item yet:
    imported while its basic entry lacks what an item must state (legal basis, limits,
    visits, fee). It is drafted as a service item from the standard once the standard is
    complete (`pending_implementation_draft`)."""

    code = models.CharField(_("实施编码"), max_length=64, unique=True)
    basic_item = models.ForeignKey(BasicItem, on_delete=models.PROTECT, related_name="pending",
                                   verbose_name=_("基本目录事项"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("实施地区"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("实施部门"))
    imported_at = models.DateTimeField(_("导入时间"))

    class Meta:
        ordering = ["region", "code"]
        verbose_name = _("待编制的实施清单事项")
        verbose_name_plural = _("待编制的实施清单事项")

    def __str__(self) -> str:
        return self.code


class ItemField(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="fields")
    field = models.ForeignKey(FieldDef, on_delete=models.PROTECT, related_name="+")
    required = models.BooleanField(default=True)
    choices = models.JSONField(
        default=list, blank=True, help_text=_("allowed values; empty means any valid value")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "field"], name="item_field_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.field_id}"


class MaterialRequirement(models.Model):
    """A material an item asks for (申请材料): an upload, or evidence the government holds."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    code = models.SlugField(max_length=64, help_text=_("stable across versions of the item"))
    name = models.CharField(max_length=255)
    evidence_type = models.ForeignKey(
        EvidenceType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    original = models.BooleanField(_("需原件"), default=False)
    copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    required = models.BooleanField(default=True)
    tolerated_missing = models.BooleanField(_("可容缺"), default=False)
    commitment_replaceable = models.BooleanField(_("可承诺替代"), default=False)
    note = models.CharField(max_length=255, blank=True)
    # The blank form or template the applicant fills in (空白表格), offered on the guide.
    blank_form = models.FileField(
        _("空白表格"), upload_to="blank-forms/", blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="material_code_once"),
        ]

    def __str__(self) -> str:
        return self.name


class CatalogueRevision(models.Model):
    """A token renewed by every change to what is published. Readers that keep resolved
    catalogue data in memory compare it on each use, so no process serves a stale plan.
    A random token rather than a counter: a database restored or rolled back to another
    state never shows a value some process has cached for a different state."""

    token = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return f"catalogue revision {self.token}"


class ListEntry(models.Model):
    """One entry of the four lists (四张清单), linked to the items it governs."""

    kind = models.CharField(max_length=16, choices=ListKind.choices)
    code = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="list_entries"
    )
    legal_basis = models.TextField(blank=True)
    content = models.TextField(blank=True)
    amount_yuan = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    item_codes = models.JSONField(default=list, blank=True)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="list_entry_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"


class ChargeRule(models.Model):
    """One rate of one tax or fee an item charges (收费/计税规则), as data with its legal
    basis and validity: of an item's rules for the same charge in force on the day, the
    first by `priority` whose conditions the form meets decides it (`catalogue.charges`).
    A rate with a zero amount is an exemption or a waiver and says so in `note`."""

    code = models.SlugField(_("规则编码"), max_length=64, unique=True)
    item_code = models.CharField(_("事项编码"), max_length=64, db_index=True)
    charge = models.CharField(_("税费名称"), max_length=64)
    kind = models.CharField(_("类别"), max_length=8, choices=ChargeKind.choices)
    # The form field whose ID number names who pays (the buyer pays 契税, the seller
    # individual income tax); blank: the applicant.
    payer_field = models.CharField(_("缴款人字段"), max_length=64, blank=True)
    # The form field the rate applies to (e.g. the transaction price); blank: `amount_yuan`.
    base_field = models.CharField(_("计税依据字段"), max_length=64, blank=True)
    rate = models.DecimalField(_("税率/费率"), max_digits=9, decimal_places=6, null=True,
                               blank=True)
    amount_yuan = models.DecimalField(_("定额（元）"), max_digits=14, decimal_places=2,
                                      null=True, blank=True)
    conditions = models.JSONField(
        _("适用条件"), default=dict, blank=True,
        help_text=_("表单字段应满足的条件，如 {\"buyer_family_housing\": \"家庭唯一住房\", "
                    "\"property_area__lte\": \"140\"}；运算有 __lt、__lte、__gt、__gte（数值）"
                    "和 __in（列表）"),
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100)
    note = models.CharField(_("适用情形"), max_length=255)
    legal_basis = models.TextField(_("法律依据"))
    valid_from = models.DateField(_("施行日期"))
    valid_to = models.DateField(_("废止日期"), null=True, blank=True,
                                help_text=_("最后适用的一日；空白表示现行有效"))

    class Meta:
        ordering = ["item_code", "charge", "priority", "code"]
        verbose_name = _("税费规则")
        verbose_name_plural = _("税费规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__isnull=False) ^ models.Q(amount_yuan__isnull=False),
                name="charge_rule_rate_or_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="charge_rule_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.charge}: {self.note}"

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)
