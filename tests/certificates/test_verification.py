"""Anyone verifies a certificate: by code or QR link on /verify/ and the API, or by
uploading the PDF; the CA certificate and CRL are public."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from onevisit.certificates.models import Certificate, SealCertificate
from onevisit.certificates.rendering import certificate_render_unsealed
from onevisit.certificates.services import certificate_pdf

pytestmark = pytest.mark.django_db


def _page(code: str) -> str:
    return Client().get(f"/verify/{code}").content.decode()


def _upload(content: bytes, name: str = "证照.pdf", client: Client | None = None):
    return (client or Client()).post(
        "/verify/", {"pdf": SimpleUploadedFile(name, content, "application/pdf")}
    )


def _api_upload(content: bytes, name: str = "证照.pdf"):
    return Client().post("/api/v1/certificates/verify-pdf",
                         {"pdf": SimpleUploadedFile(name, content, "application/pdf")})


def _revoke_seal(department, capture) -> SealCertificate:
    seal = SealCertificate.objects.get(kind="seal", department=department, status="active")
    with capture(execute=True):
        call_command("seal", "revoke", seal.serial, "--reason", "印章私钥泄露",
                     "--code", "key_compromise", stdout=StringIO())
    seal.refresh_from_db()
    return seal


def _foreign_sealed(content: bytes) -> bytes:
    """Sealed by a CA this platform never heard of."""
    now = timezone.now()
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "西湖区不动产登记中心")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore(),
    )
    output = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(content)),
                     signers.PdfSignatureMetadata(field_name="Seal"), signer=signer,
                     output=output)
    return output.getvalue()


# --------------------------------------------------------------------------- by code


def test_a_valid_certificate_by_code_shows_who_issued_it_and_its_seal(world, certificate):
    certificate_pdf(certificate=certificate)
    seal = SealCertificate.objects.get(kind="seal", department=world.registry)

    page = _page(certificate.verification_code)
    api = Client().get(f"/api/v1/certificates/verify/{certificate.verification_code}").json()

    assert "有效</strong>" in page
    for text in ("不动产权证书", certificate.number, "西湖区不动产登记中心",
                 certificate.issued_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
                 .strftime("%Y-%m-%d"), seal.serial, "在用"):
        assert text in page, text
    assert api == {
        "status": "valid", "number": certificate.number, "title": "不动产权证书",
        "department": "西湖区不动产登记中心", "issued_at": api["issued_at"],
        "holder": "王**", "seal_serial": seal.serial, "seal_status": "active",
        "revocation_reason": None, "revocation_code": None,
    }


def test_the_qr_link_with_a_lower_case_code_finds_the_certificate(certificate):
    page = Client().get(f"/verify/?code={certificate.verification_code.lower()}")

    assert certificate.number in page.content.decode()


def test_revoking_the_seal_makes_what_it_sealed_report_revoked(
    world, certificate, django_capture_on_commit_callbacks
):
    certificate_pdf(certificate=certificate)
    seal = _revoke_seal(world.registry, django_capture_on_commit_callbacks)

    page = _page(certificate.verification_code)
    api = Client().get(f"/api/v1/certificates/verify/{certificate.verification_code}").json()

    assert "已撤销</strong>" in page
    assert "盖在该证照上的电子印章已被吊销" in page
    assert "已吊销" in page
    assert "印章吊销原因</th><td>印章私钥泄露（私钥泄露）</td>" in page
    assert (api["status"], api["seal_serial"], api["seal_status"], api["revocation_reason"],
            api["revocation_code"]) == ("revoked", seal.serial, "revoked", "印章私钥泄露",
                                        "key_compromise")


def test_a_revoked_certificate_reports_revoked(certificate):
    certificate_pdf(certificate=certificate)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())

    page = _page(certificate.verification_code)
    api = Client().get(f"/api/v1/certificates/verify/{certificate.verification_code}").json()

    assert "该证照已被发证部门撤销" in page
    assert (api["status"], api["seal_status"]) == ("revoked", "active")


def test_after_rotation_the_old_seal_still_vouches_for_what_it_sealed(world, certificate):
    certificate_pdf(certificate=certificate)
    call_command("seal", "rotate", "xh-bdc", stdout=StringIO())

    page = _page(certificate.verification_code)
    api = Client().get(f"/api/v1/certificates/verify/{certificate.verification_code}").json()

    assert "有效</strong>" in page
    assert "已停用" in page
    assert "对停用前盖章的证照仍然有效" in page
    assert (api["status"], api["seal_status"]) == ("valid", "retired")


def test_an_unknown_code_is_unknown(world):
    page = _page("ABCDEFGHJKLM")
    api = Client().get("/api/v1/certificates/verify/ABCDEFGHJKLM").json()

    assert "没有与该核验码对应的证照" in page
    assert api == {"status": "unknown", "number": None, "title": None, "department": None,
                   "issued_at": None, "holder": None, "seal_serial": None,
                   "seal_status": None, "revocation_reason": None, "revocation_code": None}


# --------------------------------------------------------------------------- by PDF


def test_an_intact_pdf_upload_is_valid_and_names_its_certificate(world, certificate):
    content = certificate_pdf(certificate=certificate)
    seal = SealCertificate.objects.get(kind="seal", department=world.registry)

    page = _upload(content).content.decode()
    api = _api_upload(content).json()

    assert "电子印章有效</strong>" in page
    assert f"{certificate.title} {certificate.number}" in page
    assert seal.serial in page
    assert api["status"] == "valid"
    assert api["department"] == "西湖区不动产登记中心"
    assert api["seal_serial"] == seal.serial
    assert api["certificate"]["number"] == certificate.number
    assert api["certificate"]["status"] == "valid"
    assert [s["status"] for s in api["signatures"]] == ["valid"]
    assert api["signatures"][0]["intact"] is True


def test_a_tampered_pdf_upload_is_reported_tampered(certificate):
    content = bytearray(certificate_pdf(certificate=certificate))
    at = bytes(content).index(b"/Producer")
    content[at + 2] ^= 0x01

    page = _upload(bytes(content)).content.decode()
    api = _api_upload(bytes(content)).json()

    assert "文件已被改动</strong>" in page
    assert "对应证照" not in page  # a broken seal vouches for nothing
    assert api["status"] == "tampered"
    assert api["certificate"] is None
    assert api["signatures"][0]["intact"] is False


def test_content_added_after_sealing_is_reported_tampered(certificate):
    content = certificate_pdf(certificate=certificate)
    # A later revision, as a PDF editor saves it: the sealed bytes stay as they were.
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    added = output.getvalue()
    assert added.startswith(content)
    assert len(added) > len(content)

    api = _api_upload(added).json()

    assert api["status"] == "tampered"
    assert api["signatures"][0]["whole_file"] is False


def test_a_pdf_sealed_by_a_revoked_seal_is_reported_revoked(
    world, certificate, django_capture_on_commit_callbacks
):
    content = certificate_pdf(certificate=certificate)
    _revoke_seal(world.registry, django_capture_on_commit_callbacks)

    page = _upload(content).content.decode()
    api = _api_upload(content).json()

    assert "已吊销</strong>" in page
    assert api["status"] == "revoked"
    assert api["signatures"][0]["revoked"] is True
    assert api["certificate"]["status"] == "revoked"


def test_a_pdf_sealed_elsewhere_is_untrusted_and_an_unsealed_one_unsigned(certificate):
    unsealed = certificate_render_unsealed(certificate)

    foreign = _api_upload(_foreign_sealed(unsealed)).json()
    plain = _api_upload(unsealed).json()

    assert foreign["status"] == "untrusted"
    assert foreign["signatures"][0]["intact"] is True
    assert foreign["certificate"] is None
    assert plain["status"] == "unsigned"
    assert "文件没有电子印章" in _upload(unsealed).content.decode()


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "请选择要核验的 PDF 文件"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "只能核验 PDF 格式的电子证照"),
    (b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "文件大小超过 10 MB 上限"),
])
def test_an_upload_that_is_not_a_pdf_or_too_big_is_refused_with_the_reason(
    world, content, reason
):
    page = _upload(content, name="scan.pdf").content.decode()
    api = _api_upload(content, name="scan.pdf")

    assert reason in page
    assert 'aria-invalid="true"' in page
    assert api.status_code == 422
    assert api.json()["errors"] == {"pdf": reason}


def test_the_api_asks_for_the_file(world):
    response = Client().post("/api/v1/certificates/verify-pdf", {})

    assert response.status_code == 422
    assert "pdf" in response.json()["errors"]


def test_the_upload_form_needs_its_csrf_token(certificate):
    content = certificate_pdf(certificate=certificate)
    client = Client(enforce_csrf_checks=True)

    refused = _upload(content, client=client)
    form = client.get("/verify/").content.decode()
    token = client.cookies["csrftoken"].value
    accepted = client.post("/verify/", {
        "pdf": SimpleUploadedFile("证照.pdf", content, "application/pdf"),
        "csrfmiddlewaretoken": token,
    })

    assert refused.status_code == 403
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'enctype="multipart/form-data"' in form
    assert accepted.status_code == 200
    assert "电子印章有效</strong>" in accepted.content.decode()


# --------------------------------------------------------------------------- public PKI


def test_the_ca_certificate_and_crl_are_public(world, django_capture_on_commit_callbacks):
    ca_row = SealCertificate.objects.get(kind="ca")

    pem = Client().get("/pki/ca.pem")
    before = Client().get("/pki/ca.crl")
    seal = _revoke_seal(world.registry, django_capture_on_commit_callbacks)
    after = Client().get("/pki/ca.crl")

    assert pem.status_code == 200
    assert pem["Content-Type"] == "application/x-pem-file"
    assert pem.content.decode() == ca_row.pem
    ca = x509.load_pem_x509_certificate(pem.content)
    assert before["Content-Type"] == "application/pkix-crl"
    for response, serials in ((before, []), (after, [seal.serial])):
        crl = x509.load_der_x509_crl(response.content)
        assert crl.is_signature_valid(ca.public_key())
        assert [f"{entry.serial_number:016X}" for entry in crl] == serials


def test_without_a_ca_there_is_nothing_to_publish(db):
    assert Client().get("/pki/ca.pem").status_code == 404
    assert Client().get("/pki/ca.crl").status_code == 404


def test_revoking_a_certificate_from_the_command_line(certificate):
    content = certificate_pdf(certificate=certificate)
    out = StringIO()

    call_command("certificates", "revoke", certificate.number, "--reason", "登记错误",
                 "--code", "superseded", stdout=out)

    assert f"certificate revoked: {certificate.number}" in out.getvalue()
    by_code = Client().get(f"/api/v1/certificates/verify/{certificate.verification_code}"
                           ).json()
    assert (by_code["status"], by_code["revocation_reason"], by_code["revocation_code"]) == (
        "revoked", "登记错误", "superseded")
    by_file = _api_upload(content).json()
    assert (by_file["status"], by_file["revocation_reason"], by_file["revocation_code"]) == (
        "revoked", "登记错误", "superseded")
    page = _page(certificate.verification_code)
    assert "撤销原因</th><td>登记错误（已换发）</td>" in page
    uploaded = _upload(content).content.decode()
    assert "已吊销</strong>" in uploaded
    assert "撤销原因</th><td>登记错误（已换发）</td>" in uploaded
    with pytest.raises(CommandError, match="已撤销"):
        call_command("certificates", "revoke", certificate.number, "--reason", "再次",
                     "--code", "superseded")
    with pytest.raises(CommandError, match="撤销须说明原因"):
        call_command("certificates", "revoke", certificate.number, "--reason", " ",
                     "--code", "superseded")
