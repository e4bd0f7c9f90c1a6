"""Seal certificate kinds and states, and the transitions the seal lifecycle allows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    RESULT = "result", _("办理结果")
    REFUSAL = "refusal", _("不予许可（受理）决定书")


class SealKind(models.TextChoices):
    CA = "ca", _("签发机构证书")
    SEAL = "seal", _("电子印章证书")


class SealStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    RETIRED = "retired", _("已停用")
    REVOKED = "revoked", _("已吊销")


ALLOWED_SEAL_TRANSITIONS: dict[str, set[str]] = {
    # Rotation retires the seal: it seals nothing more, and what it sealed stays valid.
    # A compromised or wrongly issued seal is revoked: what it sealed reports revoked.
    SealStatus.ACTIVE: {SealStatus.RETIRED, SealStatus.REVOKED},
    # A retired seal's key may still leak later: it can be revoked then.
    SealStatus.RETIRED: {SealStatus.REVOKED},
    # Revocation is final and published in the CRL.
    SealStatus.REVOKED: set(),
}


class RevocationReason(models.TextChoices):
    """Why a seal or a certificate was revoked: the RFC 5280 reason codes (§5.3.1) an
    operator may give, carried in each CRL entry. The values are the names of
    cryptography's `x509.ReasonFlags`. `unspecified` is not offered: RFC 5280
    asks issuers to leave the code out rather than use it, and every revocation here says
    why."""

    KEY_COMPROMISE = "key_compromise", _("私钥泄露")
    AFFILIATION_CHANGED = "affiliation_changed", _("主体信息变更")
    SUPERSEDED = "superseded", _("已换发")
    CESSATION_OF_OPERATION = "cessation_of_operation", _("停止使用")
    PRIVILEGE_WITHDRAWN = "privilege_withdrawn", _("许可被撤销")


# The CRL reason code (RFC 5280 §5.3.1) of each reason, by its ASN.1 name.
CRL_REASON_NAMES: dict[str, str] = {
    RevocationReason.KEY_COMPROMISE: "keyCompromise",
    RevocationReason.AFFILIATION_CHANGED: "affiliationChanged",
    RevocationReason.SUPERSEDED: "superseded",
    RevocationReason.CESSATION_OF_OPERATION: "cessationOfOperation",
    RevocationReason.PRIVILEGE_WITHDRAWN: "privilegeWithdrawn",
}
