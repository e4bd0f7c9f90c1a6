"""The service hall (政务服务中心): service categories, windows, the number queue (取号/叫号)
and appointments (预约)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Region
from onevisit.applications.models import Application
from onevisit.hall.constants import (
    ACTIVE_TICKET_STATUSES,
    HOLDING_APPOINTMENT_STATUSES,
    AppointmentStatus,
    TicketEventKind,
    TicketStatus,
)


class Hall(models.Model):
    """A service centre: its opening hours bound the appointment slots."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="halls", verbose_name=_("行政区划")
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    opens_at = models.TimeField(_("开门时间"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("关门时间"), default=dt.time(17, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("预约时段长度（分钟）"), default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    booking_days = models.PositiveSmallIntegerField(
        _("可预约天数"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("可预约从今天起多少个自然日内的时段"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("政务服务中心")
        verbose_name_plural = _("政务服务中心")
        constraints = [
            models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")),
                                   name="hall_opens_before_it_closes"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("关门时间应晚于开门时间")})


class ServiceCategory(models.Model):
    """A kind of business the hall takes numbers for (综合受理, 不动产登记, …); its letter
    starts each number (A012)."""

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="categories", verbose_name=_("服务中心")
    )
    name = models.CharField(_("名称"), max_length=64)
    prefix = models.CharField(
        _("号码字母"), max_length=1,
        validators=[RegexValidator(r"^[A-Z]$", _("应为一个大写字母"))],
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    slot_capacity = models.PositiveSmallIntegerField(
        _("每时段可预约人数"), default=2, help_text=_("为 0 时不接受预约"),
    )
    service_minutes = models.PositiveSmallIntegerField(
        _("平均办理时长（分钟）"), default=10, validators=[MinValueValidator(1)],
        help_text=_("当天尚无办结记录时，用于估算等候时间"),
    )
    daily_ticket_limit = models.PositiveIntegerField(
        _("每日取号上限"), default=0, help_text=_("为 0 时不限；预约签到不占用"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["hall", "order", "prefix"]
        verbose_name = _("业务类别")
        verbose_name_plural = _("业务类别")
        constraints = [
            models.UniqueConstraint(fields=["hall", "prefix"], name="category_prefix_unique"),
            models.UniqueConstraint(fields=["hall", "name"], name="category_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class ServiceWindow(models.Model):
    """A counter (窗口) and the categories whose numbers it calls."""

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="windows", verbose_name=_("服务中心")
    )
    number = models.PositiveSmallIntegerField(_("窗口号"), validators=[MinValueValidator(1)])
    name = models.CharField(_("名称"), max_length=64)
    categories = models.ManyToManyField(
        ServiceCategory, related_name="windows", verbose_name=_("办理的业务类别")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["hall", "number"]
        verbose_name = _("服务窗口")
        verbose_name_plural = _("服务窗口")
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Appointment(models.Model):
    """A booked time slot (预约); on arrival it becomes a priority queue ticket."""

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("服务中心")
    )
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="appointments",
        verbose_name=_("业务类别"),
    )
    slot_date = models.DateField(_("预约日期"))
    slot_start = models.TimeField(_("时段开始"))
    slot_end = models.TimeField(_("时段结束"))
    applicant_name = models.CharField(_("姓名"), max_length=64)
    id_number = models.CharField(_("身份证号码"), max_length=18)
    phone = models.CharField(_("手机号码"), max_length=20)
    item_code = models.CharField(_("事项编码"), max_length=64, blank=True)
    life_event_code = models.CharField(_("一件事编码"), max_length=64, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    booking_code = models.CharField(_("预约码"), max_length=16, unique=True)
    booked_at = models.DateTimeField(_("预约时间"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("预约账号"),
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("取消或爽约时间"), null=True, blank=True)

    class Meta:
        ordering = ["slot_date", "slot_start", "id"]
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        constraints = [
            # One person, one place in a slot (whatever the category): no double booking.
            models.UniqueConstraint(
                fields=["hall", "slot_date", "slot_start", "id_number"],
                condition=models.Q(status__in=HOLDING_APPOINTMENT_STATUSES),
                name="appointment_one_per_person_per_slot",
            ),
            models.CheckConstraint(
                condition=~(~models.Q(item_code="") & ~models.Q(life_event_code="")),
                name="appointment_item_or_life_event",
            ),
        ]
        indexes = [models.Index(fields=["category", "slot_date", "slot_start", "status"])]

    def __str__(self) -> str:
        return f"{self.booking_code} {self.slot_date} {self.slot_start:%H:%M}"


class QueueTicket(models.Model):
    """A queue number (排队号): per category and day, restarting every day."""

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("服务中心")
    )
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="tickets",
        verbose_name=_("业务类别"),
    )
    service_day = models.DateField(_("取号日期"))
    sequence = models.PositiveIntegerField(_("当日序号"))
    number = models.CharField(_("号码"), max_length=8)
    status = models.CharField(
        _("状态"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    priority = models.BooleanField(_("优先"), default=False)
    window = models.ForeignKey(
        ServiceWindow, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets",
        verbose_name=_("窗口"),
    )
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="ticket",
        verbose_name=_("预约"),
    )
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    request_key = models.CharField(
        _("请求标识"), max_length=64, blank=True,
        help_text=_("取号机每次提交带上的标识；重复提交得到同一个号"),
    )
    issued_at = models.DateTimeField(_("取号时间"))
    called_at = models.DateTimeField(_("首次叫号时间"), null=True, blank=True)
    announced_at = models.DateTimeField(_("最近叫号时间"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("重呼次数"), default=0)
    serving_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    applications = models.ManyToManyField(
        Application, blank=True, related_name="queue_tickets", verbose_name=_("办件"),
    )

    class Meta:
        ordering = ["service_day", "category", "sequence"]
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        constraints = [
            models.UniqueConstraint(fields=["category", "service_day", "sequence"],
                                    name="ticket_sequence_per_category_per_day"),
            models.UniqueConstraint(
                fields=["window"], condition=models.Q(status__in=ACTIVE_TICKET_STATUSES),
                name="one_active_ticket_per_window",
            ),
            models.UniqueConstraint(fields=["request_key"], condition=~models.Q(request_key=""),
                                    name="ticket_request_key_unique"),
        ]
        indexes = [
            models.Index(fields=["hall", "service_day", "status"]),
            models.Index(fields=["category", "service_day", "status", "issued_at"]),
            models.Index(fields=["hall", "announced_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.service_day} {self.number}"


class QueueTicketEvent(models.Model):
    """Append-only history of a ticket: each status it took, and each recall."""

    ticket = models.ForeignKey(QueueTicket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=TicketEventKind.choices)
    at = models.DateTimeField()
    window = models.ForeignKey(
        ServiceWindow, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"
