"""A certificate's printed form, by the evidence type it proves: 营业执照, 不动产权证书,
出生医学证明, or the generic layout for any other result.

Templates are `certificates/kinds/<evidence type code>.html`, falling back to
`certificates/kinds/generic.html`. Each carries the verification code and a QR code of the
absolute verification URL (settings.ONEVISIT["PUBLIC_URL"]).
"""

from __future__ import annotations

import re
from typing import Any

import segno
from django.conf import settings
from django.template.loader import select_template
from django.urls import reverse

from onevisit.certificates.constants import CertificateKind
from onevisit.certificates.models import Certificate
from onevisit.pdf import render_pdf

GENERIC = "certificates/kinds/generic.html"
REFUSAL = "certificates/refusal.html"
STYLESHEET = "certificates/certificate.css"
_CODE = re.compile(r"^[a-z0-9_]+$")


def verify_url(certificate: Certificate) -> str:
    path = reverse("web:verify_code", kwargs={"code": certificate.verification_code})
    return f"{settings.ONEVISIT['PUBLIC_URL']}{path}"


def template_for(certificate: Certificate) -> str:
    """The kind's template if there is one, else the generic layout; a refusal decision
    has its own."""
    if certificate.kind == CertificateKind.REFUSAL:
        return REFUSAL
    names = [GENERIC]
    code = certificate.evidence_type.strip().lower().replace("-", "_")
    if code and _CODE.match(code):
        names.insert(0, f"certificates/kinds/{code}.html")
    return str(select_template(names).template.name)


# Any of the eight mask patterns makes a valid code (ISO/IEC 18004 §7.8); scoring all
# eight to pick the best costs a few milliseconds a certificate, for a printed,
# high-contrast code that phones read with any of them.
QR_MASK = 4


def qr_png(url: str) -> str:
    """The QR code of the URL as a PNG data URI: one pixel a module, drawn without
    smoothing (sharp at any size, and cheaper for WeasyPrint than an SVG path)."""
    return str(segno.make(url, error="m", mask=QR_MASK).png_data_uri(scale=1, border=0))


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    url = verify_url(certificate)
    application_data = certificate.application.data if certificate.application_id else {}
    return {
        "certificate": certificate,
        # What the applicant filed, with what issuing assigned (a credit code) on top.
        "fields": {**application_data, **certificate.data},
        "verify_url": url,
        "qr_png": qr_png(url),
    }


def certificate_render_unsealed(certificate: Certificate) -> bytes:
    """The certificate's PDF before sealing: never stored or served as it is."""
    return render_pdf(template_for(certificate), certificate_context(certificate),
                      stylesheets=[STYLESHEET], compact_font=True)
