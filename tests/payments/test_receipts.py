"""The electronic receipt is sealed like a certificate and verifiable."""

from __future__ import annotations

from onevisit.certificates.models import SealCertificate
from onevisit.certificates.verification import pdf_verify
from onevisit.payments.models import ElectronicReceipt
from onevisit.payments.receipts import receipt_pdf
from tests.payments.conftest import deliver, pay


def test_the_receipt_is_sealed_by_the_collecting_department_and_verifiable(
        house, opened, client, django_capture_on_commit_callbacks):
    pay(opened)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()
    receipt = ElectronicReceipt.objects.get(department__code="xh-sw")

    content = receipt_pdf(receipt=receipt)

    # Intact, whole-file, and chaining to the platform's CA (offline verification).
    signature = pdf_verify(content).signatures[-1]
    assert (signature.intact, signature.valid, signature.trusted, signature.whole_file) == (
        True, True, True, True)
    assert receipt.number in signature.reason
    assert "西湖区税务局" in signature.signer
    receipt.refresh_from_db()
    assert receipt.seal_serial == SealCertificate.objects.get(
        department__code="xh-sw", status="active").serial
    assert receipt.signer_serial
    assert receipt_pdf(receipt=receipt) == content  # stored once, served again
    page = client.get(f"/verify/receipt/{receipt.verification_code}/")
    assert "真实有效" in page.content.decode()
    assert "18500.00" in page.content.decode()  # the tax office's line, not the fee
    unknown = client.get("/verify/receipt/NOSUCHCODE/").content.decode()
    assert "不对应任何电子票据" in unknown
