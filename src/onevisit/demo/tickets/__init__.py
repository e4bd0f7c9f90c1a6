"""Synthetic 12345 tickets (工单) of 西湖区, to train and measure dispatch and duplicate
detection without real callers' data.

A ticket is a *case* — a matter of `matters.py` at a place, with its particulars (the shop,
the time, the amount) — told in words: the agent's third person on the phone, the caller's
own first person on the web, the mobile app and e-mail. Telling the same case again gives
what a second caller says about it (`near_duplicates`) or what the first caller says when
she calls back (`repeat_of`): same place and problem, different words, order and details.

Everything is drawn from one `random.Random(seed)` and one seeded Faker, so the same seed
gives the same tickets. Each matter's phrasings are split into those seen in training and
those kept for measurement (`wording`), so a held-out set can also be told in words the
model never saw.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from django.db.models import Q
from faker import Faker

from onevisit.accounts.models import Department, Region
from onevisit.demo.catalogue.reference import DEPARTMENTS
from onevisit.demo.tickets import places
from onevisit.demo.tickets.matters import MATTERS, TYPE_LETTERS, Matter
from onevisit.hotline.constants import TicketChannel, TicketType

__all__ = [
    "HOTLINE_DEPARTMENTS",
    "GeneratedTicket",
    "TicketSplit",
    "hotline_departments_ensure",
    "near_duplicates",
    "repeat_of",
    "tickets_generate",
    "tickets_split",
]

T = TypeVar("T")

# The departments the 12345 centre dispatches to: the catalogue's, and those that handle
# city life rather than applications.
HOTLINE_DEPARTMENTS: dict[str, str] = {
    **DEPARTMENTS,
    "xh-cgj": "杭州市西湖区城市管理局",
    "xh-jtj": "杭州市西湖区交通运输局",
    "xh-sthj": "杭州市生态环境局西湖分局",
    "xh-jyj": "杭州市西湖区教育局",
    "xh-lsj": "杭州市西湖区林业水利局",
    "xh-yjj": "杭州市西湖区应急管理局",
    "xh-wlj": "杭州市西湖区文化和广电旅游体育局",
    "xh-nyj": "杭州市西湖区农业农村局",
}

HOTLINE_DEPARTMENTS_EN: dict[str, str] = {
    "xh-cgj": "Xihu District Urban Management Bureau",
    "xh-jtj": "Xihu District Transport Bureau",
    "xh-sthj": "Hangzhou Ecology and Environment Bureau, Xihu Branch",
    "xh-jyj": "Xihu District Education Bureau",
    "xh-lsj": "Xihu District Forestry and Water Resources Bureau",
    "xh-yjj": "Xihu District Emergency Management Bureau",
    "xh-wlj": "Xihu District Culture, Radio, Television, Tourism and Sports Bureau",
    "xh-nyj": "Xihu District Agriculture and Rural Affairs Bureau",
}

# How much of the hotline's work each department gets (relative).
DEPARTMENT_WEIGHTS: dict[str, int] = {
    "xh-cgj": 14, "xh-zjj": 12, "xh-scjg": 11, "xh-ga": 9, "xh-rsj": 8, "xh-jtj": 6,
    "xh-sthj": 5, "xh-jyj": 5, "xh-wjj": 5, "xh-ybj": 4, "xh-lsj": 4, "xh-yjj": 3,
    "xh-wlj": 3, "xh-sw": 3, "xh-mzj": 3, "xh-bdc": 2, "xh-zrzy": 2, "xh-fgj": 2,
    "xh-nyj": 2,
}
TYPE_WEIGHTS: dict[str, int] = {
    TicketType.COMPLAINT: 40, TicketType.CONSULTATION: 25, TicketType.HELP: 12,
    TicketType.REPORT: 10, TicketType.SUGGESTION: 8, TicketType.PRAISE: 5,
}
CHANNEL_WEIGHTS: dict[str, int] = {
    TicketChannel.PHONE: 68, TicketChannel.MOBILE: 14, TicketChannel.WEB: 12,
    TicketChannel.EMAIL: 6,
}
TYPE_WORDS: dict[str, str] = {
    TicketType.COMPLAINT: "投诉", TicketType.REPORT: "举报", TicketType.CONSULTATION: "咨询",
    TicketType.SUGGESTION: "建议", TicketType.HELP: "求助", TicketType.PRAISE: "表扬",
}


def hotline_departments_ensure(*, region: Region) -> list[Department]:
    """The hotline's departments, the missing ones created in `region` (idempotent: an
    existing department keeps its name and region; one without an English name gets it)."""
    existing = set(Department.objects.filter(code__in=HOTLINE_DEPARTMENTS)
                   .values_list("code", flat=True))
    missing = [Department(code=code, name=name, region=region)
               for code, name in HOTLINE_DEPARTMENTS.items() if code not in existing]
    Department.objects.bulk_create(missing, ignore_conflicts=True)
    for code, name_en in HOTLINE_DEPARTMENTS_EN.items():
        (Department.objects.filter(code=code).filter(Q(name_en__isnull=True) | Q(name_en=""))
         .update(name_en=name_en))
    return list(Department.objects.filter(code__in=HOTLINE_DEPARTMENTS).order_by("code"))


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """What a ticket is about, before it is put into words."""

    matter: Matter
    department: str
    township: places.Township
    slots: dict[str, str]
    address: str
    core: str  # the phrasing of the matter's problem this caller uses (a template)


@dataclass(frozen=True)
class GeneratedTicket:
    type: str
    channel: str
    title: str
    text: str
    department_code: str
    region_code: str
    address: str
    caller_name: str
    caller_phone: str
    case: Case = field(repr=False, compare=False)
    # The grassroots platform (its kind) that takes the ticket in its township instead of
    # `department_code`, when the township hosts its platforms; "" for a department's own.
    platform: str = ""


@dataclass(frozen=True)
class TicketSplit:
    train: list[GeneratedTicket]
    test: list[GeneratedTicket]
    exact_overlap: int  # held-out tickets drawn whose text was a training text (replaced)
    drawn: int  # held-out tickets drawn in all

    @property
    def exact_overlap_rate(self) -> float:
        return self.exact_overlap / self.drawn if self.drawn else 0.0


def _hash(*parts: str) -> int:
    return zlib.crc32("\x1f".join(parts).encode())


def _held_out(matter: Matter, index: int) -> bool:
    """Whether a phrasing of a matter is kept for measurement (about one in four, never a
    matter's only phrasing or all of them)."""
    if len(matter.cores) < 3:
        return False
    return _hash(matter.key, str(index)) % 4 == 0 or (
        index == len(matter.cores) - 1
        and not any(_hash(matter.key, str(i)) % 4 == 0 for i in range(len(matter.cores) - 1))
    )


def _cores(matter: Matter, wording: str) -> list[str]:
    if wording == "all":
        return list(matter.cores)
    kept = [core for index, core in enumerate(matter.cores)
            if _held_out(matter, index) == (wording == "test")]
    return kept or list(matter.cores)


_TIMES = ("每天晚上十点以后", "凌晨两三点", "早上六点不到", "中午十二点左右", "周末白天",
          "晚上八点到十一点", "每天傍晚", "半夜十二点多", "一大早五点多", "晚上九点以后")
_DATES = ("上周三", "昨天下午", "前天晚上", "本月初", "上个月底", "这周一", "今天上午",
          "上周末")
_MONTHS = ("两个月", "三个多月", "半年", "大半年", "一年多", "四个月", "好几个月")
_OCCUPATIONS = ("上班族", "退休职工", "个体户", "在校大学生", "宝妈", "外卖骑手", "老师")


class _Maker:
    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng = rng
        self.fake = fake

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def township(self) -> places.Township:
        return self.rng.choices(places.TOWNSHIPS,
                                weights=[t.weight for t in places.TOWNSHIPS])[0]

    def brand(self, kinds: Sequence[str]) -> str:
        word = self.pick(places.BRAND_WORDS) if self.rng.random() < 0.7 else (
            self.fake.last_name() + "记")
        return word + self.pick(kinds)

    def plate(self) -> str:
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        return "浙A" + "".join(self.pick(letters) for _ in range(5))

    def case(self, wording: str) -> tuple[Case, str]:
        department = self.weighted(DEPARTMENT_WEIGHTS)
        matters = [m for m in MATTERS if m.department == department]
        type_weights = {t: w for t, w in TYPE_WEIGHTS.items()
                        if any(t == TYPE_LETTERS[letter] for m in matters for letter in m.types)}
        ticket_type = self.weighted(type_weights)
        matter = self.pick([m for m in matters
                            if any(TYPE_LETTERS[letter] == ticket_type for letter in m.types)])
        handler = matter.department
        roll = self.rng.random()
        for code, share in matter.alternatives:
            if roll < share:
                handler = code
                break
            roll -= share
        township = self.township()
        road, road2 = self.rng.sample(township.roads, 2)
        compound = self.pick(township.compounds)
        building = self.rng.randint(1, 36)
        number = self.rng.randint(1, 399)
        spot = self.pick((f"{road}与{road2}交叉口", f"{road}{number}号门口",
                          f"{compound}南门", f"{compound}北门外", f"{road}{compound}旁边",
                          f"{road}公交站附近"))
        slots = {
            "township": township.name, "compound": compound, "road": road, "road2": road2,
            "place": f"{compound}{building}幢", "spot": spot,
            "eatery": self.brand(places.EATERY_KINDS), "store": self.brand(places.STORE_KINDS),
            "gym": self.brand(places.GYM_KINDS), "agency": self.brand(places.AGENCY_KINDS),
            "market": self.pick(places.MARKETS), "mall": self.pick(places.MALLS),
            "park": self.pick(places.PARKS), "school": self.pick(places.SCHOOLS),
            "kinder": self.pick(places.KINDERGARTENS), "hospital": self.pick(places.HOSPITALS),
            "firm": self.pick(places.PROPERTY_FIRMS),
            "company": "杭州" + str(self.fake.company()),
            "bus": self.pick((f"{self.rng.randint(1, 399)}路", f"B支{self.rng.randint(1, 9)}",
                              f"{self.rng.randint(1, 99)}路", f"{self.rng.randint(300, 599)}路")),
            "plate": self.plate(), "worker": str(self.fake.name()),
            "time": self.pick(_TIMES), "date": self.pick(_DATES), "months": self.pick(_MONTHS),
            "n": str(self.rng.randint(2, 9)),
            "amount_s": f"{self.rng.randint(2, 60) * 5}元",
            "amount_m": f"{self.rng.randint(8, 200) * 100}元",
            "amount_l": self.pick((f"{self.rng.randint(2, 30)}万元",
                                   f"{self.rng.randint(11, 99) * 1000}元",
                                   f"{self.rng.randint(2, 9)}万多")),
        }
        where = {
            "home": f"{compound}{building}幢", "spot": spot,
            "eatery": f"{road}{number}号{slots['eatery']}",
            "store": f"{road}{number}号{slots['store']}", "mall": slots["mall"],
            "market": slots["market"], "park": slots["park"], "school": slots["school"],
        }.get(matter.where, "")
        address = f"杭州市西湖区{township.name}{where}" if where else ""
        case = Case(matter=matter, department=handler, township=township, slots=slots,
                    address=address, core=self.pick(_cores(matter, wording)))
        return case, ticket_type

    def caller(self, ticket_type: str) -> tuple[str, str]:
        roll = self.rng.random()
        anonymous = 0.35 if ticket_type == TicketType.REPORT else 0.08
        surname = self.fake.last_name()
        if roll < anonymous:
            name = ""
        elif roll < anonymous + 0.2:
            name = surname + self.pick(("先生", "女士", "阿姨", "师傅"))
        else:
            name = str(self.fake.name())
        if self.rng.random() < 0.1:
            phone = f"0571-8{self.rng.randint(0, 9_999_999):07d}"
        else:
            phone = str(self.fake.phone_number())
        return name, phone

    def channel(self) -> str:
        return self.weighted(CHANNEL_WEIGHTS)


# --------------------------------------------------------------------------- words

# Words a caller or an agent says in more than one way; swapped in the templates (never in
# the slots' values, so places and names stay as they are).
_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("尽快", ("赶紧", "尽早", "早日")),
    ("特别", ("非常", "十分", "很")),
    ("很大", ("特别大", "非常大", "太大了")),
    ("一直", ("始终", "老是", "总是")),
    ("经常", ("时常", "常常", "老是")),
    ("晚上", ("夜里", "晚间")),
    ("已经", ("都已经", "早就")),
    ("相关部门", ("有关部门", "职能部门", "政府部门")),
    ("没人", ("没有人",)),
    ("处理", ("解决", "处置")),
    ("孩子", ("小孩", "小孩子")),
    ("老人", ("老年人", "老人家")),
    ("不知道", ("不清楚", "搞不清楚")),
    ("居民", ("住户", "老百姓")),
    ("很多", ("不少", "好多")),
    ("希望", ("盼望", "期望")),
    ("问一下", ("了解一下", "打听一下")),
    ("要求", ("请求", "强烈要求")),
    ("每天", ("天天", "每日")),
    ("没有", ("没",)),
    ("好几", ("许多",)),
    ("噪音", ("噪声", "声音")),
    ("严重影响", ("极大影响", "很影响")),
    ("根本", ("完全",)),
    ("附近", ("周边", "边上")),
    ("门口", ("门前",)),
    ("突然", ("忽然", "一下子")),
    ("怎么", ("如何", "该怎么")),
    ("多次", ("好多次", "几次三番")),
    ("不给", ("不肯",)),
    ("很差", ("太差", "极差")),
    ("危险", ("不安全",)),
    ("现在", ("目前", "如今")),
)

