"""Chinese text for search: jieba with the project's government-service vocabulary.

Documents and queries go through the same segmenter, so a word of a query is a token of
the index when the guide contains it. The index keeps jieba's search-mode tokens (a long
word and the dictionary words inside it: 二手房 → 二手, 二手房); a query keeps the precise
mode's words, each widened by its synonyms (`data/synonyms.txt`; English phrases in
`data/english.txt`). Traditional characters of a query are read as simplified ones
(OpenCC), and English words are reduced to a light stem on both sides
(selling → sell, licences → licenc). Only word characters
reach the database — every term is a run of letters or digits — so no query can carry
FTS5 or tsquery syntax.

The segmenter is built once per process (about half a second: jieba's dictionary plus
ours) and holds nothing another process needs: every process builds the same one.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

DATA = Path(__file__).resolve().parent / "data"

MAX_QUERY_CHARS = 100  # longer input is cut, not refused
MAX_QUERY_WORDS = 12
WHOLE_QUERY_MAX_CHARS = 16  # a short query is also tried as one word (a life event keyword)

_WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Vocabulary:
    """The search vocabulary files of `data/`, parsed."""

    words: tuple[str, ...]  # added to the segmenter's dictionary, in file order
    frequencies: dict[str, int | None]
    synonyms: dict[str, tuple[str, ...]]  # word → the other words a query for it also finds
    stopwords: frozenset[str]


def _lines(name: str) -> Iterator[str]:
    with (DATA / name).open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.split("#", 1)[0].strip()
            if line:
                yield line


def _add_synonyms(synonyms: dict[str, list[str]], word: str, others: Iterable[str]) -> None:
    known = synonyms.setdefault(word, [])
    known.extend(other for other in others if other != word and other not in known)


_ENGLISH = re.compile(r"[a-z]+")
_VOWEL = re.compile(r"[aeiouy]")


def english_stem(word: str) -> str:
    """A light stem of an English word (plural, -ing, -ed, a final e), so that a query's
    words meet a name's: selling → sell, houses and housing → hous, licences → licenc.
    Any other token is returned as it is."""
    if len(word) <= 3 or not _ENGLISH.fullmatch(word):
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        stem = word[:-len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3 and _VOWEL.search(stem):
            word = stem
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # planning → plan
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _key(word: str) -> str:
    """A vocabulary word as a query's word is looked up: normalized, English stemmed."""
    return english_stem(normalize(word))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    frequencies: dict[str, int | None] = {}
    for line in _lines("userdict.txt"):
        parts = line.split()
        frequency = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        frequencies[normalize(parts[0])] = frequency
    synonyms: dict[str, list[str]] = {}
    for line in _lines("synonyms.txt"):
        left, arrow, right = line.partition("=>")
        sources = [_key(word) for word in left.split()]
        if arrow:
            targets = [normalize(word) for word in right.split()]
            for word in sources:
                _add_synonyms(synonyms, word, [*sources, *targets])
        else:
            targets = []
            for word in sources:
                _add_synonyms(synonyms, word, sources)
        for word in (*sources, *targets):
            if not word.isascii():  # English words are jieba's already
                frequencies.setdefault(word, None)
    stopwords = frozenset(normalize(line) for line in _lines("stopwords.txt"))
    return Vocabulary(
        words=tuple(frequencies), frequencies=frequencies,
        synonyms={word: tuple(others) for word, others in synonyms.items()},
        stopwords=stopwords,
    )


@lru_cache(maxsize=1)
def english_phrases() -> dict[tuple[str, ...], tuple[str, ...]]:
    """`data/english.txt`: an English phrase (as a query's words) → the words a query with
    it also finds, Chinese or English."""
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    for line in _lines("english.txt"):
        left, _arrow, right = line.partition("=>")
        key = tuple(query_words_raw(left, stopwords=vocabulary().stopwords))
        if key:
            known = phrases.get(key, ())
            phrases[key] = (*known, *(normalize(word) for word in right.split()
                                      if normalize(word) not in known))
    return phrases


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """The text in simplified characters (OpenCC's t2s): 營業執照 → 营业执照."""
    return str(_converter().convert(text))


@dataclass(frozen=True)
class Subjects:
    """What a 12345 matter is about (`data/subjects.txt`): the subjects each word names
    (灯不亮 → 路灯) and the troubles it names (灯不亮 → 不亮), by the first word of their
    lines."""

    names: dict[str, tuple[str, ...]]  # word → the subjects it names
    troubles: dict[str, tuple[str, ...]]  # word → the troubles it names


