"""Opening a case's materials on the workbench: an upload in the page's viewer (a PDF in an
inline frame, an image as itself, a download as the fallback), fetched evidence as the
record its registry returned, with its source and fetch time.

Only the case's department (and the departments taking part in its joint review, 多审合一)
opens them, and only the materials of the case's own item
(purpose limitation); anyone else gets 404 and nothing is logged. Each opening is one row
of the applicant's access log naming the case: the viewer page writes it and hands the
frame a short-lived token, so the file it then loads is not logged twice; the file asked
for without that token (a bookmarked or shared link) is logged on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from csp.constants import NONE, SELF
from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import MaterialStatus
from onevisit.applications.models import ApplicationMaterial, Case
from onevisit.applications.services import case_material_keys, subject_of
from onevisit.errors import NotFound
from onevisit.exchange.selectors import evidence_fetch_of
from onevisit.exchange.services import personal_data_read_log
from onevisit.exchange.sources import source_name
from onevisit.files.services import file_read
from onevisit.web.workbench import record_rows, reviewer_of
from onevisit.workflow.joint import joint_review_case
from onevisit.workflow.selectors import case_for_review

# The types intake accepts (sniffed from the content): shown in the page; anything else
# is only offered for download.
INLINE_TYPES = {"application/pdf": "pdf", "image/png": "image", "image/jpeg": "image"}
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
# How long the viewer's token lets its frame load the file without a second log row.
VIEW_TOKEN_AGE = dt.timedelta(minutes=10)
_SALT = "onevisit.workbench.material"


def _material_of_case(request: HttpRequest, case_id: int,
                      material_id: int) -> tuple[Any, Case, ApplicationMaterial]:
    reviewer = reviewer_of(request)
    case = case_for_review(actor=reviewer, case_id=case_id)
    if case is None:
        # A department taking part in the case's joint review (多审合一) reads its drawings.
        try:
            case = joint_review_case(case_id=case_id, actor=reviewer)
        except NotFound as exc:
            raise Http404(_("本部门没有这个办件")) from exc
    material = next((m for m in case.application.materials.all() if m.pk == material_id), None)
    own = case_material_keys(subject=subject_of(case.application), item_code=case.item.code)
    if material is None or material.key not in own:
        raise Http404(_("该办件没有这份材料"))
    return reviewer, case, material


def _log_opening(reviewer: Any, case: Case, material: ApplicationMaterial) -> None:
    application = case.application
    personal_data_read_log(
        actor=reviewer, subject=application.applicant_id_number,
        application_number=application.number, case_id=case.pk,
        evidence_type=material.evidence_type or "material",
        purpose=_("审查办件：%(item)s（查看材料“%(material)s”）")
        % {"item": case.item.name, "material": material.name},
    )


def _token(reviewer: Any, case: Case, material: ApplicationMaterial) -> str:
    return signing.dumps({"u": reviewer.pk, "c": case.pk, "m": material.pk,
                          "t": clock.now().timestamp()}, salt=_SALT)


def _token_valid(token: str, reviewer: Any, case: Case, material: ApplicationMaterial) -> bool:
    try:
        claims = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return False
    age = clock.now().timestamp() - float(claims.get("t", 0))
    return (claims.get("u"), claims.get("c"), claims.get("m")) == (
        reviewer.pk, case.pk, material.pk) and 0 <= age <= VIEW_TOKEN_AGE.total_seconds()


@login_required
def material_view(request: HttpRequest, case_id: int, material_id: int) -> HttpResponse:
    """One material of the case, opened: logged as a read of the applicant's data."""
    reviewer, case, material = _material_of_case(request, case_id, material_id)
    fetched = material.status == MaterialStatus.FETCHED and bool(material.evidence)
    if not fetched and not material.file:
        raise Http404(_("这份材料没有可查看的内容"))
    _log_opening(reviewer, case, material)
    context: dict[str, Any] = {"case": case, "application": case.application,
                               "material": material}
    if fetched:
        fetch = evidence_fetch_of(application_number=case.application.number,
                                  evidence_type=material.evidence_type)
        context |= {"rows": record_rows(material.evidence),
                    "source": source_name(material.source),
                    "fetched_at": fetch.at if fetch else None}
    else:
        context |= {"viewer": INLINE_TYPES.get(material.content_type, ""),
                    "token": _token(reviewer, case, material)}
    return render(request, "web/workbench/material.html", context)


@login_required
# The file's own policy: it runs nothing, and only the workbench's page may frame it
# (django-csp types its decorators for views without URL arguments).
@csp({"default-src": [NONE], "img-src": [SELF], "object-src": [SELF],  # type: ignore[arg-type]
      "frame-ancestors": [SELF]})
def material_file(request: HttpRequest, case_id: int, material_id: int) -> HttpResponse:
    """The uploaded file itself, with the type it was sniffed as at intake: inline for the
    viewer's frame, or as a download. The applicant's file name never reaches the header."""
    reviewer, case, material = _material_of_case(request, case_id, material_id)
    if not material.file:
        raise Http404(_("这份材料没有上传的文件"))
    if not _token_valid(request.GET.get("t", ""), reviewer, case, material):
        _log_opening(reviewer, case, material)
    inline = material.content_type in INLINE_TYPES and request.GET.get("download") != "1"
    content_type = material.content_type if material.content_type in INLINE_TYPES \
        else "application/octet-stream"
    response = HttpResponse(file_read(material.file), content_type=content_type)
    filename = f"{case.application.number}-{material.pk}.{EXTENSIONS.get(content_type, 'bin')}"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    # The workbench's own page frames it; no other site may (CSP frame-ancestors too).
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
