from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.models import ServiceItem
from onevisit.catalogue.selectors import FieldConflict
from onevisit.catalogue.services import catalogue_revision_bump
from onevisit.lifeevents.models import LifeEvent, LifeEventStage, RefusalScope, StageMode
from onevisit.lifeevents.selectors import (
    LifeEventIncomplete,
    LifeEventPlan,
    life_event_plan,
    life_events_containing,
)

# Called inside the transaction of `life_event_define` (or of an admin edit) with the life
# event as defined, so what other apps derive from it — the search index — changes with it
# or not at all.
DEFINE_LISTENERS: list[Callable[[LifeEvent], None]] = []


def life_event_listener_register(listener: Callable[[LifeEvent], None]) -> None:
    if listener not in DEFINE_LISTENERS:
        DEFINE_LISTENERS.append(listener)


def life_event_listeners_notify(life_event: LifeEvent) -> None:
    """Tell the listeners a life event changed (from `life_event_define` or the admin)."""
    for listener in DEFINE_LISTENERS:
        listener(life_event)


def stages_check_acyclic(stages: dict[str, list[str]]) -> None:
    """Stage dependencies must name existing stages and form a DAG."""
    for key, deps in stages.items():
        unknown = [dep for dep in deps if dep not in stages]
        if unknown:
            raise ValidationError(
                _("环节 %(key)s 依赖不存在的环节：%(deps)s")
                % {"key": key, "deps": ", ".join(unknown)}
            )
    state: dict[str, int] = {}

    def visit(key: str, path: list[str]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise ValidationError(
                _("环节依赖形成循环：%(cycle)s") % {"cycle": " → ".join([*path, key])}
            )
        state[key] = 1
        for dep in stages[key]:
            visit(dep, [*path, key])
        state[key] = 2

    for key in stages:
        visit(key, [])


def skip_fields_check(plan: LifeEventPlan) -> None:
    """A stage's skip conditions must name fields of the merged form: a condition on a
    field nobody fills in would never skip the stage, silently."""
    keys = {merged.key for merged in plan.fields}
    for stage in plan.stages:
        unknown = sorted({condition.partition("__")[0] for condition in stage.skip_when}
                         - keys)
        if unknown:
            raise ValidationError(
                _("环节 %(key)s 的免于办理条件引用了表单中没有的字段：%(fields)s")
                % {"key": stage.key, "fields": ", ".join(unknown)})


def bundle_guard(item: ServiceItem) -> None:
    """Publish guard: an item edit may not break the merged form of a life event."""
    for life_event in life_events_containing(item_code=item.code):
        try:
            life_event_plan(life_event=life_event, replacing=item)
        except FieldConflict as exc:
            raise ValidationError(
                _("该修改会使一件事“%(name)s”的表单无法合并：%(reason)s")
                % {"name": life_event.name, "reason": exc}
            ) from exc
        except LifeEventIncomplete:
            continue  # the bundle is still being assembled; publishing it checks again


def stages_check_modes(stages: list[dict[str, Any]]) -> None:
    """A stage's mode and refusal scope must be known ones, and a record stage (信息共享
    直接登记) must depend on another stage: its record is made from that stage's result
    (the licence's credit code), so it cannot start at acceptance."""
    for stage in stages:
        mode = stage.get("mode", StageMode.REVIEW)
        if mode not in StageMode.values:
            raise ValidationError(_("环节 %(key)s 的办理方式未知：%(mode)s")
                                  % {"key": stage["key"], "mode": mode})
        if stage.get("refusal_scope", RefusalScope.APPLICATION) not in RefusalScope.values:
            raise ValidationError(_("环节 %(key)s 的不予许可影响范围未知")
                                  % {"key": stage["key"]})
        if mode == StageMode.RECORD and not stage.get("depends_on"):
            raise ValidationError(_("直接登记的环节 %(key)s 必须依赖一个前置环节")
                                  % {"key": stage["key"]})


@atomic_audited
def life_event_define(
    *, code: str, name: str, region_code: str, committed_limit: int, limit_unit: str,
    promised_visits: int, stages: list[dict[str, Any]], actor: Any, description: str = "",
    topic: str = "", keywords: str = "", publish: bool = True,
) -> LifeEvent:
    """Create or replace a life event and its stages, checking the DAG and the form merge.

    A stage may name its `mode` (StageMode: a department review, or a record made from
    the one filing once the stages it depends on are approved) and its `refusal_scope`
    (RefusalScope: whether refusing it ends the application or only that stage)."""
    stages_check_acyclic({stage["key"]: list(stage.get("depends_on", [])) for stage in stages})
    stages_check_modes(stages)
    life_event, _created = LifeEvent.objects.update_or_create(
        code=code,
        defaults={
            "name": name, "region_id": region_code, "committed_limit": committed_limit,
            "limit_unit": limit_unit, "promised_visits": promised_visits,
            "description": description, "topic": topic, "keywords": keywords,
            "published": publish,
        },
    )
    life_event.stages.all().delete()
    LifeEventStage.objects.bulk_create(
        LifeEventStage(
            life_event=life_event, key=stage["key"], name=stage["name"],
            item_code=stage["item_code"], depends_on=list(stage.get("depends_on", [])),
            mode=stage.get("mode", StageMode.REVIEW),
            refusal_scope=stage.get("refusal_scope", RefusalScope.APPLICATION),
            skip_when=dict(stage.get("skip_when", {})), order=index,
        )
        for index, stage in enumerate(stages)
    )
    if publish:
        try:
            plan = life_event_plan(life_event=life_event)
        except (FieldConflict, LifeEventIncomplete) as exc:
            raise ValidationError(str(exc)) from exc
        skip_fields_check(plan)
    catalogue_revision_bump()
    life_event_listeners_notify(life_event)
    audit_record(actor=actor, action="life_event.defined", entity="life_event",
                 entity_id=life_event.pk, data={"code": code, "stages": len(stages)})
    return life_event
