"""Writes to the catalogue. Editors draft a new version, then publish it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.models import (
    CatalogueRevision,
    FieldDef,
    ItemField,
    ListEntry,
    ServiceItem,
)

PublishGuard = Callable[[ServiceItem], None]

# Checks other apps register (in their AppConfig.ready) to refuse a catalogue change that
# would break what they built on the catalogue — e.g. life events whose merged form would
# no longer merge. Each raises ValidationError with a message for the editor.
PUBLISH_GUARDS: list[PublishGuard] = []


def publish_guard_register(guard: PublishGuard) -> None:
    if guard not in PUBLISH_GUARDS:
        PUBLISH_GUARDS.append(guard)


def _run_guards(item: ServiceItem) -> None:
    for guard in PUBLISH_GUARDS:
        guard(item)


# Called inside the publishing transaction with the item just published (its previous
# version already retired), so what other apps derive from the catalogue — the search
# index — changes with it or not at all.
PUBLISH_LISTENERS: list[Callable[[ServiceItem], None]] = []


def publish_listener_register(listener: Callable[[ServiceItem], None]) -> None:
    if listener not in PUBLISH_LISTENERS:
        PUBLISH_LISTENERS.append(listener)


def catalogue_revision_bump() -> None:
    """Mark the published catalogue as changed (inside the change's transaction)."""
    CatalogueRevision.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})


def _locked_draft(item: ServiceItem) -> ServiceItem:
    locked = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != ItemStatus.DRAFT:
        raise ValidationError(_("只能修改草稿版本；请先为已发布事项创建新版本"))
    return locked


@atomic_audited
def item_new_version(*, item: ServiceItem, actor: Any) -> ServiceItem:
    """Copy an item (with its fields and materials) into a new draft version."""
    source = ServiceItem.objects.select_for_update().get(pk=item.pk)
    latest_version = max(
        ServiceItem.objects.filter(code=source.code).values_list("version", flat=True)
    )
    fields = list(source.fields.all())
    materials = list(source.materials.all())
    draft = ServiceItem.objects.get(pk=source.pk)
    draft.pk = None
    draft.version = latest_version + 1
    draft.status = ItemStatus.DRAFT
    draft.published_at = None
    draft.save()
    for item_field in fields:
        item_field.pk = None
        item_field.item = draft
    ItemField.objects.bulk_create(fields)
    for material in materials:
        material.pk = None
        material.item = draft
    draft.materials.bulk_create(materials)
    audit_record(actor=actor, action="item.version_created", entity="item", entity_id=draft.pk,
                 data={"code": draft.code, "version": draft.version})
    return draft


@atomic_audited
def item_field_set(
    *, item: ServiceItem, field: FieldDef, required: bool, choices: list[str], actor: Any
) -> ItemField:
    """Add or change a field of a draft item; refused if a bundle could no longer merge."""
    draft = _locked_draft(item)
    item_field, _created = ItemField.objects.update_or_create(
        item=draft, field=field, defaults={"required": required, "choices": choices}
    )
    _run_guards(draft)
    audit_record(actor=actor, action="item.field_set", entity="item", entity_id=draft.pk,
                 data={"field": field.key, "required": required, "choices": choices})
    return item_field


@atomic_audited
def item_publish(*, item: ServiceItem, actor: Any) -> ServiceItem:
    """Publish a draft; the previously published version of the code is retired.

    Applications keep pointing at the version they were filed under."""
    draft = _locked_draft(item)
    _run_guards(draft)
    ServiceItem.objects.filter(code=draft.code, status=ItemStatus.PUBLISHED).update(
        status=ItemStatus.RETIRED
    )
    draft.status = ItemStatus.PUBLISHED
    draft.published_at = clock.now()
    draft.save(update_fields=["status", "published_at"])
    catalogue_revision_bump()
    for listener in PUBLISH_LISTENERS:
        listener(draft)
    audit_record(actor=actor, action="item.published", entity="item", entity_id=draft.pk,
                 data={"code": draft.code, "version": draft.version})
    return draft


@atomic_audited
def list_entry_publish(*, entry: ListEntry, actor: Any) -> ListEntry:
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    entry.published = True
    entry.published_at = clock.now()
    entry.save(update_fields=["published", "published_at"])
    audit_record(actor=actor, action="list_entry.published", entity="list_entry",
                 entity_id=entry.pk, data={"kind": entry.kind, "code": entry.code})
    return entry
