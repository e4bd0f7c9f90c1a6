"""最多投一次: a new 12345 ticket matched against the open tickets.

Many callers often report one matter (a street light out, a stall blocking a pavement):
their tickets are merged under a master ticket and answered together. The same caller
calling again on her open matter is a repeat: linked to her first ticket, which it
escalates — never a new independent ticket. This module finds those matches and says why.

How:

- Tokens: the words of a ticket's title and text in simplified characters (jieba with the
  search vocabulary, `onevisit.search.text.index_tokens`), the subject and trouble words
  of the shared vocabulary file `search/data/subjects.txt` found in the text with the
  subject and trouble they name (路灯坏了 → 路灯, 不亮; not a word the caller denies:
  不是油烟), then those of its address without the divisions the region field already
  gives, less stopwords, single characters and what every call says (`FILLER`). Stored
  on the ticket (`Ticket.tokens`), they give the stated reasons.
- Candidates: MinHash with locality-sensitive hashing. A signature of `BANDS × ROWS`
  minimum hashes of the token set, a subject, a name or a number weighing more, is cut
  into `BANDS` bands of `ROWS` values; two tickets of Jaccard similarity s share a
  band with probability 1 − (1 − s^ROWS)^BANDS. Beside them a key band per subject and
  word of the place (`duplicate_keys`: 路灯 中山东路), which a paraphrase in other words
  shares with its original when it shares few words. A band is hashed with the ticket's
  county (a neighbouring township's ticket is found; the county handles the matter) and
  stored as a `DuplicateBand` row while the ticket is open. One query reads, through the
  band index, the most recent `PER_BAND` tickets of each band of a new ticket; those
  sharing the rarest bands come first, at most `CANDIDATES` of them, with the caller's
  own open tickets.
- Score: each candidate is scored exactly (`duplicate_score`: what they say, where, the
  subjects, troubles and numbers they name, the township). From `SAME_MATTER_THRESHOLD`
  another caller's ticket is the same matter, to merge; the caller's own, from
  `SAME_CALLER_THRESHOLD`, is her repeat — no lower: her next matter at her door is no
  repeat. From `POSSIBLE_THRESHOLD` a match is a possible duplicate (可能重复): shown to the
  agent with its reasons, merged by nobody but the dispatcher.

The hashes are fixed (SHAKE-128 and BLAKE2b of UTF-8), so every process and every release
computes the same bands. A change of `BANDS`, `ROWS`, `RARE_FREQUENCY`, the keys, the
token rules or the subjects file raises `TOKENS_VERSION` and ships with a migration that
rebuilds the index (`duplicate_index_rebuild(retokenize=True)`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from onevisit.hotline.constants import OPEN_STATUSES
from onevisit.hotline.duplicates.index import (
    BANDS,
    CANDIDATES,
    COUNTY_DIGITS,
    KEY_ANCHORS,
    KEY_SUBJECTS,
    PER_BAND,
    ROWS,
    duplicate_bands,
    duplicate_index_add,
    duplicate_index_rebuild,
    duplicate_index_remove,
    duplicate_keys,
    duplicate_signature,
)
from onevisit.hotline.duplicates.score import (
    POSSIBLE_THRESHOLD,
    SAME_CALLER_THRESHOLD,
    SAME_MATTER_THRESHOLD,
    Difference,
    DuplicateScore,
    _score,
    _shown,
    address_similarity,
    duplicate_score,
)
from onevisit.hotline.duplicates.tokens import (
    RARE_FREQUENCY,
    TOKENS_VERSION,
    address_place,
    ticket_said,
    ticket_tokens,
)
from onevisit.hotline.models import DuplicateBand, Ticket

__all__ = [
    "BANDS", "CANDIDATES", "COUNTY_DIGITS", "KEY_ANCHORS", "KEY_SUBJECTS", "PER_BAND",
    "POSSIBLE_THRESHOLD", "RARE_FREQUENCY", "ROWS", "SAME_CALLER_THRESHOLD",
    "SAME_MATTER_THRESHOLD", "TOKENS_VERSION", "Candidate", "DuplicateMatch", "DuplicateScore",
    "MatchKind", "address_place", "address_similarity", "duplicate_bands",
    "duplicate_candidates", "duplicate_index_add", "duplicate_index_rebuild",
    "duplicate_index_remove", "duplicate_keys", "duplicate_matches", "duplicate_score",
    "duplicate_signature", "reasons_kept", "reasons_shown", "ticket_said", "ticket_tokens",
]

MatchKind = Literal["same_caller", "same_matter", "possible"]

# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class DuplicateMatch:
    """An open ticket a new one is likely about: the caller's own (`same_caller`: a repeat,
    to link and escalate) or another caller's on the same matter (`same_matter`: to
    merge under it); or, under those thresholds, one it may be about (`possible`: shown
    to the agent as 可能重复, merged only by hand)."""

    ticket_id: int
    number: str
    score: float
    kind: MatchKind
    reasons: list[str]  # in the active language
    # What the reasons are made of, to make them again in each of the site's languages
    # when the ticket keeps them (`reasons_kept`): made only for a match that is kept.
    why: Why | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Candidate:
    """An open ticket the index found, to score."""

    ticket_id: int
    number: str
    tokens: str
    region_code: str
    region_name: str
    address: str
    caller_digest: str


def _band_sql(count: int) -> str:
    # Per band, its most recent PER_BAND rows through the band index: a subquery each,
    # so that each stops early, in one statement. Only placeholders carry values.
    table = connection.ops.quote_name(DuplicateBand._meta.db_table)
    one = (f"SELECT band, ticket_id FROM (SELECT band, ticket_id FROM {table} "  # noqa: S608
           f"WHERE band = %s ORDER BY id DESC LIMIT {PER_BAND}) AS band_{{index}}")
    return " UNION ALL ".join(one.format(index=index) for index in range(count))


def duplicate_candidates(*, bands: Sequence[int], caller_digest: str,
                         exclude_ids: Iterable[int] = ()) -> list[Candidate]:
    """The open tickets sharing bands with a new ticket, at most `CANDIDATES`, and the
    caller's own open tickets. A shared band counts 1/n when n of the rows read share
    it: a band of a whole neighbourhood of look-alikes says little, a rare one much."""
    excluded = set(exclude_ids)
    sharing: list[tuple[int, int]] = []
    if bands:
        with connection.cursor() as cursor:
            cursor.execute(_band_sql(len(bands)), list(bands))
            sharing = cursor.fetchall()
    sizes = Counter(band for band, _ticket in sharing)
    weights: dict[int, float] = {}
    for band, ticket_id in sharing:
        if ticket_id not in excluded:
            weights[ticket_id] = weights.get(ticket_id, 0.0) + 1 / sizes[band]
    ranked = sorted(weights, key=lambda pk: (-weights[pk], -pk))[:CANDIDATES]
    columns = ("pk", "number", "tokens", "region_id", "region__name", "address",
               "caller_digest", "status")
    # Two indexed look-ups in one query (an OR of the two would be read by status).
    rows = Ticket.objects.filter(pk__in=ranked).values_list(*columns)
    if caller_digest:
        rows = rows.union(Ticket.objects.filter(caller_digest=caller_digest)
                          .values_list(*columns))
    found = {
        pk: Candidate(pk, number, tokens, region or "", region_name or "", address, digest)
        for pk, number, tokens, region, region_name, address, digest, status in rows
        if status in OPEN_STATUSES and pk not in excluded
    }
    return [found[pk] for pk in sorted(found)]


def _township(code: str) -> bool:
    return len(code) >= 9  # GB/T 2260 with its 3-digit township part (乡镇/街道)


class Why(NamedTuple):
    """What a match's reasons are made of (`_reasons`)."""

    found: DuplicateScore
    candidate: Candidate
    place: str
    said: str


