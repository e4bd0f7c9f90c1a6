"""Revoking one certificate, or a seal: published at once in the CRL, each entry with its
RFC 5280 reason code, so that an offline validator holding the current CRL — pdfsig with
the CA and the CRL in its NSS database, pyHanko with the CRL — reports exactly what was
revoked, and nothing else."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from onevisit.audit.models import AuditEvent
from onevisit.certificates.models import Certificate, DocumentSigner, SealCertificate
from onevisit.certificates.seals import crl_current
from onevisit.certificates.services import certificate_pdf, certificate_revoke
from onevisit.certificates.verification import pdf_verify
from onevisit.errors import InvalidInput
from tests.certificates.conftest import house_completed, nss_database, pdfsig

pytestmark = pytest.mark.django_db


def _ca_pem() -> bytes:
    return SealCertificate.objects.get(kind="ca").pem.encode()


def _baseline_crl() -> bytes:
    """The CRL published before anything was revoked (empty)."""
    published = crl_current()
    assert published is not None
    assert list(published.crl) == []
    return published.der


def _published_crl() -> tuple[bytes, x509.CertificateRevocationList]:
    """The CRL as published in PKI_DIR (what /pki/ca.crl serves), not re-made on reading."""
    der = (settings.ONEVISIT["PKI_DIR"] / "ca.crl").read_bytes()
    return der, x509.load_der_x509_crl(der)


def _entries(crl: x509.CertificateRevocationList) -> dict[str, x509.ReasonFlags]:
    return {f"{entry.serial_number:016X}":
            entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
            for entry in crl}


def _pyhanko(content: bytes, crl: bytes):
    """pyHanko's validator as any user would run it: our CA as the only trust root, the
    CRL as the only revocation source, nothing fetched."""
    ca = asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(_ca_pem()).public_bytes(Encoding.DER))
    context = ValidationContext(trust_roots=[ca], crls=[crl], allow_fetching=False,
                                revocation_mode="hard-fail")
    signature = PdfFileReader(io.BytesIO(content)).embedded_signatures[0]
    return validate_pdf_signature(signature, context)


def _signer(certificate: Certificate) -> str:
    return DocumentSigner.objects.get(certificate=certificate).serial


@pytest.fixture
def two(world, api) -> tuple[tuple[Certificate, bytes], tuple[Certificate, bytes]]:
    """Two certificates of one department, each sealed."""
    first, second = house_completed(world, api), house_completed(world, api)
    return ((first, certificate_pdf(certificate=first)),
            (second, certificate_pdf(certificate=second)))


def test_each_sealed_document_has_a_certificate_of_its_own_under_the_departments_seal(
    world, two
):
    (first, first_pdf), (second, second_pdf) = two
    seal = SealCertificate.objects.get(kind="seal", department=world.registry)

    signers = list(DocumentSigner.objects.order_by("id"))

    assert [(s.certificate, s.seal) for s in signers] == [(first, seal), (second, seal)]
    assert signers[0].serial != signers[1].serial
    for content, certificate in ((first_pdf, first), (second_pdf, second)):
        result = pdf_verify(content)
        assert (result.status, result.certificate, result.seal) == ("valid", certificate, seal)


def test_a_certificate_revoked_on_its_own_is_revoked_offline_with_the_current_crl(
    two, tmp_path, django_capture_on_commit_callbacks
):
    (revoked, revoked_pdf), (kept, kept_pdf) = two
    before = _baseline_crl()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("certificates", "revoke", revoked.number, "--reason", "登记错误，已换发",
                     "--code", "superseded", stdout=StringIO())

    der, crl = _published_crl()
    assert der != before  # published when the revocation committed, not on next read
    assert _entries(crl) == {_signer(revoked): x509.ReasonFlags.superseded}
    assert crl.is_signature_valid(
        x509.load_pem_x509_certificate(_ca_pem()).public_key())

    pyhanko_revoked, pyhanko_kept = _pyhanko(revoked_pdf, der), _pyhanko(kept_pdf, der)
    database = nss_database(tmp_path / "nss", _ca_pem(), crl_der=der)
    poppler_revoked = pdfsig(revoked_pdf, tmp_path, database)
    poppler_kept = pdfsig(kept_pdf, tmp_path, database)

    assert (pyhanko_revoked.intact, pyhanko_revoked.revoked, pyhanko_revoked.trusted) == (
        True, True, False)
    assert (pyhanko_kept.intact, pyhanko_kept.revoked, pyhanko_kept.trusted) == (
        True, False, True)
    assert "Signature Validation: Signature is Valid." in poppler_revoked
    assert "Certificate Validation: Certificate has been Revoked." in poppler_revoked
    assert "Certificate Validation: Certificate is Trusted." in poppler_kept
    kept_online = pdf_verify(kept_pdf)
    assert (kept_online.status, kept_online.certificate) == ("valid", kept)


def test_a_certificate_sealed_twice_has_every_copy_revoked(
    world, certificate, django_capture_on_commit_callbacks
):
    """A stored PDF that no longer matches its digest is sealed again: the earlier copy,
    which its holder may still have, is revoked with it."""
    earlier = certificate_pdf(certificate=certificate)
    (settings.MEDIA_ROOT / certificate.pdf).write_bytes(b"%PDF-1.7 damaged")
    later = certificate_pdf(certificate=certificate)
    assert later != earlier

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(number=certificate.number, reason="持证人申请注销",
                           code="cessation_of_operation", actor=None)

    der, crl = _published_crl()
    serials = list(DocumentSigner.objects.filter(certificate=certificate)
                   .order_by("id").values_list("serial", flat=True))
    assert len(serials) == 2
    assert _entries(crl) == dict.fromkeys(serials, x509.ReasonFlags.cessation_of_operation)
    assert [_pyhanko(copy, der).revoked for copy in (earlier, later)] == [True, True]


def test_revoking_a_seal_lists_it_and_everything_sealed_under_it_with_the_reason_code(
    world, two, tmp_path, django_capture_on_commit_callbacks
):
    (first, first_pdf), (second, _second_pdf) = two
    seal = SealCertificate.objects.get(kind="seal", department=world.registry)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seal", "revoke", seal.serial, "--reason", "印章私钥泄露",
                     "--code", "key_compromise", stdout=StringIO())

    der, crl = _published_crl()
    assert _entries(crl) == dict.fromkeys(
        [seal.serial, _signer(first), _signer(second)], x509.ReasonFlags.key_compromise)
    assert _pyhanko(first_pdf, der).revoked is True
    poppler = pdfsig(first_pdf, tmp_path, nss_database(tmp_path / "nss", _ca_pem(), der))
    assert "Certificate Validation: Certificate has been Revoked." in poppler


def test_a_certificate_revoked_on_its_own_keeps_its_reason_when_its_seal_is_revoked(
    world, two, django_capture_on_commit_callbacks
):
    (first, _first_pdf), (second, _second_pdf) = two
    seal = SealCertificate.objects.get(kind="seal", department=world.registry)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(number=first.number, reason="许可被依法撤销",
                           code="privilege_withdrawn", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seal", "revoke", seal.serial, "--reason", "部门撤并",
                     "--code", "affiliation_changed", stdout=StringIO())

    _der, crl = _published_crl()

    assert _entries(crl) == {
        _signer(first): x509.ReasonFlags.privilege_withdrawn,
        seal.serial: x509.ReasonFlags.affiliation_changed,
        _signer(second): x509.ReasonFlags.affiliation_changed,
    }


def test_a_revocation_without_a_known_reason_code_is_refused_and_changes_nothing(
    two, django_capture_on_commit_callbacks
):
    (certificate, _content), _other = two
    before_crl = _baseline_crl()
    events = AuditEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True), \
            pytest.raises(InvalidInput) as refused:
        certificate_revoke(number=certificate.number, reason="登记错误", code="unspecified",
                           actor=None)

    assert refused.value.errors == {"code": refused.value.errors["code"]}
    assert "superseded（已换发）" in str(refused.value.errors["code"])
    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revocation_reason,
            certificate.revocation_code) == (None, "", "")
    assert AuditEvent.objects.count() == events
    assert _published_crl()[0] == before_crl
