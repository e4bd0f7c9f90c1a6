"""Electronic certificates (电子证照): the results an application produces."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department
from onevisit.applications.models import Application, Case
from onevisit.certificates.constants import (
    CertificateKind,
    RevocationReason,
    SealKind,
    SealStatus,
)


class SealCertificate(models.Model):
    """An X.509 certificate of the local seal PKI: the issuing CA, or a department's seal
    (电子印章). Only the public certificate is stored; its private key stays in the key
    directory (settings.ONEVISIT["KEY_DIR"]) and never enters the database."""

    kind = models.CharField(max_length=8, choices=SealKind.choices, default=SealKind.SEAL)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    serial = models.CharField(_("证书序列号"), max_length=40, unique=True)  # upper-case hex
    fingerprint = models.CharField(max_length=64, unique=True)  # SHA-256 of the DER, hex
    subject = models.CharField(_("证书主题"), max_length=255)
    pem = models.TextField()
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    status = models.CharField(max_length=8, choices=SealStatus.choices,
                              default=SealStatus.ACTIVE)
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    # The RFC 5280 reason code of the revocation; empty for seals revoked before codes
    # were recorded (their CRL entries carry none).
    reason_code = models.CharField(max_length=32, choices=RevocationReason.choices,
                                   blank=True)

    class Meta:
        ordering = ["kind", "-created_at", "-id"]
        constraints = [
            # One seal seals a department's results at a time; rotation retires the old one.
            models.UniqueConstraint(
                fields=["department"], name="seal_one_active_per_department",
                condition=models.Q(kind=SealKind.SEAL, status=SealStatus.ACTIVE),
            ),
            models.UniqueConstraint(
                fields=["kind"], name="seal_one_active_ca",
                condition=models.Q(kind=SealKind.CA, status=SealStatus.ACTIVE),
            ),
            models.CheckConstraint(
                condition=models.Q(kind=SealKind.CA, department__isnull=True)
                | models.Q(kind=SealKind.SEAL, department__isnull=False),
                name="seal_department_iff_seal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"


class Certificate(models.Model):
    """A sealed document an application produced: its result (电子证照), or the written
    refusal (不予许可决定书). Only results are evidence for later applications."""

    number = models.CharField(_("证照编号"), max_length=32, unique=True)
    kind = models.CharField(max_length=16, choices=CertificateKind.choices,
                            default=CertificateKind.RESULT)
    title = models.CharField(_("证照名称"), max_length=128)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="certificates"
    )
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="certificate")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(max_length=128)
    holder_id = models.CharField(max_length=32, db_index=True)
    # The evidence type the certificate proves and the identifier it is keyed on (an ID
    # number, a credit code): how later applications find it in the certificate library.
    evidence_type = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField()
    verification_code = models.CharField(max_length=16, unique=True)
    data = models.JSONField(default=dict)
    pdf = models.CharField(max_length=255, blank=True)
    # The seal that sealed the stored PDF, and the PDF's SHA-256: an uploaded copy is
    # recognised by its digest.
    seal = models.ForeignKey(
        SealCertificate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(_("撤销原因"), max_length=255, blank=True)
    revocation_code = models.CharField(max_length=32, choices=RevocationReason.choices,
                                       blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["evidence_type", "subject"])]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


class CertificateHolder(models.Model):
    """A person a certificate is issued to when the item names its holders (the buyers of
    a sale, each joint buyer): the certificate library finds it under each one's ID."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE,
                                    related_name="holders")
    subject = models.CharField(max_length=64)
    name = models.CharField(max_length=128, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["certificate", "subject"],
                                    name="certificate_holder_once"),
        ]
        indexes = [models.Index(fields=["subject"])]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.name}"


class DocumentSigner(models.Model):
    """The X.509 certificate that signed one sealed PDF of a certificate (电子证照): a fresh
    ECDSA P-256 key per document, its certificate issued by the CA and naming the
    department and the certificate's verification code. Revoking the certificate puts
    every one of its document signers in the CRL; revoking the department's seal puts
    every document signer sealed under it there. The key is discarded once the PDF is
    signed; only the certificate's serial and fingerprint are kept (the PDF embeds it)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT,
                                    related_name="signers")
    # The department's seal the document was sealed under.
    seal = models.ForeignKey(SealCertificate, on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(max_length=40, unique=True)  # upper-case hex
    fingerprint = models.CharField(max_length=64, unique=True)  # SHA-256 of the DER, hex
    created_at = models.DateTimeField()
    not_after = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.serial} ({self.certificate_id})"
