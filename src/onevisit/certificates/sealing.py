"""Sealing a PDF: a PAdES baseline (B-B) signature by a certificate of its own — one per
sealed document, issued by the CA to the department that seals and naming the
certificate's verification code — with the chain up to the CA embedded, so that any
validator holding the CA certificate can check it and the CRL can revoke that one document
(ADR 0008).

No timestamp authority is used (B-B, not B-T): the signing time is the one the signer
states. Each process caches the loaded CA key and certificate per key directory; each
document gets a fresh ECDSA P-256 key, used for its one signature and then dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from onevisit.certificates.models import SealCertificate
from onevisit.certificates.seals import (
    CLOCK_SKEW,
    INIT_CA_HINT,
    SEAL_YEARS,
    SealUnavailable,
    ca_active,
    certificate_load,
    common_name,
    crl_url,
    key_dir,
    key_load,
    serial_new,
    serial_text,
)

# Room for the CMS container (two P-256 certificates, signed attributes, the signature:
# about 1.5 KB). Fixing it skips pyHanko's dry-run signature that estimates the size.
SIGNATURE_BYTES = 8192
FIELD_NAME = "Seal"


class _SigningCertificateAttribute(CMSAttributeProvider):
    """The signing-certificate-v2 attribute (the signing certificate's hash, its issuer
    and serial), already encoded."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, der: bytes) -> None:
        self._der = der

    async def get_attribute(self, dry_run: bool = False) -> cms.CMSAttribute:
        return cms.CMSAttribute.load(self._der)


class _PadesSealAttributes(SignedAttributeProviderSpec):
    """PAdES baseline signed attributes besides content type and message digest: only
    signing-certificate-v2 (PAdES forbids signing-time there)."""

    def __init__(self, signing_certificate_v2: bytes) -> None:
        self._provider = _SigningCertificateAttribute(signing_certificate_v2)

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str
                              ) -> Iterator[CMSAttributeProvider]:
        yield self._provider


def signing_certificate_v2(cert: asn1_x509.Certificate) -> bytes:
    """The attribute as pyHanko encodes it (through asn1crypto: about 5 ms)."""
    return bytes(cms.CMSAttribute({"type": "signing_certificate_v2",
                                   "values": (as_signing_certificate_v2(cert),)}).dump())


_SERIAL_BYTES = 8  # serial_new(): 63 bits, the top one set, so always 8 bytes in DER


