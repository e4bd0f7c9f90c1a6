"""The unified public payment platform (统一公共支付平台): what the applicant is asked to
pay (an order), what the payment provider told us (every notification, as received), the
money sent back (refunds), the daily comparison with the provider's statement, and the
electronic receipt (电子票据) of each payment. docs/payments.md."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department
from onevisit.applications.models import Application
from onevisit.files.models import StoredFile
from onevisit.payments.constants import (
    MismatchKind,
    NoticeOutcome,
    OrderStatus,
    RefundStatus,
)
from onevisit.payments.reference.models import (  # the reference gateway's own tables
    ReferenceNotification,
    ReferenceRefund,
    ReferenceTrade,
)

__all__ = [
    "ElectronicReceipt", "PaymentNotice", "PaymentOrder", "Reconciliation",
    "ReconciliationMismatch", "ReferenceNotification", "ReferenceRefund", "ReferenceTrade",
    "Refund",
]


class PaymentOrder(models.Model):
    """One payment the applicant is asked to make (缴款单): every unpaid charge of the
    application's open cases, with each line as computed at acceptance."""

    number = models.CharField(_("缴款单号"), max_length=32, unique=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="payment_orders")
    case_ids = models.JSONField(default=list)
    # The cases' charge lines (catalogue.charges), each with its case id and department.
    lines = models.JSONField(default=list)
    payer_name = models.CharField(_("缴款人"), max_length=128)
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    status = models.CharField(_("状态"), max_length=12, choices=OrderStatus.choices,
                              default=OrderStatus.UNPAID)
    provider = models.CharField(_("支付渠道"), max_length=32)
    trade_number = models.CharField(_("支付平台交易号"), max_length=64, blank=True)
    checkout_url = models.CharField(max_length=255, blank=True)
    qr_payload = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()
    checkout_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    paid_yuan = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("缴款单")
        verbose_name_plural = _("缴款单")
        constraints = [
            # One open order per application: opening a new one cancels the old.
            models.UniqueConstraint(fields=["application"], name="payment_one_open_order",
                                    condition=models.Q(status=OrderStatus.UNPAID)),
        ]
        indexes = [models.Index(fields=["status", "checkout_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.amount_yuan}"


class PaymentNotice(models.Model):
    """One asynchronous notification as the provider sent it, and what was done with it."""

    provider = models.CharField(max_length=32)
    received_at = models.DateTimeField()
    body = models.TextField()
    headers = models.JSONField(default=dict)
    signature_ok = models.BooleanField(default=False)
    order_number = models.CharField(max_length=64, blank=True, db_index=True)
    order = models.ForeignKey(PaymentOrder, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="notices")
    trade_number = models.CharField(max_length=64, blank=True)
    amount_yuan = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=20, choices=NoticeOutcome.choices)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("支付通知")
        verbose_name_plural = _("支付通知")

    def __str__(self) -> str:
        return f"{self.order_number} {self.outcome}"


class Refund(models.Model):
    """Money sent back for an order: the lines of cases refused or cancelled, or all of a
    payment that arrived after its order was cancelled."""

    number = models.CharField(_("退款单号"), max_length=40, unique=True)
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="refunds")
    case_ids = models.JSONField(default=list)
    amount_yuan = models.DecimalField(_("退款金额（元）"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("退款原因"), max_length=255)
    status = models.CharField(max_length=12, choices=RefundStatus.choices,
                              default=RefundStatus.REQUESTED)
    provider_number = models.CharField(_("支付平台退款号"), max_length=64, blank=True)
    requested_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("退款")
        verbose_name_plural = _("退款")

    def __str__(self) -> str:
        return f"{self.number} {self.amount_yuan}"


class Reconciliation(models.Model):
    """One day's comparison of our orders and refunds with the provider's statement."""

    provider = models.CharField(max_length=32)
    day = models.DateField()
    run_at = models.DateTimeField()
    statement = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    ours = models.PositiveIntegerField(default=0)
    theirs = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    mismatched = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "-run_at", "-id"]
        verbose_name = _("对账")
        verbose_name_plural = _("对账")

    def __str__(self) -> str:
        return f"{self.provider} {self.day}"


class ReconciliationMismatch(models.Model):
    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE,
                                       related_name="mismatches")
    kind = models.CharField(max_length=16, choices=MismatchKind.choices)
    order_number = models.CharField(max_length=64)
    refund_number = models.CharField(max_length=64, blank=True)
    ours = models.JSONField(default=dict)
    theirs = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_number}"


class ElectronicReceipt(models.Model):
    """An electronic receipt (电子票据) of a paid order: one per collecting department,
    listing only that department's lines and sealed like a certificate by it (the tax
    office does not receipt the registration centre's fee)."""

    number = models.CharField(_("票据号码"), max_length=32, unique=True)
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT,
                              related_name="receipts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    issued_at = models.DateTimeField()
    verification_code = models.CharField(max_length=16, unique=True)
    pdf = models.CharField(max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    seal_serial = models.CharField(max_length=40, blank=True)
    # The document certificate the CA issued for this receipt's one signature (the
    # certificates app records a certificate's in DocumentSigner, which names a
    # Certificate; a receipt keeps its own here).
    signer_serial = models.CharField(max_length=40, blank=True)
    signer_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-issued_at", "number"]  # an order's receipts: -1, -2 …
        constraints = [
            models.UniqueConstraint(fields=["order", "department"],
                                    name="payment_receipt_one_per_department"),
        ]
        verbose_name = _("电子票据")
        verbose_name_plural = _("电子票据")

    def __str__(self) -> str:
        return self.number
