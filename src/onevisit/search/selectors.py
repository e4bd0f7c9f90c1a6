"""Reading the search index: ranked full-text search, browsing by topic and department.

A query is first run strictly (every word, or one of its synonyms, in the document); when
nothing matches every word, it is run again matching any word, and the results say so.
Ranking: SQLite's bm25 with the heading (title, keywords, topic) weighted 10 to the body's
1; PostgreSQL's ts_rank with the heading weighted A and the body B.

The index's `kind` column narrows a search to its kinds inside the index: the portal's
guides are searched as fast beside 100,000 knowledge-base entries as alone.

`search_best` serves a short list rather than pages (the hotline's knowledge base): the
documents with every word first, then, if fewer than asked for, those with some of them,
each with its score; over many documents, common words are looked for in headings only
(`query_plan`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from onevisit.accounts.models import Department
from onevisit.search.constants import ITEM, LIFE_EVENT
from onevisit.search.models import SearchDocument
from onevisit.search.suggest import (
    GOOD_COVERAGE,
    SPELLING_MIN_CHARS,
    SPELLING_SHORT_CHARS,
    SUGGESTIONS,
    coverage,
    related_words,
    spelling_correct,
)
from onevisit.search.text import Phrase, Query, Segment, mark, query_parse, snippet

GUIDE_KINDS: tuple[str, ...] = (LIFE_EVENT, ITEM)  # what the portal searches and browses
PER_PAGE = 20
MAX_HITS = 500  # a query matching more is answered with its best 500
RELAXED_HITS = 100  # a query matching only some words: its best 100 are weighed
HEADING_FIRST = PER_PAGE  # the first hits are ordered by how much of the query their heading has
HEADING_WEIGHT = 10.0
BODY_WEIGHT = 1.0


def _connection() -> BaseDatabaseWrapper:
    """The connection the index is read through: the replica's inside `replica_reads()`
    (onevisit.replica), the primary's otherwise."""
    return connections[router.db_for_read(SearchDocument)]


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
    corrected: str = ""  # the words searched instead of the misspelt ones typed
    suggestions: tuple[str, ...] = ()  # words to try, when nothing good was found

    @property
    def total(self) -> int:
        return self.page.paginator.count


# --------------------------------------------------------------------------- full text


def _fts5_phrase(phrase: Phrase) -> str:
    # The tokens are runs of word characters (text.py); the quotes make each one a string
    # to FTS5 whatever it spells (OR, NEAR, …).
    return '"' + " ".join(phrase).replace('"', '""') + '"'


@dataclass(frozen=True)
class Term:
    """One word of a query as the database is asked for it: any of its phrases (the word
    or a synonym), in the whole document or — a word too common to look for in every
    body — in the heading only."""

    phrases: tuple[Phrase, ...]
    heading_only: bool = False

    def in_heading(self) -> Term:
        return Term(phrases=self.phrases, heading_only=True)


def _terms(query: Query) -> list[Term]:
    return [Term(phrases=group) for group in query.groups]


def _fts5_term(term: Term) -> str:
    expression = "(" + " OR ".join(_fts5_phrase(phrase) for phrase in term.phrases) + ")"
    return "{heading_tokens}: " + expression if term.heading_only else expression


def _fts5_kinds(kinds: Sequence[str]) -> str:
    """The kinds as a filter of the index's `kind` column (its tokens: life_event is
    "life event"), so the index itself leaves out the other kinds' documents."""
    phrases = {'"' + " ".join(_KIND_TOKEN.findall(kind.lower())) + '"' for kind in kinds}
    return "{kind}: (" + " OR ".join(sorted(phrases)) + ")"


_KIND_TOKEN = re.compile(r"[0-9a-z]+")


def _fts5_expression(
    terms: Sequence[Term], *, whole: Phrase | None, kinds: Sequence[str], strict: bool
) -> str:
    expression = (" AND " if strict else " OR ").join(
        "(" + _fts5_term(term) + ")" for term in terms)
    if strict and whole:
        expression = f"{_fts5_phrase(whole)} OR ({expression})"
    return f"{_fts5_kinds(kinds)} AND ({expression})"


