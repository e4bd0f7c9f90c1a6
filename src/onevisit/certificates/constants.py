"""Seal certificate kinds and states, and the transitions the seal lifecycle allows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