_ASKS: dict[str, tuple[str, ...]] = {
    TicketType.COMPLAINT: ("要求相关部门尽快处理", "希望有关部门管一管", "请尽快核实处理并给予答复",
                           "望相关部门重视", "要求给个说法", "请相关部门落实解决"),
    TicketType.REPORT: ("请求相关部门依法查处", "要求核实查处", "请有关部门调查处理",
                        "望严肃处理"),
    TicketType.CONSULTATION: ("请相关部门给予解答", "请告知", "望回电告知", "请给予政策解答"),
    TicketType.SUGGESTION: ("建议相关部门予以考虑", "希望能采纳", "请相关部门研究"),
    TicketType.HELP: ("请求相关部门帮助协调解决", "希望能得到帮助", "请尽快安排人员处理"),
    TicketType.PRAISE: ("特来电表示感谢", "希望对其进行通报表扬", "特此表扬", "向其表示感谢"),
}
_AGENT_NOTES = ("来电人情绪较为激动", "来电人表示此事已持续较长时间", "来电人要求回电",
                "来电人要求对其信息保密", "来电人称可以配合调查")
_SELF_NOTES = ("真的太影响生活了", "麻烦你们重视一下", "实在没办法才打的12345", "拜托了",
               "谢谢", "辛苦了")
