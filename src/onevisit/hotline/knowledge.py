"""The hotline's knowledge base (知识库): what an agent reads while the caller is on the line.

It is built on the portal's search index (`onevisit.search`): the catalogue's guides — a
service item's and a life event's, indexed as they are published — and two kinds of
entries of its own, each linked to the items it is about:

- FAQ entries (常见问题), written and edited by the centre's staff;
- past answers (历史答复), each taken from a closed ticket: its question and the
  department's reply.

An entry is indexed in the transaction that saves it and dropped from the index in the
one that deactivates it; `onevisit search reindex` rebuilds both kinds from the active
entries (the sources are registered in `HotlineConfig.ready`).

`knowledge_search` takes what the caller says, as she says it ("孩子刚出生要办哪些手续"),
and returns the best few hits over guides and entries alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.selectors import items_published
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.hotline.constants import KnowledgeKind, TicketStatus, TicketType
from onevisit.hotline.dispatch.rules import simplified
from onevisit.hotline.models import KnowledgeEntry, Ticket
from onevisit.search.constants import ITEM, LIFE_EVENT
from onevisit.search.selectors import BestHit, search_best, search_word_documents
from onevisit.search.services import (
    DocumentInput,
    DocumentSource,
    search_document_put,
    search_document_remove,
    search_documents_put_many,
)
from onevisit.search.text import (
    MAX_QUERY_WORDS,
    Phrase,
    Segment,
    phrase_in,
    query_parse,
)

ENTRY_KINDS: tuple[str, ...] = (KnowledgeKind.FAQ.value, KnowledgeKind.ANSWER.value)
GUIDE_KINDS: tuple[str, ...] = (LIFE_EVENT, ITEM)
KNOWLEDGE_KINDS: tuple[str, ...] = (*GUIDE_KINDS, *ENTRY_KINDS)

# A guide is the catalogue's own, checked statement of a service: in the order of the
# list its score counts double, so an FAQ or a past answer comes before it only when it
# matches the question clearly better.
GUIDE_WEIGHT = 2.0

# The pages a guide hit links to (`reverse(url_name, args=[code])`).
GUIDE_URL_NAMES: dict[str, str] = {ITEM: "web:item", LIFE_EVENT: "web:life_event"}

KIND_LABELS: dict[str, Any] = {
    ITEM: gettext_lazy("办事指南"),
    LIFE_EVENT: gettext_lazy("一件事"),
    KnowledgeKind.FAQ: KnowledgeKind.FAQ.label,
    KnowledgeKind.ANSWER: KnowledgeKind.ANSWER.label,
}

MAX_LIMIT = 20
MAX_ITEM_CODES = 20
# Who writes the knowledge base: the centre's agents and dispatchers and the catalogue's
# editors (and the system itself: loaders and commands act as None).
EDITOR_ROLES = (Role.AGENT, Role.DISPATCHER, Role.EDITOR)


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Calibration:
    """When the knowledge base has a good answer, and which hits are worth showing.

    A hit's confidence is the share of the question's words it has, each word weighed by
    how rare it is among the documents of its kind (bm25's idf, as if among at least
    RARITY_MIN_DOCUMENTS), a word in the heading counting whole and one only in the body
    `body` of it. A word no document has — the question's matter may well be one the
    knowledge base does not cover (公积金提取, 入学报名) — weighs `unmatched` times as much
    as the rarest word could (the idf of a count of 0); a word of one character (新, 上,
    开) only `single_character` of its weight. The share is comparable between
    questions, short or long, where a database score is not.

    The values were chosen on the development half of
    `bench/data/hotline/knowledge-questions.csv` (its 1st, 3rd, 5th, … rows; the other
    half is only measured), among values that keep the template set's top-5
    (`demo/questions.py`): the mean of precision among the hits shown, top-1,
    off-catalogue questions shown no guide and in-catalogue questions shown one, the
    fewest of these left without a guide among near-equal values. `onevisit bench
    hotline --parts knowledge` prints the sweep.
    """

    floor: float = 0.10  # a guide below this confidence is not a good answer
    entry_floor: float = 0.40  # nor an FAQ entry or a past answer below this one
    relative: float = 0.70  # a hit shown has at least this share of its kind's best one
    body: float = 0.5
    unmatched: float = 1.0
    single_character: float = 0.25  # a word of one Chinese character weighs this share


CALIBRATION = Calibration()
CANDIDATES = 10  # guides looked at before the cut (an item may come back before its event)
NEAR_GUIDES = 3  # with no good answer, the nearest guides shown apart as leads
QUESTION_MAX_CHARS = 300  # of what the caller says, longer than a search box's query
QUESTION_MAX_WORDS = 40
# A word's rarity is judged as if among at least this many documents: among the few
# entries of a new knowledge base, every word would look rare or common by chance.
RARITY_MIN_DOCUMENTS = 100

# The question asks about a whole life event — what to do, where, how many trips — not
# one of its items: the life event then stays ahead of its items.
WHOLE_EVENT = re.compile(
    "哪些手续|什么手续|哪些部门|几个部门|几个地方|跑几|几趟|一起|一次|一窗|一个窗口|全部|"
    "全流程|流程|都要办|要办哪些|都办|整套|一共|整个|所有|哪几"
)


@dataclass(frozen=True)
class KnowledgeHit:
    kind: str  # item or life_event (guides), faq or answer (entries)
    key: str  # the guide's code, or the entry's id
    title: str
    title_marked: list[Segment]  # the title, the question's words marked
    snippet: list[Segment]
    item_codes: tuple[str, ...]  # the items it is about; a bundle's are its stages' items
    department_names: tuple[str, ...]
    code: str | None  # a guide's item or life event code
    url_name: str | None  # a guide's page: reverse(url_name, args=[code])
    entry_id: int | None  # an entry's id
    every_word: bool  # it has every word of the question, not only some
    confidence: float = 0.0  # the weighed share of the question's words it has (Calibration)

    @property
    def is_guide(self) -> bool:
        return self.kind in GUIDE_KINDS

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


@dataclass(frozen=True)
class KnowledgeAnswer:
    """What the knowledge base says to a question: the hits worth reading, or none — then
    `found` is False and the agent takes the matter on as a ticket for the department
    responsible (the page says so)."""

    text: str
    hits: list[KnowledgeHit]
    whole_event: bool  # the question is about a whole life event
    # With no good answer: the guides that came nearest, below the floor — shown apart,
    # as leads the agent may check, never as the answer.
    near: list[KnowledgeHit] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.hits)


def _hit(best: BestHit, confidence: float) -> KnowledgeHit:
    hit = best.hit
    document = hit.document
    guide = document.kind in GUIDE_KINDS
    if document.kind == ITEM:
        item_codes: tuple[str, ...] = (document.key,)
    else:
        item_codes = tuple(document.extra.get("item_codes", ()))
    return KnowledgeHit(
        kind=document.kind, key=document.key, title=document.title, title_marked=hit.title,
        snippet=hit.snippet, item_codes=item_codes,
        department_names=tuple(hit.department_names),
        code=document.key if guide else None,
        url_name=GUIDE_URL_NAMES.get(document.kind) if guide else None,
        entry_id=None if guide else int(document.key), every_word=best.every_word,
        confidence=confidence,
    )


def _idf(documents: int, total: int) -> float:
    return math.log(1.0 + (total - documents + 0.5) / (documents + 0.5))


class _Tokens:
    """An indexed text's tokens, asked for phrases: a one-word phrase by a set lookup."""

    def __init__(self, tokens: str) -> None:
        self.tokens = tokens.split()
        self.words = frozenset(self.tokens)

    def has(self, phrase: Phrase) -> bool:
        if phrase[0] not in self.words:
            return False
        return len(phrase) == 1 or phrase_in(self.tokens, phrase)


