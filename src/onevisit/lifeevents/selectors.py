from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from onevisit.catalogue.models import ServiceItem
from onevisit.catalogue.selectors import (
    MergedField,
    MergedMaterial,
    fields_merge,
    items_current,
    materials_merge,
)
from onevisit.lifeevents.models import LifeEvent, LifeEventStage


class LifeEventIncomplete(ValueError):
    """A stage names an item that has no published version."""


def life_events_published() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.filter(published=True).prefetch_related("stages")


def life_event_by_code(*, code: str) -> LifeEvent | None:
    return life_events_published().filter(code=code).first()


@dataclass
class StagePlan:
    key: str
    name: str
    item: ServiceItem
    depends_on: list[str]
    mode: str = "review"
    refusal_scope: str = "application"
    # Form conditions under which the stage is skipped (LifeEventStage.skip_when).
    skip_when: dict[str, Any] = field(default_factory=dict)


@dataclass
class LifeEventPlan:
    life_event: LifeEvent
    stages: list[StagePlan]
    fields: list[MergedField]
    materials: list[MergedMaterial]


def life_event_plan(
    *, life_event: LifeEvent, replacing: ServiceItem | None = None
) -> LifeEventPlan:
    """The current items of a life event with their merged form and material list.

    `replacing` substitutes a draft for the published version of its code, to check an
    edit before it is published. Raises FieldConflict when the form does not merge.
    """
    stages: list[LifeEventStage] = list(life_event.stages.all())
    items = items_current(codes=[stage.item_code for stage in stages])
    if replacing is not None:
        items[replacing.code] = replacing
    missing = [stage.item_code for stage in stages if stage.item_code not in items]
    if missing:
        raise LifeEventIncomplete(
            _("一件事“%(name)s”中的事项未发布：%(codes)s")
            % {"name": life_event.name, "codes": ", ".join(missing)}
        )
    plans = [
        StagePlan(key=stage.key, name=stage.name, item=items[stage.item_code],
                  depends_on=list(stage.depends_on), mode=stage.mode,
                  refusal_scope=stage.refusal_scope, skip_when=dict(stage.skip_when))
        for stage in stages
    ]
    ordered_items = [plan.item for plan in plans]
    return LifeEventPlan(
        life_event=life_event, stages=plans, fields=fields_merge(ordered_items),
        materials=materials_merge(ordered_items),
    )


def life_events_containing(*, item_code: str) -> QuerySet[LifeEvent]:
    return LifeEvent.objects.filter(stages__item_code=item_code).distinct()
