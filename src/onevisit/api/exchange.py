"""Once-only data exchange: the evidence catalogue, what a filing would fetch, a
reviewer's fetch for her case, and the supervisor's report on staff reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.accounts.regions import scope_of
from onevisit.api.auth import AUTH
from onevisit.api.schemas import ErrorOut, RowId
from onevisit.applications.services import FetchPreviewRow, fetch_preview, subject_resolve
from onevisit.catalogue.selectors import evidence_catalogue
from onevisit.errors import NotAllowed
from onevisit.exchange.sources import source_name
from onevisit.supervision.selectors import StaffAccess, staff_access_report
from onevisit.workflow.services import case_evidence_fetch

router = Router(tags=["exchange"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}


class AcceptedByOut(Schema):
    item_code: str
    item_name: str
    material: str


class EvidenceTypeOut(Schema):
    code: str
    name: str
    subject_kind: str
    source: str
    source_name: str
    accepted_by: list[AcceptedByOut]


class EvidenceFetchIn(Schema):
    evidence_type: str = Field(..., max_length=64)


class EvidenceFetchOut(Schema):
    evidence_type: str
    source: str
    outcome: str
    data: dict[str, Any] | None


@router.get("/evidence-catalogue", response=list[EvidenceTypeOut])
def evidence_catalogue_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Which evidence types the government holds, which source holds each, and which
    published items' materials it satisfies (fetched instead of uploaded)."""
    return [
        {"code": entry.evidence_type.code, "name": entry.evidence_type.name,
         "subject_kind": entry.evidence_type.subject_kind,
         "source": entry.evidence_type.source,
         "source_name": source_name(entry.evidence_type.source),
         "accepted_by": [asdict(use) for use in entry.accepted_by]}
        for entry in evidence_catalogue()
    ]


@router.get("/fetch-preview", response={200: list[FetchPreviewRow], **ERRORS})
def fetch_preview_get(request: HttpRequest, item_code: str | None = None,
                      life_event_code: str | None = None) -> list[FetchPreviewRow]:
    """What a filing of this item or life event would fetch, from whom, on which legal
    basis: shown to the applicant before she consents (`consent_to_fetch`)."""
    subject = subject_resolve(item_code=item_code, life_event_code=life_event_code)
    return fetch_preview(subject)


@router.post("/cases/{case_id}/evidence", auth=AUTH,
             response={200: EvidenceFetchOut, **ERRORS})
def case_evidence_fetch_post(request: HttpRequest, case_id: RowId,
                             payload: EvidenceFetchIn) -> dict[str, Any]:
    """A reviewer fetches evidence for her department's case. Only the evidence types the
    case's item names may be fetched: anything else is refused (403) and logged."""
    user = request.auth  # type: ignore[attr-defined]
    if user.role != Role.REVIEWER:
        raise NotAllowed(_("只有审批人员能为办件调取证明"))
    answer = case_evidence_fetch(case_id=case_id, evidence_type=payload.evidence_type,
                                 actor=user)
    return {"evidence_type": answer.request.evidence_type, "source": answer.request.source,
            "outcome": answer.outcome,
            "data": answer.evidence.data if answer.evidence else None}


@router.get("/supervision/access-report", auth=AUTH,
            response={200: list[StaffAccess], **ERRORS})
def access_report_get(request: HttpRequest, days: int = 30,
                      threshold: int = 20) -> list[StaffAccess]:
    """Staff reads of personal data in the last `days`, most reads without a matching
    case first; `flagged` when they concern `threshold` people or more."""
    user = request.auth  # type: ignore[attr-defined]
    if user.role != Role.SUPERVISOR and not user.is_superuser:
        raise NotAllowed(_("只有电子监察人员能查看数据使用情况"))
    until = clock.now()
    since = until - dt.timedelta(days=min(max(days, 1), 366))
    return staff_access_report(since=since, until=until, scope=scope_of(user),
                               threshold=max(threshold, 1))
