"""Keeping the search index current.

A published item and a published life event each have one document. Publishing an item
(`catalogue.services.item_publish`) and defining a life event
(`lifeevents.services.life_event_define`) call the listeners this app registers in its
`AppConfig.ready`, inside their own transaction: the index changes with the catalogue or
not at all. `search_reindex` (`onevisit search reindex`) rebuilds everything, for a
database filled before this app existed or after the vocabulary changed.

Other kinds of documents (the hotline knowledge base) register a source with
`search_source_register` and put their documents with `search_document_put`, or many at once
with `search_documents_put_many`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.conf import settings
from django.db import connection, transaction
from modeltranslation.utils import build_localized_fieldname

from onevisit import clock
from onevisit.catalogue.models import ServiceItem
from onevisit.catalogue.selectors import item_current, items_current, items_published
from onevisit.catalogue.services import catalogue_revision_bump
from onevisit.lifeevents.models import LifeEvent
from onevisit.lifeevents.selectors import (
    life_event_by_code,
    life_events_containing,
    life_events_published,
)
from onevisit.search.constants import ITEM, LIFE_EVENT
from onevisit.search.models import SearchDocument
from onevisit.search.text import document_tokens, keyword_tokens

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DocumentInput:
    """What one document is indexed from."""

    kind: str
    key: str
    title: str
    body: str = ""  # shown in results and searched
    keywords: str = ""  # space-separated; searched with the title's weight
    translations: str = ""  # the title in other languages: searched as the title, not shown
    hidden_text: str = ""  # searched, not shown: departments, materials, legal basis
    topic: str = ""
    department_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


DocumentSource = Callable[[], Iterable[DocumentInput]]

# Every document of a kind, for a full rebuild. Other apps add theirs in AppConfig.ready.
SOURCES: dict[str, DocumentSource] = {}


def search_source_register(*, kind: str, source: DocumentSource) -> None:
    SOURCES[kind] = source


def _tokens(document: DocumentInput) -> tuple[str, str]:
    heading = [
        *document_tokens(document.title), *keyword_tokens(document.keywords),
        *keyword_tokens(document.topic), *document_tokens(document.translations),
    ]
    body = [*document_tokens(document.body), *document_tokens(document.hidden_text)]
    return " ".join(heading), " ".join(body)


def search_document_put(*, document: DocumentInput) -> SearchDocument:
    """Add or replace the document of (kind, key)."""
    catalogue_revision_bump()  # the cached search pages (web.page_cache) are made again
    heading_tokens, body_tokens = _tokens(document)
    row, _created = SearchDocument.objects.update_or_create(
        kind=document.kind, key=document.key,
        defaults={
            "title": document.title, "body": document.body, "topic": document.topic,
            "department_id": document.department_id, "extra": document.extra,
            "heading_tokens": heading_tokens, "body_tokens": body_tokens,
            "indexed_at": clock.now(),
        },
    )
    return row


def _chunks(documents: Iterable[DocumentInput], size: int) -> Iterator[list[DocumentInput]]:
    chunk: list[DocumentInput] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def search_documents_put_many(
    *, documents: Iterable[DocumentInput], batch_size: int = 500
) -> list[str]:
    """Add or replace many documents, a batch at a time: one delete of the batch's former
    documents and one multi-row insert (the full-text index follows, by its triggers or its
    generated column). Returns the keys put, in order; a key given twice in a batch is
    put once, as last given."""
    catalogue_revision_bump()  # the cached search pages (web.page_cache) are made again
    keys: dict[str, None] = {}
    for chunk in _chunks(documents, batch_size):
        latest = {(document.kind, document.key): document for document in chunk}
        by_kind: dict[str, list[str]] = {}
        for kind, key in latest:
            by_kind.setdefault(kind, []).append(key)
        for kind, kind_keys in by_kind.items():
            SearchDocument.objects.filter(kind=kind, key__in=kind_keys).delete()
        now = clock.now()
        rows = []
        for document in latest.values():
            heading_tokens, body_tokens = _tokens(document)
            rows.append(SearchDocument(
                kind=document.kind, key=document.key, title=document.title,
                body=document.body, topic=document.topic,
                department_id=document.department_id, extra=document.extra,
                heading_tokens=heading_tokens, body_tokens=body_tokens, indexed_at=now,
            ))
        SearchDocument.objects.bulk_create(rows)
        keys.update(dict.fromkeys(key for _kind, key in latest))
    return list(keys)


def search_document_remove(*, kind: str, key: str) -> int:
    catalogue_revision_bump()  # the cached search pages (web.page_cache) are made again
    deleted, _by_model = SearchDocument.objects.filter(kind=kind, key=key).delete()
    return deleted


def search_index_optimize() -> None:
    """After many documents were put at once: SQLite merges the full-text index's segments
    into one (fewer to read per query); PostgreSQL gathers the planner's statistics (and,
    outside a transaction, marks the pages visible for index-only scans)."""
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_document_fts(search_document_fts) VALUES ('optimize')"
            )
            cursor.execute(f"ANALYZE {table}")
        elif connection.in_atomic_block:
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


# --------------------------------------------------------------------------- guides


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _translations(instance: Any, field: str) -> str:
    """The field's text in the other languages (modeltranslation's columns), so that a
    query in English finds the guide by its English name."""
    default = build_localized_fieldname(field, settings.LANGUAGE_CODE)
    values = [getattr(instance, build_localized_fieldname(field, code), "") or ""
              for code, _name in settings.LANGUAGES]
    return _lines(*(value for value in values
                    if value and value != getattr(instance, default, None)))


def _item_document(item: ServiceItem) -> DocumentInput:
    return DocumentInput(
        kind=ITEM, key=item.code, title=item.name,
        body=_lines(item.description, item.conditions),
        keywords=" ".join(item.result_name.split()),
        translations=_translations(item, "name"),
        hidden_text=_lines(
            item.code, item.department.name, item.fee_note, item.legal_basis,
            *(material.name for material in item.materials.all()),
        ),
        topic=item.topic, department_id=item.department_id,
        extra={
            "promised_visits": item.promised_visits,
            "committed_limit": item.committed_limit, "limit_unit": item.limit_unit,
        },
    )


def _life_event_document(
    life_event: LifeEvent, items: Mapping[str, ServiceItem]
) -> DocumentInput:
    stages = list(life_event.stages.all())
    stage_items = [items[stage.item_code] for stage in stages if stage.item_code in items]
    department_ids = list(dict.fromkeys(item.department_id for item in stage_items))
    department_names = list(dict.fromkeys(item.department.name for item in stage_items))
    return DocumentInput(
        kind=LIFE_EVENT, key=life_event.code, title=life_event.name,
        body=life_event.description, keywords=life_event.keywords,
        translations=_translations(life_event, "name"),
        hidden_text=_lines(
            *(stage.name for stage in stages), *(item.name for item in stage_items),
            *department_names,
        ),
        topic=life_event.topic,
        extra={
            "promised_visits": life_event.promised_visits,
            "committed_limit": life_event.committed_limit, "limit_unit": life_event.limit_unit,
            "department_ids": department_ids,
            "item_codes": [item.code for item in stage_items],
        },
    )


def _items_source() -> Iterator[DocumentInput]:
    items = items_published().prefetch_related("materials").order_by("code")
    for item in items.iterator(chunk_size=200):
        yield _item_document(item)


def _life_events_source() -> Iterator[DocumentInput]:
    life_events = list(life_events_published())
    items = items_current(
        codes={stage.item_code for event in life_events for stage in event.stages.all()}
    )
    for life_event in life_events:
        yield _life_event_document(life_event, items)


search_source_register(kind=ITEM, source=_items_source)
search_source_register(kind=LIFE_EVENT, source=_life_events_source)


@transaction.atomic
def search_life_event_reindex(*, code: str) -> None:
    """Index the life event's published definition, or drop it if it has none."""
    life_event = life_event_by_code(code=code)
    if life_event is None:
        search_document_remove(kind=LIFE_EVENT, key=code)
        return
    items = items_current(codes=[stage.item_code for stage in life_event.stages.all()])
    search_document_put(document=_life_event_document(life_event, items))


