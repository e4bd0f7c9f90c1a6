"""Reading the search index: ranked full-text search, browsing by topic and department.

A query is first run strictly (every word, or one of its synonyms, in the document); when
nothing matches every word, it is run again matching any word, and the results say so.
Ranking: SQLite's bm25 with the heading (title, keywords, topic) weighted 10 to the body's
1; PostgreSQL's ts_rank with the heading weighted A and the body B.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from onevisit.accounts.models import Department
from onevisit.search.constants import ITEM, LIFE_EVENT
from onevisit.search.models import SearchDocument
from onevisit.search.text import Phrase, Query, Segment, mark, query_parse, snippet

GUIDE_KINDS: tuple[str, ...] = (LIFE_EVENT, ITEM)  # what the portal searches and browses
PER_PAGE = 20
MAX_HITS = 500  # a query matching more is answered with its best 500
HEADING_WEIGHT = 10.0
BODY_WEIGHT = 1.0


@dataclass(frozen=True)
class SearchHit:
    document: SearchDocument
    title: list[Segment]  # the title, the query's words marked
    snippet: list[Segment]
    department_names: list[str]  # the item's department, or every department of a bundle


@dataclass(frozen=True)
class SearchResults:
    query: Query
    page: Page[SearchHit]
    relaxed: bool  # no document has every word: these have some of them

    @property
    def total(self) -> int:
        return self.page.paginator.count


# --------------------------------------------------------------------------- full text


def _fts5_phrase(phrase: Phrase) -> str:
    # The tokens are runs of word characters (text.py); the quotes make each one a string
    # to FTS5 whatever it spells (OR, NEAR, …).
    return '"' + " ".join(phrase).replace('"', '""') + '"'


def _fts5_expression(query: Query, *, strict: bool) -> str:
    groups = [
        "(" + " OR ".join(_fts5_phrase(phrase) for phrase in group) + ")"
        for group in query.groups
    ]
    expression = (" AND " if strict else " OR ").join(groups)
    if strict and query.whole:
        expression = f"{_fts5_phrase(query.whole)} OR ({expression})"
    return expression


def _ids_sqlite(query: Query, *, kinds: Sequence[str], strict: bool) -> list[int]:
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    marks = ", ".join(["%s"] * len(kinds))
    sql = (
        f"SELECT d.id FROM search_document_fts JOIN {table} d "  # noqa: S608 — no input
        "ON d.id = search_document_fts.rowid "
        f"WHERE search_document_fts MATCH %s AND d.kind IN ({marks}) "
        f"ORDER BY bm25(search_document_fts, {HEADING_WEIGHT}, {BODY_WEIGHT}), d.id "
        "LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_fts5_expression(query, strict=strict), *kinds, MAX_HITS])
        return [row[0] for row in cursor.fetchall()]


def _tsquery(query: Query, *, strict: bool) -> tuple[str, list[str]]:
    params: list[str] = []

    def phrase_sql(phrase: Phrase) -> str:
        params.append(" ".join(phrase))
        return "phraseto_tsquery('simple', %s)"

    # The parameters follow the order of their marks in the text.
    whole = phrase_sql(query.whole) if strict and query.whole else ""
    groups = [
        "(" + " || ".join(phrase_sql(phrase) for phrase in group) + ")"
        for group in query.groups
    ]
    expression = (" && " if strict else " || ").join(groups)
    if whole:
        expression = f"({whole} || ({expression}))"
    return expression, params


def _ids_postgresql(query: Query, *, kinds: Sequence[str], strict: bool) -> list[int]:
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    tsquery, params = _tsquery(query, strict=strict)
    marks = ", ".join(["%s"] * len(kinds))
    # ts_rank's weights are {D, C, B, A}; normalization 1 divides by 1 + log(length).
    sql = (
        f"SELECT d.id FROM {table} d, (SELECT {tsquery} AS q) AS query "  # noqa: S608
        f"WHERE d.search_vector @@ query.q AND d.kind IN ({marks}) "
        "ORDER BY ts_rank(ARRAY[0, 0, %s, %s]::float4[], d.search_vector, query.q, 1) DESC, "
        "d.id "
        "LIMIT %s"
    )
    weights = [BODY_WEIGHT / HEADING_WEIGHT, 1.0]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *kinds, *weights, MAX_HITS])
        return [row[0] for row in cursor.fetchall()]


def _ranked_ids(query: Query, *, kinds: Sequence[str], strict: bool) -> list[int]:
    if connection.vendor == "sqlite":
        return _ids_sqlite(query, kinds=kinds, strict=strict)
    if connection.vendor == "postgresql":
        return _ids_postgresql(query, kinds=kinds, strict=strict)
    raise ImproperlyConfigured(f"search needs SQLite or PostgreSQL, not {connection.vendor}")


def _department_names(documents: Iterable[SearchDocument]) -> dict[int, str]:
    """Names of the departments of the bundles among the documents, in one query."""
    ids = {
        department_id
        for document in documents
        for department_id in document.extra.get("department_ids", ())
    }
    if not ids:
        return {}
    return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))


def _hits(documents: Sequence[SearchDocument], terms: Sequence[str]) -> list[SearchHit]:
    names = _department_names(documents)
    hits = []
    for document in documents:
        if document.department is not None:
            departments = [document.department.name]
        else:
            departments = [
                names[pk] for pk in document.extra.get("department_ids", ()) if pk in names
            ]
        hits.append(SearchHit(
            document=document, title=mark(document.title, terms),
            snippet=snippet(document.body, terms), department_names=departments,
        ))
    return hits


def search_run(
    *, text: str, kinds: Sequence[str] = GUIDE_KINDS, page: Any = 1, per_page: int = PER_PAGE
) -> SearchResults:
    """Search what a person typed; never raises on any text. `page` may be anything a
    query string holds: a number out of range gives the last page, nonsense the first."""
    query = query_parse(text)
    ids: list[int] = []
    relaxed = False
    if query and kinds:
        ids = _ranked_ids(query, kinds=kinds, strict=True)
        if not ids and len(query.groups) > 1:
            ids = _ranked_ids(query, kinds=kinds, strict=False)
            relaxed = bool(ids)
    paginator: Paginator[int] = Paginator(ids, per_page)
    id_page = paginator.get_page(page)
    found = SearchDocument.objects.select_related("department").in_bulk(list(id_page))
    documents = [found[pk] for pk in id_page if pk in found]
    hits = _hits(documents, query.highlight)
    return SearchResults(
        query=query, page=Page(hits, id_page.number, paginator),  # type: ignore[arg-type]
        relaxed=relaxed,
    )


# --------------------------------------------------------------------------- browsing


@dataclass(frozen=True)
class Facet:
    value: str  # the topic, or the department's code
    label: str
    count: int


def _guides() -> QuerySet[SearchDocument]:
    return SearchDocument.objects.filter(kind__in=GUIDE_KINDS)


def topics_facet() -> list[Facet]:
    """Topics of the published guides, the largest first."""
    rows = (
        _guides().exclude(topic="").values("topic").annotate(count=Count("id"))
        .order_by("-count", "topic")
    )
    return [Facet(value=row["topic"], label=row["topic"], count=row["count"]) for row in rows]


def departments_facet(*, code: str | None = None) -> list[Facet]:
    """Departments with published items, by code (or the one of `code`)."""
    documents = _guides().filter(kind=ITEM, department__isnull=False)
    if code is not None:
        documents = documents.filter(department__code=code)
    rows = (
        documents.values("department__code", "department__name")
        .annotate(count=Count("id")).order_by("department__code")
    )
    return [
        Facet(value=row["department__code"], label=row["department__name"], count=row["count"])
        for row in rows
    ]


def search_browse(
    *, kind: str | None = None, topic: str | None = None, department_code: str | None = None,
    page: Any = 1, per_page: int = PER_PAGE,
) -> Page[SearchHit]:
    """Guides of a kind, a topic or a department: life events first, then by title."""
    documents = _guides().select_related("department")
    if kind is not None:
        documents = documents.filter(kind=kind)
    if topic is not None:
        documents = documents.filter(topic=topic)
    if department_code is not None:
        documents = documents.filter(kind=ITEM, department__code=department_code)
    documents = documents.alias(
        bundle_first=Case(When(kind=LIFE_EVENT, then=Value(0)), default=Value(1),
                          output_field=IntegerField()),
    ).order_by("bundle_first", "title", "key")
    paginator: Paginator[SearchDocument] = Paginator(documents, per_page)
    document_page = paginator.get_page(page)
    hits = _hits(list(document_page), ())
    return Page(hits, document_page.number, paginator)  # type: ignore[arg-type]