_VERBS = ("想咨询一下", "想问一下", "问一下", "咨询", "建议", "举报", "表扬", "感谢", "求助")
_REPEAT_AGENT = ("来电人称此前已反映过此问题，至今未解决。", "市民再次来电反映：",
                 "来电人第二次来电，称上次反映的问题依旧存在：",
                 "来电人表示上次反映后一直没人处理，",
                 "来电人又来电：", "该市民曾就此事来电，现称问题仍未解决，")
_REPEAT_SELF = ("又是我，上次反映过的问题还是没人管。", "我之前已经打过12345了，",
                "第二次反映了！",
                "上次反映过，到现在都没有解决，", "还是之前那个问题，")
_REPEAT_TAIL = ("还是没人管", "问题依旧存在", "对上次的处理结果不满意", "请不要再敷衍了",
                "希望这次能真正解决")


def _swap(text: str, rng: random.Random, rate: float) -> str:
    for word, others in _SYNONYMS:
        if word in text and rng.random() < rate:
            text = text.replace(word, others[rng.randrange(len(others))])
    return text


def _fill(template: str, case: Case) -> str:
    return template.format_map(case.slots)


def _retold(core: str, rng: random.Random) -> str:
    """The same problem in other words: more synonyms, and a clause of three or more left
    out or two of them told the other way round."""
    core = _swap(core, rng, 0.5)
    clauses = core.split("，")
    if len(clauses) >= 3 and rng.random() < 0.35:
        del clauses[rng.randrange(1, len(clauses))]
    elif len(clauses) >= 2 and rng.random() < 0.3 and not clauses[-1].startswith(
            ("还", "也", "又", "就", "但", "却", "然后", "结果", "说")):
        clauses = [clauses[-1], *clauses[:-1]]
    return "，".join(clauses)