def _one_character(group: tuple[Phrase, ...]) -> bool:
    """A word of one Chinese character (新, 上, 开): its sense is the compound's it
    stands in, so what it matches tells little."""
    word = group[0][0] if group and group[0] else ""
    return len(word) == 1 and not word.isascii()


def _scored(text: str, *, kinds: Sequence[str], candidates: int, calibration: Calibration
            ) -> list[tuple[float, BestHit]]:
    """The best candidates of the kinds with their confidence, the most confident first."""
    query = query_parse(text, max_chars=QUESTION_MAX_CHARS, max_words=QUESTION_MAX_WORDS)
    if not query:
        return []
    total, counts = search_word_documents(query=query, kinds=kinds)
    total = max(total, RARITY_MIN_DOCUMENTS)
    # What a caller says runs long, her matter often last: the database is asked the first
    # words some document has, and the others weigh only in the share.
    searched = query.narrowed([index for index, count in enumerate(counts) if count]
                              [:MAX_QUERY_WORDS])
    found = search_best(text=text, kinds=kinds, limit=candidates, query=searched)
    weights = [
        (_idf(count, total) if count else calibration.unmatched * _idf(0, total))
        * (calibration.single_character if _one_character(group) else 1.0)
        for group, count in zip(query.groups, counts, strict=True)]
    whole = sum(weights) or 1.0
    scored = []
    for best in found.hits:
        document = best.hit.document
        heading, body = _Tokens(document.heading_tokens), _Tokens(document.body_tokens)
        share = 0.0
        for group, weight in zip(query.groups, weights, strict=True):
            if any(heading.has(phrase) for phrase in group):
                share += weight
            elif any(body.has(phrase) for phrase in group):
                share += calibration.body * weight
        scored.append((share / whole, best))
    scored.sort(key=lambda pair: (-round(pair[0], 9), -pair[1].score))
    return scored