def _region_reason(name: str) -> str:
    if name.endswith("街道"):
        return _("同一街道：%(name)s") % {"name": name}
    return _("同一乡镇：%(name)s") % {"name": name}


def duplicate_matches(*, tokens: Sequence[str], region_code: str, address: str,
                      caller_digest: str, exclude_ids: Iterable[int] = (),
                      limit: int = 5, said: str = "") -> list[DuplicateMatch]:
    """The open tickets a new ticket is likely about, each with its reasons: the caller's
    own first (最多投一次: her repeat is linked to her ticket, whatever else matches),
    then the best scores; then the possible duplicates (`possible`: from
    `POSSIBLE_THRESHOLD`, under the thresholds), shown to the agent and acted on by none.
    Candidates come from the whole county: a paraphrase filed in a neighbouring township
    is found; the same township adds to the score. `said`: the new ticket's words as the
    caller said them (`ticket_said`): a shared subject or trouble neither said in so many
    words (占道 for 人行道被占了) is named as the kind of matter, not as a word said."""
    tokens = list(dict.fromkeys(tokens))
    candidates = duplicate_candidates(bands=duplicate_bands(tokens, region_code=region_code,
                                                            address=address),
                                      caller_digest=caller_digest, exclude_ids=exclude_ids)
    mine, place = set(tokens), address_place(address)
    scored: list[tuple[DuplicateScore, Candidate]] = []
    for candidate in candidates:
        theirs = set(candidate.tokens.split())
        if not mine & theirs:
            continue
        same_caller = bool(caller_digest) and candidate.caller_digest == caller_digest
        same_region = _township(region_code) and candidate.region_code == region_code
        score, same_place, differences = _score(mine, place, theirs,
                                                address_place(candidate.address), same_region)
        if score >= POSSIBLE_THRESHOLD:
            scored.append((DuplicateScore(score, _shown(tokens, mine & theirs), same_place,
                                          same_region, same_caller, differences), candidate))
    scored.sort(key=lambda pair: (not _sure(pair[0]), not pair[0].same_caller, -pair[0].score,
                                  pair[1].ticket_id))
    matches = []
    for found, candidate in scored[:limit]:
        kind: MatchKind = ("possible" if not _sure(found)
                           else "same_caller" if found.same_caller else "same_matter")
        why = Why(found, candidate, place, said)
        matches.append(DuplicateMatch(ticket_id=candidate.ticket_id, number=candidate.number,
                                      score=found.score, kind=kind, reasons=_reasons(*why),
                                      why=why))
    return matches


