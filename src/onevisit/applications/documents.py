"""Printable documents of intake: the receipt (受理回执) and the one-time notice."""

from __future__ import annotations

from onevisit.applications.models import Application, OneTimeNotice
from onevisit.pdf import render_pdf


def receipt_pdf(*, application: Application) -> bytes:
    return render_pdf(
        "applications/receipt.html",
        {"application": application, "cases": application.cases.select_related(
            "item", "department")},
    )


def notice_pdf(*, notice: OneTimeNotice) -> bytes:
    return render_pdf("applications/notice.html",
                      {"notice": notice, "application": notice.application})
