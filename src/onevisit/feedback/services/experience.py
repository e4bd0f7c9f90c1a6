"""体验办事: an official (a department head, a supervisor) files an application as an
ordinary citizen — with her own identity, by the ordinary channels, so nobody handling it
knows — then marks it as an experience from her staff account and writes a report, which
lands in the supervisors' inbox as an alert with the report as its evidence."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.regions import is_staff_role
from onevisit.applications.models import Application
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.feedback.models import Experience
from onevisit.feedback.services.common import text_clean
from onevisit.supervision.models import AlertKind
from onevisit.supervision.services import alert_raise

REPORT_MAX = 5000


def _official(actor: Any) -> None:
    if not is_staff_role(actor):
        raise NotAllowed(_("只有工作人员能登记体验办事"))


@atomic_audited
def experience_mark(*, number: str, actor: Any) -> Experience:
    """Mark an application the official filed herself (as applicant, with her own ID
    number) as an experience. Only she can mark it, once."""
    _official(actor)
    application = Application.objects.select_for_update().filter(number=number).first()
    id_number = getattr(actor, "id_number", "")
    if application is None or not id_number or application.applicant_id_number != id_number:
        raise NotFound(_("没有以您本人身份申请的这个办件"))
    if Experience.objects.filter(application=application).exists():
        raise Conflict(_("这个办件已登记为体验办事"))
    experience = Experience.objects.create(application=application, official=actor,
                                           marked_at=clock.now())
    audit_record(actor=actor, action="experience.marked", entity="application",
                 entity_id=number, data={"experience": experience.pk})
    return experience


@atomic_audited
def experience_report(*, experience_id: int, actor: Any, report: str) -> Experience:
    """The official's report, once: raised as an EXPERIENCE_REPORT alert on the
    application, with the report and the facts of the filing as evidence."""
    _official(actor)
    errors: dict[str, Any] = {}
    text = text_clean(report, field="report", label=_("体验报告"), limit=REPORT_MAX,
                      errors=errors)
    if errors:
        raise InvalidInput(_("请填写体验报告"), errors)
    experience = (Experience.objects.select_for_update().select_related("application")
                  .filter(pk=experience_id, official=actor).first())
    if experience is None:
        raise NotFound(_("体验办事记录不存在"))
    if experience.reported_at is not None:
        raise Conflict(_("体验报告已经提交过"))
    experience.report = text
    experience.reported_at = clock.now()
    experience.save(update_fields=["report", "reported_at"])
    application = experience.application
    name = actor.get_full_name() or actor.username
    alert_raise(
        kind=AlertKind.EXPERIENCE_REPORT, application_number=application.number,
        subject=experience.subject,
        message=_("%(name)s 体验办事“%(title)s”的报告：%(report)s") % {
            "name": name, "title": application.title, "report": text},
        evidence={"official": name, "title": application.title,
                  "channel": application.get_channel_display(),
                  "status": application.get_status_display(),
                  "submitted_at": application.submitted_at.isoformat(),
                  "completed_at": application.completed_at.isoformat()
                  if application.completed_at else "",
                  "visits": application.visits.count(), "report": text},
    )
    audit_record(actor=actor, action="experience.reported", entity="application",
                 entity_id=application.number, data={"experience": experience.pk})
    return experience