def _ranked_sqlite(
    terms: Sequence[Term], *, whole: Phrase | None, kinds: Sequence[str], strict: bool,
    limit: int,
) -> list[tuple[int, float]]:
    table = _connection().ops.quote_name(SearchDocument._meta.db_table)
    marks = ", ".join(["%s"] * len(kinds))
    # bm25 is negative, the better the lower; the kind column weighs nothing.
    sql = (
        f"SELECT d.id, bm25(search_document_fts, {HEADING_WEIGHT}, {BODY_WEIGHT}, 0.0) AS r "  # noqa: S608 — no input
        f"FROM search_document_fts JOIN {table} d "
        "ON d.id = search_document_fts.rowid "
        f"WHERE search_document_fts MATCH %s AND d.kind IN ({marks}) "
        "ORDER BY r, d.id LIMIT %s"
    )
    expression = _fts5_expression(terms, whole=whole, kinds=kinds, strict=strict)
    with _connection().cursor() as cursor:
        cursor.execute(sql, [expression, *kinds, limit])
        return [(row[0], -row[1]) for row in cursor.fetchall()]


@dataclass(frozen=True)
class _PostgresQuery:
    """A query as PostgreSQL is asked it: one tsquery per word, computed once in a
    one-row subquery `query` (its columns t0, t1, … and whole); `match` tests a document
    row `d` (a heading-only word against the heading's own vector, which has its own
    index), `rank` is the tsquery the document is ranked by."""

    columns: str
    params: list[str]
    match: str
    rank: str


def _postgres_query(
    terms: Sequence[Term], *, whole: Phrase | None, strict: bool
) -> _PostgresQuery:
    params: list[str] = []

    def tsquery(phrases: Sequence[Phrase]) -> str:
        params.extend(" ".join(phrase) for phrase in phrases)
        return "(" + " || ".join("phraseto_tsquery('simple', %s)" for _ in phrases) + ")"

    columns = [f"{tsquery(term.phrases)} AS t{index}" for index, term in enumerate(terms)]
    conditions = [
        f"{'d.heading_vector' if term.heading_only else 'd.search_vector'} @@ query.t{index}"
        for index, term in enumerate(terms)
    ]
    match = (" AND " if strict else " OR ").join(conditions)
    rank = (" && " if strict else " || ").join(f"query.t{index}" for index in range(len(terms)))
    if strict and whole:
        columns.append(f"{tsquery([whole])} AS whole")
        match = f"d.search_vector @@ query.whole OR ({match})"
        rank = f"query.whole || ({rank})"
    return _PostgresQuery(columns=", ".join(columns), params=params, match=f"({match})",
                          rank=f"({rank})")


def _ranked_postgresql(
    terms: Sequence[Term], *, whole: Phrase | None, kinds: Sequence[str], strict: bool,
    limit: int,
) -> list[tuple[int, float]]:
    table = _connection().ops.quote_name(SearchDocument._meta.db_table)
    query = _postgres_query(terms, whole=whole, strict=strict)
    marks = ", ".join(["%s"] * len(kinds))
    # ts_rank's weights are {D, C, B, A}; normalization 1 divides by 1 + log(length).
    sql = (
        f"SELECT d.id, ts_rank(ARRAY[0, 0, %s, %s]::float4[], d.search_vector, {query.rank}, 1) "  # noqa: S608
        f"AS r FROM {table} d, (SELECT {query.columns}) AS query "
        f"WHERE {query.match} AND d.kind IN ({marks}) "
        "ORDER BY r DESC, d.id LIMIT %s"
    )
    rank_weights = [BODY_WEIGHT / HEADING_WEIGHT, 1.0]
    with _connection().cursor() as cursor:
        cursor.execute(sql, [*rank_weights, *query.params, *kinds, limit])
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def _ranked(
    terms: Sequence[Term], *, whole: Phrase | None, kinds: Sequence[str], strict: bool,
    limit: int = MAX_HITS,
) -> list[tuple[int, float]]:
    """The best documents' ids with their scores (the higher the better; comparable
    between queries of one index, not between SQLite and PostgreSQL)."""
    options: dict[str, Any] = {"whole": whole, "kinds": kinds, "strict": strict,
                               "limit": limit}
    vendor = _connection().vendor
    if vendor == "sqlite":
        return _ranked_sqlite(terms, **options)
    if vendor == "postgresql":
        return _ranked_postgresql(terms, **options)
    raise ImproperlyConfigured(f"search needs SQLite or PostgreSQL, not {vendor}")