def _tell(case: Case, ticket_type: str, channel: str, rng: random.Random, *,
          swap_rate: float, retold: bool = False, repeat: bool = False) -> tuple[str, str]:
    """The title and text of `case`, in words drawn from `rng`; `retold`: by another
    caller, or the same one again, in other words."""
    matter = case.matter
    agent = channel == TicketChannel.PHONE
    core = _retold(case.core, rng) if retold else _swap(case.core, rng, swap_rate)
    if core.startswith("{") and rng.random() < 0.4:
        core = rng.choice(("西湖区{township}", "{township}")) + core
    core = _fill(core, case)
    subject = core
    for prefix in ("来电人称", "来电人", "来电"):
        if subject.startswith(prefix):
            subject = ("其" if agent else "我") + subject[len(prefix):]
            if subject[1:].startswith(("求助", "咨询", "表扬")):
                subject = subject[1:]
            break
    verb = next((verb for verb in _VERBS if subject.startswith(verb)), "")
    if agent:
        who = rng.choice(("市民", "来电人", "市民来电", "来电市民"))
        if verb:
            head = who
        else:
            head = who + rng.choice(("反映：", "反映，", "称：", "表示，") + (
                ("投诉：",) if ticket_type == TicketType.COMPLAINT else ()) + (
                ("求助：",) if ticket_type == TicketType.HELP else ()))
    else:
        head = rng.choice(("", "", "您好，", "你好，", "领导好，",
                           f"我是{case.township.name}的居民，",
                           f"我是一名{rng.choice(_OCCUPATIONS)}，"))
        if verb in ("咨询", "问一下") and rng.random() < 0.5:
            subject = rng.choice(("请问", "想咨询一下")) + subject[len(verb):]
        elif verb in ("举报", "表扬") and rng.random() < 0.5:
            subject = "我要" + subject
    if repeat:
        head = rng.choice(_REPEAT_AGENT if agent else _REPEAT_SELF) + (
            head if not agent else "")
    details = list(matter.details)
    rng.shuffle(details)
    chosen = details[:rng.choice((0, 1, 1, 2, 2, 3))]
    told = [_fill(_swap(detail, rng, swap_rate), case) for detail in chosen]
    parts = [subject, *told]
    if told and retold and rng.random() < 0.3:
        parts = [told[0], subject, *told[1:]]
    if rng.random() < 0.15:
        parts.append(rng.choice(_AGENT_NOTES if agent else _SELF_NOTES))
    if repeat:
        parts.append(rng.choice(_REPEAT_TAIL))
    if rng.random() < 0.85:
        asks = matter.asks or _ASKS[ticket_type]
        parts.append(_fill(_swap(rng.choice(asks), rng, swap_rate), case))
    separator = rng.choice(("，", "，", "。"))
    text = head + separator.join(parts) + rng.choice(("。", "。", "！" if not agent else "。"))
    title = _fill(_title_for(rng.choice(matter.titles), matter, case.core), case)
    if rng.random() < 0.3:
        plain = title.endswith(("问题", *TYPE_WORDS.values()))
        title = f"关于{title}" + ("" if plain else f"的{TYPE_WORDS[ticket_type]}")
    elif repeat and rng.random() < 0.5:
        title = f"再次反映：{title}"
    return title[:120], text


