"""Printable documents of intake: the receipt (受理回执) and the one-time notice."""

from __future__ import annotations

from django.conf import settings

from onevisit.applications.models import Application, OneTimeNotice
from onevisit.applications.services.progress import stages_skipped
from onevisit.pdf import render_pdf

# Where the receipt sends its holder to look up the progress (the portal's 办件进度查询).
PROGRESS_PATH = "/progress/"


def receipt_pdf(*, application: Application) -> bytes:
    return render_pdf(
        "applications/receipt.html",
        {"application": application, "cases": application.cases.select_related(
            "item", "department"),
         "skipped": stages_skipped(application),
         "lookup_url": f"{settings.ONEVISIT['PUBLIC_URL']}{PROGRESS_PATH}"},
    )


def notice_pdf(*, notice: OneTimeNotice) -> bytes:
    return render_pdf("applications/notice.html",
                      {"notice": notice, "application": notice.application})