# --------------------------------------------------------------------------- common words

# A word found in more than this share of the documents searched (and in more than
# COMMON_MIN of them) is common: ranking it costs a score for each of those documents,
# while it tells little about which of them is meant (bm25 and ts_rank weigh it little
# for that reason).
COMMON_SHARE = 0.01
COMMON_MIN = 1000
COUNTS_SECONDS = 600.0  # how long a count is reused
COUNTS_MAX = 20_000

# (database alias, what was counted) → (documents, when counted). Per process: a count a
# few minutes old makes a query's plan a little less apt, never its results wrong.
_counts: dict[tuple[str, str], tuple[int, float]] = {}


def _counted(key: str, count: Callable[[], int]) -> int:
    cache_key = (_connection().alias, key)
    now = time.monotonic()
    cached = _counts.get(cache_key)
    if cached is not None and now - cached[1] < COUNTS_SECONDS:
        return cached[0]
    if len(_counts) >= COUNTS_MAX:
        _counts.clear()
    value = count()
    _counts[cache_key] = (value, now)
    return value


def _scalar(sql: str, params: Sequence[Any]) -> int:
    with _connection().cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _documents_of(kinds: Sequence[str]) -> int:
    wanted = sorted(set(kinds))
    return _counted(f"kinds:{','.join(wanted)}", lambda: SearchDocument.objects.filter(
        kind__in=wanted).count())


def _documents_with(term: Term, *, kinds: Sequence[str], cap: int) -> int:
    """How many documents of the kinds have the term (in the heading, if heading-only),
    counted up to `cap` + 1."""
    connection = _connection()
    if connection.vendor == "sqlite":
        expression = f"{_fts5_kinds(kinds)} AND ({_fts5_term(term)})"
        sql = ("SELECT count(*) FROM (SELECT 1 FROM search_document_fts "
               "WHERE search_document_fts MATCH %s LIMIT %s)")
        return _counted(expression, lambda: _scalar(sql, [expression, cap + 1]))
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    query = _postgres_query([term], whole=None, strict=True)
    marks = ", ".join(["%s"] * len(kinds))
    sql = (f"SELECT count(*) FROM (SELECT 1 FROM {table} d, "  # noqa: S608 — no input
           f"(SELECT {query.columns}) AS query "
           f"WHERE {query.match} AND d.kind IN ({marks}) LIMIT %s) AS found")
    values = [*query.params, *kinds]
    return _counted(f"{sql} {values}", lambda: _scalar(sql, [*values, cap + 1]))


def search_word_documents(*, query: Query, kinds: Sequence[str]) -> tuple[int, list[int]]:
    """How many documents of the kinds there are, and how many have each word of the
    query (any of its phrases, anywhere) — a word's count up to 1% of them (at least
    COMMON_MIN) and that cap + 1 above it: enough to tell a rare word from a common one.
    Counted per process and reused for a few minutes, as `query_plan`'s counts are."""
    total = _documents_of(kinds)
    cap = min(total, int(max(COMMON_MIN, COMMON_SHARE * total)))
    return total, [_documents_with(term, kinds=kinds, cap=cap) for term in _terms(query)]


@dataclass(frozen=True)
class Plan:
    strict: list[Term]  # every word
    relaxed: list[Term]  # any of these words


