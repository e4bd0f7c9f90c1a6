"""What an application is for: one item, or a life event's current items."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from onevisit.applications.models import (
    Application,
)
from onevisit.catalogue.charges import conditions_met
from onevisit.catalogue.models import ServiceItem
from onevisit.catalogue.selectors import (
    MergedField,
    MergedMaterial,
    catalogue_revision,
    fields_merge,
    item_current,
    items_with_details,
    materials_merge,
)
from onevisit.errors import InvalidInput, NotFound
from onevisit.lifeevents.models import LifeEvent, RefusalScope, StageMode
from onevisit.lifeevents.selectors import (
    LifeEventIncomplete,
    life_event_by_code,
    life_event_plan,
)


@dataclass
class Stage:
    key: str
    item: ServiceItem
    depends_on: list[str]
    # lifeevents.StageMode and RefusalScope: a review or a record made from the filing;
    # whether refusing the stage ends the application or only the stage.
    mode: str = StageMode.REVIEW
    refusal_scope: str = RefusalScope.APPLICATION
    # The form conditions under which the stage is not needed (区域环评: a project inside
    # an assessed area), and, once a filing's form decided it, why it was skipped: a
    # skipped stage gets no department case and its materials are not asked for.
    skip_when: dict[str, Any] = field(default_factory=dict)
    skipped: str = ""


@dataclass
class Subject:
    """What an application is for: one item, or a life event's current items."""

    title: str
    item: ServiceItem | None
    life_event: LifeEvent | None
    stages: list[Stage]
    fields: list[MergedField]
    materials: list[MergedMaterial]
    promised_visits: int
    committed_limit: int
    limit_unit: str

    @property
    def region_id(self) -> str:
        """The region that handles it: its item's or its life event's."""
        owner = self.item if self.item is not None else self.life_event
        return str(getattr(owner, "region_id", ""))


# Resolved subjects by (item code, life event code, language: the catalogue's names are
# translated), with the catalogue revision they were resolved at: filing the same life
# event again costs one query instead of seven.
_SUBJECTS: dict[tuple[str | None, str | None, str], tuple[uuid.UUID, Subject]] = {}


def subject_resolve(*, item_code: str | None = None, life_event_code: str | None = None) -> Subject:
    """The current published subject, resolved again whenever the catalogue changed."""
    if bool(item_code) == bool(life_event_code):
        raise InvalidInput(_("请指定一个事项或一件事"))
    revision = catalogue_revision()
    key = (item_code, life_event_code, get_language() or "")
    cached = _SUBJECTS.get(key)
    if revision is not None and cached is not None and cached[0] == revision:
        return cached[1]
    subject = _subject_load(item_code=item_code, life_event_code=life_event_code)
    if revision is not None:
        _SUBJECTS[key] = (revision, subject)
    return subject


def _subject_load(*, item_code: str | None, life_event_code: str | None) -> Subject:
    if item_code:
        item = item_current(code=item_code)
        if item is None:
            raise NotFound(_("事项 %(code)s 不存在或未发布") % {"code": item_code})
        return Subject(
            title=item.name, item=item, life_event=None,
            stages=[Stage(key="main", item=item, depends_on=[])],
            fields=fields_merge([item]), materials=materials_merge([item]),
            promised_visits=item.promised_visits, committed_limit=item.committed_limit,
            limit_unit=item.limit_unit,
        )
    life_event = life_event_by_code(code=str(life_event_code))
    if life_event is None:
        raise NotFound(_("一件事 %(code)s 不存在或未发布") % {"code": life_event_code})
    try:
        plan = life_event_plan(life_event=life_event)
    except LifeEventIncomplete as exc:
        raise NotFound(str(exc)) from exc
    return Subject(
        title=life_event.name, item=None, life_event=life_event,
        stages=[Stage(key=s.key, item=s.item, depends_on=s.depends_on, mode=s.mode,
                      refusal_scope=s.refusal_scope, skip_when=s.skip_when)
                for s in plan.stages],
        fields=plan.fields, materials=plan.materials,
        promised_visits=life_event.promised_visits,
        committed_limit=life_event.committed_limit, limit_unit=life_event.limit_unit,
    )


def subject_of(application: Application) -> Subject:
    """The subject as filed: the item versions and stages pinned at filing, whatever the
    catalogue says today."""
    pinned = application.stages
    items = {
        item.pk: item
        for item in items_with_details(
            ServiceItem.objects.filter(pk__in=[s["item"] for s in pinned])
            .select_related("department", "region")
        )
    }
    stages = [Stage(key=s["key"], item=items[s["item"]], depends_on=list(s["depends_on"]),
                    mode=s.get("mode", StageMode.REVIEW),
                    refusal_scope=s.get("refusal_scope", RefusalScope.APPLICATION),
                    skipped=s.get("skipped", ""))
              for s in pinned]
    ordered = [stage.item for stage in stages]
    return Subject(
        title=application.title, item=application.item, life_event=application.life_event,
        stages=stages, fields=fields_merge(ordered),
        materials=materials_merge([stage.item for stage in stages if not stage.skipped]),
        promised_visits=application.promised_visits,
        committed_limit=application.committed_limit, limit_unit=application.limit_unit,
    )


def subject_for_form(subject: Subject, data: Mapping[str, Any]) -> Subject:
    """The subject as this form decides it: a stage whose skip conditions the form meets
    is marked skipped with the reason (the conditions as the form states them), the stages
    after it depend on what it depended on, and its materials leave the material list
    unless a stage still needed asks for them too. Without a skipped stage, the subject."""
    labels = {merged.key: merged.label for merged in subject.fields}
    skipped = {
        stage.key: _("免于办理：%(conditions)s") % {"conditions": "；".join(
            f"{labels.get(key.partition('__')[0], key)}：{data.get(key.partition('__')[0], '')}"
            for key in stage.skip_when)}
        for stage in subject.stages
        if stage.skip_when and conditions_met(stage.skip_when, data)
    }
    if not skipped:
        return subject
    by_key = {stage.key: stage for stage in subject.stages}

    def needed_before(keys: list[str]) -> list[str]:
        """`keys` with every skipped stage replaced by the stages it depended on."""
        needed: list[str] = []
        for key in keys:
            for dep in (needed_before(by_key[key].depends_on) if key in skipped else [key]):
                if dep not in needed:
                    needed.append(dep)
        return needed

    stages = [
        replace(stage, skipped=skipped[stage.key]) if stage.key in skipped
        else replace(stage, depends_on=needed_before(stage.depends_on))
        for stage in subject.stages
    ]
    return replace(subject, stages=stages, materials=materials_merge(
        [stage.item for stage in stages if not stage.skipped]))


def case_material_keys(*, subject: Subject, item_code: str) -> set[str]:
    """The merged materials one department's case is about: those its item asks for. A
    reviewer may examine and ask to correct only these."""
    return {m.key for m in subject.materials if item_code in m.item_codes}
