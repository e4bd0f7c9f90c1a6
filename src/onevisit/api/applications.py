"""Filing, supplements, visits, documents, delivery and the applicant's access log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from onevisit.accounts.models import Role
from onevisit.api import presenters
from onevisit.api.auth import AUTH
from onevisit.api.idempotency import run_idempotent
from onevisit.api.schemas import (
    AccessLogOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPageOut,
    DeliveredIn,
    DeliveryOut,
    ErrorOut,
    PickupIn,
    RatingIn,
    RatingOut,
    SupplementIn,
    ToleratedSupplyIn,
    UploadIn,
    VisitIn,
    VisitOut,
)
from onevisit.api.uploads import upload_decode
from onevisit.applications.documents import notice_pdf, receipt_pdf
from onevisit.applications.models import Application
from onevisit.applications.selectors import (
    application_detail,
    applications_visible_to,
    id_unmasked_for,
)
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    PreparedFiling,
    Upload,
    application_file,
    application_supplement,
    filing_prepare,
    subject_resolve,
    visit_record,
)
from onevisit.certificates.services import certificate_pdf
from onevisit.delivery.services import (
    delivery_courier_delivered,
    delivery_courier_dispatch,
    delivery_download,
    delivery_pickup,
)
from onevisit.errors import NotAllowed, NotFound
from onevisit.exchange.selectors import access_log_for_application, access_log_for_subject
from onevisit.exchange.services import personal_data_read_log
from onevisit.feedback.services import rating_submit
from onevisit.workflow.services import tolerated_material_supply

router = Router(tags=["applications"])
ERRORS: dict[int, Any] = {
    401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}


def _require(request: HttpRequest, *roles: str) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if user.role not in roles and not user.is_superuser:
        raise NotAllowed(_("您的角色不能执行此操作"))
    return user


def _uploads(items: list[UploadIn]) -> list[Upload]:
    return [upload_decode(key=item.key, filename=item.filename,
                          content_base64=item.content_base64, field=item.key)
            for item in items]


def _detail(user: Any, number: str) -> dict[str, Any]:
    application = application_detail(user=user, number=number)
    if application is None:
        raise NotFound(_("办件 %(number)s 不存在") % {"number": number})
    unmasked = id_unmasked_for(user=user, application=application)
    if unmasked and application.applicant_id_number != user.id_number:
        personal_data_read_log(actor=user, subject=application.applicant_id_number,
                               application_number=number, purpose=_("窗口办理查看申请人证件号码"))
    return presenters.application_out(application, unmasked=unmasked)


def _visible(user: Any, number: str) -> Application:
    application = applications_visible_to(user=user).filter(number=number).first()
    if application is None:
        raise NotFound(_("办件 %(number)s 不存在") % {"number": number})
    return application


@router.post("/applications", auth=AUTH, response={201: ApplicationOut, **ERRORS})
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status[Any]:
    """File an application for an item or a life event.

    Citizens file online for themselves; window clerks file at the window (a visit is
    counted). Send an `Idempotency-Key` header: a retry returns the first answer and never
    files twice."""
    user = request.auth  # type: ignore[attr-defined]
    prepared: list[PreparedFiling] = []

    def prepare() -> None:
        # Who may file for whom, the fields and the fetches: before the filing's
        # transaction, so a refusal's trace stays and a slow registry holds no lock.
        prepared.append(filing_prepare(
            subject=subject_resolve(item_code=payload.item_code,
                                    life_event_code=payload.life_event_code),
            applicant=Applicant(kind=payload.applicant.kind, name=payload.applicant.name,
                                id_number=payload.applicant.id_number),
            data=payload.data, channel=payload.channel, actor=user,
            uploads=_uploads(payload.materials), tolerated=payload.tolerated_missing,
            commitment=payload.commitment,
            delivery=DeliveryChoice(**payload.delivery.dict()),
            consent=payload.consent_to_fetch,
        ))

    def handler() -> tuple[int, Any]:
        filing = application_file(prepared[0])
        unmasked = id_unmasked_for(user=user, application=filing.application)
        return 201, presenters.filing_out(filing, unmasked=unmasked)

    return run_idempotent(request, endpoint="applications.create",
                          payload=payload.dict(), handler=handler, prepare=prepare)


@router.get("/applications", auth=AUTH, response=ApplicationPageOut)
def applications_list(request: HttpRequest, cursor: str = "", limit: int = 50) -> dict[str, Any]:
    """The applications the caller may see, newest first, keyset-paginated by number."""
    user = request.auth  # type: ignore[attr-defined]
    limit = max(1, min(limit, 200))
    queryset = applications_visible_to(user=user).order_by("-number")
    if cursor:
        queryset = queryset.filter(number__lt=cursor)
    page = list(queryset[: limit + 1])
    return {"items": page[:limit],
            "next_cursor": page[limit - 1].number if len(page) > limit else None}


@router.get("/applications/{number}", auth=AUTH, response={200: ApplicationOut, **ERRORS})
def application_get(request: HttpRequest, number: str) -> dict[str, Any]:
    return _detail(request.auth, number)  # type: ignore[attr-defined]


@router.post("/applications/{number}/supplements", auth=AUTH,
             response={200: ApplicationOut, **ERRORS})
def application_supplement_create(
    request: HttpRequest, number: str, payload: SupplementIn
) -> Status[Any]:
    """Supply what a one-time notice asked for, online or at a window."""
    user = _require(request, Role.CITIZEN, Role.CLERK)
    _visible(user, number)
    if payload.at_window and user.role != Role.CLERK:
        raise NotAllowed(_("只有窗口人员能登记到窗口补交"))

    def handler() -> tuple[int, Any]:
        application_supplement(
            number=number, uploads=_uploads(payload.materials), actor=user,
            at_window=payload.at_window, new_trip=payload.new_trip,
            tolerated=payload.tolerated_missing,
        )
        return 200, _detail(user, number)

    return run_idempotent(request, endpoint=f"applications.{number}.supplement",
                          payload=payload.dict(), handler=handler)


@router.post("/applications/{number}/tolerated", auth=AUTH,
             response={200: ApplicationOut, **ERRORS})
def application_tolerated_supply(
    request: HttpRequest, number: str, payload: ToleratedSupplyIn
) -> Status[Any]:
    """Supply materials accepted under 容缺, by their due date; once none is outstanding
    and every department has approved, the withheld result is issued and delivered."""
    user = _require(request, Role.CITIZEN, Role.CLERK)
    _visible(user, number)

    def handler() -> tuple[int, Any]:
        tolerated_material_supply(number=number, uploads=_uploads(payload.materials),
                                  actor=user)
        return 200, _detail(user, number)

    return run_idempotent(request, endpoint=f"applications.{number}.tolerated",
                          payload=payload.dict(), handler=handler)


@router.post("/applications/{number}/rating", auth=AUTH, response={200: RatingOut, **ERRORS})
def application_rating(request: HttpRequest, number: str, payload: RatingIn) -> Status[Any]:
    """The applicant rates a finished application (好差评), once; a bad rating (1 or 2)
    names its reasons and opens a follow-up. Sending the same rating again returns it."""
    user = _require(request, Role.CITIZEN)
    _visible(user, number)

    def handler() -> tuple[int, Any]:
        rating = rating_submit(number=number, score=payload.score, reasons=payload.reasons,
                               comment=payload.comment, actor=user)
        return 200, RatingOut.from_orm(rating).model_dump(mode="json")

    return run_idempotent(request, endpoint=f"applications.{number}.rating",
                          payload=payload.dict(), handler=handler)


@router.post("/applications/{number}/visits", auth=AUTH, response={201: VisitOut, **ERRORS})
def application_visit_create(request: HttpRequest, number: str,
                             payload: VisitIn) -> Status[Any]:
    """Record that the applicant came to the hall (window clerks)."""
    user = _require(request, Role.CLERK)
    _visible(user, number)

    def handler() -> tuple[int, Any]:
        visit = visit_record(number=number, purpose=payload.purpose, actor=user,
                             new_trip=payload.new_trip)
        return 201, VisitOut.from_orm(visit).model_dump(mode="json")

    return run_idempotent(request, endpoint=f"applications.{number}.visit",
                          payload=payload.dict(), handler=handler)


@router.post("/applications/{number}/pickup", auth=AUTH, response={200: DeliveryOut, **ERRORS})
def application_pickup(request: HttpRequest, number: str, payload: PickupIn) -> Status[Any]:
    """Hand the result over at the window (window clerks)."""
    user = _require(request, Role.CLERK)

    def handler() -> tuple[int, Any]:
        delivery = delivery_pickup(number=number, actor=user, new_trip=payload.new_trip)
        return 200, DeliveryOut.from_orm(delivery).model_dump(mode="json")

    return run_idempotent(request, endpoint=f"applications.{number}.pickup",
                          payload=payload.dict(), handler=handler)


@router.post("/deliveries/{tracking_number}/dispatched", auth=AUTH,
             response={200: DeliveryOut, **ERRORS})
def delivery_dispatched(request: HttpRequest, tracking_number: str) -> Status[Any]:
    """The hall hands the parcel to the courier (交寄; a repeat changes nothing)."""
    user = _require(request, Role.COURIER, Role.CLERK)

    def handler() -> tuple[int, Any]:
        delivery = delivery_courier_dispatch(tracking_number=tracking_number, actor=user)
        return 200, DeliveryOut.from_orm(delivery).model_dump(mode="json")

    return run_idempotent(request, endpoint=f"deliveries.{tracking_number}.dispatched",
                          payload={}, handler=handler)


@router.post("/deliveries/{tracking_number}/delivered", auth=AUTH,
             response={200: DeliveryOut, **ERRORS})
def delivery_delivered(request: HttpRequest, tracking_number: str,
                       payload: DeliveredIn) -> Status[Any]:
    """The courier's report that a parcel was delivered (a repeat changes nothing)."""
    user = _require(request, Role.COURIER, Role.CLERK)

    def handler() -> tuple[int, Any]:
        delivery = delivery_courier_delivered(tracking_number=tracking_number,
                                              note=payload.note, actor=user)
        return 200, DeliveryOut.from_orm(delivery).model_dump(mode="json")

    return run_idempotent(request, endpoint=f"deliveries.{tracking_number}.delivered",
                          payload=payload.dict(), handler=handler)


