"""States of payment orders, notifications, refunds and reconciliation findings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    UNPAID = "unpaid", _("待支付")
    PAID = "paid", _("已支付")
    CANCELLED = "cancelled", _("已取消")
    REFUNDING = "refunding", _("退款中")
    REFUNDED = "refunded", _("已退款")


# The moves of an order, each with the rule it serves.
ALLOWED_ORDER_TRANSITIONS: dict[str, set[str]] = {
    # Paid on the provider's signed notification (or its query answer); cancelled when the
    # cases it covers changed or the applicant gave up.
    OrderStatus.UNPAID: {OrderStatus.PAID, OrderStatus.CANCELLED},
    # Money that arrived for a cancelled order (a late notification) is sent back at once.
    OrderStatus.CANCELLED: {OrderStatus.REFUNDING, OrderStatus.REFUNDED},
    # A paid order is refunded whole when every case it paid for was refused or cancelled.
    OrderStatus.PAID: {OrderStatus.REFUNDING, OrderStatus.REFUNDED},
    OrderStatus.REFUNDING: {OrderStatus.REFUNDED},
    OrderStatus.REFUNDED: set(),
}


class NoticeOutcome(models.TextChoices):
    APPLIED = "applied", _("已入账")
    DUPLICATE = "duplicate", _("重复通知")
    REFUSED_SIGNATURE = "refused_signature", _("验签失败，已拒绝")
    REFUSED_AMOUNT = "refused_amount", _("金额不符，已拒绝")
    LATE_REFUNDED = "late_refunded", _("订单已取消后到账，已退款")
    UNKNOWN_ORDER = "unknown_order", _("订单不存在")


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("退款申请中")
    SUCCEEDED = "succeeded", _("已退款")


class MismatchKind(models.TextChoices):
    MISSING_HERE = "missing_here", _("支付平台有、本平台无")
    MISSING_THERE = "missing_there", _("本平台有、支付平台无")
    AMOUNT_DIFFERS = "amount_differs", _("金额不符")
    STATUS_DIFFERS = "status_differs", _("状态不符")
