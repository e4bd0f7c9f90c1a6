"""The seal PKI: a local CA, one active seal per department, rotation, revocation and the
CRL; keys only in the key directory, which must be private."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from cryptography import x509
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from onevisit.audit.models import AuditEvent
from onevisit.audit.services import audit_verify
from onevisit.certificates.models import SealCertificate
from onevisit.certificates.sealing import pdf_seal
from onevisit.certificates.seals import (
    SealUnavailable,
    crl_current,
    key_dir_check,
    seal_for_department,
    seal_issue,
    seal_revoke,
)
from onevisit.errors import InvalidInput
from onevisit.pdf import render_pdf
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _seal(command: str, *args: str) -> str:
    out = StringIO()
    call_command("seal", command, *args, stdout=out)
    return out.getvalue()


def _state() -> tuple[list[tuple[str, str, str]], int]:
    rows = list(SealCertificate.objects.order_by("id").values_list("serial", "kind", "status"))
    return rows, AuditEvent.objects.count()


@pytest.fixture
def departments(db):
    return (DepartmentFactory(code="xh-scjg", name="杭州市西湖区市场监督管理局"),
            DepartmentFactory(code="xh-wjj", name="杭州市西湖区卫生健康局"))


def test_the_whole_lifecycle_from_the_command_line(departments, settings,
                                                 django_capture_on_commit_callbacks):
    market, _health = departments

    created = _seal("init-ca", "--name", "西湖区电子印章签发机构")
    issued = _seal("issue", "xh-scjg")
    first = SealCertificate.objects.get(kind="seal", department=market)
    rotated = _seal("rotate", "xh-scjg")
    second = SealCertificate.objects.get(kind="seal", department=market, status="active")
    with django_capture_on_commit_callbacks(execute=True):  # the CRL follows the commit
        revoked = _seal("revoke", second.serial, "--reason", "私钥所在服务器失窃",
                        "--code", "key_compromise")
    listing = _seal("list")

    assert "CA created: 西湖区电子印章签发机构" in created
    assert f"serial {first.serial}" in issued
    assert f"serial {second.serial}" in rotated
    assert f"seal revoked: {second.serial}" in revoked
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.reason) == ("retired", "revoked",
                                                            "私钥所在服务器失窃")
    assert first.retired_at is not None
    assert second.revoked_at is not None
    lines = {line.split()[2]: line.split()[:4] for line in listing.splitlines()[1:]}
    assert lines[first.serial] == ["seal", "xh-scjg", first.serial, "retired"]
    assert lines[second.serial] == ["seal", "xh-scjg", second.serial, "revoked"]
    assert "(revoked: 私钥所在服务器失窃; keyCompromise)" in listing
    assert [e.action for e in AuditEvent.objects.filter(entity="seal").order_by("seq")] == [
        "seal.ca_created", "seal.issued", "seal.retired", "seal.rotated", "seal.revoked",
        "seal.crl_published",
    ]
    assert audit_verify() == []
    # The CRL published after the revocation lists the revoked seal and only it, with the
    # reason code the operator gave.
    pki = settings.ONEVISIT["PKI_DIR"]
    crl = x509.load_der_x509_crl((pki / "ca.crl").read_bytes())
    assert [f"{entry.serial_number:016X}" for entry in crl] == [second.serial]
    assert [entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
            for entry in crl] == [x509.ReasonFlags.key_compromise]
    assert x509.load_pem_x509_crl((pki / "ca.crl.pem").read_bytes()) == crl
    ca = x509.load_pem_x509_certificate((pki / "ca.pem").read_bytes())
    assert crl.is_signature_valid(ca.public_key())


@pytest.mark.usefixtures("departments")
def test_seal_certificates_chain_to_the_ca_and_name_the_department():
    _seal("init-ca")
    _seal("issue", "xh-scjg")
    ca_row = SealCertificate.objects.get(kind="ca")
    seal_row = SealCertificate.objects.get(kind="seal")

    ca = x509.load_pem_x509_certificate(ca_row.pem.encode())
    seal = x509.load_pem_x509_certificate(seal_row.pem.encode())

    seal.verify_directly_issued_by(ca)
    names = {attr.oid._name: attr.value for attr in seal.subject}
    assert names["commonName"] == names["organizationName"] == "杭州市西湖区市场监督管理局"
    assert names["organizationalUnitName"] == "xh-scjg"
    assert seal.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = seal.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment
    assert not usage.key_cert_sign
    points = seal.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == "http://127.0.0.1:8000/pki/ca.crl"
    assert seal.public_key().curve.name == "secp256r1"
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True


def test_a_name_longer_than_a_common_name_holds_is_cut_there_and_kept_whole_beside_it():
    # 23 characters, 69 bytes of UTF-8: X.509's common name holds 64.
    name = "杭州市西湖区人力资源和社会保障局劳动保障监察大队"
    department = DepartmentFactory(code="xh-rsj-jc", name=name)
    ca_name = "浙江省杭州市西湖区人民政府电子印章签发机构（演示）"
    _seal("init-ca", "--name", ca_name)

    row = seal_issue(department=department, actor=None)
    document = pdf_seal(render_pdf("catalogue/blank_form.html", {
        "title": "申请表", "item": {"name": "劳动保障监察", "code": "330106-RS-001",
                                 "department": {"name": name}}, "fields": []},
    ), seal=row, code="ABCD2345", reason="电子印章", location="杭州")

    ca = x509.load_pem_x509_certificate(SealCertificate.objects.get(kind="ca").pem.encode())
    seal = x509.load_pem_x509_certificate(row.pem.encode())
    for certificate in (seal, document.document.cert):
        names = {attr.oid._name: attr.value for attr in certificate.subject}
        assert names["organizationName"] == name
        assert names["commonName"] == name[:21]
    assert row.subject == name
    assert {a.oid._name: a.value for a in ca.subject}["commonName"] == ca_name[:21]
    seal.verify_directly_issued_by(ca)


def test_keys_live_only_in_the_private_key_directory(departments, settings):
    _seal("init-ca")
    _seal("issue", "xh-scjg")
    keys = settings.ONEVISIT["KEY_DIR"]

    # The audit log's signing key files (audit-*) share the directory: tests/audit.
    seal_keys = [path for path in keys.iterdir() if not path.name.startswith("audit-")]

    assert sorted(path.name for path in seal_keys) == sorted(
        f"{row.serial}.key" for row in SealCertificate.objects.all())
    assert oct(keys.stat().st_mode & 0o777) == "0o700"
    for path in keys.iterdir():
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    for path in seal_keys:
        assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    for row in SealCertificate.objects.all():
        assert "PRIVATE KEY" not in row.pem


@pytest.mark.usefixtures("departments")
def test_a_second_ca_or_a_second_active_seal_is_refused_and_changes_nothing():
    _seal("init-ca")
    _seal("issue", "xh-scjg")
    before = _state()

    with pytest.raises(CommandError, match="签发机构证书已存在"):
        _seal("init-ca")
    with pytest.raises(CommandError, match="已有在用的电子印章"):
        _seal("issue", "xh-scjg")
    with pytest.raises(CommandError, match="部门 nope 不存在"):
        _seal("issue", "nope")

    assert _state() == before


def test_the_database_keeps_one_active_seal_per_department(departments):
    market, _health = departments
    _seal("init-ca")
    _seal("issue", "xh-scjg")
    row = SealCertificate.objects.get(kind="seal")

    with pytest.raises(IntegrityError), transaction.atomic():
        SealCertificate.objects.create(
            kind="seal", department=market, serial="0" * 16, fingerprint="f" * 64,
            subject=row.subject, pem=row.pem, not_before=row.not_before,
            not_after=row.not_after, created_at=row.created_at,
        )


def test_revocation_needs_a_reason_and_is_final(departments):
    _seal("init-ca")
    _seal("issue", "xh-scjg")
    serial = SealCertificate.objects.get(kind="seal").serial
    before = _state()

    with pytest.raises(CommandError, match="吊销须说明原因"):
        _seal("revoke", serial, "--reason", "  ", "--code", "superseded")
    with pytest.raises(CommandError, match="不存在"):
        _seal("revoke", "FFFFFFFFFFFFFFFF", "--reason", "误操作", "--code", "superseded")
    with pytest.raises(InvalidInput) as invalid:
        seal_revoke(serial=serial, reason="印章管理员离职", code="unspecified", actor=None)
    assert _state() == before
    assert set(invalid.value.errors) == {"code"}

    _seal("revoke", serial.lower(), "--reason", "印章管理员离职", "--code",
          "cessation_of_operation")
    with pytest.raises(CommandError, match="不能变为"):
        _seal("revoke", serial, "--reason", "再次吊销", "--code", "key_compromise")
    row = SealCertificate.objects.get(kind="seal")
    assert (row.reason, row.reason_code) == ("印章管理员离职", "cessation_of_operation")


def test_without_a_ca_nothing_can_be_sealed_and_the_error_names_the_command(departments):
    market, _health = departments

    with pytest.raises(SealUnavailable, match="onevisit seal init-ca"):
        seal_for_department(department=market)
    with pytest.raises(CommandError, match="onevisit seal init-ca"):
        _seal("issue", "xh-scjg")
    assert _state() == ([], 0)
    assert crl_current() is None


def test_a_department_without_a_seal_gets_one_from_the_ca(departments):
    market, health = departments
    _seal("init-ca")
    seal_issue(department=health, actor=None)

    first = seal_for_department(department=market)
    again = seal_for_department(department=market.pk)

    assert first == again
    assert (first.department, first.status) == (market, "active")
    assert AuditEvent.objects.filter(action="seal.issued", entity_id=first.serial).count() == 1


def test_a_stale_crl_is_republished_when_read(departments, settings):
    _seal("init-ca")
    _seal("issue", "xh-scjg")
    first = crl_current()
    serial = SealCertificate.objects.get(kind="seal").serial
    # Revoked in the database, but the CRL on disk is from before (say the command was
    # interrupted before publishing).
    SealCertificate.objects.filter(serial=serial).update(status="revoked")

    current = crl_current()

    assert first is not None
    assert list(first.crl) == []
    assert current is not None
    assert [f"{entry.serial_number:016X}" for entry in current.crl] == [serial]
    assert (settings.ONEVISIT["PKI_DIR"] / "ca.crl").read_bytes() == current.der


@pytest.mark.parametrize(("target", "mode", "fix"), [
    ("dir", 0o750, "chmod 700"),
    ("dir", 0o705, "chmod 700"),
    ("key", 0o640, "chmod 600"),
    ("key", 0o604, "chmod 600"),
])
def test_a_key_directory_or_key_others_can_read_stops_start_up(settings, target, mode, fix):
    keys = settings.ONEVISIT["KEY_DIR"]
    key = keys / "0123456789ABCDEF.key"
    key.write_bytes(b"-----BEGIN PRIVATE KEY-----\n")
    key.chmod(0o600)
    (keys if target == "dir" else key).chmod(mode)

    with pytest.raises(ImproperlyConfigured, match=fix) as error:
        key_dir_check()

    path = keys if target == "dir" else key
    assert f"{fix} {path}" in str(error.value)
    path.chmod(0o700 if target == "dir" else 0o600)
    assert key_dir_check() == keys


def test_a_missing_key_directory_is_created_private(settings, tmp_path):
    keys = tmp_path / "fresh" / "keys"
    settings.ONEVISIT = {**settings.ONEVISIT, "KEY_DIR": keys}
    old_umask = os.umask(0o022)
    try:
        key_dir_check()
    finally:
        os.umask(old_umask)

    assert oct(keys.stat().st_mode & 0o777) == "0o700"


def test_start_up_checks_the_key_directory(tmp_path):
    keys = tmp_path / "shared-keys"
    keys.mkdir()
    keys.chmod(0o755)
    env = {**os.environ, "ONEVISIT_DATA_DIR": str(tmp_path), "ONEVISIT_KEY_DIR": str(keys),
           "DJANGO_SETTINGS_MODULE": "onevisit.settings"}

    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                            env=env, capture_output=True, text=True, check=False)
    keys.chmod(0o700)
    fixed = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                           env=env, capture_output=True, text=True, check=False)

    assert result.returncode != 0
    assert f"chmod 700 {keys}" in result.stderr
    assert fixed.returncode == 0, fixed.stderr