class _SigningCertificateTemplate:
    """signing-certificate-v2 of the certificates one CA issues. For all of them it is the
    same bytes but for the certificate's SHA-256 and its serial number (ours are always 8
    bytes long), so it is encoded once, for a sample certificate with the CA as issuer,
    and each document's hash and serial are put in their place."""

    def __init__(self, issuer: x509.Certificate) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        sample = (x509.CertificateBuilder()
                  .subject_name(issuer.subject).issuer_name(issuer.subject)
                  .public_key(key.public_key()).serial_number(serial_new())
                  .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
                  .sign(key, hashes.SHA256()))
        der = sample.public_bytes(serialization.Encoding.DER)
        encoded = signing_certificate_v2(asn1_x509.Certificate.load(der))
        digest = hashlib.sha256(der).digest()
        serial = sample.serial_number.to_bytes(_SERIAL_BYTES, "big")
        if encoded.count(digest) != 1 or encoded.count(serial) != 1:  # pragma: no cover
            raise RuntimeError("signing-certificate-v2 template: hash or serial not unique")
        self._digest_at, self._serial_at = encoded.index(digest), encoded.index(serial)
        self._encoded = encoded

    def attribute(self, cert: x509.Certificate, der: bytes) -> bytes:
        if not (1 << 62) <= cert.serial_number < (1 << 63):  # pragma: no cover
            return signing_certificate_v2(asn1_x509.Certificate.load(der))
        encoded = bytearray(self._encoded)
        encoded[self._digest_at:self._digest_at + 32] = hashlib.sha256(der).digest()
        encoded[self._serial_at:self._serial_at + _SERIAL_BYTES] = cert.serial_number.to_bytes(
            _SERIAL_BYTES, "big")
        return bytes(encoded)


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key from PKCS#8 at every signature; this
    one signs with the key object it was given (ECDSA: the same bytes SimpleSigner
    produces)."""

    def __init__(self, *, key: ec.EllipticCurvePrivateKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        algorithm = get_pyca_cryptography_hash(digest_algorithm)
        return self._key.sign(data, ec.ECDSA(algorithm))


def _asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _store(*certs: x509.Certificate) -> SimpleCertificateStore:
    # pyhanko-certvalidator leaves this constructor unannotated.
    store: SimpleCertificateStore = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
        [_asn1_certificate(cert) for cert in certs]
    )
    return store


@dataclass(frozen=True)
class _Issuer:
    """The CA as the issuer of document certificates, loaded once per process."""

    serial: str
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    authority_key_id: x509.AuthorityKeyIdentifier
    crl_points: x509.CRLDistributionPoints
    registry: SimpleCertificateStore
    signing_certificate: _SigningCertificateTemplate


_cache: dict[tuple[Path, str], _Issuer] = {}
_cache_lock = threading.Lock()


def _issuer(ca: SealCertificate) -> _Issuer:
    cache_key = (key_dir(), ca.serial)
    found = _cache.get(cache_key)
    if found is not None:
        return found
    cert = certificate_load(ca)
    ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    issuer = _Issuer(
        serial=ca.serial, cert=cert, key=key_load(ca.serial),
        authority_key_id=x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
        # Validators check revocation where the certificate says to: the published CRL.
        crl_points=x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url())], relative_name=None,
            reasons=None, crl_issuer=None,
        )]),
        registry=_store(cert), signing_certificate=_SigningCertificateTemplate(cert),
    )
    with _cache_lock:
        _cache[cache_key] = issuer
    return issuer


_DOCUMENT_USAGE = x509.KeyUsage(
    digital_signature=True, content_commitment=True, key_encipherment=False,
    data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
    encipher_only=False, decipher_only=False,
)


@dataclass(frozen=True)
class DocumentCertificate:
    """The certificate that signed one sealed PDF (its key is gone once it has)."""

    serial: str
    fingerprint: str
    not_after: dt.datetime
    cert: x509.Certificate


def _document_certificate(issuer: _Issuer, seal: SealCertificate, code: str) -> tuple[
        x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    department = seal.department
    name = department.name if department is not None else seal.subject
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
    ]
    if department is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, department.code))
    attributes += [
        # The document it seals: its verification code (the one printed and in the QR).
        x509.NameAttribute(NameOID.SERIAL_NUMBER, code),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name(name)),
    ]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    not_after = min(now + dt.timedelta(days=round(365.25 * SEAL_YEARS)),
                    issuer.cert.not_valid_after_utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes)).issuer_name(issuer.cert.subject)
        .public_key(key.public_key()).serial_number(serial_new())
        .not_valid_before(now - CLOCK_SKEW).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_DOCUMENT_USAGE, critical=True)
        .add_extension(issuer.authority_key_id, critical=False)
        .add_extension(issuer.crl_points, critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return cert, key


def _signer(issuer: _Issuer, cert: x509.Certificate, der: bytes,
            key: ec.EllipticCurvePrivateKey) -> signers.Signer:
    key_info = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    signer = _LoadedKeySigner(key=key, signing_cert=asn1_x509.Certificate.load(der),
                              signing_key=key_info, cert_registry=issuer.registry)
    signer.signed_attr_prov_spec = _PadesSealAttributes(
        issuer.signing_certificate.attribute(cert, der))
    return signer


@dataclass(frozen=True)
class SealedPdf:
    content: bytes
    seal: SealCertificate  # the department's seal it was sealed under
    document: DocumentCertificate


def pdf_seal(content: bytes, *, seal: SealCertificate, code: str, reason: str,
             location: str) -> SealedPdf:
    """The PDF with a signature appended as an incremental update, made with a key and
    certificate of its own that the CA issues now to the seal's department, naming the
    verification code `code`."""
    ca = ca_active()
    if ca is None:
        raise SealUnavailable(_("尚未建立电子印章签发机构，请先运行 %(command)s")
                              % {"command": INIT_CA_HINT})
    issuer = _issuer(ca)
    cert, key = _document_certificate(issuer, seal, code)
    der = cert.public_bytes(serialization.Encoding.DER)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location, name=seal.subject,
    )
    output = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(content)), metadata,
                     signer=_signer(issuer, cert, der, key), output=output,
                     bytes_reserved=SIGNATURE_BYTES)
    return SealedPdf(content=output.getvalue(), seal=seal, document=DocumentCertificate(
        serial=serial_text(cert.serial_number), fingerprint=hashlib.sha256(der).hexdigest(),
        not_after=cert.not_valid_after_utc, cert=cert,
    ))

