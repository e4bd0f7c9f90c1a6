"""`onevisit certificates export DIR`: every certificate sealed, with what verifies it
offline (CA, seal certificates, CRL, manifest) — and never a key."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from cryptography import x509
from django.core.management import call_command
from django.core.management.base import CommandError

from onevisit.certificates.models import Certificate, SealCertificate
from onevisit.certificates.services import certificate_pdf
from onevisit.certificates.verification import pdf_verify
from tests.certificates.conftest import house_completed, nss_database, pdfsig

pytestmark = pytest.mark.django_db


def _export(directory) -> str:
    out = StringIO()
    call_command("certificates", "export", str(directory), stdout=out)
    return out.getvalue()


def test_the_export_holds_every_sealed_pdf_the_chain_the_crl_and_a_manifest(
    world, api, tmp_path
):
    first = house_completed(world, api)
    certificate_pdf(certificate=first)  # already sealed
    second = house_completed(world, api)  # never rendered yet
    target = tmp_path / "export"

    report = _export(target)

    assert "exported 2 certificates (1 sealed now)" in report
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    rows = {row["number"]: row for row in manifest["certificates"]}
    assert set(rows) == {first.number, second.number}
    for certificate in Certificate.objects.all():
        row = rows[certificate.number]
        content = (target / row["file"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(content).hexdigest() == certificate.pdf_sha256
        assert (row["title"], row["department"], row["verification_code"]) == (
            "不动产权证书", "西湖区不动产登记中心", certificate.verification_code)
        assert row["issued_at"] == certificate.issued_at.isoformat()
        assert pdf_verify(content).status == "valid"
    ca = SealCertificate.objects.get(kind="ca")
    assert (target / "ca.pem").read_text() == ca.pem
    seals = SealCertificate.objects.filter(kind="seal")
    assert sorted(p.name for p in (target / "seals").iterdir()) == sorted(
        f"{row.serial}.pem" for row in seals)
    crl = x509.load_der_x509_crl((target / "ca.crl").read_bytes())
    assert crl.is_signature_valid(x509.load_pem_x509_certificate(ca.pem.encode()).public_key())


def test_the_export_never_contains_a_key(world, certificate, tmp_path, settings):
    target = tmp_path / "export"

    _export(target)

    files = [path for path in target.rglob("*") if path.is_file()]
    assert files
    for path in files:
        assert b"PRIVATE KEY" not in path.read_bytes(), path
        assert path.suffix != ".key"
    key_names = {path.name for path in settings.ONEVISIT["KEY_DIR"].iterdir()}
    assert not key_names & {path.name for path in files}


def test_anyone_verifies_the_export_offline_with_pdfsig(world, certificate, tmp_path):
    target = tmp_path / "export"
    _export(target)
    pdf = (target / "certificates" / f"{certificate.number}.pdf").read_bytes()

    report = pdfsig(pdf, tmp_path,
                    nss_database(tmp_path / "nss", (target / "ca.pem").read_bytes(),
                                 crl_der=(target / "ca.crl").read_bytes()))

    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report


def test_the_export_refuses_the_key_directory(world, settings):
    keys = settings.ONEVISIT["KEY_DIR"]
    before = sorted(p.name for p in keys.iterdir())

    with pytest.raises(CommandError, match="不能导出到密钥目录"):
        _export(keys / "export")

    # Nothing written there; the four seal keys sit beside the audit log's key files.
    assert sorted(p.name for p in keys.iterdir()) == before
    assert len([name for name in before if not name.startswith("audit-")]) == 4