def _title_for(drawn: str, matter: Matter, core: str) -> str:
    """The drawn title if it fits what the caller tells, else one of the matter's titles
    that share most two-character words with it (a call about loose paving bricks is not
    titled 路灯不亮), chosen without drawing again: the tickets' other draws stay as
    they were."""
    told = {core[start:start + 2] for start in range(len(core) - 1)}
    shared = [len(told & {title[start:start + 2] for start in range(len(title) - 1)})
              for title in matter.titles]
    most = max(shared)
    fitting = [title for title, count in zip(matter.titles, shared, strict=True)
               if count == most]
    if not most or drawn in fitting:
        return drawn
    return fitting[_hash(core, drawn) % len(fitting)]


def _ticket(case: Case, ticket_type: str, channel: str, caller: tuple[str, str],
            title: str, text: str) -> GeneratedTicket:
    return GeneratedTicket(
        type=ticket_type, channel=channel, title=title, text=text,
        department_code=case.department, region_code=case.township.code,
        address=case.address, caller_name=caller[0], caller_phone=caller[1], case=case,
        platform=case.matter.platform if case.department == case.matter.department else "",
    )


def tickets_generate(*, count: int, seed: int, wording: str = "all") -> list[GeneratedTicket]:
    """`count` tickets, the same for the same seed. `wording` "train" or "test" tells each
    matter only in the phrasings kept for that side (see `tickets_split`)."""
    if wording not in ("all", "train", "test"):
        raise ValueError(f"unknown wording: {wording}")
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    maker = _Maker(rng, fake)
    tickets = []
    for _ in range(count):
        case, ticket_type = maker.case(wording)
        channel = maker.channel()
        caller = maker.caller(ticket_type)
        title, text = _tell(case, ticket_type, channel, rng, swap_rate=0.1)
        tickets.append(_ticket(case, ticket_type, channel, caller, title, text))
    return tickets


