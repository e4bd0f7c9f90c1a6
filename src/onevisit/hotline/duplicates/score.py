"""The exact score of a new ticket against an open one: what they say, where, what about,
the township."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from onevisit.hotline.duplicates.tokens import (
    _DIGITS,
    _GATES,
    _copies,
    _is_place,
    _subject_of,
    _trouble_of,
    address_place,
)

SAME_MATTER_THRESHOLD = 0.55
SAME_CALLER_THRESHOLD = 0.5
# From here to the thresholds above a match is shown to the agent as a possible duplicate
# (可能重复) with its reasons, never merged or linked by itself.
POSSIBLE_THRESHOLD = 0.35
SAME_PLACE_BONUS = 0.25
SAME_SUBJECT_BONUS = 0.05  # both name one subject (路灯, 油烟, …)
SAME_TROUBLE_BONUS = 0.2  # both name one trouble (不亮, 满溢, …)
SAME_TOWNSHIP_BONUS = 0.1  # both in one township, their places not two
SAME_PLACE = 0.6  # address_similarity from which two addresses are one place
OTHER_PLACE = 0.3  # and below which they are two
REASON_WORDS = 8  # shared words named in a reason

# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class DuplicateScore:
    """How alike two tickets are, and what they share."""

    score: float  # 0..1, rounded to 3 places
    words: tuple[str, ...]  # the shared words to name, in the new ticket's order
    same_place: bool  # both addresses name one place
    same_region: bool
    same_caller: bool


def _shown(tokens: Sequence[str], shared: set[str]) -> tuple[str, ...]:
    """The shared words to name, in order; a word inside a longer shared one is left out
    (三路 in 文三路)."""
    words = [token for token in dict.fromkeys(tokens) if token in shared]
    kept = [word for word in words if not any(word != other and word in other for other in words)]
    return tuple(kept[:REASON_WORDS])


def _similarity(mine: set[str], theirs: set[str]) -> float:
    """The mean of weighted Jaccard (shared over all) and weighted containment (shared
    over the smaller set), so that a short call and a long one on one matter are alike."""
    shared = sum(map(_copies, mine & theirs))
    if not shared:
        return 0.0
    weight, other_weight = sum(map(_copies, mine)), sum(map(_copies, theirs))
    return (shared / (weight + other_weight - shared) + shared / min(weight, other_weight)) / 2


def _places(tokens: set[str], place: str) -> set[str]:
    """The words of a ticket's address (`place`), or without one those naming places in
    its text."""
    if place:
        return {token for token in tokens if token in place}
    return {token for token in tokens if _is_place(token)}


def _place_similarity(words: set[str], place: str, other_words: set[str],
                      other_place: str) -> float | None:
    if not place or not other_place:
        return None
    numbers, other_numbers = set(_DIGITS.findall(place)), set(_DIGITS.findall(other_place))
    if numbers and other_numbers and not (numbers <= other_numbers
                                          or other_numbers <= numbers):
        return 0.0  # 3区12幢 and 3区15幢; 6幢 and 6幢2单元 may be one
    gates, other_gates = set(_GATES.findall(place)), set(_GATES.findall(other_place))
    if gates and other_gates and not gates & other_gates:
        return 0.0  # 南门, 北门外: two gates of a compound
    same_start = place[:2] == other_place[:2]
    if numbers and other_numbers and same_start:
        # 中山东路1200号, 中山路东段1200号附近: one number on one road, told otherwise.
        return 1.0
    # The names alone: 14幢 of 禾兴苑 and 14幢 of 亲亲家园 are two places.
    return _containment(_names(words), _names(other_words), same_start)


def _names(words: set[str]) -> set[str]:
    return {word for word in words if not _DIGITS.search(word)}


def _containment(words: set[str], other_words: set[str], same_start: bool) -> float:
    """Two places beginning alike: the share of the shorter one's words the other names too
    (城南花园 and 城南花园6幢: one place, told less precisely). Beginning otherwise: the
    share of all their words in common, and two places below `SAME_PLACE` (萍水街与竞舟路
    交叉口 and 竞舟路与萍水街交叉口 are one; 嘉禾花园大门外 and 学军小区北门外 two)."""
    shared, union = len(words & other_words), len(words | other_words)
    smaller = min(len(words), len(other_words))
    if same_start and smaller and shared / smaller >= SAME_PLACE:
        return shared / smaller
    # Neither within the other: 西园路与振华路交叉口 and 西园路公交站附近 are two places.
    similarity = shared / union if union else 0.0
    return similarity if same_start or similarity >= SAME_PLACE else 0.0


def address_similarity(*, tokens: Iterable[str], address: str, other_tokens: Iterable[str],
                       other_address: str) -> float | None:
    """How surely two addresses name one place, 0..1; None when one is missing.

    The words of each address (the ticket's tokens found in it) are compared (Jaccard).
    Addresses with numbers and none in common are two places (3幢 and 5幢, 100号 and
    102号); so are addresses beginning with another road or compound, unless most of
    their words are the same (竞舟路与萍水街交叉口, 萍水街与竞舟路交叉口)."""
    place, other_place = address_place(address), address_place(other_address)
    return _place_similarity(_places(set(tokens), place), place,
                             _places(set(other_tokens), other_place), other_place)


def _subjects(tokens: Iterable[str]) -> set[str]:
    return {subject for token in tokens for subject in _subject_of(token)}


def _troubles(tokens: Iterable[str]) -> set[str]:
    return {trouble for token in tokens for trouble in _trouble_of(token)}


def _score(mine: set[str], place: str, theirs: set[str], other_place: str,
           same_region: bool) -> tuple[float, bool]:
    """`duplicate_score`'s score and whether the addresses name one place."""
    places, other_places = _places(mine, place), _places(theirs, other_place)
    said, other_said = mine - places, theirs - other_places
    score = _similarity(said, other_said)
    similarity = _place_similarity(places, place, other_places, other_place)
    if similarity is None and (place or other_place):
        # One address: how much of it the other's words name (吉杨菜场门口; 菜场外面…吉杨).
        given, words = (places, theirs) if place else (other_places, mine)
        similarity = len(given & words) / len(given) if given else None
    elif similarity is None and places and other_places:
        similarity = _containment(places, other_places, True)
    same_place = similarity is not None and similarity >= SAME_PLACE
    other = similarity is not None and similarity < OTHER_PLACE
    subjects, other_subjects = _subjects(mine), _subjects(theirs)
    troubles, other_troubles = _troubles(mine), _troubles(theirs)
    score += (SAME_PLACE_BONUS * same_place
              + SAME_SUBJECT_BONUS * bool(subjects & other_subjects)
              + SAME_TROUBLE_BONUS * bool(troubles & other_troubles)
              + SAME_TOWNSHIP_BONUS * (same_region and not other))
    if other:
        score /= 2
    for named, other_named in (
        ({token for token in mine if token.isdigit()},
         {token for token in theirs if token.isdigit()}),
        (subjects, other_subjects),
        (troubles, other_troubles),
    ):
        if named and other_named and not named & other_named:
            score /= 2
    return round(min(score, 1.0), 3), same_place and bool(place and other_place)


def duplicate_score(*, tokens: Sequence[str], other_tokens: Sequence[str], address: str = "",
                    other_address: str = "", same_region: bool = False,
                    same_caller: bool = False) -> DuplicateScore:
    """The exact score of a new ticket against an open one, 0..1.

    - what they say: `_similarity` of their tokens without the words of their places
      (weighed next, once), a subject, a name or a number weighing three times a common
      word;
    - where: one place (`address_similarity` ≥ `SAME_PLACE`) adds `SAME_PLACE_BONUS`;
      two places (< `OTHER_PLACE`: one complaint about two buildings) halve the score.
      With one address, the share of its words the other ticket names; without either,
      the words naming places in their texts are compared;
    - what about: one subject in common adds `SAME_SUBJECT_BONUS`, one trouble
      `SAME_TROUBLE_BONUS` (`search/data/subjects.txt`);
    - the same township adds `SAME_TOWNSHIP_BONUS`, unless the places differ;
    - numbers, subjects, troubles: both name some, none the same (an amount, a bus line, a
      building; 油烟 and 噪音; 不亮 and 白天亮): halved each.
    """
    mine, theirs = set(tokens), set(other_tokens)
    if not mine & theirs:
        return DuplicateScore(0.0, (), False, same_region, same_caller)
    score, same_place = _score(mine, address_place(address), theirs,
                               address_place(other_address), same_region)
    return DuplicateScore(score, _shown(tokens, mine & theirs), same_place, same_region,
                          same_caller)


