"""Who may act on a call, and the call's row lock (docs/awards.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onevisit.awards.constants import CallStatus
from onevisit.awards.models import AwardCall
from onevisit.awards.selectors import actor_organises
from onevisit.errors import Conflict, NotAllowed


def actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def call_locked(call: AwardCall) -> AwardCall:
    """The call's row, locked for the rest of the transaction: every write that depends
    on its status takes it first, so a status change waits for them and they for it."""
    return AwardCall.objects.select_for_update().select_related("region").get(pk=call.pk)


def organiser_check(actor: Any, call: AwardCall) -> None:
    if not actor_organises(actor, call):
        raise NotAllowed(_("只有本次评选的组织工作人员能进行此操作"))


def status_check(call: AwardCall, *statuses: str) -> None:
    if call.status not in statuses:
        raise Conflict(_("评选活动当前为“%(status)s”阶段，不能进行此操作")
                       % {"status": CallStatus(call.status).label})