def tickets_split(*, train: int, test: int, seed: int,
                  unseen_wording: bool = False) -> TicketSplit:
    """Training and held-out tickets from different seeds. A held-out ticket whose text is
    exactly a training text is replaced by another (and counted), so no text is measured
    that was learnt. With `unseen_wording`, the held-out tickets are also told only in
    phrasings the training tickets never use."""
    training = tickets_generate(count=train, seed=seed,
                                wording="train" if unseen_wording else "all")
    seen = {ticket.text for ticket in training}
    test_seed = random.Random(seed).getrandbits(48) + 1
    held_out: list[GeneratedTicket] = []
    drawn = overlap = 0
    batch = max(test, 16)
    while len(held_out) < test:
        for ticket in tickets_generate(count=batch, seed=test_seed,
                                       wording="test" if unseen_wording else "all"):
            drawn += 1
            if ticket.text in seen:
                overlap += 1
                continue
            held_out.append(ticket)
            if len(held_out) == test:
                break
        test_seed += 1
    return TicketSplit(train=training, test=held_out, exact_overlap=overlap, drawn=drawn)


# --------------------------------------------------------------------------- retellings


def _faker(rng: random.Random) -> Faker:
    fake = Faker("zh_CN")
    fake.seed_instance(rng.getrandbits(32))
    return fake


def near_duplicates(base: GeneratedTicket, *, count: int,
                    rng: random.Random) -> list[GeneratedTicket]:
    """The same matter at the same place told by `count` other callers: other words, order
    and details, another channel now and then, sometimes another type (a complaint that a
    neighbour reports)."""
    maker = _Maker(rng, _faker(rng))
    letters = [TYPE_LETTERS[letter] for letter in base.case.matter.types]
    texts = {base.text}
    tickets: list[GeneratedTicket] = []
    while len(tickets) < count:
        ticket_type = base.type if rng.random() < 0.75 else rng.choice(letters)
        channel = maker.channel()
        caller = maker.caller(ticket_type)
        for _attempt in range(20):
            title, text = _tell(base.case, ticket_type, channel, rng, swap_rate=0.35,
                                retold=True)
            if text not in texts:
                break
        texts.add(text)
        tickets.append(_ticket(base.case, ticket_type, channel, caller, title, text))
    return tickets


def repeat_of(base: GeneratedTicket, rng: random.Random) -> GeneratedTicket:
    """The same caller on the same matter again (重复来电): her phone and name, new words,
    usually saying she called before and nothing was done."""
    ticket_type = base.type if base.type != TicketType.CONSULTATION or rng.random() < 0.5 else (
        TicketType.COMPLAINT)
    channel = base.channel if rng.random() < 0.7 else TicketChannel.PHONE
    for _attempt in range(20):
        title, text = _tell(base.case, ticket_type, channel, rng, swap_rate=0.35,
                            retold=True, repeat=rng.random() < 0.85)
        if text != base.text:
            break
    return replace(base, type=ticket_type, channel=channel, title=title, text=text)