def _kept(scored: list[tuple[float, BestHit]], *, floor: float, calibration: Calibration
          ) -> list[tuple[float, BestHit]]:
    if not scored:
        return []
    best = scored[0][0]
    return [(confidence, hit) for confidence, hit in scored
            if confidence >= floor and confidence >= calibration.relative * best]


def _items_first(guides: list[tuple[float, BestHit]], scored: list[tuple[float, BestHit]],
                 calibration: Calibration) -> list[tuple[float, BestHit]]:
    """Each life event shown goes behind the best item of its own that answers the
    question (taken from the candidates if the cut had left it out): a question about one
    step (出生医学证明怎么补办) is answered by that item, not by the bundle around it."""
    ordered = list(guides)
    for event in [pair for pair in guides if pair[1].hit.document.kind == LIFE_EVENT]:
        codes = set(event[1].hit.document.extra.get("item_codes", ()))
        item = next((pair for pair in scored if pair[1].hit.document.kind == ITEM
                     and pair[1].hit.document.key in codes
                     and pair[0] >= calibration.floor), None)
        if item is None:
            continue
        position = ordered.index(event)
        if item in ordered:
            if ordered.index(item) < position:
                continue
            ordered.remove(item)
        ordered.insert(position, item)
    return ordered


def knowledge_answer(*, text: str, limit: int = 5,
                     calibration: Calibration = CALIBRATION) -> KnowledgeAnswer:
    """The hits worth reading for a question, at most `limit`: the guides and entries
    (FAQ and past answers) confident enough (`Calibration`), or none at all when nothing
    is — a matter the catalogue and the knowledge base do not cover is not answered with
    the guides that share a word with it.

    Guides are searched apart from entries (however many entries there are, they neither
    slow the search of the guides nor push the right guide off the list) and take at least
    half the places (3 of 5) when both have hits. Within each, the most confident first;
    an item ahead of a life event that merely contains it, unless the question is about
    the whole event (WHOLE_EVENT: "孩子出生要办哪些手续"). An entry comes before a guide
    only when it is GUIDE_WEIGHT times as confident. Never raises on any text; an empty
    question finds nothing."""
    limit = max(0, min(limit, MAX_LIMIT))
    text = simplified(text)  # 過戶 is looked for as 过户: the index holds simplified text
    whole_event = bool(WHOLE_EVENT.search(text))
    if limit == 0:
        return KnowledgeAnswer(text=text, hits=[], whole_event=whole_event)
    scored_guides = _scored(text, kinds=GUIDE_KINDS, candidates=CANDIDATES,
                            calibration=calibration)
    guides = _kept(scored_guides, floor=calibration.floor, calibration=calibration)
    if not whole_event:
        guides = _items_first(guides, scored_guides, calibration)
    entries = _kept(_scored(text, kinds=ENTRY_KINDS, candidates=limit, calibration=calibration),
                    floor=calibration.entry_floor, calibration=calibration)
    guide_places = max(limit - len(entries), (limit + 1) // 2)
    guides = guides[:guide_places]
    entries = entries[:limit - len(guides)]
    chosen: list[tuple[float, BestHit]] = []
    while guides or entries:
        if guides and (not entries or guides[0][0] * GUIDE_WEIGHT >= entries[0][0]):
            chosen.append(guides.pop(0))
        else:
            chosen.append(entries.pop(0))
    near = [] if chosen else [_hit(best, confidence)
                              for confidence, best in scored_guides[:NEAR_GUIDES]]
    return KnowledgeAnswer(text=text, whole_event=whole_event,
                           hits=[_hit(best, confidence) for confidence, best in chosen],
                           near=near)


def knowledge_search(*, text: str, limit: int = 5) -> list[KnowledgeHit]:
    """The hits of `knowledge_answer`: an empty list when there is no good answer."""
    return knowledge_answer(text=text, limit=limit).hits


def knowledge_entry_get(*, entry_id: int) -> KnowledgeEntry | None:
    return (KnowledgeEntry.objects.select_related("department", "updated_by", "source_ticket")
            .filter(pk=entry_id).first())


def knowledge_entries(*, kind: str | None = None, active: bool = True,
                      item_code: str | None = None) -> QuerySet[KnowledgeEntry]:
    """Entries, the latest changed first; of a kind, or linked to an item."""
    entries = KnowledgeEntry.objects.filter(active=active).select_related("department")
    if kind is not None:
        entries = entries.filter(kind=kind)
    if item_code is not None:
        # The JSON list's text holds each code quoted (SQLite has no JSON containment).
        entries = entries.filter(item_codes__icontains=f'"{item_code}"')
    return entries.order_by("-updated_at", "-id")


# --------------------------------------------------------------------------- the index


def _item_names(codes: Iterable[str]) -> dict[str, str]:
    """Names of the published items among `codes`, by code."""
    wanted = set(codes)
    if not wanted:
        return {}
    return dict(items_published().filter(code__in=wanted).values_list("code", "name"))


def knowledge_entry_document(
    entry: KnowledgeEntry, *, item_names: Mapping[str, str]
) -> DocumentInput:
    """What an entry is indexed as. The names of its items and its department are searched
    with it (not shown): an FAQ written as "要带什么材料" under 社会保障卡申领 is found by
    "办社保卡要带什么"."""
    department = entry.department.name if entry.department_id and entry.department else ""
    hidden = [item_names[code] for code in entry.item_codes if item_names.get(code)]
    return DocumentInput(
        kind=entry.kind, key=str(entry.pk), title=entry.title, body=entry.body,
        hidden_text="\n".join([*hidden, department]).strip(),
        department_id=entry.department_id,
        extra={"item_codes": list(entry.item_codes)},
    )


def _index(entry: KnowledgeEntry) -> None:
    search_document_put(document=knowledge_entry_document(
        entry, item_names=_item_names(entry.item_codes)))


def _entries_documents(entries: Iterable[KnowledgeEntry]) -> Iterator[DocumentInput]:
    names: dict[str, str] = {}  # by code; "" for a code no published item has
    for entry in entries:
        missing = [code for code in entry.item_codes if code not in names]
        if missing:
            found = _item_names(missing)
            names.update((code, found.get(code, "")) for code in missing)
        yield knowledge_entry_document(entry, item_names=names)


def knowledge_entries_index(*, entries: Iterable[KnowledgeEntry]) -> int:
    """Index many entries at once (an imported knowledge base): through the search index's
    bulk path. Inactive entries are dropped from the index instead. Returns the count
    indexed."""
    active: list[KnowledgeEntry] = []
    for entry in entries:
        if entry.active:
            active.append(entry)
        else:
            search_document_remove(kind=entry.kind, key=str(entry.pk))
    return len(search_documents_put_many(documents=_entries_documents(active)))


def knowledge_source(kind: str) -> DocumentSource:
    """The search source of one kind of entry: every active entry, for a full rebuild."""

    def source() -> Iterator[DocumentInput]:
        entries = (KnowledgeEntry.objects.filter(kind=kind, active=True)
                   .select_related("department").order_by("pk"))
        yield from _entries_documents(entries.iterator(chunk_size=1000))

    return source


# --------------------------------------------------------------------------- writing


def _editor_require(actor: Any) -> None:
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if str(getattr(actor, "role", "")) not in EDITOR_ROLES:
        raise NotAllowed(_("您的角色不能编辑知识库"))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _clean_codes(item_codes: Any, errors: dict[str, Any]) -> list[str]:
    """The codes, trimmed and deduplicated in order; each must name a published item."""
    if isinstance(item_codes, str) or not isinstance(item_codes, Sequence) or not all(
        isinstance(code, str) for code in item_codes
    ):
        errors["item_codes"] = _("事项编码须为编码列表")
        return []
    codes = list(dict.fromkeys(code.strip() for code in item_codes if code.strip()))
    if len(codes) > MAX_ITEM_CODES:
        errors["item_codes"] = _("最多关联 %(count)d 个事项") % {"count": MAX_ITEM_CODES}
        return []
    known = _item_names(codes)
    unknown = [code for code in codes if code not in known]
    if unknown:
        errors["item_codes"] = _("事项目录中没有这些事项：%(codes)s") % {
            "codes": "、".join(unknown)}
    return codes


def _clean(*, kind: str, title: str, body: str, item_codes: Any) -> tuple[str, str, list[str]]:
    errors: dict[str, Any] = {}
    if kind not in ENTRY_KINDS:
        errors["kind"] = _("类型须为常见问题或历史答复")
    title = " ".join(str(title).split())
    body = str(body).strip()
    max_title = KnowledgeEntry._meta.get_field("title").max_length or 200
    if not title:
        errors["title"] = _("请填写问题")
    elif len(title) > max_title:
        errors["title"] = _("问题不能超过 %(count)d 个字") % {"count": max_title}
    if not body:
        errors["body"] = _("请填写答案")
    codes = _clean_codes(item_codes, errors)
    if errors:
        raise InvalidInput(_("知识条目未保存，请按提示修改"), errors)
    return title, body, codes


def _entry_lock(entry_id: int) -> KnowledgeEntry:
    entry = KnowledgeEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("知识条目不存在"))
    return entry


