"""The reference payment gateway's own tables. The gateway stands for the bank or the
province's payment platform: it shares nothing with the platform but these rows, its key
and HTTP (docs/payments.md). The models belong to the `payments` app (its migrations)."""

from __future__ import annotations

from django.db import models


class TradeStatus(models.TextChoices):
    """A trade's state; the labels are what the cashier page shows the payer."""

    WAIT_PAY = "WAIT_PAY", "待支付"
    SUCCESS = "SUCCESS", "已支付"
    CLOSED = "CLOSED", "已关闭"
    REFUNDED = "REFUNDED", "已退款"


class Misbehaviour(models.TextChoices):
    """What the gateway does wrong for a trade, as real gateways sometimes do."""

    NONE = "", "正常"
    DUPLICATE = "duplicate", "重复通知"
    LATE = "late", "延迟通知"
    BAD_SIGNATURE = "bad_signature", "签名错误"
    WRONG_AMOUNT = "wrong_amount", "金额错误"


class ReferenceTrade(models.Model):
    out_trade_no = models.CharField(max_length=64, unique=True)
    trade_no = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=255)
    amount_yuan = models.DecimalField(max_digits=14, decimal_places=2)
    notify_url = models.CharField(max_length=255)
    return_url = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, choices=TradeStatus.choices,
                              default=TradeStatus.WAIT_PAY)
    misbehaviour = models.CharField(max_length=16, choices=Misbehaviour.choices, blank=True)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    refunded_yuan = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.trade_no


class ReferenceNotification(models.Model):
    """One notification the gateway owes the merchant, retried until answered `success`."""

    trade = models.ForeignKey(ReferenceTrade, on_delete=models.CASCADE,
                              related_name="notifications")
    body = models.TextField()
    signature = models.CharField(max_length=128)
    next_attempt_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.trade_id} #{self.pk}"


class ReferenceRefund(models.Model):
    trade = models.ForeignKey(ReferenceTrade, on_delete=models.CASCADE, related_name="refunds")
    out_refund_no = models.CharField(max_length=64, unique=True)
    refund_no = models.CharField(max_length=64, unique=True)
    amount_yuan = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.refund_no