def query_plan(query: Query, *, kinds: Sequence[str]) -> Plan:
    """How a question is asked of many documents. A rare word is looked for everywhere; a
    common one only in the headings, and not at all where it is common even there (in
    the relaxed query: the strict one asks for every word, where one of them is rare —
    the database then only reads the documents of the rare one — and in the headings
    otherwise). A few documents are asked for every word everywhere."""
    terms = _terms(query)
    total = _documents_of(kinds)
    common = int(max(COMMON_MIN, COMMON_SHARE * total))
    if total <= common or not terms:
        return Plan(strict=terms, relaxed=terms)
    rare: list[Term] = []
    heading: list[Term] = []
    for term in terms:
        if _documents_with(term, kinds=kinds, cap=common) <= common:
            rare.append(term)
        elif _documents_with(term.in_heading(), kinds=kinds, cap=common) <= common:
            heading.append(term.in_heading())
    strict = terms if rare else [term.in_heading() for term in terms]
    return Plan(strict=strict, relaxed=[*rare, *heading])


# --------------------------------------------------------------------------- results


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


@dataclass(frozen=True)
class _Found:
    ids: list[int]
    relaxed: bool


def _portal_ranked(query: Query, kinds: Sequence[str]) -> _Found:
    """The portal's good matches, best first: every word, or failing that some of them
    covering `GOOD_COVERAGE` of the query. Where some have a word of the query in their
    heading, those without are left out: they have the words in passing (a material's
    name, a condition: 出生登记 needs the parents' 结婚证, yet is no answer to 结婚). Among
    the first `HEADING_FIRST`, those whose heading has more of the query come first: the
    item 存量房交易合同网签备案 before the life event that only contains it."""
    if not query or not kinds:
        return _Found(ids=[], relaxed=False)
    terms = _terms(query)
    ranked = _ranked(terms, whole=query.whole, kinds=kinds, strict=True)
    relaxed = False
    if not ranked and len(terms) > 1:
        ranked = _ranked(terms, whole=query.whole, kinds=kinds, strict=False,
                         limit=RELAXED_HITS)
        relaxed = True
    ids = [pk for pk, _score in ranked]
    if relaxed:  # the bodies too, for the words a document has
        rows = {pk: (heading, body) for pk, heading, body in SearchDocument.objects.filter(
            pk__in=ids).values_list("pk", "heading_tokens", "body_tokens")}
        headings = {pk: heading for pk, (heading, _body) in rows.items()}
        ids = [pk for pk in ids
               if pk in rows and coverage(query, " ".join(rows[pk])) >= GOOD_COVERAGE]
    else:
        headings = dict(SearchDocument.objects.filter(pk__in=ids).values_list(
            "pk", "heading_tokens"))
    in_heading = {pk: coverage(query, headings.get(pk, "")) for pk in ids}
    if any(in_heading.values()):
        ids = [pk for pk in ids if in_heading[pk] > 0]
    first = sorted(ids[:HEADING_FIRST], key=lambda pk: -in_heading[pk])  # stable
    return _Found(ids=[*first, *ids[HEADING_FIRST:]], relaxed=relaxed and bool(ids))


def search_run(
    *, text: str, kinds: Sequence[str] = GUIDE_KINDS, page: Any = 1, per_page: int = PER_PAGE
) -> SearchResults:
    """Search what a person typed; never raises on any text. `page` may be anything a
    query string holds: a number out of range gives the last page, nonsense the first.

    Only good matches are listed (`_portal_ranked`). When there is none, a spelling
    correction of the query is searched instead if it finds good ones (`corrected`);
    otherwise the results are empty and carry words to try (`suggestions`)."""
    query = query_parse(text)
    found = _portal_ranked(query, kinds)
    corrected = ""
    suggestions: list[str] = []
    if not found.ids and query and kinds:
        for shortest in (SPELLING_MIN_CHARS, SPELLING_SHORT_CHARS):
            if shortest < SPELLING_MIN_CHARS and len(query.groups) < 2:
                break  # a short word alone is not corrected
            fixed = spelling_correct(text, kinds=kinds, shortest=shortest)
            if not fixed or fixed in suggestions:
                continue
            fixed_query = query_parse(fixed)
            fixed_found = _portal_ranked(fixed_query, kinds)
            # A short word's correction only where it then finds every word.
            if fixed_found.ids and (shortest >= SPELLING_MIN_CHARS or not fixed_found.relaxed):
                query, found, corrected = fixed_query, fixed_found, fixed
                break
            suggestions.append(fixed)
        if not corrected:
            suggestions += related_words(text, kinds=kinds, exclude=suggestions,
                                         limit=SUGGESTIONS - len(suggestions))
    paginator: Paginator[int] = Paginator(found.ids, per_page)
    id_page = paginator.get_page(page)
    documents_found = SearchDocument.objects.select_related("department").in_bulk(
        list(id_page))
    documents = [documents_found[pk] for pk in id_page if pk in documents_found]
    hits = _hits(documents, query.highlight)
    return SearchResults(
        query=query, page=Page(hits, id_page.number, paginator),  # type: ignore[arg-type]
        relaxed=found.relaxed, corrected=corrected, suggestions=tuple(suggestions),
    )


