"""Results are sealed PDFs (PAdES) by the issuing department's seal: pyHanko and, on its
own, poppler's pdfsig trust them once they trust the CA, and both notice a changed byte."""

from __future__ import annotations

import io
import subprocess
from io import StringIO

import pytest
from asn1crypto import x509 as asn1_x509
from django.core.management import call_command
from django.test import Client
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from onevisit.audit.models import AuditEvent
from onevisit.certificates.models import Certificate, DocumentSigner, SealCertificate
from onevisit.certificates.sealing import signing_certificate_v2
from onevisit.certificates.seals import SealUnavailable, crl_current
from onevisit.certificates.services import certificate_pdf
from onevisit.certificates.verification import pdf_verify
from tests.certificates.conftest import byte_range, house_completed, nss_database, pdfsig

pytestmark = pytest.mark.django_db


def _ca_pem() -> bytes:
    return SealCertificate.objects.get(kind="ca").pem.encode()


def _pyhanko(content: bytes, *, crl: bytes | None = None):
    """pyHanko's own validator, trusting only our CA: what any pyHanko user would run."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    ca = asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(_ca_pem()).public_bytes(Encoding.DER)
    )
    context = ValidationContext(trust_roots=[ca], crls=[crl] if crl else [],
                                allow_fetching=False,
                                revocation_mode="hard-fail" if crl else "soft-fail")
    signature = PdfFileReader(io.BytesIO(content)).embedded_signatures[0]
    return validate_pdf_signature(signature, context)


def _text(content: bytes, tmp_path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_result_is_sealed_by_its_departments_seal_and_pyhanko_trusts_it(world, certificate):
    content = certificate_pdf(certificate=certificate)

    status = _pyhanko(content)
    certificate.refresh_from_db()
    seal = SealCertificate.objects.get(kind="seal", department=world.registry)
    ca = SealCertificate.objects.get(kind="ca")
    signer = DocumentSigner.objects.get(certificate=certificate)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    # Signed by a certificate of its own, issued by the CA to the department and naming
    # this certificate's verification code.
    assert status.signing_cert.sha256.hex() == signer.fingerprint
    assert f"{status.signing_cert.serial_number:016X}" == signer.serial
    assert status.signing_cert.subject.native == {
        "country_name": "CN", "organization_name": "西湖区不动产登记中心",
        "organizational_unit_name": "xh-bdc", "serial_number": certificate.verification_code,
        "common_name": "西湖区不动产登记中心",
    }
    assert status.signing_cert.issuer.native["common_name"] == ca.subject
    assert signer.seal == seal
    assert certificate.seal == seal
    # The chain travels inside the PDF: the document's certificate and the CA's.
    signed = PdfFileReader(io.BytesIO(content)).embedded_signatures[0].signed_data
    assert len(signed["certificates"]) == 2
    # The signing-certificate-v2 attribute, put together from a template, is the one
    # pyHanko encodes for this certificate.
    attributes = signed["signer_infos"][0]["signed_attrs"]
    found = next(a for a in attributes if a["type"].native == "signing_certificate_v2")
    assert found.dump() == signing_certificate_v2(status.signing_cert)
    assert certificate_pdf(certificate=certificate) == content  # stored, not sealed again
    assert AuditEvent.objects.filter(action="certificate.sealed",
                                     entity_id=certificate.number).count() == 1


def test_pdfsig_trusts_the_seal_once_the_ca_is_in_its_database(certificate, tmp_path):
    content = certificate_pdf(certificate=certificate)

    trusted = pdfsig(content, tmp_path, nss_database(tmp_path / "nss", _ca_pem()))
    stranger = pdfsig(content, tmp_path, nss_database(tmp_path / "empty", None))

    assert "Signer Certificate Common Name: 西湖区不动产登记中心" in trusted
    assert "Signature Type: ETSI.CAdES.detached" in trusted
    assert "Total document signed" in trusted
    assert "Signature Validation: Signature is Valid." in trusted
    assert "Certificate Validation: Certificate is Trusted." in trusted
    # Without our CA the signature still checks out, but nothing vouches for the signer.
    assert "Signature Validation: Signature is Valid." in stranger
    assert "Certificate is Trusted" not in stranger


def test_a_changed_byte_inside_the_signed_range_is_caught_by_both(certificate, tmp_path):
    content = certificate_pdf(certificate=certificate)
    start, first, _second, _length = byte_range(content)
    at = content.index(b"/Producer")  # the document information, well inside the range
    assert start <= at < start + first
    tampered = bytearray(content)
    tampered[at + 2] ^= 0x01

    pyhanko = _pyhanko(bytes(tampered))
    poppler = pdfsig(bytes(tampered), tmp_path, nss_database(tmp_path / "nss", _ca_pem()))

    assert (pyhanko.intact, pyhanko.trusted) == (False, False)
    assert "Signature Validation: Digest Mismatch." in poppler
    assert "Signature is Valid" not in poppler
    assert pdf_verify(bytes(tampered)).status == "tampered"


def test_a_revoked_seal_is_caught_by_pyhanko_with_the_crl_and_by_pdfsig_only_with_it(
    world, certificate, tmp_path, django_capture_on_commit_callbacks
):
    content = certificate_pdf(certificate=certificate)
    seal = SealCertificate.objects.get(kind="seal", department=world.registry)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seal", "revoke", seal.serial, "--reason", "印章私钥泄露",
                     "--code", "key_compromise", stdout=StringIO())
    crl = crl_current()
    assert crl is not None

    pyhanko = _pyhanko(content, crl=crl.der)
    poppler_without_crl = pdfsig(content, tmp_path, nss_database(tmp_path / "a", _ca_pem()))
    poppler_with_crl = pdfsig(content, tmp_path,
                              nss_database(tmp_path / "b", _ca_pem(), crl_der=crl.der))

    assert pyhanko.revoked is True
    assert pyhanko.trusted is False
    assert pdf_verify(content).status == "revoked"
    # pdfsig fetches no CRL: it trusts a revoked seal until its NSS database has the CRL.
    assert "Certificate Validation: Certificate is Trusted." in poppler_without_crl
    assert "Certificate Validation: Certificate has been Revoked." in poppler_with_crl
    assert "Signature Validation: Signature is Valid." in poppler_with_crl


def test_rotation_seals_new_results_with_the_new_seal_and_old_ones_stay_valid(
    world, api, certificate
):
    old_pdf = certificate_pdf(certificate=certificate)
    old_seal = SealCertificate.objects.get(kind="seal", department=world.registry)
    call_command("seal", "rotate", "xh-bdc", stdout=StringIO())

    newer = house_completed(world, api)
    new_pdf = certificate_pdf(certificate=newer)

    newer.refresh_from_db()
    old_seal.refresh_from_db()
    assert old_seal.status == "retired"
    assert newer.seal is not None
    assert newer.seal != old_seal
    assert newer.seal.status == "active"
    assert pdf_verify(new_pdf).seal == newer.seal
    old = pdf_verify(old_pdf)
    assert (old.status, old.seal, old.certificate) == ("valid", old_seal, certificate)


def test_without_a_ca_the_result_is_not_served_and_the_error_says_what_to_run(
    world, api, certificate
):
    SealCertificate.objects.all().delete()
    before = AuditEvent.objects.count()

    response = api["citizen"].client.get(
        f"/api/v1/applications/{certificate.application.number}/certificates/"
        f"{certificate.number}.pdf"
    )

    page = Client()
    page.force_login(world.citizen)
    download = page.get(f"/documents/{certificate.application.number}/certificates/"
                        f"{certificate.number}.pdf")

    assert response.status_code == 503
    assert "onevisit seal init-ca" in response.json()["message"]
    assert download.status_code == 503
    assert "onevisit seal init-ca" in download.content.decode()
    assert not download.content.startswith(b"%PDF")
    certificate.refresh_from_db()
    assert (certificate.pdf, certificate.seal, certificate.pdf_sha256) == ("", None, "")
    assert AuditEvent.objects.count() == before
    with pytest.raises(SealUnavailable, match="onevisit seal init-ca"):
        certificate_pdf(certificate=certificate)


def test_a_department_without_a_seal_gets_one_when_it_first_seals(world, certificate):
    SealCertificate.objects.filter(department=world.registry).delete()

    content = certificate_pdf(certificate=certificate)

    seal = SealCertificate.objects.get(kind="seal", department=world.registry)
    assert seal.status == "active"
    assert pdf_verify(content).seal == seal
    assert AuditEvent.objects.filter(action="seal.issued", entity_id=seal.serial).exists()


def test_an_unsealed_pdf_from_before_is_sealed_before_it_is_served(certificate, settings):
    path = settings.MEDIA_ROOT / "certificates" / f"{certificate.number}.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF-1.4 rendered before results were sealed")
    Certificate.objects.filter(pk=certificate.pk).update(pdf=f"certificates/{path.name}")
    certificate.refresh_from_db()

    content = certificate_pdf(certificate=certificate)

    assert pdf_verify(content).status == "valid"
    assert path.read_bytes() == content


def test_in_object_storage_a_sealed_pdf_is_kept_once_and_sealed_again_if_changed(
        certificate, on_s3, settings):
    name = f"certificates/{certificate.number}.pdf"

    content = certificate_pdf(certificate=certificate)
    certificate.refresh_from_db()
    served_again = certificate_pdf(certificate=certificate)

    assert on_s3.keys() == [name]
    assert on_s3.read(name) == content == served_again
    assert not (settings.MEDIA_ROOT / name).exists()
    on_s3.write(name, b"%PDF-1.7 damaged")

    resealed = certificate_pdf(certificate=certificate)

    assert pdf_verify(resealed).status == "valid"
    assert on_s3.read(name) == resealed


def test_the_render_task_fails_clearly_without_a_ca(certificate):
    from onevisit.certificates.tasks import certificate_render

    SealCertificate.objects.all().delete()

    with pytest.raises(SealUnavailable, match="onevisit seal init-ca"):
        certificate_render.call(certificate.pk)
