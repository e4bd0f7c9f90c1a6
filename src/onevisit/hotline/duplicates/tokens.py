"""The words a 12345 ticket is matched on (最多投一次): its title, text and place, the
subjects and troubles it names (`search/data/subjects.txt`), and how much each weighs."""

from __future__ import annotations

import re
from functools import lru_cache

from onevisit.hotline.dispatch.rules import simplified
from onevisit.search import text as search_text
from onevisit.search.text import index_tokens, vocabulary

RARE_FREQUENCY = 50  # a word the segmenter's dictionary counts fewer times is rare
# The token rules: with the above, what a stored band means. A change ships with a
# migration running `duplicate_index_retokenized` (which calls
# `duplicate_index_rebuild(retokenize=True)`) and naming the version it rebuilds for
# (`REBUILDS_TOKENS_VERSION`; a test holds them equal).
TOKENS_VERSION = 6


# What nearly every call says, whatever the matter.
FILLER = frozenset({
    "反映", "表示", "投诉", "举报", "咨询", "求助", "建议", "市民", "来电", "来电人", "本人",
    "情况", "问题", "希望", "要求", "请求", "相关", "部门", "相关部门", "有关", "有关部门",
    "尽快", "及时", "处理", "解决", "核实", "帮忙", "帮助", "一直", "已经", "现在", "目前",
    "没有", "还是", "非常", "十分", "严重", "影响", "导致", "存在", "出现", "发现", "进行",
    "这个", "那个", "这里", "那里", "附近", "周边", "谢谢", "感谢", "麻烦", "12345", "街道",
    "社区", "小区", "地址", "位于", "州市",
    # and the words joining what is said, whatever it says
    "关于", "只能", "因为", "所以", "但是", "而且", "还有", "就是", "为什么", "这样", "那样",
    "一些", "所有", "每次", "的话", "总是", "根本",
})
# What a hotline matter is about and how things go wrong: the shared vocabulary file
# `search/data/subjects.txt`, read once per process (`search_text.subjects`). Found in a
# ticket's text as they are (the segmenter's dictionary is the portal's and cuts some
# apart: 路灯不亮 → 路 灯不亮), they are tokens, and so are the subject and the trouble
# they name: 灯不亮 and 路灯坏了 both give 路灯. Two tickets naming subjects, none the
# same, are two matters; so are two naming troubles, none the same (不亮, 白天亮).
NEGATIONS = ("不是", "并非", "而非")  # 不是油烟的问题是吵: no 油烟


def _subject_of(word: str) -> tuple[str, ...]:
    return search_text.subjects().names.get(word, ())


def _trouble_of(word: str) -> tuple[str, ...]:
    return search_text.subjects().troubles.get(word, ())


@lru_cache(maxsize=1)
def _spotter() -> re.Pattern[str]:
    found = search_text.subjects()
    return re.compile("|".join(re.escape(word) for word in sorted(
        {*found.names, *found.troubles}, key=len, reverse=True)))


def _spotted(text: str) -> tuple[list[str], set[str]]:
    """The subject and trouble words of a text, each followed by the subjects and troubles
    it names; and those the caller only denies (不是不亮，是一直闪: 不亮)."""
    words: list[str] = []
    denied: set[str] = set()
    for found in _spotter().finditer(text):
        word = found.group(0)
        if text[max(0, found.start() - 2):found.start()] in NEGATIONS:
            denied.add(word)
        else:
            words.extend((word, *_subject_of(word), *_trouble_of(word)))
    return words, denied - set(words)


# Words so ending that name no place.
NOT_PLACES = frozenset({
    "走路", "马路", "道路", "一路", "路上", "行道", "车道", "知道", "报道", "渠道", "通道",
    "隧道", "楼道", "路段", "绕路", "让路", "修路", "难道", "味道", "一道", "顺道", "大楼",
    "上楼", "下楼", "楼上", "楼下", "跳楼", "进城", "回村",
})
# Units the segmenter leaves alone after a name or a number it does not know.
PLACE_UNITS = frozenset("路街巷弄号幢栋楼村")
# The end of a numbered or a directed road the segmenter cuts from its name: 文 一路,
# 中山 一路, 解放 二路, 文一 西路.
ROAD_ENDS = re.compile("[一二三四五六七八九十东西南北中]路")
# Words before 一路 or 西路 that name no road: 往西路口, 他一路跟着.
NOT_ROAD_NAMES = frozenset("往向朝沿到在从去他她它我你您咱都也就还又")
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
_GATES = re.compile("[东南西北]门")
_DIGITS = re.compile(r"\d+")
_NAME = re.compile(r"[\u4e00-\u9fff]{1,4}")  # a road's name: Chinese characters only


