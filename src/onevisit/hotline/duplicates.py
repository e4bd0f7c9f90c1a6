"""最多投一次: a new 12345 ticket matched against the open tickets.

Many callers often report one matter (a street light out, a stall blocking a pavement):
their tickets are merged under a master ticket and answered together. The same caller
calling again on her open matter is a repeat: linked to her first ticket, which it
escalates — never a new independent ticket. This module finds those matches and says why.

How:

- Tokens: the words of a ticket's title and text (jieba with the search vocabulary,
  `onevisit.search.text.index_tokens`), then those of its address without the divisions
  the region field already gives, less stopwords, single characters and what every call
  says (`FILLER`). Stored on the ticket (`Ticket.tokens`), they give the stated reasons.
- Candidates: MinHash with locality-sensitive hashing. A signature of `BANDS × ROWS`
  minimum hashes of the token set, a subject, a name or a number weighing more, is cut
  into `BANDS` bands of `ROWS` values; two tickets of Jaccard similarity s share a
  band with probability 1 − (1 − s^ROWS)^BANDS. A band is hashed with the ticket's region
  code (the township handles the matter: a ticket is matched within its township) and
  stored as a `DuplicateBand` row while the ticket is open. One query reads, through the
  band index, the most recent `PER_BAND` tickets of each band of a new ticket; those
  sharing the rarest bands come first, at most `CANDIDATES` of them, with the caller's
  own open tickets.
- Score: each candidate is scored exactly (`duplicate_score`: what they say, where, the
  subjects and numbers they name, the township). From `SAME_MATTER_THRESHOLD` another
  caller's ticket is the same matter, to merge; the caller's own, from
  `SAME_CALLER_THRESHOLD`, is her repeat — no lower: her next matter at her door is no
  repeat.

The hashes are fixed (SHAKE-128 and BLAKE2b of UTF-8), so every process and every release
computes the same bands. A change of `BANDS`, `ROWS`, `RARE_FREQUENCY` or the token rules
(`TOKENS_VERSION`) needs the bands rebuilt (`duplicate_index_rebuild`).
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from onevisit.hotline.constants import OPEN_STATUSES
from onevisit.hotline.models import DuplicateBand, Ticket
from onevisit.search import text as search_text
from onevisit.search.text import index_tokens, normalize, vocabulary

# 10 bands of 2 rows: a pair of (weighted) Jaccard 0.5 shares a band with probability
# 0.94, 0.4 → 0.81, 0.3 → 0.61, 0.1 → 0.10. Against 1,000,000 generated open tickets
# (bench/hotline_duplicates.py) this finds a near-duplicate's case among the candidates
# about 85% of the time; 3 rows lose a fifth of those, 16 bands gain 4 points for 60%
# more rows.
BANDS = 10
ROWS = 2
SIGNATURE_SIZE = BANDS * ROWS
RARE_FREQUENCY = 50  # a word the segmenter's dictionary counts fewer times is rare
TOKENS_VERSION = 4  # the token rules: with the above, what a stored band means
PER_BAND = 30  # the most recent open tickets read per band
CANDIDATES = 50  # open tickets scored at most

SAME_MATTER_THRESHOLD = 0.5
SAME_CALLER_THRESHOLD = 0.5
SAME_PLACE_BONUS = 0.2
SAME_PLACE = 0.6  # address_similarity from which two addresses are one place
OTHER_PLACE = 0.3  # and below which they are two
REASON_WORDS = 8  # shared words named in a reason

MatchKind = Literal["same_caller", "same_matter"]

# What nearly every call says, whatever the matter.
FILLER = frozenset({
    "反映", "表示", "投诉", "举报", "咨询", "求助", "建议", "市民", "来电", "来电人", "本人",
    "情况", "问题", "希望", "要求", "请求", "相关", "部门", "相关部门", "有关", "有关部门",
    "尽快", "及时", "处理", "解决", "核实", "帮忙", "帮助", "一直", "已经", "现在", "目前",
    "没有", "还是", "非常", "十分", "严重", "影响", "导致", "存在", "出现", "发现", "进行",
    "这个", "那个", "这里", "那里", "附近", "周边", "谢谢", "感谢", "麻烦", "12345", "街道",
    "社区", "小区", "地址", "位于", "州市",
})
# What a hotline matter is about, a line per subject and its other names; and how things
# go wrong. Found in a ticket's text as they are (the segmenter's dictionary is the
# portal's and cuts some apart: 路灯不亮 → 路 灯不亮), they are tokens too. Two tickets
# naming subjects, none the same, are two matters.
SUBJECTS = (
    "路灯", "井盖 窨井盖", "噪音 噪声 扰民 太吵", "油烟 排烟", "异味 臭味 臭气",
    "占道 摊贩 摊位", "漏水 渗水", "积水 排水 下水道 污水", "垃圾 垃圾桶", "渣土 建筑垃圾 偷倒",
    "扬尘", "施工 工地", "违建 违章 搭建", "停车 乱停", "电动车 充电 飞线", "共享单车",
    "消防通道", "电梯", "物业", "欠薪 拖欠 工资 讨薪 工钱", "押金", "退款 退费 会员卡",
    "收费", "医保", "社保", "公积金", "公交 公交车 公交站", "红绿灯 信号灯", "斑马线",
    "人行道", "路面", "绿化 树木 修剪", "广场舞", "装修", "宠物 流浪狗 犬只", "群租",
    "出租车 网约车", "食堂", "培训", "过期", "吸烟 抽烟 控烟", "燃气", "停水", "停电",
    "空调外机",
)
TROUBLES = ("不亮", "破损", "松动", "堵塞", "坑洼", "塌陷", "绕路", "拒载", "焚烧")
_SUBJECT = {word: line.split()[0] for line in SUBJECTS for word in line.split()}
_SPOTTED = re.compile("|".join(sorted([*_SUBJECT, *TROUBLES], key=len, reverse=True)))
# Units the segmenter leaves alone after a name or a number it does not know.
PLACE_UNITS = frozenset("路街巷弄号幢栋楼村")
# A word so ending names a place.
PLACE_SUFFIXES = ("路", "街", "巷", "弄", "道", "号", "幢", "栋", "楼", "苑", "园", "村",
                  "桥", "湾", "坊", "府", "庭", "城", "广场", "大厦", "中心", "市场",
                  "公园", "学校", "小学", "中学", "医院", "单元")


# --------------------------------------------------------------------------- tokens

# A leading chain of administrative divisions in an address (杭州市西湖区翠苑街道…): the
# region field says it better. A county only before a township, so that 翠苑一区 (a
# compound) stays; 市场 and 超市 are no cities.
_DIVISIONS = re.compile(r"^(?:\w{2,7}?省)?(?:\w{2,7}?(?<!超)市(?!场))?"
                        r"(?:\w{1,7}?[区县](?=\w{1,9}?(?:街道|镇|乡)))?"
                        r"(?:\w{1,9}?(?:街道|镇|乡))?")
_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=4096)
def address_place(address: str) -> str:
    """The address without its divisions, spaces and punctuation: 文三路478号."""
    return _DIVISIONS.sub("", _NOT_WORD.sub("", normalize(address)), count=1)


def _meaningful(token: str) -> bool:
    if token in FILLER or token in vocabulary().stopwords:
        return False
    return len(token) > 1 or token.isdigit()


def _is_place(token: str) -> bool:
    return len(token) > 1 and token.endswith(PLACE_SUFFIXES)


def _joined(words: list[str]) -> list[str]:
    """The words, each followed by itself joined to the unit after it: the segmenter cuts
    a road or a number it does not know from its unit (天竺 路, 478 号, 2 幢)."""
    joined = []
    for index, word in enumerate(words):
        joined.append(word)
        unit = words[index + 1] if index + 1 < len(words) else ""
        if (unit in PLACE_UNITS and (len(word) > 1 or word.isdigit())
                and not word.endswith(PLACE_SUFFIXES)):
            joined.append(word + unit)
    return joined


def ticket_tokens(*, title: str, text: str, address: str = "") -> list[str]:
    """The words a ticket is matched on, once each, in order: its title and text (and the
    subjects and troubles in them), then what its address adds."""
    said = f"{title}\n{text}"
    words = _joined(index_tokens(said)) + _SPOTTED.findall(normalize(said))
    place = address_place(address)
    if place:
        words += _joined(index_tokens(place))
    return [token for token in dict.fromkeys(words) if _meaningful(token)]


@lru_cache(maxsize=1 << 16)
def _copies(token: str) -> int:
    """How much a token weighs. A subject, a number, or a word the segmenter's dictionary
    does not know or rarely sees — a name, a place — says more about which matter a
    ticket is than a common word: two callers name the same shop, not only the same
    trouble."""
    if token.isdigit() or token in _SUBJECT:
        return 3
    frequency = search_text.word_frequency(token)
    return 3 if not frequency else 2 if frequency < RARE_FREQUENCY else 1


# --------------------------------------------------------------------------- MinHash

_HASHES = struct.Struct(f"<{SIGNATURE_SIZE}Q")
_BAND = struct.Struct(f"<B{ROWS}Q")


@lru_cache(maxsize=8192)
def _token_hashes(token: str) -> tuple[int, ...]:
    """The token's hash under each of the `SIGNATURE_SIZE` permutations; a token that
    weighs n is n elements of the set (weighted MinHash by repetition): the least of n."""
    copies = _copies(token)
    values = struct.unpack(f"<{SIGNATURE_SIZE * copies}Q",
                           hashlib.shake_128(token.encode()).digest(_HASHES.size * copies))
    return tuple(min(values[index::SIGNATURE_SIZE]) for index in range(SIGNATURE_SIZE))


def duplicate_signature(tokens: Iterable[str]) -> list[int]:
    """The MinHash signature of a token set (empty without tokens)."""
    hashes = [_token_hashes(token) for token in set(tokens)]
    if not hashes:
        return []
    return [min(column) for column in zip(*hashes, strict=True)]


def duplicate_bands(tokens: Iterable[str], *, region_code: str = "") -> list[int]:
    """The LSH bands of a ticket's tokens in its region, as signed 64-bit integers, one
    per band (none without tokens). A band's position and the region code are hashed
    with it: band 1 never meets band 2, nor a ticket of one township one of another."""
    signature = duplicate_signature(tokens)
    if not signature:
        return []
    salt = region_code.encode()[:16]
    return [
        int.from_bytes(
            hashlib.blake2b(_BAND.pack(index, *signature[index * ROWS:(index + 1) * ROWS]),
                            digest_size=8, salt=salt).digest(),
            "little", signed=True)
        for index in range(BANDS)
    ]


# --------------------------------------------------------------------------- the index


def _band_rows(ticket_id: int, tokens: str, region_code: str) -> list[DuplicateBand]:
    return [DuplicateBand(band=band, ticket_id=ticket_id)
            for band in dict.fromkeys(duplicate_bands(tokens.split(), region_code=region_code))]


def duplicate_index_add(*, ticket: Ticket) -> None:
    """Index an open ticket (again: its earlier bands are replaced)."""
    with transaction.atomic():
        DuplicateBand.objects.filter(ticket_id=ticket.pk).delete()
        DuplicateBand.objects.bulk_create(
            _band_rows(ticket.pk, ticket.tokens, ticket.region_id or ""))


def duplicate_index_remove(*, ticket_ids: Iterable[int]) -> None:
    """Take tickets out of the index (closed, merged): they are matched no more."""
    ids = list(ticket_ids)
    if ids:
        DuplicateBand.objects.filter(ticket_id__in=ids).delete()


def duplicate_index_rebuild() -> int:
    """Every open ticket's bands again, from its stored tokens (after a change of the
    parameters). Returns the number of tickets indexed."""
    count = 0
    with transaction.atomic():
        DuplicateBand.objects.all().delete()
        open_tickets = (Ticket.objects.filter(status__in=OPEN_STATUSES)
                        .values_list("pk", "tokens", "region_id"))
        rows: list[DuplicateBand] = []
        for pk, tokens, region in open_tickets.iterator(chunk_size=2000):
            rows.extend(_band_rows(pk, tokens, region or ""))
            count += 1
            if len(rows) >= 10_000:
                DuplicateBand.objects.bulk_create(rows)
                rows = []
        DuplicateBand.objects.bulk_create(rows)
    return count


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
    if numbers and other_numbers and not numbers & other_numbers:
        return 0.0
    union = words | other_words
    similarity = len(words & other_words) / len(union) if union else 0.0
    if similarity < SAME_PLACE and place[:2] != other_place[:2]:
        return 0.0
    return similarity


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


def _score(mine: set[str], place: str, theirs: set[str], other_place: str,
           same_region: bool) -> tuple[float, bool]:
    """`duplicate_score`'s score and whether the addresses name one place."""
    places, other_places = _places(mine, place), _places(theirs, other_place)
    said, other_said = mine - places, theirs - other_places
    score = _similarity(said, other_said)
    similarity = _place_similarity(places, place, other_places, other_place)
    if similarity is None and places and other_places:
        similarity = 1.0 if places & other_places else 0.0
    same_place = similarity is not None and similarity >= SAME_PLACE
    other = similarity is not None and similarity < OTHER_PLACE
    if same_place:
        score += SAME_PLACE_BONUS
    elif other:
        score /= 2
    for named, other_named in (
        ({token for token in said if token.isdigit()},
         {token for token in other_said if token.isdigit()}),
        ({_SUBJECT[token] for token in said if token in _SUBJECT},
         {_SUBJECT[token] for token in other_said if token in _SUBJECT}),
    ):
        if named and other_named and not named & other_named:
            score /= 2
    if same_region and not other:
        score += 0.1
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
      Without both addresses, the words naming places (roads, compounds, the address's)
      are compared: one in common is one place, none two;
    - numbers and subjects: both name numbers (an amount, a bus line, a building), none
      the same: halved; both name subjects (`SUBJECTS`), none the same: halved;
    - the same township adds 0.1, unless the places differ.
    """
    mine, theirs = set(tokens), set(other_tokens)
    if not mine & theirs:
        return DuplicateScore(0.0, (), False, same_region, same_caller)
    score, same_place = _score(mine, address_place(address), theirs,
                               address_place(other_address), same_region)
    return DuplicateScore(score, _shown(tokens, mine & theirs), same_place, same_region,
                          same_caller)


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class DuplicateMatch:
    """An open ticket a new one is likely about: the caller's own (`same_caller`: a repeat,
    to link and escalate) or another caller's on the same matter (`same_matter`: to
    merge under it)."""

    ticket_id: int
    number: str
    score: float
    kind: MatchKind
    reasons: list[str]


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


def _region_reason(name: str) -> str:
    if name.endswith("街道"):
        return _("同一街道：%(name)s") % {"name": name}
    return _("同一乡镇：%(name)s") % {"name": name}


def duplicate_matches(*, tokens: Sequence[str], region_code: str, address: str,
                      caller_digest: str, exclude_ids: Iterable[int] = (),
                      limit: int = 5) -> list[DuplicateMatch]:
    """The open tickets a new ticket is likely about, each with its reasons: the caller's
    own first (最多投一次: her repeat is linked to her ticket, whatever else matches),
    then the best scores."""
    tokens = list(dict.fromkeys(tokens))
    candidates = duplicate_candidates(bands=duplicate_bands(tokens, region_code=region_code),
                                      caller_digest=caller_digest, exclude_ids=exclude_ids)
    mine, place = set(tokens), address_place(address)
    scored: list[tuple[DuplicateScore, Candidate]] = []
    for candidate in candidates:
        theirs = set(candidate.tokens.split())
        if not mine & theirs:
            continue
        same_caller = bool(caller_digest) and candidate.caller_digest == caller_digest
        same_region = _township(region_code) and candidate.region_code == region_code
        score, same_place = _score(mine, place, theirs, address_place(candidate.address),
                                   same_region)
        if score >= (SAME_CALLER_THRESHOLD if same_caller else SAME_MATTER_THRESHOLD):
            scored.append((DuplicateScore(score, _shown(tokens, mine & theirs), same_place,
                                          same_region, same_caller), candidate))
    scored.sort(key=lambda pair: (not pair[0].same_caller, -pair[0].score, pair[1].ticket_id))
    matches = []
    for found, candidate in scored[:limit]:
        reasons = []
        if found.same_caller:
            reasons.append(_("同一来电人"))
        if found.words:
            reasons.append(_("共同词：%(words)s") % {"words": "、".join(found.words)})
        if found.same_place:
            shown = min(place, address_place(candidate.address), key=len)
            reasons.append(_("同一地点：%(place)s") % {"place": shown})
        if found.same_region:
            reasons.append(_region_reason(candidate.region_name))
        matches.append(DuplicateMatch(
            ticket_id=candidate.ticket_id, number=candidate.number, score=found.score,
            kind="same_caller" if found.same_caller else "same_matter", reasons=reasons))
    return matches