@lru_cache(maxsize=1)
def subjects() -> Subjects:
    names: dict[str, list[str]] = {}
    troubles: dict[str, list[str]] = {}
    for line in _lines("subjects.txt"):
        label, colon, rest = line.partition(":")
        into = names
        if colon and label.strip() == "trouble":
            line, into = rest, troubles
        words = [normalize(word) for word in line.split()]
        for word in words:
            found = into.setdefault(word, [])
            if words[0] not in found:
                found.append(words[0])
    return Subjects(names={word: tuple(found) for word, found in names.items()},
                    troubles={word: tuple(found) for word, found in troubles.items()})


# --------------------------------------------------------------------------- segmenter

_segmenter_lock = threading.Lock()


def _segmenter() -> Any:
    """jieba's tokenizer with our words, built once per process (under a lock: two threads
    of one process must not build it twice)."""
    with _segmenter_lock:
        return _segmenter_build()


@lru_cache(maxsize=1)
def _segmenter_build() -> Any:
    """jieba logs its start-up on stderr and keeps a cache of its parsed dictionary in the
    system's temporary directory: here it is quiet, and its cache is kept in the data
    directory, next to the database."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    cache_dir = Path(settings.DATA_DIR) / "cache"
    cache_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(cache_dir)
    tokenizer.initialize()
    words = vocabulary()
    for word in words.words:
        tokenizer.add_word(word, freq=words.frequencies[word])
    return tokenizer


def word_frequency(word: str) -> int:
    """How often jieba's dictionary (with our words) has seen the word; 0 for a word it
    does not know. Rare and unknown words tell texts apart better than common ones."""
    frequencies: dict[str, int] = _segmenter().FREQ
    return frequencies.get(word, 0)


def segmenter_warm() -> None:
    """Build the segmenter now (a web process may call it at start, not on a first search)."""
    _segmenter()


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, no control characters."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text)).lower()


def outermost(words: Sequence[str]) -> list[str]:
    """`words` without those inside a longer one of them (三路 beside 文三路, 占道 beside
    占道经营), in order: what a reason names once."""
    return [word for word in words if not any(word != other and word in other
                                              for other in words)]


def _is_word(token: str) -> bool:
    return _WORD.fullmatch(token) is not None


def index_tokens(text: str) -> list[str]:
    """The tokens a document's text is indexed under (jieba's search mode)."""
    if not text.strip():
        return []
    return [token for token in _segmenter().cut_for_search(normalize(text)) if _is_word(token)]


def keyword_tokens(keywords: str) -> list[str]:
    """Tokens of a keyword list (space-separated): each keyword whole, then its parts, so a
    query that is exactly one keyword (上户口) matches it whatever jieba makes of it."""
    tokens: list[str] = []
    for keyword in normalize(keywords).split():
        whole = english_stem(keyword)
        if _is_word(keyword):
            tokens.append(whole)
        tokens.extend(token for token in document_tokens(keyword) if token != whole)
    return tokens


def query_words(text: str, *, max_words: int = MAX_QUERY_WORDS) -> list[str]:
    """The words of a query (jieba's precise mode), without punctuation and stopwords,
    English words stemmed: the first `max_words` of them."""
    if not text.strip():
        return []
    words = [token for token in _segmenter().cut(text) if _is_word(token)]
    stopwords = vocabulary().stopwords
    meaningful = [word for word in words if word not in stopwords] or words
    return list(dict.fromkeys(english_stem(word) for word in meaningful))[:max_words]


def document_tokens(text: str) -> list[str]:
    """The tokens a search document's text is indexed under: `index_tokens`, English words
    stemmed as a query's are."""
    return [english_stem(token) for token in index_tokens(text)]


# --------------------------------------------------------------------------- queries

Phrase = tuple[str, ...]  # tokens that must follow one another


@dataclass(frozen=True)
class Query:
    """A parsed query: a group per word, matched by any of its phrases (the word or one
    of its synonyms). The selectors ask for every group, or `whole` (the query as one
    word: a life event's keyword); failing that, for any group. `highlight` is what a
    result marks, longest first.
    """

    text: str
    groups: tuple[tuple[Phrase, ...], ...]
    whole: Phrase | None
    highlight: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def narrowed(self, indexes: Iterable[int]) -> Query:
        """The query with only the groups (words) of these indexes, in their order."""
        return Query(text=self.text, groups=tuple(self.groups[index] for index in indexes),
                     whole=self.whole, highlight=self.highlight)


def _phrased(words: list[str]) -> list[Phrase]:
    """The query's words with its English phrases (`english_phrases`) kept together."""
    phrases = english_phrases()
    longest = max((len(key) for key in phrases), default=0)
    units: list[Phrase] = []
    position = 0
    while position < len(words):
        for size in range(min(longest, len(words) - position), 1, -1):
            if tuple(words[position:position + size]) in phrases:
                units.append(tuple(words[position:position + size]))
                position += size
                break
        else:
            units.append((words[position],))
            position += 1
    return units


def query_parse(text: str, *, widen: bool = True, max_chars: int = MAX_QUERY_CHARS,
                max_words: int = MAX_QUERY_WORDS) -> Query:
    """Parse what a person typed: its first `max_chars` characters, their first
    `max_words` words. Never raises; what is not a word is ignored. Without `widen`, the
    words are searched as typed: no synonyms, no English phrases (the benchmark's
    baseline)."""
    clean = normalize(text)[:max_chars].strip()
    if widen:
        clean = simplified(clean)
    synonyms = vocabulary().synonyms if widen else {}
    phrases = english_phrases() if widen else {}
    words = query_words(clean, max_words=max_words)
    groups: list[tuple[Phrase, ...]] = []
    highlight: list[str] = []
    for unit in _phrased(words) if widen else [(word,) for word in words]:
        # A phrase of several words stands for its translation: a business licence is a
        # 营业执照, not any guide with "business" and "licence" in its name.
        alternatives: list[Phrase] = [unit] if len(unit) == 1 else []
        highlight.extend(unit)
        others = [*(synonyms.get(unit[0], ()) if len(unit) == 1 else ()),
                  *phrases.get(unit, ())]
        for synonym in others:
            phrase = tuple(query_words_raw(synonym))
            if phrase and phrase not in alternatives:
                alternatives.append(phrase)
                highlight.append(synonym)
        groups.append(tuple(alternatives))
    compact = "".join(clean.split())
    whole: Phrase | None = None
    if len(groups) > 1 and _is_word(compact) and len(compact) <= WHOLE_QUERY_MAX_CHARS:
        whole = (compact,)
    ordered = sorted(dict.fromkeys(highlight), key=len, reverse=True)
    return Query(text=clean, groups=tuple(groups), whole=whole, highlight=tuple(ordered))


def query_words_raw(text: str, *, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """A vocabulary word as the index's tokens (precise mode, stopwords kept unless
    given), English words stemmed."""
    return [english_stem(token) for token in _segmenter().cut(normalize(text))
            if _is_word(token) and token not in stopwords]


def phrase_in(tokens: Sequence[str], phrase: Phrase) -> bool:
    """Whether the phrase's tokens follow one another in `tokens` (an indexed text's)."""
    if len(phrase) == 1:
        return phrase[0] in tokens
    size = len(phrase)
    return any(tuple(tokens[start:start + size]) == phrase
               for start in range(len(tokens) - size + 1)
               if tokens[start] == phrase[0])


# --------------------------------------------------------------------------- snippets

Segment = tuple[str, bool]  # (text, is a match)


def _matcher(terms: Iterable[str]) -> re.Pattern[str] | None:
    patterns = [re.escape(term) for term in terms if term]  # longest first: see Query
    return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None


def mark(text: str, terms: Iterable[str]) -> list[Segment]:
    """`text` as segments, the matches of any term marked."""
    matcher = _matcher(terms)
    segments: list[Segment] = []
    position = 0
    for match in matcher.finditer(text) if matcher else ():
        if match.start() > position:
            segments.append((text[position:match.start()], False))
        segments.append((match.group(0), True))
        position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def snippet(text: str, terms: Iterable[str], *, width: int = 90, before: int = 24) -> list[Segment]:
    """A window of `text` around the first match of any term, the matches marked.

    Returned as segments so the page escapes the text and adds the marks itself.
    """
    terms = list(terms)
    text = " ".join(text.split())
    matcher = _matcher(terms)
    first = matcher.search(text) if matcher else None
    start = max(0, first.start() - before) if first else 0
    end = min(len(text), start + width)
    segments = mark(text[start:end], terms)
    if start > 0:
        segments.insert(0, ("…", False))
    if end < len(text):
        segments.append(("…", False))
    return segments


def display_text(text: str) -> str:
    """What a person typed, fit to be shown back: one line, no control characters, cut."""
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_QUERY_CHARS]


# --------------------------------------------------------------------------- word runs


@dataclass(frozen=True)
class Run:
    """A stretch of a query: a run of Chinese words (`bounds`: where each word starts, and
    the run's end) or anything else between them (`bounds` empty)."""

    text: str
    bounds: tuple[int, ...]


_HAN = re.compile(r"[\u3400-\u9fff]+")


def segments_of(text: str) -> list[Run]:
    """The query as runs of Chinese words (jieba's precise mode) and what lies between."""
    runs: list[Run] = []
    words: list[str] = []

    def close() -> None:
        if words:
            starts = [0]
            for word in words:
                starts.append(starts[-1] + len(word))
            runs.append(Run(text="".join(words), bounds=tuple(starts)))
            words.clear()

    for token in _segmenter().cut(normalize(text)[:MAX_QUERY_CHARS]):
        if _HAN.fullmatch(token):
            words.append(token)
        else:
            close()
            runs.append(Run(text=token, bounds=()))
    close()
    return runs
