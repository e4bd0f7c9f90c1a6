"""Credit (信用) pages: the subject's own records with objection and repair (我的信用),
and credit staff's decisions on them (the supervisor role, in its region)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onevisit.accounts.models import Role
from onevisit.credit.constants import AppealKind, AppealStatus
from onevisit.credit.selectors import (
    appeal_visible,
    appeals_decided,
    appeals_pending,
    points_of,
    records_in_force,
    records_of,
    subjects_of,
    tiers_of,
)
from onevisit.errors import DomainError
from onevisit.exchange.services import subject_mask
from onevisit.files.services import file_read
from onevisit.supervision.credit_alerts import (
    credit_appeal_decide_alerted,
    credit_appeal_file_alerted,
)
from onevisit.web.outcomes import action_report, error_text
from onevisit.web.portal import _citizen

# What a browser may send as the evidence file (the service checks the content).
EVIDENCE_UPLOAD_MAX = 10 * 1024 * 1024


@login_required
def my_credit(request: HttpRequest) -> HttpResponse:
    """我的信用: the tier and every record of the user and of those she acts for, each
    record in force with its objection (异议) and repair (信用修复) form."""
    return _my_credit_page(request, _citizen(request))


def _my_credit_page(request: HttpRequest, user: Any, *, failed: dict[str, Any] | None = None,
                    status: int = 200) -> HttpResponse:
    """The page; `failed` is a refused appeal's form (its record, what she wrote and why
    it was refused), shown again beside its record."""
    subjects = subjects_of(user=user)
    codes = [s.code for s in subjects]
    tiers = tiers_of(codes)
    points = points_of(codes)
    in_force = set(records_in_force().filter(subject_code__in=codes)
                   .values_list("pk", flat=True))
    records = list(records_of(codes=codes))
    rows = []
    for subject in subjects:
        own = [r for r in records if r.subject_code == subject.code]
        rows.append({
            "subject": subject, "masked": subject_mask(subject.code),
            "tier": tiers[subject.code], "points": points[subject.code],
            "records": [(r, r.pk in in_force, next(
                (a for a in r.appeals.all() if a.status == AppealStatus.PENDING), None))
                for r in own],
        })
    return render(request, "web/credit/mine.html", {
        "rows": rows, "appeal_kinds": AppealKind.choices, "failed": failed or {}},
        status=status)


@require_POST
@login_required
def my_credit_appeal(request: HttpRequest, record_id: int) -> HttpResponse:
    user = _citizen(request)
    post = request.POST
    upload = request.FILES.get("evidence_file")
    content = b""
    if upload is not None and upload.size is not None and upload.size <= EVIDENCE_UPLOAD_MAX:
        content = upload.read()
    elif upload is not None:
        content = b"\x00" * (EVIDENCE_UPLOAD_MAX + 1)  # refused by the service, naming it
    kind = post.get("kind", "")
    try:
        credit_appeal_file_alerted(
            record_id=record_id, kind=kind, statement=post.get("statement", ""), actor=user,
            evidence=post.get("evidence", ""), evidence_file=content,
            evidence_file_name=upload.name if upload is not None and upload.name else "")
    except DomainError as exc:
        # Shown again with what she wrote (a browser cannot keep the file), not lost to
        # a redirect.
        messages.error(request, error_text(exc))
        return _my_credit_page(request, user, status=exc.status, failed={
            "record": record_id, "kind": kind, "statement": post.get("statement", ""),
            "evidence": post.get("evidence", ""), "message": error_text(exc)})
    messages.success(request, _("已提交，信用管理部门将核实处理并告知结果"))
    return redirect("web:my_credit")


def _credit_staff(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.SUPERVISOR and not user.is_superuser:
        raise PermissionDenied(_("只有信用管理人员能处理信用异议和修复申请"))
    return user


@login_required
def credit_appeals(request: HttpRequest) -> HttpResponse:
    """信用异议和修复: the region's pending appeals with the record, and those decided."""
    staff = _credit_staff(request)
    pending = list(appeals_pending(actor=staff))
    return render(request, "web/credit/appeals.html", {
        "pending": [(a, subject_mask(a.record.subject_code)) for a in pending],
        "decided": list(appeals_decided(actor=staff)),
    })


@require_POST
@login_required
def credit_appeal_decision(request: HttpRequest, appeal_id: int) -> HttpResponse:
    staff = _credit_staff(request)
    grant = request.POST.get("decision") == "grant"
    action_report(request, lambda: credit_appeal_decide_alerted(
        appeal_id=appeal_id, grant=grant, reason=request.POST.get("reason", ""), actor=staff),
        _("已作出处理决定") if not grant else _("已作出处理决定，该信用记录已终止"))
    return redirect("web:credit_appeals")


# The types the service lets an evidence file be, by its first bytes.
EVIDENCE_TYPES = ((b"%PDF", "application/pdf", "pdf"), (b"\x89PNG", "image/png", "png"),
                  (b"\xff\xd8\xff", "image/jpeg", "jpg"))


@login_required
def credit_appeal_evidence(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """The evidence file of an appeal, for the credit staff of its region to verify."""
    staff = _credit_staff(request)
    appeal = appeal_visible(actor=staff, appeal_id=appeal_id)
    if appeal is None or not appeal.evidence_file:
        raise Http404(_("没有这份证明材料"))
    content = file_read(appeal.evidence_file)
    content_type, extension = next(
        ((kind, ext) for magic, kind, ext in EVIDENCE_TYPES if content.startswith(magic)),
        ("application/octet-stream", "bin"))
    response = HttpResponse(content, content_type=content_type)
    disposition = "attachment" if extension == "bin" else "inline"
    # The applicant's file name never reaches the header.
    response["Content-Disposition"] = (
        f'{disposition}; filename="credit-appeal-{appeal.pk}.{extension}"')
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