@atomic_audited
def knowledge_entry_save(
    *, entry_id: int | None = None, kind: str, title: str, body: str,
    item_codes: Sequence[str], actor: Any,
) -> KnowledgeEntry:
    """Add an entry (no `entry_id`) or change one, and index it in the same transaction.
    Every item code must name an item of the published catalogue; a refused entry changes
    nothing. A deactivated entry is not edited."""
    _editor_require(actor)
    title, body, codes = _clean(kind=kind, title=title, body=body, item_codes=item_codes)
    now = clock.now()
    if entry_id is None:
        entry = KnowledgeEntry.objects.create(
            kind=kind, title=title, body=body, item_codes=codes, active=True,
            updated_at=now, updated_by=_user(actor),
        )
        action = "knowledge_entry.created"
    else:
        entry = _entry_lock(entry_id)
        if not entry.active:
            raise Conflict(_("知识条目已停用，不能修改"))
        if entry.kind != kind:
            search_document_remove(kind=entry.kind, key=str(entry.pk))
        entry.kind, entry.title, entry.body, entry.item_codes = kind, title, body, codes
        entry.updated_at, entry.updated_by = now, _user(actor)
        entry.save(update_fields=["kind", "title", "body", "item_codes", "updated_at",
                                  "updated_by"])
        action = "knowledge_entry.updated"
    _index(entry)
    audit_record(actor=actor, action=action, entity="knowledge_entry", entity_id=entry.pk,
                 data={"kind": entry.kind, "title": entry.title, "item_codes": codes})
    return entry


