"""The seal PKI (电子印章): a local issuing CA and one seal certificate per department.

Keys are ECDSA P-256: pyHanko cannot sign with SM2, and an RSA key costs about 60 ms to
reload per signature. Each private key is a PKCS#8 PEM file `<SERIAL>.key` in the key
directory (settings.ONEVISIT["KEY_DIR"], mode 0700, files 0600); the database holds the
public certificates only, and no export ever reads the key directory.

Lifecycle: `seal_ca_init` once; `seal_issue` per department (also done automatically the
first time a department seals a result, if the CA exists); `seal_rotate` retires the
active seal (what it sealed stays valid) and issues a new one; `seal_revoke` revokes a
seal (what it sealed reports revoked) and republishes the CRL. Every step writes an audit
event in its transaction. The CA certificate and CRL are published in PKI_DIR
(settings.ONEVISIT["PKI_DIR"]) and served at /pki/ca.pem and /pki/ca.crl.

Each sealed document is signed with a certificate of its own that the CA issues
(`sealing.pdf_seal`, `DocumentSigner`): the CRL lists a revoked seal, and the document
certificates of every revoked certificate and of everything sealed under a revoked seal,
each entry with the RFC 5280 reason code the operator gave (ADR 0008).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.accounts.models import Department
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.certificates.constants import (
    ALLOWED_SEAL_TRANSITIONS,
    RevocationReason,
    SealKind,
    SealStatus,
)
from onevisit.certificates.models import DocumentSigner, SealCertificate
from onevisit.errors import Conflict, DomainError, InvalidInput, NotFound

log = structlog.get_logger(__name__)

CA_YEARS = 20
SEAL_YEARS = 5
CRL_DAYS = 7  # a CRL is re-published before it gets this old (see crl_current)
CRL_REFRESH_MARGIN = dt.timedelta(days=1)
CLOCK_SKEW = dt.timedelta(minutes=5)
COMMON_NAME_BYTES = 64
DEFAULT_CA_NAME = "onevisit 电子印章签发机构"
INIT_CA_HINT = "onevisit seal init-ca"


class SealUnavailable(DomainError):
    """A result cannot be sealed: the PKI is not set up or its key is missing. An operator
    must act; the certificate is not served unsealed meanwhile."""

    status = 503


# --------------------------------------------------------------------------- key directory


def key_dir() -> Path:
    return Path(str(settings.ONEVISIT["KEY_DIR"]))


def pki_dir() -> Path:
    return Path(str(settings.ONEVISIT["PKI_DIR"]))


def _too_open(path: Path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


def key_dir_check() -> Path:
    """The key directory, created 0700 if missing. A directory or key file that group or
    others may access stops start-up, with the command that fixes it."""
    directory = key_dir()
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True)
        directory.chmod(0o700)
    if not directory.is_dir():
        raise ImproperlyConfigured(f"the seal key directory {directory} is not a directory "
                                   "(set ONEVISIT_KEY_DIR)")
    if _too_open(directory):
        raise ImproperlyConfigured(
            f"the seal key directory {directory} is accessible by group or others "
            f"(mode {stat.S_IMODE(directory.stat().st_mode):o}); fix: chmod 700 {directory}"
        )
    for path in sorted(directory.iterdir()):
        if path.is_file() and _too_open(path):
            raise ImproperlyConfigured(
                f"the seal key {path} is accessible by group or others "
                f"(mode {stat.S_IMODE(path.stat().st_mode):o}); fix: chmod 600 {path}"
            )
    return directory


def _key_path(serial: str) -> Path:
    return key_dir() / f"{serial}.key"


def _key_write(serial: str, key: ec.EllipticCurvePrivateKey) -> None:
    path = key_dir_check() / f"{serial}.key"
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def key_load(serial: str) -> ec.EllipticCurvePrivateKey:
    """A seal's or the CA's private key, from the key directory."""
    path = _key_path(serial)
    if not path.is_file():
        raise SealUnavailable(
            _("电子印章 %(serial)s 的私钥不在密钥目录 %(dir)s 中") % {"serial": serial,
                                                             "dir": key_dir()}
        )
    if _too_open(path):
        raise ImproperlyConfigured(f"the seal key {path} is accessible by group or others; "
                                   f"fix: chmod 600 {path}")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ImproperlyConfigured(f"the seal key {path} is not an ECDSA key")
    return key


# --------------------------------------------------------------------------- certificates


def serial_new() -> int:
    # 63 random bits with the top one set: positive, always 16 hex digits, easy to type.
    return secrets.randbits(62) | (1 << 62)


def serial_text(serial: int) -> str:
    return f"{serial:016X}"


def certificate_load(row: SealCertificate) -> x509.Certificate:
    return x509.load_pem_x509_certificate(row.pem.encode())


def _now() -> dt.datetime:
    # Certificates, CRLs and signatures carry real time, never the simulation's clock.
    return timezone.now().replace(microsecond=0)


def crl_url() -> str:
    return f"{settings.ONEVISIT['PUBLIC_URL']}/pki/ca.crl"


def _row_create(*, cert: x509.Certificate, kind: str, department: Department | None,
                subject: str) -> SealCertificate:
    der = cert.public_bytes(serialization.Encoding.DER)
    return SealCertificate.objects.create(
        kind=kind, department=department, serial=serial_text(cert.serial_number),
        fingerprint=hashlib.sha256(der).hexdigest(), subject=subject,
        pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        status=SealStatus.ACTIVE, created_at=timezone.now(),
    )


def ca_active() -> SealCertificate | None:
    return SealCertificate.objects.filter(kind=SealKind.CA, status=SealStatus.ACTIVE).first()


def trust_roots() -> list[SealCertificate]:
    """Every CA this instance has had that was not revoked: what it sealed stays valid."""
    return list(SealCertificate.objects.filter(kind=SealKind.CA)
                .exclude(status=SealStatus.REVOKED).order_by("created_at"))


@atomic_audited
def seal_ca_init(*, actor: Any, name: str = DEFAULT_CA_NAME) -> SealCertificate:
    """Create the local issuing CA: its key in the key directory, its certificate in the
    database and published in PKI_DIR."""
    if ca_active() is not None:
        raise Conflict(_("签发机构证书已存在，不能重复创建"))
    name = name.strip()
    if not name:
        raise InvalidInput(_("名称不能为空"), {"name": _("必填")})
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name(name)),
    ])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(serial_new())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + dt.timedelta(days=round(365.25 * CA_YEARS)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    serial = serial_text(cert.serial_number)
    _key_write(serial, key)
    row = _row_create(cert=cert, kind=SealKind.CA, department=None, subject=name)
    audit_record(actor=actor, action="seal.ca_created", entity="seal", entity_id=serial,
                 data={"subject": name, "fingerprint": row.fingerprint,
                       "not_after": row.not_after.isoformat()})
    _publish_file("ca.pem", cert.public_bytes(serialization.Encoding.PEM))
    log.info("seal_ca_created", serial=serial)
    return row


def common_name(name: str) -> str:
    """`name` as an X.509 common name: at most 64 bytes of UTF-8 (RFC 5280's upper bound as
    the certificate library counts it; 21 Chinese characters), cut at a character's end.
    The organisation name beside it keeps the name whole."""
    return name.encode()[:COMMON_NAME_BYTES].decode(errors="ignore")


def _seal_certificate(department: Department, ca: SealCertificate) -> tuple[
        x509.Certificate, ec.EllipticCurvePrivateKey]:
    ca_cert = certificate_load(ca)
    ca_key = key_load(ca.serial)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, department.name),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, department.code),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name(department.name)),
    ])
    now = _now()
    not_after = min(now + dt.timedelta(days=round(365.25 * SEAL_YEARS)),
                    ca_cert.not_valid_after_utc)
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(serial_new())
        .not_valid_before(now - CLOCK_SKEW).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        # Validators check revocation where the certificate says to: the published CRL.
        .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url())], relative_name=None,
            reasons=None, crl_issuer=None,
        )]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _seal_create(*, department: Department, actor: Any, action: str,
                 data: dict[str, Any] | None = None) -> SealCertificate:
    ca = ca_active()
    if ca is None:
        raise SealUnavailable(_("尚未建立电子印章签发机构，请先运行 %(command)s")
                              % {"command": INIT_CA_HINT})
    cert, key = _seal_certificate(department, ca)
    serial = serial_text(cert.serial_number)
    _key_write(serial, key)
    row = _row_create(cert=cert, kind=SealKind.SEAL, department=department,
                      subject=department.name)
    audit_record(actor=actor, action=action, entity="seal", entity_id=serial, data={
        "department": department.code, "fingerprint": row.fingerprint,
        "not_after": row.not_after.isoformat(), "ca": ca.serial, **(data or {}),
    })
    log.info(action.replace(".", "_"), serial=serial, department=department.code)
    return row


def department_by_code(code: str) -> Department:
    department = Department.objects.filter(code=code.strip()).first()
    if department is None:
        raise NotFound(_("部门 %(code)s 不存在") % {"code": code})
    return department


def seal_active(*, department: Department | int) -> SealCertificate | None:
    department_id = department if isinstance(department, int) else department.pk
    return SealCertificate.objects.filter(
        kind=SealKind.SEAL, department_id=department_id, status=SealStatus.ACTIVE
    ).first()


@atomic_audited
def seal_issue(*, department: Department, actor: Any) -> SealCertificate:
    """Issue the department's seal from the CA. A department has one active seal; to
    replace it, rotate."""
    if seal_active(department=department) is not None:
        raise Conflict(_("%(department)s 已有在用的电子印章；更换请使用轮换")
                       % {"department": department.name})
    return _seal_create(department=department, actor=actor, action="seal.issued")


def seal_for_department(*, department: Department | int) -> SealCertificate:
    """The department's active seal; the first time a department seals, one is issued
    from the CA. Without a CA this refuses, naming the command that creates it."""
    found = seal_active(department=department)
    if found is not None:
        return found
    if isinstance(department, int):
        department = Department.objects.get(pk=department)
    try:
        return seal_issue(department=department, actor=None)
    except (IntegrityError, Conflict):
        # Another process issued it at the same moment: the constraint kept one.
        found = seal_active(department=department)
        if found is None:
            raise
        return found


def _transition(row: SealCertificate, target: str) -> None:
    if target not in ALLOWED_SEAL_TRANSITIONS[row.status]:
        raise Conflict(_("电子印章 %(serial)s 当前状态为“%(status)s”，不能变为“%(target)s”") % {
            "serial": row.serial, "status": SealStatus(row.status).label,
            "target": SealStatus(target).label,
        })


@atomic_audited
def seal_rotate(*, department: Department, actor: Any) -> SealCertificate:
    """A new key and certificate for the department. The old seal is retired: it seals
    nothing more, and what it sealed stays valid until its certificate expires."""
    old = (SealCertificate.objects.select_for_update()
           .filter(kind=SealKind.SEAL, department=department, status=SealStatus.ACTIVE).first())
    if old is not None:
        _transition(old, SealStatus.RETIRED)
        old.status, old.retired_at = SealStatus.RETIRED, timezone.now()
        old.save(update_fields=["status", "retired_at"])
        audit_record(actor=actor, action="seal.retired", entity="seal", entity_id=old.serial,
                     data={"department": department.code})
    return _seal_create(department=department, actor=actor, action="seal.rotated",
                        data={"replaces": old.serial if old else None})


def revocation_reason_check(*, reason: str, code: str, missing: str) -> tuple[str, str]:
    """The operator's reason (required) and its RFC 5280 reason code (one of
    RevocationReason), or InvalidInput naming the field."""
    reason = reason.strip()
    errors = {}
    if not reason:
        errors["reason"] = _("必填")
    if code not in RevocationReason.values:
        errors["code"] = _("须为以下之一：%(codes)s") % {
            "codes": "、".join(f"{value}（{label}）" for value, label in RevocationReason.choices)}
    if errors:
        raise InvalidInput(missing if "reason" in errors else _("吊销原因代码无效"), errors)
    return reason[:255], code


@atomic_audited
def seal_revoke(*, serial: str, reason: str, code: str, actor: Any) -> SealCertificate:
    """Revoke a seal: documents sealed under it report revoked from now on, here and in
    any validator holding the CRL, which is re-published as soon as this commits: it
    lists the seal and every document certificate sealed under it, with the reason code
    (`code`, a RevocationReason)."""
    reason, code = revocation_reason_check(reason=reason, code=code,
                                           missing=_("吊销须说明原因"))
    row = (SealCertificate.objects.select_for_update()
           .filter(serial=serial.strip().upper(), kind=SealKind.SEAL).first())
    if row is None:
        raise NotFound(_("电子印章 %(serial)s 不存在") % {"serial": serial})
    _transition(row, SealStatus.REVOKED)
    row.status, row.revoked_at, row.reason, row.reason_code = (
        SealStatus.REVOKED, _now(), reason, code)
    row.save(update_fields=["status", "revoked_at", "reason", "reason_code"])
    audit_record(actor=actor, action="seal.revoked", entity="seal", entity_id=row.serial,
                 data={"department": row.department.code if row.department else None,
                       "reason": row.reason, "code": code})
    transaction.on_commit(lambda: crl_publish(actor=actor))
    return row


def seals_list() -> list[SealCertificate]:
    return list(SealCertificate.objects.select_related("department")
                .order_by("kind", "department__code", "-created_at"))


def seals_ensure(*, actor: Any) -> list[SealCertificate]:
    """The CA if there is none, and a seal for every department without one (demo, tests).
    Idempotent."""
    if ca_active() is None:
        seal_ca_init(actor=actor)
    return [seal_issue(department=department, actor=actor)
            for department in Department.objects.order_by("code")
            if seal_active(department=department) is None]


# --------------------------------------------------------------------------- CRL


@dataclass(frozen=True)
class PublishedCrl:
    der: bytes
    crl: x509.CertificateRevocationList


def _publish_file(name: str, content: bytes) -> Path:
    directory = pki_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    partial = directory / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
    partial.write_bytes(content)
    partial.replace(target)  # readers see the old file or the new one, never half of one
    return target


@dataclass(frozen=True)
class CrlEntry:
    """One CRL entry: a certificate's serial, when it was revoked, and why."""

    serial: str
    revoked_at: dt.datetime
    code: str  # a RevocationReason, or "" for a seal revoked before codes were recorded


