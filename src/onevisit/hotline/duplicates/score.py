"""The exact score of a new ticket against an open one: what they say, where, what about,
the township."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from onevisit.hotline.duplicates.tokens import (
    _DIGITS,
    _GATES,
    _copies,
    _is_place,
    _subject_of,
    _trouble_of,
    address_place,
)
from onevisit.search.text import outermost

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
PARTLY_SAME_PLACE = 0.45  # one road, other landmarks: neither one place nor two
REASON_WORDS = 8  # shared words named in a reason
# The words of a place saying where at it, not which place it is.
_SIDES = re.compile("十字路口|交叉口|路口|交界处|[东西南北]{1,2}[角侧面边]|往[东西南北]+|附近|门口"
                    "|对面|旁边|边上|外面|里面")
# What many places are called in part: 城南花园 and 云栖花园 share no name.
COMMON_PLACES = frozenset({"花园", "小区", "新村", "家园", "公寓", "大厦", "广场", "公园", "市场",
                           "中心", "工地", "公交站", "菜场", "超市", "学校", "医院", "村口",
                           "车库", "地下车库", "停车场"})
_NUMBERED = re.compile(r"\d+[a-z]*(?:号楼|号|幢|栋|楼|单元|室|期|区|弄|米)?")
# A road or a street: 纺工路, 建国南路, 斜西街; not 路边, 街道, 月河街区.
_ROAD = re.compile(r"\w{2,5}?(?:大道|[东西南北中]路|路|街)(?![道区边上面段旁])")
_NOT_ROAD = re.compile("[几这那哪每一两半]")  # 几步路, 这条路
_ROAD_DIRECTION = re.compile("[东西南北中](?=路)")
_PLACE_BREAKS = re.compile(r"(?<=[路街])[与和跟及近]|靠近|\|")  # not 留和路

# --------------------------------------------------------------------------- scoring


class Difference(NamedTuple):
    """What two tickets name differently: `kind` place, subject, trouble or number, and
    what each names (the new ticket's first)."""

    kind: str
    mine: tuple[str, ...]
    theirs: tuple[str, ...]


@dataclass(frozen=True)
class DuplicateScore:
    """How alike two tickets are, and what they share."""

    score: float  # 0..1, rounded to 3 places
    words: tuple[str, ...]  # the shared words to name, in the new ticket's order
    same_place: bool  # both addresses name one place
    same_region: bool
    same_caller: bool
    differences: tuple[Difference, ...] = ()  # what halved the score


def _shown(tokens: Sequence[str], shared: set[str]) -> tuple[str, ...]:
    """The shared words to name, in order; a word inside a longer shared one is left out
    (三路 in 文三路)."""
    return tuple(outermost([token for token in dict.fromkeys(tokens)
                            if token in shared])[:REASON_WORDS])


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


def _place_similarity(place: str, other_place: str) -> float | None:
    """`address_similarity` of two places (`address_place`)."""
    if not place or not other_place:
        return None
    numbers, other_numbers = set(_DIGITS.findall(place)), set(_DIGITS.findall(other_place))
    if numbers and other_numbers and not (numbers <= other_numbers
                                          or other_numbers <= numbers):
        return 0.0  # 3区12幢 and 3区15幢; 6幢 and 6幢2单元 may be one
    gates, other_gates = set(_GATES.findall(place)), set(_GATES.findall(other_place))
    if gates and other_gates and not gates & other_gates:
        return 0.0  # 南门, 北门外: two gates of a compound
    if numbers and other_numbers and place[:2] == other_place[:2]:
        # 中山东路1200号, 中山路东段1200号附近: one number on one road, told otherwise.
        return 1.0
    mine, other = _place_parts(place), _place_parts(other_place)
    roads, other_roads = mine.roads, other.roads
    if roads and other_roads and (
            not mine.road_keys & other.road_keys
            or (len(roads) > 1 and len(other_roads) > 1 and roads != other_roads)):
        return 0.0  # 留和路 and 屏基路; two crossings of one road
    names, other_names = mine.names, other.names
    if not names or not other_names:
        if roads and other_roads:
            # 勤俭路 and 勤俭路88号鑫达通讯; 纺工路南湖路口 and 南湖路与纺工路交叉口; but
            # 禾兴南路南溪路口 and 南溪路南溪苑 only partly.
            return 1.0 if roads == other_roads else PARTLY_SAME_PLACE
        # 南江花苑 and 竞舟路与萍水街交叉口: nothing in common.
        named, other_named = roads or names, other_roads or other_names
        return 0.0 if named and other_named else PARTLY_SAME_PLACE
    if names == other_names:
        return 1.0  # 丰潭路公交站附近 twice
    # 南湖国际外 and 中环南路南湖国际小区外绿地 are one place; 凤桥三星村 and 三星村村口石桥
    # partly; 酒吧 and 魅力空间KTV, 城南花园 and 云栖花园 two.
    shared = sum(block.size for block in SequenceMatcher(None, names, other_names,
                                                         autojunk=False).get_matching_blocks()
                 if block.size > 1 and names[block.a:block.a + block.size] not in COMMON_PLACES
                 ) / min(len(names), len(other_names))
    return shared if shared >= SAME_PLACE or not shared else PARTLY_SAME_PLACE


def _other_roads(place: str, words: set[str], own_words: set[str]) -> tuple[str, ...]:
    """The roads a text (its `words`) names when none of them is the place's nor one the
    text of the ticket at the place names (`own_words`: a bus stop moved to 中环南路 from
    城南路); none otherwise."""
    keys = _place_parts(place).road_keys | {_road_key(road) for road in _roads(own_words)}
    named = _roads(words)
    if not keys or not named or {_road_key(word) for word in named} & keys:
        return ()
    return tuple(sorted(named))


def _roads(words: set[str]) -> set[str]:
    return {word for word in words
            if _ROAD.fullmatch(word) and _is_place(word) and not _NOT_ROAD.match(word)}


def _road_key(road: str) -> str:
    """A road without its direction: 中山东路 and 中山路(东段) may be one."""
    return _ROAD_DIRECTION.sub("", road)


class _Place(NamedTuple):
    roads: frozenset[str]  # 南湖路, 纺工路 in 南湖路与纺工路交叉口 and in 纺工路南湖路口
    road_keys: frozenset[str]  # the roads without their directions (`_road_key`)
    names: str  # what else names it: 云湖府工地, 东升小区 (of 东升路东升小区12幢旁)


@lru_cache(maxsize=4096)
def _place_parts(place: str) -> _Place:
    """A place (`address_place`) cut into its roads and what else names it, its numbers
    and sides (交叉口, 东北角) left out; read once per place, not once per candidate."""
    text = _NUMBERED.sub("|", place.replace("路口", "路|"))
    roads = frozenset(road for part in _PLACE_BREAKS.split(text) for road in _ROAD.findall(part))
    names = "".join(name for part in _PLACE_BREAKS.split(_SIDES.sub("|", _ROAD.sub("|", text)))
                    if len(name := part.rstrip("旁外内边口里处")) > 1)
    return _Place(roads, frozenset(map(_road_key, roads)), names)


def _containment(words: set[str], other_words: set[str]) -> float:
    """Two places without addresses, named in the texts: the share of the smaller one's
    words the other names too (城南花园 and 城南花园6幢: one place, told less precisely),
    below `SAME_PLACE` the share of all their words in common."""
    shared, union = len(words & other_words), len(words | other_words)
    smaller = min(len(words), len(other_words))
    if smaller and shared / smaller >= SAME_PLACE:
        return shared / smaller
    return shared / union if union else 0.0


def address_similarity(*, address: str, other_address: str) -> float | None:
    """How surely two addresses name one place, 0..1; None when one is missing.

    - numbers none in common: two places (3幢 and 5幢, 100号 and 102号); so are two gates
      (南门, 北门外);
    - one number at places beginning alike: one place (中山东路1200号, 中山路东段1200号附近);
    - roads (`_place_parts`) none in common, or two crossings not the same: two places; one
      crossing told in either order is one (南湖路与纺工路交叉口, 纺工路南湖路口);
    - then what else names them (`_place_parts`: 南湖国际 and 南湖国际小区外绿地): the
      share of the shorter name the other has too, below `SAME_PLACE` partly one place
      (`PARTLY_SAME_PLACE`: neither one nor two), nothing in common two places."""
    return _place_similarity(address_place(address), address_place(other_address))


def _subjects(tokens: Iterable[str]) -> set[str]:
    return {subject for token in tokens for subject in _subject_of(token)}


def _troubles(tokens: Iterable[str]) -> set[str]:
    return {trouble for token in tokens for trouble in _trouble_of(token)}


class Scored(NamedTuple):
    score: float
    same_place: bool  # both addresses name one place
    differences: tuple[Difference, ...]  # what lowered the score: two places, no subject …


def _score(mine: set[str], place: str, theirs: set[str], other_place: str,
           same_region: bool) -> Scored:
    """`duplicate_score`'s score, whether the addresses name one place, and what the
    tickets name differently."""
    places, other_places = _places(mine, place), _places(theirs, other_place)
    said, other_said = mine - places, theirs - other_places
    score = _similarity(said, other_said)
    similarity = _place_similarity(place, other_place)
    told: tuple[str, ...] = ()  # the roads the ticket without an address names instead
    if similarity is None and (place or other_place):
        # One address: how much of it the other's words name (吉杨菜场门口; 菜场外面…吉杨).
        given, words, own = (places, theirs, mine) if place else (other_places, mine, theirs)
        similarity = len(given & words) / len(given) if given else None
        told = _other_roads(place or other_place, words, own)
        if told:
            similarity = 0.0  # 文一路公交站 and a call about 中山东路's bus stop
    elif similarity is None and places and other_places:
        similarity = _containment(places, other_places)
    same_place = similarity is not None and similarity >= SAME_PLACE
    other = similarity is not None and similarity < OTHER_PLACE
    subjects, other_subjects = _subjects(mine), _subjects(theirs)
    troubles, other_troubles = _troubles(mine), _troubles(theirs)
    score += (SAME_PLACE_BONUS * same_place
              + SAME_SUBJECT_BONUS * bool(subjects & other_subjects)
              + SAME_TROUBLE_BONUS * bool(troubles & other_troubles)
              + SAME_TOWNSHIP_BONUS * (same_region and not other))
    differences = []
    if other:
        score /= 2
        differences.append(Difference("place", (place,) if place else told,
                                      (other_place,) if other_place else told))
    for kind, named, other_named in (
        ("number", {token for token in mine if token.isdigit()},
         {token for token in theirs if token.isdigit()}),
        ("subject", subjects, other_subjects),
        ("trouble", troubles, other_troubles),
    ):
        if named and other_named and not named & other_named:
            score /= 2
            differences.append(Difference(kind, tuple(sorted(named)), tuple(sorted(other_named))))
    return Scored(round(min(score, 1.0), 3), same_place and bool(place and other_place),
                  tuple(differences))


def duplicate_score(*, tokens: Sequence[str], other_tokens: Sequence[str], address: str = "",
                    other_address: str = "", same_region: bool = False,
                    same_caller: bool = False) -> DuplicateScore:
    """The exact score of a new ticket against an open one, 0..1.

    - what they say: `_similarity` of their tokens without the words of their places
      (weighed next, once), a subject, a name or a number weighing three times a common
      word;
    - where: one place (`address_similarity` ≥ `SAME_PLACE`) adds `SAME_PLACE_BONUS`;
      two places (< `OTHER_PLACE`: one complaint about two buildings) halve the score.
      With one address, the share of its words the other ticket names, none when the
      other's text names roads and neither the address's nor one its own text names;
      without either, the words naming places in their texts are compared;
    - what about: one subject in common adds `SAME_SUBJECT_BONUS`, one trouble
      `SAME_TROUBLE_BONUS` (`search/data/subjects.txt`);
    - the same township adds `SAME_TOWNSHIP_BONUS`, unless the places differ;
    - numbers, subjects, troubles: both name some, none the same (an amount, a bus line, a
      building; 油烟 and 噪音; 不亮 and 白天亮): halved each.
    """
    mine, theirs = set(tokens), set(other_tokens)
    if not mine & theirs:
        return DuplicateScore(0.0, (), False, same_region, same_caller)
    score, same_place, differences = _score(mine, address_place(address), theirs,
                                            address_place(other_address), same_region)
    return DuplicateScore(score, _shown(tokens, mine & theirs), same_place, same_region,
                          same_caller, differences)