@router.get("/applications/{number}/receipt.pdf", auth=AUTH, response={200: None, **ERRORS})
def application_receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    application = _visible(request.auth, number)  # type: ignore[attr-defined]
    if not application.receipt_number:
        raise NotFound(_("该办件尚未受理，没有受理回执"))
    return HttpResponse(receipt_pdf(application=application), content_type="application/pdf")


@router.get("/applications/{number}/notices/{notice}.pdf", auth=AUTH,
            response={200: None, **ERRORS})
def application_notice_pdf(request: HttpRequest, number: str, notice: str) -> HttpResponse:
    application = _visible(request.auth, number)  # type: ignore[attr-defined]
    found = application.notices.filter(number=notice).first()
    if found is None:
        raise NotFound(_("告知书 %(number)s 不存在") % {"number": notice})
    return HttpResponse(notice_pdf(notice=found), content_type="application/pdf")


@router.get("/applications/{number}/certificates/{certificate}.pdf", auth=AUTH,
            response={200: None, **ERRORS})
def application_certificate_pdf(request: HttpRequest, number: str,
                                certificate: str) -> HttpResponse:
    """Download a result. For a download delivery this is the delivery."""
    user = request.auth  # type: ignore[attr-defined]
    application = _visible(user, number)
    found = application.certificates.filter(number=certificate).first()
    if found is None:
        raise NotFound(_("证照 %(number)s 不存在") % {"number": certificate})
    content = certificate_pdf(certificate=found)
    delivery_download(number=number, actor=user)
    return HttpResponse(content, content_type="application/pdf")


@router.get("/applications/{number}/access-log", auth=AUTH,
            response={200: list[AccessLogOut], **ERRORS})
def application_access_log(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    """Which of the applicant's data was read for this application, by whom and why."""
    _visible(request.auth, number)  # type: ignore[attr-defined]
    return [_access_out(row) for row in access_log_for_application(application_number=number)]


@router.get("/me/access-log", auth=AUTH, response={200: list[AccessLogOut], **ERRORS})
def my_access_log(request: HttpRequest) -> list[dict[str, Any]]:
    """Every read of the caller's own data (查询谁看过我的数据)."""
    user = request.auth  # type: ignore[attr-defined]
    if not user.id_number:
        return []
    return [_access_out(row) for row in access_log_for_subject(subject=user.id_number)[:500]]


def _access_out(row: Any) -> dict[str, Any]:
    return {
        "at": row.at, "application_number": row.application_number,
        "evidence_type": row.evidence_type, "source": row.source,
        "subject": row.subject_masked, "purpose": row.purpose, "outcome": row.outcome,
        "actor": (row.actor.get_full_name() or row.actor.username) if row.actor else None,
    }
