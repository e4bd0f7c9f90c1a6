"""Notifications (通知): one row per event, recipient and channel; the demo's outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.notifications.constants import NotifyChannel, NotifyEvent, NotifyStatus


class Notification(models.Model):
    """One message about one event to one recipient by one channel. The event's key
    (e.g. the one-time notice's number) with the event, channel and recipient is unique,
    so telling someone twice about the same thing is impossible."""

    event = models.CharField(_("事件"), max_length=32, choices=NotifyEvent.choices)
    key = models.CharField(_("事件标识"), max_length=120)
    channel = models.CharField(_("渠道"), max_length=8, choices=NotifyChannel.choices)
    # The phone number, the e-mail address, or `user:<id>` for an in-site message.
    recipient = models.CharField(_("接收方"), max_length=254)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="notifications",
                             verbose_name=_("账户"))
    # The values the message is written from, so each reader sees it in her language.
    context = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=NotifyStatus.choices)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "key", "channel", "recipient"],
                                    name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["user", "channel", "read_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.key} → {self.channel}"


class OptOut(models.Model):
    """A person does not want this event by this channel (SMS or e-mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_opt_outs")
    channel = models.CharField(max_length=8, choices=NotifyChannel.choices)
    event = models.CharField(max_length=32, choices=NotifyEvent.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "channel", "event"],
                                    name="opt_out_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} {self.event}"


class OutboxMessage(models.Model):
    """An SMS or e-mail the built-in senders keep instead of sending it (the demo's and
    a pilot's outbox, read on /outbox/ by staff)."""

    channel = models.CharField(_("渠道"), max_length=8, choices=NotifyChannel.choices)
    to = models.CharField(_("收件人"), max_length=254)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("发件箱")
        verbose_name_plural = _("发件箱")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.to}"
