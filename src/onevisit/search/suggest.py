"""When a portal query finds nothing good: how good a match is, a spelling correction
("您是不是要找"), and related words to try.

- **Coverage.** A document has a share of the query's words (or one of their synonyms): a
  word of one character weighs half, as it says less. A list whose best document has less
  than `GOOD_COVERAGE` of them is no good match — a stray common word matched
  (公积金提取 finds 公积金缴存 by 公积金 alone), not what was asked.
- **Spelling.** A run of whole words of the query that is one character away from a word
  of the vocabulary (the vocabulary files and the words of the guides' headings) of three
  characters or more is read as that word: 结昏登记 → 结婚登记, 居驻证 → 居住证; of several,
  the one in most headings. A two-character word alone is too weak a sign (护照 is not
  执照): it is corrected only beside other words, and the page keeps the correction only
  if then every word is found (二手房过护 → 二手房过户). A word common in jieba's dictionary
  is not misspelt (公积金贷款 is not 公积金存款).
- **Related words.** The guides' names and the vocabulary files' words that share the
  most character pairs with the query.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.db.models import Count, Max

from onevisit.search.models import SearchDocument
from onevisit.search.text import Query, segments_of, simplified, vocabulary, word_frequency

GOOD_COVERAGE = 0.75
SPELLING_MIN_CHARS = 3  # a word this long is corrected on its own
SPELLING_SHORT_CHARS = 2  # this long, only beside other words
KNOWN_FREQUENCY = 20  # a word jieba's dictionary has seen this often is not misspelt
SUGGESTIONS = 6

_HAN = re.compile(r"[\u3400-\u9fff]+")


def _weight(word: str) -> float:
    return 0.5 if len(word) == 1 else 1.0


def coverage(query: Query, tokens: str) -> float:
    """The share of the query's words (by weight) a document of these tokens (its heading
    and body tokens, space-separated) has, each as itself or one of its synonyms."""
    padded = f" {tokens} "
    if query.whole and f" {' '.join(query.whole)} " in padded:
        return 1.0
    total = matched = 0.0
    for group in query.groups:
        weight = _weight("".join(group[0]))
        total += weight
        if any(f" {' '.join(phrase)} " in padded for phrase in group):
            matched += weight
    return matched / total if total else 0.0


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Lexicon:
    stamp: tuple[int, str]  # the guides' count and latest indexing: when to rebuild
    by_length: dict[int, frozenset[str]]  # Chinese words of 2+ characters, by length
    words: frozenset[str]
    headings: dict[str, int]  # a word → how many headings have it
    names: tuple[str, ...]  # the guides' titles, then the vocabulary files' words


_lexicon_lock = threading.Lock()
_lexicon: dict[tuple[str, ...], _Lexicon] = {}


def _stamp(kinds: Sequence[str]) -> tuple[int, str]:
    row = SearchDocument.objects.filter(kind__in=kinds).aggregate(
        count=Count("id"), latest=Max("indexed_at"))
    return int(row["count"] or 0), str(row["latest"])


def lexicon(kinds: Sequence[str]) -> _Lexicon:
    """The words a query may be corrected to and the names suggested, of the documents of
    the kinds and the vocabulary files; rebuilt when the documents have changed (one
    query tells: asked only of a query that found nothing good)."""
    key = tuple(sorted(kinds))
    stamp = _stamp(key)
    with _lexicon_lock:
        known = _lexicon.get(key)
        if known is not None and known.stamp == stamp:
            return known
    files = {word for word in vocabulary().words if _HAN.fullmatch(word)}
    words = set(files)
    titles: list[str] = []
    headings: dict[str, int] = {}
    for title, heading in SearchDocument.objects.filter(kind__in=key).order_by(
            "title").values_list("title", "heading_tokens"):
        titles.append(title)
        for token in {token for token in heading.split() if _HAN.fullmatch(token)}:
            headings[token] = headings.get(token, 0) + 1
    words.update(headings)
    by_length: dict[int, set[str]] = {}
    for word in words:
        if len(word) >= SPELLING_SHORT_CHARS:
            by_length.setdefault(len(word), set()).add(word)
    built = _Lexicon(
        stamp=stamp,
        by_length={size: frozenset(found) for size, found in by_length.items()},
        words=frozenset(words), headings=headings,
        names=(*dict.fromkeys(titles), *sorted(files - set(titles))),
    )
    with _lexicon_lock:
        _lexicon.clear()
        _lexicon[key] = built
    return built


# --------------------------------------------------------------------------- spelling


def _one_apart(a: str, b: str) -> bool:
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _is_known(words: _Lexicon, window: str, parts: Sequence[str]) -> bool:
    """A word of the index, a common word, or common words only (注销公司 is not 注册公司):
    not misspelt. A single character is common, and says nothing of the word it is in."""
    if window in words.words or word_frequency(window) >= KNOWN_FREQUENCY:
        return True
    return all(len(part) > 1 and word_frequency(part) >= KNOWN_FREQUENCY for part in parts)


def spelling_correct(text: str, *, kinds: Sequence[str],
                     shortest: int = SPELLING_MIN_CHARS) -> str:
    """The query with its misspelt words of `shortest` characters or more corrected (each
    to the candidate in most headings, then the most common), or "" when nothing is
    misspelt."""
    words = lexicon(kinds)
    longest = max(words.by_length, default=0)
    corrected: list[str] = []
    changed = False
    for run in segments_of(simplified(text)):
        if not _HAN.fullmatch(run.text):
            corrected.append(run.text)
            continue
        bounds = run.bounds  # where the run's words start, and its end
        ends = set(bounds)
        position = 0
        while position < len(run.text):
            found = ""
            for size in range(min(longest, len(run.text) - position), shortest - 1, -1):
                window = run.text[position:position + size]
                if position + size not in ends:  # whole words only: 户口签移 is not 户口簿
                    continue
                parts = [run.text[start:stop] for start, stop in pairwise(bounds)
                         if position <= start < position + size]
                if _is_known(words, window, parts):
                    break
                candidates = sorted(
                    (-words.headings.get(word, 0), -word_frequency(word), word)
                    for word in words.by_length.get(size, ()) if _one_apart(word, window))
                if candidates:
                    found = candidates[0][2]
                    break
            if found:
                corrected.append(found)
                position += len(found)
                changed = True
            else:
                following = min((end for end in bounds if end > position),
                                default=len(run.text))
                corrected.append(run.text[position:following])
                position = following
    return "".join(corrected) if changed else ""


# --------------------------------------------------------------------------- related words


def _pairs(text: str) -> set[str]:
    pairs: set[str] = set()
    for run in _HAN.findall(text):
        pairs.update(run[index:index + 2] for index in range(len(run) - 1))
    return pairs


def related_words(text: str, *, kinds: Sequence[str], exclude: Iterable[str] = (),
                  limit: int = SUGGESTIONS) -> list[str]:
    """Names of guides and words of the vocabulary nearest to the query by the character
    pairs they share (Dice), the nearest first; none when nothing shares a pair."""
    wanted = _pairs(simplified(text))
    if not wanted:
        return []
    skip = set(exclude)
    scored: list[tuple[float, int, str]] = []
    for order, name in enumerate(lexicon(kinds).names):
        if name in skip:
            continue
        theirs = _pairs(name)
        shared = len(wanted & theirs)
        if shared:
            scored.append((-2 * shared / (len(wanted) + len(theirs)), order, name))
    scored.sort()
    return [name for _score, _order, name in scored[:limit]]