@atomic_audited
def knowledge_entry_deactivate(*, entry_id: int, actor: Any) -> KnowledgeEntry:
    """Take an entry out of the knowledge base: it is no longer found. The row is kept
    (the audit chain and a ticket's history may name it)."""
    _editor_require(actor)
    entry = _entry_lock(entry_id)
    if not entry.active:
        raise Conflict(_("知识条目已停用"))
    entry.active = False
    entry.updated_at, entry.updated_by = clock.now(), _user(actor)
    entry.save(update_fields=["active", "updated_at", "updated_by"])
    search_document_remove(kind=entry.kind, key=str(entry.pk))
    audit_record(actor=actor, action="knowledge_entry.deactivated", entity="knowledge_entry",
                 entity_id=entry.pk, data={"kind": entry.kind})
    return entry


def _ticket_item_codes(ticket: Ticket) -> list[str]:
    """The items of the ticket's application: its item, or its life event's stage items."""
    application = ticket.application
    if application is None:
        return []
    if application.item_id is not None and application.item is not None:
        codes = [application.item.code]
    elif application.life_event is not None:
        codes = [stage.item_code for stage in application.life_event.stages.all()]
    else:
        codes = []
    names = _item_names(codes)
    return [code for code in dict.fromkeys(codes) if code in names]


