"""Sealing a PDF: a PAdES baseline (B-B) signature by a department's seal, the chain up to
the issuing CA embedded so that any validator holding the CA certificate can check it.

No timestamp authority is used (B-B, not B-T): the signing time is the one the signer
states. A loaded signer is cached per seal serial in the process; the cache only saves
loading the key and encoding the seal's attributes again, so losing it (a new process)
costs nothing else.
"""

from __future__ import annotations

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
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from onevisit.certificates.constants import SealKind
from onevisit.certificates.models import SealCertificate
from onevisit.certificates.seals import SealUnavailable, certificate_load, key_dir, key_load

# Room for the CMS container (two P-256 certificates, signed attributes, the signature:
# about 1.5 KB). Fixing it skips pyHanko's dry-run signature that estimates the size.
SIGNATURE_BYTES = 8192
FIELD_NAME = "Seal"


class _SigningCertificateAttribute(CMSAttributeProvider):
    """The signing-certificate-v2 attribute (the seal certificate's hash, its issuer and
    serial), encoded once per seal. pyHanko rebuilds it through asn1crypto at every
    signature, which costs about 20 ms; loading the same bytes costs microseconds."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, der: bytes) -> None:
        self._der = der

    async def get_attribute(self, dry_run: bool = False) -> cms.CMSAttribute:
        return cms.CMSAttribute.load(self._der)


class _PadesSealAttributes(SignedAttributeProviderSpec):
    """PAdES baseline signed attributes besides content type and message digest: only
    signing-certificate-v2 (PAdES forbids signing-time there)."""

    def __init__(self, signing_cert: asn1_x509.Certificate) -> None:
        attribute = cms.CMSAttribute({"type": "signing_certificate_v2",
                                      "values": (as_signing_certificate_v2(signing_cert),)})
        self._provider = _SigningCertificateAttribute(attribute.dump())

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str
                              ) -> Iterator[CMSAttributeProvider]:
        yield self._provider


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again at every signature; this one
    signs with the key object loaded once (ECDSA: the same bytes SimpleSigner produces)."""

    def __init__(self, *, key: ec.EllipticCurvePrivateKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        algorithm = get_pyca_cryptography_hash(digest_algorithm)
        return self._key.sign(data, ec.ECDSA(algorithm))


@dataclass(frozen=True)
class Sealer:
    serial: str
    signer: signers.Signer


_cache: dict[tuple[Path, str], Sealer] = {}
_cache_lock = threading.Lock()


def _asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _issuer_of(cert: x509.Certificate) -> x509.Certificate | None:
    for row in SealCertificate.objects.filter(kind=SealKind.CA).order_by("-created_at"):
        ca = certificate_load(row)
        if ca.subject == cert.issuer:
            try:
                cert.verify_directly_issued_by(ca)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return ca
    return None


def _store(*certs: x509.Certificate) -> SimpleCertificateStore:
    # pyhanko-certvalidator leaves this constructor unannotated.
    store: SimpleCertificateStore = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
        [_asn1_certificate(cert) for cert in certs]
    )
    return store


def sealer_for(seal: SealCertificate) -> Sealer:
    """The loaded signer of a seal (cached per key directory and serial)."""
    cache_key = (key_dir(), seal.serial)
    found = _cache.get(cache_key)
    if found is not None:
        return found
    cert = certificate_load(seal)
    issuer = _issuer_of(cert)
    if issuer is None:
        raise SealUnavailable(_("签发电子印章 %(serial)s 的机构证书不在数据库中")
                              % {"serial": seal.serial})
    key = key_load(seal.serial)
    key_info = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    signer = _LoadedKeySigner(
        key=key, signing_cert=_asn1_certificate(cert), signing_key=key_info,
        cert_registry=_store(issuer),
    )
    signer.signed_attr_prov_spec = _PadesSealAttributes(signer.signing_cert)
    sealer = Sealer(serial=seal.serial, signer=signer)
    with _cache_lock:
        _cache[cache_key] = sealer
    return sealer


def pdf_seal(content: bytes, *, seal: SealCertificate, reason: str, location: str) -> bytes:
    """The PDF with the seal's signature appended as an incremental update."""
    sealer = sealer_for(seal)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location, name=seal.subject,
    )
    output = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(content)), metadata,
                     signer=sealer.signer, output=output, bytes_reserved=SIGNATURE_BYTES)
    return output.getvalue()
