"""Printable documents for whoever may see the application: the receipt, one-time
notices and results (PDF). Reading a result is its delivery when the applicant chose
download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from onevisit.applications.documents import notice_pdf, receipt_pdf
from onevisit.applications.models import Application
from onevisit.applications.selectors import applications_visible_to
from onevisit.certificates.seals import SealUnavailable
from onevisit.certificates.services import certificate_pdf
from onevisit.delivery.services import delivery_download


def _visible(request: HttpRequest, number: str) -> Application:
    application = applications_visible_to(user=request.user).filter(number=number).first()
    if application is None:
        raise Http404(_("办件 %(number)s 不存在") % {"number": number})
    return application


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    application = _visible(request, number)
    if not application.receipt_number:
        raise Http404(_("该办件尚未受理，没有受理回执"))
    return _pdf(receipt_pdf(application=application), f"{application.receipt_number}.pdf")


@login_required
def notice(request: HttpRequest, number: str, notice_number: str) -> HttpResponse:
    found = _visible(request, number).notices.filter(number=notice_number).first()
    if found is None:
        raise Http404(_("告知书 %(number)s 不存在") % {"number": notice_number})
    return _pdf(notice_pdf(notice=found), f"{found.number}.pdf")


@login_required
def certificate(request: HttpRequest, number: str, certificate_number: str) -> HttpResponse:
    found = _visible(request, number).certificates.filter(number=certificate_number).first()
    if found is None:
        raise Http404(_("证照 %(number)s 不存在") % {"number": certificate_number})
    try:
        content = certificate_pdf(certificate=found)
    except SealUnavailable as exc:
        # Never an unsealed result: say what is wrong until an operator sets up the seals.
        return HttpResponse(str(exc.message), status=exc.status,
                            content_type="text/plain; charset=utf-8")
    delivery_download(number=number, actor=request.user)
    return _pdf(content, f"{found.number}.pdf")
