"""Everything needed to verify the certificates offline, in one directory: every issued
certificate's sealed PDF, the issuing CA and every seal certificate, the current CRL, and
a manifest. Private keys are never read, let alone written."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _

from onevisit.certificates.constants import SealKind
from onevisit.certificates.documents import certificate_pdf
from onevisit.certificates.models import Certificate, SealCertificate
from onevisit.certificates.seals import INIT_CA_HINT, SealUnavailable, crl_current, key_dir
from onevisit.errors import InvalidInput

README = """Sealed electronic certificates (电子证照) and what verifies them offline.

certificates/*.pdf  each certificate, sealed (PAdES) under its issuing department's seal
                    with a certificate of its own that the CA issued (embedded)
ca.pem              the issuing CA: the only trust anchor needed
seals/*.pem         every seal certificate the CA issued
ca.crl, ca.crl.pem  the certificate revocation list at the time of export: revoked
                    seals and the certificates of revoked documents, with reason codes
manifest.json       number, title, department, issue time, verification code and SHA-256
                    of each PDF

With poppler (pdfsig) and NSS tools:
  certutil -N -d sql:nssdb --empty-password
  certutil -A -d sql:nssdb -n onevisit-ca -t C,C,C -i ca.pem
  crlutil -I -d sql:nssdb -i ca.crl        # so that revoked certificates report revoked
  pdfsig -nssdir sql:nssdb certificates/NUMBER.pdf
Adobe Reader: add ca.pem as a trusted certificate (Preferences → Signatures → Identities
& Trusted Certificates), then open a PDF; the seal panel shows who sealed it and whether
the document changed since.
"""


@dataclass(frozen=True)
class ExportReport:
    directory: Path
    certificates: int
    sealed_now: int
    seals: int


def _inside(path: Path, parent: Path) -> bool:
    try:
        path.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


def certificates_export(*, directory: Path) -> ExportReport:
    """Write the export; certificates never rendered are rendered and sealed first."""
    if _inside(directory, key_dir()) or _inside(key_dir(), directory):
        raise InvalidInput(_("不能导出到密钥目录 %(dir)s 之内或包含它的目录，请换一个目录")
                           % {"dir": key_dir()}, {"directory": _("与密钥目录重叠")})
    crl = crl_current()
    if crl is None:
        raise SealUnavailable(_("尚未建立电子印章签发机构，请先运行 %(command)s")
                              % {"command": INIT_CA_HINT})
    (directory / "certificates").mkdir(parents=True, exist_ok=True)
    (directory / "seals").mkdir(exist_ok=True)
    rows = SealCertificate.objects.order_by("created_at", "id")
    cas = [row.pem for row in rows if row.kind == SealKind.CA]
    (directory / "ca.pem").write_text("".join(cas), encoding="ascii")
    seals = [row for row in rows if row.kind == SealKind.SEAL]
    for row in seals:
        (directory / "seals" / f"{row.serial}.pem").write_text(row.pem, encoding="ascii")
    (directory / "ca.crl").write_bytes(crl.der)
    (directory / "ca.crl.pem").write_bytes(crl.crl.public_bytes(serialization.Encoding.PEM))
    manifest = []
    sealed_now = 0
    for certificate in (Certificate.objects.select_related("department", "application", "seal")
                        .order_by("issued_at", "id").iterator(chunk_size=200)):
        if not certificate.pdf_sha256:
            sealed_now += 1
        content = certificate_pdf(certificate=certificate)
        name = f"certificates/{certificate.number}.pdf"
        (directory / name).write_bytes(content)
        manifest.append({
            "number": certificate.number, "title": certificate.title,
            "department": certificate.department.name,
            "department_code": certificate.department.code,
            "issued_at": certificate.issued_at.isoformat(),
            "verification_code": certificate.verification_code,
            "sha256": hashlib.sha256(content).hexdigest(), "file": name,
            "seal_serial": certificate.seal.serial if certificate.seal else None,
            "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        })
    (directory / "manifest.json").write_text(
        json.dumps({"certificates": manifest}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    (directory / "README.txt").write_text(README, encoding="utf-8")
    return ExportReport(directory=directory, certificates=len(manifest), sealed_now=sealed_now,
                        seals=len(seals))