def search_plain(*, text: str, kinds: Sequence[str] = GUIDE_KINDS,
                 limit: int = PER_PAGE) -> list[str]:
    """The keys of the documents a plain full-text query finds: the words as typed, no
    synonyms, English phrases, traditional characters, spelling or weak-match steps; every
    word, or failing that any of them. The benchmark's baseline."""
    query = query_parse(text, widen=False)
    if not query or not kinds:
        return []
    terms = _terms(query)
    ranked = _ranked(terms, whole=query.whole, kinds=kinds, strict=True, limit=limit)
    if not ranked and len(terms) > 1:
        ranked = _ranked(terms, whole=query.whole, kinds=kinds, strict=False, limit=limit)
    keys = dict(SearchDocument.objects.filter(pk__in=[pk for pk, _ in ranked]).values_list(
        "pk", "key"))
    return [keys[pk] for pk, _score in ranked if pk in keys]


@dataclass(frozen=True)
class BestHit:
    hit: SearchHit
    score: float  # the database's relevance, higher is better (see `_ranked`)
    every_word: bool  # the document has every word, not only some


@dataclass(frozen=True)
class BestResults:
    query: Query
    hits: list[BestHit]


def search_best(*, text: str, kinds: Sequence[str], limit: int,
                query: Query | None = None) -> BestResults:
    """The best `limit` documents of the kinds for what a person typed or said: those
    with every word (or one of its synonyms) first, then, to fill the list, those with
    some of them — a question asked in a sentence seldom has all its words in one
    document. Common words are looked for as `query_plan` says. `query`, when given, is
    the text already parsed (and perhaps narrowed to some of its words). Never raises on
    any text."""
    if query is None:
        query = query_parse(text)
    ranked: list[tuple[int, float]] = []
    strict = 0
    if query and kinds and limit > 0:
        plan = query_plan(query, kinds=kinds)
        ranked = _ranked(plan.strict, whole=query.whole, kinds=kinds, strict=True,
                         limit=limit)
        strict = len(ranked)
        if strict < limit and len(query.groups) > 1 and plan.relaxed:
            seen = {pk for pk, _score in ranked}
            more = _ranked(plan.relaxed, whole=None, kinds=kinds, strict=False,
                           limit=limit + strict)
            ranked += [(pk, score) for pk, score in more if pk not in seen][:limit - strict]
    found = SearchDocument.objects.select_related("department").in_bulk(
        [pk for pk, _score in ranked])
    kept = [(found[pk], score, index < strict)
            for index, (pk, score) in enumerate(ranked) if pk in found]
    hits = _hits([document for document, _score, _every in kept], query.highlight)
    return BestResults(query=query, hits=[
        BestHit(hit=hit, score=score, every_word=every)
        for hit, (_document, score, every) in zip(hits, kept, strict=True)])


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
    rows = list(documents.values("department__code").annotate(count=Count("id"))
                .order_by("department__code"))
    # The names through the model: in the visitor's language, Chinese as the fallback.
    names = {d.code: d.name for d in
             Department.objects.filter(code__in=[row["department__code"] for row in rows])}
    return [
        Facet(value=row["department__code"], label=names.get(row["department__code"], ""),
              count=row["count"])
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