def revocations() -> list[CrlEntry]:
    """Everything the CRL must list: each revoked seal, and each document certificate
    whose certificate was revoked (with that revocation's date and code) or whose seal
    was (with the seal's)."""
    now = _now()
    entries = [
        CrlEntry(serial=row.serial, revoked_at=row.revoked_at or now, code=row.reason_code)
        for row in SealCertificate.objects.filter(status=SealStatus.REVOKED, kind=SealKind.SEAL)
    ]
    signers = (DocumentSigner.objects
               .filter(Q(certificate__revoked_at__isnull=False)
                       | Q(seal__status=SealStatus.REVOKED))
               .values_list("serial", "certificate__revoked_at", "certificate__revocation_code",
                            "seal__revoked_at", "seal__reason_code"))
    for serial, certificate_at, certificate_code, seal_at, seal_code in signers.iterator(
            chunk_size=2000):
        # A certificate revoked on its own is listed with its own date and reason, whether
        # its seal was revoked before or after.
        when, code = ((certificate_at, certificate_code) if certificate_at is not None
                      else (seal_at or now, seal_code))
        # A certificate revoked on the simulation's clock is never dated after the CRL.
        entries.append(CrlEntry(serial=serial, revoked_at=min(when, now), code=code))
    return sorted(entries, key=lambda entry: (entry.revoked_at, entry.serial))


