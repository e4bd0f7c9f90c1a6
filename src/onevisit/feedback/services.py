"""Rating a finished application (好差评). A bad rating names its reasons and opens a
follow-up for the supervisors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import ApplicationStatus
from onevisit.applications.services import application_lock
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from onevisit.feedback.models import BAD_SCORE_MAX, Rating, Reason, Score
from onevisit.supervision.models import AlertKind
from onevisit.supervision.services import alert_raise

RATABLE_STATUSES = (ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED)


def _clean(score: int, reasons: Iterable[str], comment: str) -> tuple[int, list[str], str]:
    errors: dict[str, Any] = {}
    if score not in Score.values:
        errors["score"] = _("评价应为1至5")
    chosen = sorted(set(reasons))
    unknown = [code for code in chosen if code not in Reason.values]
    if unknown:
        errors["reasons"] = _("未知的原因：%(codes)s") % {"codes": ", ".join(unknown)}
    elif score in Score.values and score <= BAD_SCORE_MAX and not chosen:
        errors["reasons"] = _("差评请至少选择一项原因")
    comment = comment.strip()
    if len(comment) > 500:
        errors["comment"] = _("意见不能超过500字")
    if errors:
        raise InvalidInput(_("评价有误"), errors)
    if score > BAD_SCORE_MAX:
        chosen = []  # reasons explain a bad rating only
    return score, chosen, comment


@atomic_audited
def rating_submit(*, number: str, score: int, reasons: Iterable[str] = (), comment: str = "",
                  actor: Any) -> Rating:
    """The applicant rates a finished application, once. Sending the same rating again
    returns it; a different one is refused."""
    score, chosen, comment = _clean(score, reasons, comment)
    application = application_lock(number=number)
    own = application.applicant_id == actor.pk or (
        actor.id_number and application.applicant_id_number == actor.id_number)
    if not own:
        raise NotAllowed(_("只有申请人本人可以评价"))
    if application.status not in RATABLE_STATUSES:
        raise Conflict(_("办结后才能评价"))
    existing = Rating.objects.filter(application=application).first()
    if existing is not None:
        if (existing.score, existing.reasons, existing.comment) == (score, chosen, comment):
            return existing
        raise Conflict(_("该办件已经评价过"))
    rating = Rating.objects.create(application=application, score=score, reasons=chosen,
                                   comment=comment, rated_by=actor, rated_at=clock.now())
    audit_record(actor=actor, action="rating.submitted", entity="application",
                 entity_id=number, data={"score": score, "reasons": chosen})
    if rating.bad:
        alert_raise(
            kind=AlertKind.BAD_RATING, application_number=number,
            message=_("差评：%(reasons)s %(comment)s") % {
                "reasons": "、".join(rating.reason_labels()), "comment": comment},
        )
    return rating