@transaction.atomic
def search_item_reindex(*, code: str) -> None:
    """Index the item's published version, or drop it if none is published; and the life
    events it is part of (their departments may have changed)."""
    item = item_current(code=code)
    if item is None:
        search_document_remove(kind=ITEM, key=code)
    else:
        search_document_put(document=_item_document(item))
    for life_event in life_events_containing(item_code=code):
        search_life_event_reindex(code=life_event.code)


def search_item_published(item: ServiceItem) -> None:
    """Listener of `catalogue.services.item_publish`."""
    search_item_reindex(code=item.code)


def search_life_event_defined(life_event: LifeEvent) -> None:
    """Listener of `lifeevents.services.life_event_define`."""
    search_life_event_reindex(code=life_event.code)


@transaction.atomic
def search_reindex(*, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the documents of the given kinds (all registered kinds by default) from their
    sources, dropping documents their source no longer has. Returns the count per kind."""
    wanted = set(kinds) if kinds is not None else set(SOURCES)
    unknown = wanted - set(SOURCES)
    if unknown:
        raise ValueError(f"no search source for kind(s): {', '.join(sorted(unknown))}")
    counts: dict[str, int] = {}
    for kind, source in SOURCES.items():
        if kind not in wanted:
            continue
        keys = set(search_documents_put_many(documents=source()))
        stale = set(
            SearchDocument.objects.filter(kind=kind).values_list("key", flat=True)
        ) - keys
        SearchDocument.objects.filter(kind=kind, key__in=stale).delete()
        counts[kind] = len(keys)
        log.info("search_reindexed", kind=kind, documents=len(keys), dropped=len(stale))
    return counts
