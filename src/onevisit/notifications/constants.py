"""What the platform tells people, and by which way."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotifyChannel(models.TextChoices):
    SITE = "site", _("站内消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


# The channels a person may switch off; the in-site message always stays.
OPTIONAL_CHANNELS = (NotifyChannel.SMS, NotifyChannel.EMAIL)


class NotifyEvent(models.TextChoices):
    ACCEPTED = "accepted", _("申请已受理")
    CORRECTION = "correction", _("需要补正材料")
    TOLERATED_DUE = "tolerated_due", _("容缺材料待补交")
    RESULT_READY = "result_ready", _("办理结果已出")
    DELIVERED = "delivered", _("办理结果已送达")
    REFUSED = "refused", _("不予许可")
    HOTLINE_REPLY = "hotline_reply", _("12345 工单答复")
    RECTIFIED = "rectified", _("差评已回访整改")
    SURVEY = "survey", _("满意度调查")
    CREDIT_DECIDED = "credit_decided", _("信用异议和修复处理结果")
    PAYMENT_DUE = "payment_due", _("待缴纳税费")
    PAID = "paid", _("税费已缴纳")
    REFUNDED = "refunded", _("税费已退还")
    TOWN_ASSESSED = "town_assessed", _("特色小镇考核结果公布")
    AWARD_REVIEW = "award_review", _("创新案例评审任务")
    AWARD_RESULT = "award_result", _("创新案例评选结果")


# What only staff are told (the programmes' events): a citizen's settings do not list them.
STAFF_EVENTS = (NotifyEvent.TOWN_ASSESSED, NotifyEvent.AWARD_REVIEW, NotifyEvent.AWARD_RESULT)
CITIZEN_EVENTS = [(event, label) for event, label in NotifyEvent.choices
                  if event not in STAFF_EVENTS]


class NotifyStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败，将重试")
    GAVE_UP = "gave_up", _("多次发送失败")
    OPTED_OUT = "opted_out", _("已退订，未发送")


# A failed message is tried again after these delays; after the last it is given up.
RETRY_DELAYS_MINUTES = (1, 5, 15, 60, 240)
