"""改革建言: anyone submits a suggestion; a supervisor of its region publishes it or
rejects it with a reason; a published one gets the government's public reply."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Region
from onevisit.accounts.regions import scope_of, within
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotFound
from onevisit.feedback.constants import ALLOWED_SUGGESTION_TRANSITIONS, SuggestionStatus
from onevisit.feedback.models import Suggestion
from onevisit.feedback.services.common import require_supervisor, text_clean

BODY_MAX = 3000


@atomic_audited
def suggestion_submit(*, region_code: str, title: str, body: str, author_name: str = "",
                      contact: str = "", actor: Any = None) -> Suggestion:
    """Anyone's suggestion, signed in or not; it waits for moderation before it shows."""
    errors: dict[str, Any] = {}
    heading = text_clean(title, field="title", label=_("标题"), limit=100, errors=errors)
    text = text_clean(body, field="body", label=_("建议内容"), limit=BODY_MAX, errors=errors)
    name = text_clean(author_name, field="author_name", label=_("署名"), limit=64,
                      errors=errors, required=False)
    reach = text_clean(contact, field="contact", label=_("联系方式"), limit=64, errors=errors,
                       required=False)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        errors["region"] = _("请选择地区")
    if errors or region is None:
        raise InvalidInput(_("建议有误，请按提示修改"), errors)
    signed_in = actor if getattr(actor, "pk", None) else None
    suggestion = Suggestion.objects.create(
        region=region, title=heading, body=text, author_name=name, contact=reach,
        submitted_by=signed_in, submitted_at=clock.now())
    audit_record(actor=signed_in, action="suggestion.submitted", entity="suggestion",
                 entity_id=suggestion.pk, data={"region": region_code})
    return suggestion


def _locked(suggestion_id: int, actor: Any) -> Suggestion:
    suggestion = (Suggestion.objects.select_for_update()
                  .filter(within("region", scope_of(actor)), pk=suggestion_id).first())
    if suggestion is None:
        raise NotFound(_("建议不存在"))
    return suggestion


@atomic_audited
def suggestion_moderate(*, suggestion_id: int, actor: Any, publish: bool,
                        reason: str = "") -> Suggestion:
    """Publish, or reject with the reason (the author is not told who she is to the
    public either way: only a masked name is ever shown)."""
    require_supervisor(actor, _("审核建言"))
    errors: dict[str, Any] = {}
    why = text_clean(reason, field="reason", label=_("不予公开理由"), limit=500,
                     errors=errors, required=not publish)
    if errors:
        raise InvalidInput(_("请填写不予公开的理由"), errors)
    suggestion = _locked(suggestion_id, actor)
    to = SuggestionStatus.PUBLISHED if publish else SuggestionStatus.REJECTED
    if to not in ALLOWED_SUGGESTION_TRANSITIONS[suggestion.status]:
        raise Conflict(_("这条建言已经审核过"))
    suggestion.status = to
    suggestion.moderated_by = actor
    suggestion.moderated_at = clock.now()
    suggestion.reject_reason = "" if publish else why
    suggestion.save(update_fields=["status", "moderated_by", "moderated_at", "reject_reason"])
    audit_record(actor=actor, action=f"suggestion.{to}", entity="suggestion",
                 entity_id=suggestion.pk, data={"reason": suggestion.reject_reason})
    return suggestion


@atomic_audited
def suggestion_reply(*, suggestion_id: int, actor: Any, reply: str) -> Suggestion:
    """The public reply to a published suggestion, once."""
    require_supervisor(actor, _("答复建言"))
    errors: dict[str, Any] = {}
    text = text_clean(reply, field="reply", label=_("答复"), limit=BODY_MAX, errors=errors)
    if errors:
        raise InvalidInput(_("请填写答复"), errors)
    suggestion = _locked(suggestion_id, actor)
    if suggestion.status != SuggestionStatus.PUBLISHED:
        raise Conflict(_("公开后才能答复"))
    if suggestion.replied_at is not None:
        raise Conflict(_("这条建言已经答复过"))
    suggestion.reply = text
    suggestion.replied_by = actor
    suggestion.replied_at = clock.now()
    suggestion.save(update_fields=["reply", "replied_by", "replied_at"])
    audit_record(actor=actor, action="suggestion.replied", entity="suggestion",
                 entity_id=suggestion.pk)
    return suggestion