def _reasons(found: DuplicateScore, candidate: Candidate, place: str, said: str) -> list[str]:
    """Why the candidate matches, in the active language (see `duplicate_matches`)."""
    reasons = []
    if found.same_caller:
        reasons.append(_("同一来电人"))
    words = [word for word in found.words if not said or word in said]
    kinds = [word for word in found.words if said and word not in said]
    if words:
        reasons.append(_("共同词：%(words)s") % {"words": _("、").join(words)})
    if kinds:
        reasons.append(_("同类问题：%(words)s") % {"words": _("、").join(kinds)})
    if found.same_place:
        shown = min(place, address_place(candidate.address), key=len)
        reasons.append(_("同一地点：%(place)s") % {"place": shown})
    if found.same_region:
        reasons.append(_region_reason(candidate.region_name))
    reasons.extend(_difference_reason(difference) for difference in found.differences)
    return reasons


def reasons_kept(match: DuplicateMatch) -> dict[str, list[str]]:
    """A match's reasons as a ticket keeps them: `reasons` in the site's language, of
    record, and `reasons_<language>` in each other (`reasons_shown` reads them)."""
    if match.why is None:
        return {"reasons": match.reasons}
    kept = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            made = _reasons(*match.why)
        kept["reasons" if code == settings.LANGUAGE_CODE else f"reasons_{code}"] = made
    return kept


def reasons_shown(kept: dict[str, object]) -> list[str]:
    """The reasons kept with a ticket (`reasons_kept`) in the active language, those of
    record when there are none in it (kept before there were, or a dispatcher's note)."""
    shown = kept.get(f"reasons_{translation.get_language()}", kept.get("reasons"))
    return [str(reason) for reason in shown] if isinstance(shown, list) else []


def _difference_reason(difference: Difference) -> str:
    """What the two tickets name differently, for the agent checking a match: 地点不同：
    文三路478号 ≠ 文一路12号."""
    labels = {"place": _("地点不同"), "number": _("数字不同"), "subject": _("所涉事物不同"),
              "trouble": _("所诉问题不同")}
    label = labels[difference.kind]
    if not difference.mine or not difference.theirs:
        return label
    return _("%(label)s：%(mine)s ≠ %(theirs)s") % {
        "label": label, "mine": _("、").join(difference.mine[:3]),
        "theirs": _("、").join(difference.theirs[:3])}


def _sure(found: DuplicateScore) -> bool:
    """A match to act on: the caller's repeat, or another caller's matter, to merge."""
    return found.score >= (SAME_CALLER_THRESHOLD if found.same_caller
                           else SAME_MATTER_THRESHOLD)

