"""The seal PKI's public files: the issuing CA certificate and its current CRL, which the
seal certificates name as their CRL distribution point. Anyone may fetch them."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from onevisit.certificates.seals import crl_current, trust_roots


def _no_ca() -> Http404:
    return Http404(_("尚未建立电子印章签发机构"))


@require_safe
def ca_pem(request: HttpRequest) -> HttpResponse:
    """Every CA certificate that vouches for seals (normally one), PEM."""
    roots = trust_roots()
    if not roots:
        raise _no_ca()
    response = HttpResponse("".join(row.pem for row in roots),
                            content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="onevisit-ca.pem"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def ca_crl(request: HttpRequest) -> HttpResponse:
    """The current certificate revocation list, DER (RFC 5280 §5)."""
    published = crl_current()
    if published is None:
        raise _no_ca()
    response = HttpResponse(published.der, content_type="application/pkix-crl")
    response["Content-Disposition"] = 'inline; filename="onevisit-ca.crl"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