@atomic_audited
def knowledge_answer_from_ticket(*, ticket: Ticket, actor: Any) -> KnowledgeEntry:
    """Keep a closed ticket's answer for the next caller who asks the same: its title
    (the agent's summary of the question) and the department's reply become a past answer,
    linked to the items of the ticket's application if it has one. Taken again — after the
    ticket was reopened and answered anew — the same entry is updated (and active again).

    The caller's own account is not copied (it may name people and places), and a report
    (举报) is never taken: its handling is confidential."""
    _editor_require(actor)
    locked = Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    if locked is None:
        raise NotFound(_("工单不存在"))
    if locked.type == TicketType.REPORT:
        raise InvalidInput(_("举报工单不能转为历史答复"),
                           {"ticket": _("举报内容须保密")})
    if locked.status != TicketStatus.CLOSED:
        raise Conflict(_("只有已办结的工单可以转为历史答复"))
    reply = locked.reply.strip()
    if not reply:
        raise InvalidInput(_("工单没有答复内容"), {"reply": _("必填")})
    title = " ".join(locked.title.split())
    codes = _ticket_item_codes(locked)
    now = clock.now()
    entry = (KnowledgeEntry.objects.select_for_update()
             .filter(source_ticket=locked, kind=KnowledgeKind.ANSWER).order_by("pk").first())
    created = entry is None
    if entry is None:
        entry = KnowledgeEntry.objects.create(
            kind=KnowledgeKind.ANSWER, title=title, body=reply, item_codes=codes,
            department_id=locked.lead_department_id, source_ticket=locked, active=True,
            updated_at=now, updated_by=_user(actor),
        )
    else:
        entry.title, entry.body, entry.item_codes = title, reply, codes
        entry.department_id, entry.active = locked.lead_department_id, True
        entry.updated_at, entry.updated_by = now, _user(actor)
        entry.save(update_fields=["title", "body", "item_codes", "department", "active",
                                  "updated_at", "updated_by"])
    entry = KnowledgeEntry.objects.select_related("department").get(pk=entry.pk)
    _index(entry)
    audit_record(actor=actor, action="knowledge_entry.answer_from_ticket",
                 entity="knowledge_entry", entity_id=entry.pk,
                 data={"ticket": locked.number, "created": created, "item_codes": codes})
    return entry