_CHINESE_NUMBER = re.compile("([一二三四五六七八九十]{1,3})(?=[区期幢栋号楼单元弄组])")
_DIGIT_OF = {character: index for index, character in enumerate("〇一二三四五六七八九")}


def _arabic(match: re.Match[str]) -> str:
    """一 → 1, 十二 → 12, 二十 → 20, 三十五 → 35 (a compound's part, a building)."""
    tens, _ten, units = match.group(1).rpartition("十")
    if not _ten:
        return "".join(str(_DIGIT_OF[c]) for c in units)
    return str((_DIGIT_OF.get(tens, 1) if tens else 1) * 10 + (_DIGIT_OF[units] if units else 0))


@lru_cache(maxsize=4096)
def address_place(address: str) -> str:
    """The address without its divisions, spaces and punctuation, its numbers in digits:
    翠苑四区 → 翠苑4区, 文三路478号."""
    place = _DIVISIONS.sub("", _NOT_WORD.sub("", simplified(address)), count=1)
    return _CHINESE_NUMBER.sub(_arabic, place)


def _meaningful(token: str) -> bool:
    if token in FILLER or token in vocabulary().stopwords:
        return False
    return len(token) > 1 or token.isdigit()


def _is_place(token: str) -> bool:
    return (len(token) > 1 and token.endswith(PLACE_SUFFIXES) and token not in NOT_PLACES
            and not _subject_of(token))


def _joined(words: list[str], text: str) -> list[str]:
    """The words (of `text`), each followed by itself joined to the unit after it: the
    segmenter cuts a road or a number it does not know from its unit (天竺 路, 478 号, 2
    幢), and a numbered or directed road from its name (文 一路, 文一 西路; not 街道 三路,
    the word inside 文三路 that the index keeps beside it)."""
    joined = []
    for index, word in enumerate(words):
        joined.append(word)
        unit = words[index + 1] if index + 1 < len(words) else ""
        if _unit_of(word, unit) or _road_end_of(word, unit, text):
            joined.append(word + unit)
    return joined


def _unit_of(word: str, unit: str) -> bool:
    return (unit in PLACE_UNITS and (len(word) > 1 or word.isdigit())
            and not word.endswith(PLACE_SUFFIXES))


def _road_end_of(word: str, unit: str, text: str) -> bool:
    return (bool(ROAD_ENDS.fullmatch(unit)) and bool(_NAME.fullmatch(word))
            and word + unit in text and word not in NOT_ROAD_NAMES
            and word not in vocabulary().stopwords)


def ticket_tokens(*, title: str, text: str, address: str = "") -> list[str]:
    """The words a ticket is matched on, once each, in order: its title and text (and the
    subjects and troubles in them), then what its address adds; in simplified characters
    (路燈壞了 is 路灯坏了)."""
    said = simplified(f"{title}\n{text}")
    spotted, denied = _spotted(said)
    words = [word for word in _joined(index_tokens(said), said) if word not in denied] + spotted
    place = address_place(address)
    if place:
        words += _joined(index_tokens(place), place)
    return [token for token in dict.fromkeys(words) if _meaningful(token)]


def ticket_said(*, title: str, text: str, address: str = "") -> str:
    """A ticket's words as `ticket_tokens` reads them, before the subjects and troubles
    they name are added: what a token must be found in to have been said."""
    said = simplified(f"{title}\n{text}")
    return f"{said}\n{address_place(address)}"


@lru_cache(maxsize=1 << 16)
def _copies(token: str) -> int:
    """How much a token weighs. A subject, a number, or a word the segmenter's dictionary
    does not know or rarely sees — a name, a place — says more about which matter a
    ticket is than a common word: two callers name the same shop, not only the same
    trouble."""
    if token.isdigit() or _subject_of(token):
        return 3
    frequency = search_text.word_frequency(token)
    return 3 if not frequency else 2 if frequency < RARE_FREQUENCY else 1