@atomic_audited
def crl_publish(*, actor: Any) -> PublishedCrl:
    """Sign a CRL of everything revoked (see `revocations`), each entry with its reason
    code, with the CA key; publish it in PKI_DIR as DER (ca.crl) and PEM (ca.crl.pem),
    beside the CA certificate (ca.pem)."""
    ca = ca_active()
    if ca is None:
        raise SealUnavailable(_("尚未建立电子印章签发机构，请先运行 %(command)s")
                              % {"command": INIT_CA_HINT})
    ca_cert = certificate_load(ca)
    ca_key = key_load(ca.serial)
    now = _now()
    revoked = revocations()
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject).last_update(now)
        .next_update(now + dt.timedelta(days=CRL_DAYS))
        # Increasing with time, so no counter to keep: milliseconds since the epoch.
        .add_extension(x509.CRLNumber(time.time_ns() // 1_000_000), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
    )
    for entry in revoked:
        revoked_builder = (x509.RevokedCertificateBuilder()
                           .serial_number(int(entry.serial, 16))
                           .revocation_date(entry.revoked_at))
        if entry.code:
            revoked_builder = revoked_builder.add_extension(
                x509.CRLReason(x509.ReasonFlags[entry.code]), critical=False)
        builder = builder.add_revoked_certificate(revoked_builder.build())
    crl = builder.sign(ca_key, hashes.SHA256())
    der = crl.public_bytes(serialization.Encoding.DER)
    _publish_file("ca.crl", der)
    _publish_file("ca.crl.pem", crl.public_bytes(serialization.Encoding.PEM))
    _publish_file("ca.pem", ca.pem.encode())
    audit_record(actor=actor, action="seal.crl_published", entity="seal", entity_id=ca.serial,
                 data={"revoked": len(revoked),
                       "next_update": (now + dt.timedelta(days=CRL_DAYS)).isoformat()})
    return PublishedCrl(der=der, crl=crl)


def _crl_read(ca: SealCertificate) -> PublishedCrl | None:
    path = pki_dir() / "ca.crl"
    if not path.is_file():
        return None
    der = path.read_bytes()
    try:
        crl = x509.load_der_x509_crl(der)
    except ValueError:
        return None
    ca_key = certificate_load(ca).public_key()
    if not isinstance(ca_key, ec.EllipticCurvePublicKey) or not crl.is_signature_valid(ca_key):
        return None
    return PublishedCrl(der=der, crl=crl)


def crl_current() -> PublishedCrl | None:
    """The published CRL, re-published first if it is missing, about to expire, or does not
    list exactly the seals revoked in the database. None without a CA."""
    ca = ca_active()
    if ca is None:
        return None
    published = _crl_read(ca)
    if published is not None:
        listed = {serial_text(entry.serial_number) for entry in published.crl}
        expected = {entry.serial for entry in revocations()}
        next_update = published.crl.next_update_utc
        fresh = next_update is not None and next_update - CRL_REFRESH_MARGIN > timezone.now()
        if fresh and listed == expected:
            return published
    return crl_publish(actor=None)
