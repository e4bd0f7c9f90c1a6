"""最多投一次: a new ticket matched against the open tickets, with its reasons."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from pathlib import Path

import pytest

from onevisit.accounts.models import Region, RegionLevel
from onevisit.hotline import duplicates
from onevisit.hotline import migrations as hotline_migrations
from onevisit.hotline.constants import TicketStatus
from onevisit.hotline.duplicates import (
    Difference,
    DuplicateMatch,
    address_place,
    address_similarity,
    duplicate_bands,
    duplicate_index_add,
    duplicate_index_rebuild,
    duplicate_index_remove,
    duplicate_keys,
    duplicate_matches,
    duplicate_score,
    ticket_said,
    ticket_tokens,
)
from onevisit.hotline.models import DuplicateBand, Ticket
from onevisit.search.text import subjects

pytestmark = pytest.mark.django_db

CUIYUAN = "330106005"
JIANGCUN = "330106011"
LI, WANG, ZHAO = "digest-li", "digest-wang", "digest-zhao"  # callers' phone digests

LIGHT = ("路灯不亮", "翠苑街道文三路478号门口的路灯已经坏了一个多星期，晚上一片漆黑，"
         "老人小孩走路很危险，希望尽快派人修好。", "杭州市西湖区翠苑街道文三路478号")
# Another caller, other words.
LIGHT_AGAIN = ("", "文三路478号那里的路灯不亮好几天了，晚上黑漆漆的，走路很不安全，"
               "请相关部门来修一下。", "文三路478号")
# The first caller again.
LIGHT_REPEAT = ("路灯还是不亮", "我上次反映过文三路478号路灯坏了，到现在还是没人来修，"
                "晚上还是一片漆黑。", "文三路478号")
# The same street, other matters: the same trouble at another place, and other trouble.
LIGHT_ELSEWHERE = ("路灯不亮", "古翠路翠苑一区北门的路灯晚上不亮，老人小孩走路很危险，"
                   "希望尽快派人修好。", "杭州市西湖区翠苑街道古翠路翠苑一区北门")
MANHOLE = ("井盖破损", "古翠路翠苑一区门口窨井盖破损松动，车辆经过哐哐响，担心行人踩空，"
           "请尽快更换。", "杭州市西湖区翠苑街道古翠路翠苑一区")
LEAK = ("楼顶漏水", "翠苑三区12幢楼顶漏水，下雨天家里天花板渗水，物业一直不处理。",
        "杭州市西湖区翠苑街道翠苑三区12幢")
STALLS = ("占道经营", "文三路与古翠路交叉口晚上有流动摊贩占道经营，堵塞人行道，垃圾遍地。",
          "杭州市西湖区翠苑街道文三路与古翠路交叉口")
GARBAGE = ("垃圾桶满了", "古翠路翠苑一区门口的垃圾桶满了好几天没人清运，臭气熏天，苍蝇乱飞。",
           "杭州市西湖区翠苑街道古翠路翠苑一区")
# The first caller on another matter at her door.
HER_MANHOLE = ("井盖松动", "文三路478号门口的井盖松动，走上去哐哐响，晚上看不见很危险。",
               "杭州市西湖区翠苑街道文三路478号")
NOISE = ("烧烤店噪音扰民", "益乐新村3幢楼下烧烤店每天营业到凌晨两点，油烟和噪音扰民，"
         "影响休息。", "杭州市西湖区蒋村街道益乐新村3幢")
WAGES = ("拖欠工资", "杭州华瑞科技有限公司拖欠我三个月工资共计两万元，老板一直推脱，"
         "请求帮助讨薪。", "")


@pytest.fixture
def streets() -> None:
    county = Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY)
    for code, name in ((CUIYUAN, "翠苑街道"), (JIANGCUN, "蒋村街道")):
        Region.objects.create(code=code, name=name, level=RegionLevel.TOWNSHIP, parent=county)


def _open(number: str, told: tuple[str, str, str], *, caller: str = "",
          region: str = CUIYUAN, status: str = TicketStatus.DISPATCHED) -> Ticket:
    title, text, address = told
    ticket = Ticket.objects.create(
        number=number, type="complaint", channel="phone", status=status, caller_digest=caller,
        title=title, text=text, region_id=region, jurisdiction_id="330106", address=address,
        limit_days=5,
        created_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC),
        tokens=" ".join(ticket_tokens(title=title, text=text, address=address)),
    )
    duplicate_index_add(ticket=ticket)
    return ticket


def _matches(told: tuple[str, str, str], *, caller: str, region: str = CUIYUAN,
             exclude_ids: tuple[int, ...] = ()) -> list[DuplicateMatch]:
    title, text, address = told
    return duplicate_matches(tokens=ticket_tokens(title=title, text=text, address=address),
                             region_code=region, address=address, caller_digest=caller,
                             exclude_ids=exclude_ids,
                             said=ticket_said(title=title, text=text, address=address))


@pytest.fixture
def open_tickets(streets: None) -> dict[str, Ticket]:
    """The open tickets of two streets, the street light among them."""
    return {
        "light": _open("RX001", LIGHT, caller=LI),
        "manhole": _open("RX002", MANHOLE, caller="digest-qian"),
        "leak": _open("RX003", LEAK, caller="digest-sun"),
        "stalls": _open("RX004", STALLS, caller="digest-zhou"),
        "noise": _open("RX005", NOISE, caller="digest-wu", region=JIANGCUN),
        "wages": _open("RX006", WAGES, caller="digest-zheng"),
    }


# ------------------------------------------------------------------------ tokens and bands


def test_a_ticket_is_matched_on_its_words_and_its_place_without_the_divisions():
    tokens = ticket_tokens(title=LIGHT[0], text=LIGHT[1], address=LIGHT[2])

    # Without 的, 已经, 希望, 尽快, single characters; 路灯不亮 found although the
    # segmenter cuts it into 路 and 灯不亮, with its subject (路灯) and trouble (不亮);
    # 478号 joined; 翠苑 of 翠苑街道 in the text.
    assert tokens == ["灯不亮", "翠苑", "三路", "文三路", "478", "478号", "门口", "路灯", "坏了",
                      "一个多", "星期", "晚上", "一片", "漆黑", "老人", "小孩", "走路", "危险",
                      "修好", "路灯不亮", "不亮"]
    assert address_place("杭州市西湖区翠苑街道文三路 478 号") == "文三路478号"
    assert address_place("翠苑一区12幢") == "翠苑1区12幢"  # a compound, not a county
    assert address_place("西湖区文新农贸市场") == "西湖区文新农贸市场"


def test_bands_are_the_same_in_every_process_and_differ_between_counties():
    tokens = ["路灯", "不亮", "文三路", "478号"]

    bands = duplicate_bands(tokens, region_code=CUIYUAN)

    # The MinHash bands, then one per subject and word of the place (路灯 文三路).
    assert duplicate_keys(tokens) == ["路灯 文三路"]
    assert bands == [107838603076233085, -7238521965094447008, -4236076614593204878,
                     -5930118370400038411, 2098407393515761964, -5277255983263007975,
                     -8437683326123110774, -131853956739444756, 3697183391944863727,
                     200361663998990366, -8867422805027906107]
    assert len(bands) == duplicates.BANDS + 1
    assert set(duplicate_bands(reversed(tokens), region_code=CUIYUAN)) == set(bands)  # a set
    assert duplicate_bands(tokens, region_code=JIANGCUN) == bands  # one county
    assert not set(duplicate_bands(tokens, region_code="330105001")) & set(bands)
    assert duplicate_bands([], region_code=CUIYUAN) == []


def test_indexing_a_ticket_again_replaces_its_bands(open_tickets):
    light = open_tickets["light"]
    before = list(DuplicateBand.objects.filter(ticket=light).values_list("band", flat=True))

    duplicate_index_add(ticket=light)

    assert sorted(DuplicateBand.objects.filter(ticket=light).values_list("band", flat=True)) == (
        sorted(before))
    assert len(before) == len(set(duplicate_bands(light.tokens.split(), region_code=CUIYUAN,
                                                  address=light.address)))
    assert len(before) > duplicates.BANDS  # and its keys


# ------------------------------------------------------------------------ matching


def test_another_caller_on_the_same_matter_finds_it_with_the_reasons(open_tickets):
    matches = _matches(LIGHT_AGAIN, caller=WANG)

    assert matches == [DuplicateMatch(
        ticket_id=open_tickets["light"].pk, number="RX001", score=1.0, kind="same_matter",
        reasons=["共同词：文三路、478号、晚上、走路、路灯不亮", "同一地点：文三路478号",
                 "同一街道：翠苑街道"],
    )]


def test_the_same_caller_again_is_a_repeat(open_tickets):
    matches = _matches(LIGHT_REPEAT, caller=LI)

    assert matches == [DuplicateMatch(
        ticket_id=open_tickets["light"].pk, number="RX001", score=0.998, kind="same_caller",
        reasons=["同一来电人", "共同词：路灯、不亮、文三路、478号、坏了、晚上、一片、漆黑",
                 "同一地点：文三路478号", "同一街道：翠苑街道"],
    )]


def test_other_matters_of_the_same_street_are_not_merged(open_tickets):
    # The same trouble at another place of the street, another trouble: not even shown.
    assert _matches(LIGHT_ELSEWHERE, caller=ZHAO) == []
    assert _matches(GARBAGE, caller=ZHAO) == []


def test_the_same_caller_on_another_matter_is_a_new_ticket(open_tickets):
    assert _matches(HER_MANHOLE, caller=LI) == []


def test_a_closed_ticket_is_matched_no_more(open_tickets):
    light = open_tickets["light"]
    Ticket.objects.filter(pk=light.pk).update(status=TicketStatus.CLOSED)
    duplicate_index_remove(ticket_ids=[light.pk])

    assert not DuplicateBand.objects.filter(ticket=light).exists()
    assert _matches(LIGHT_AGAIN, caller=WANG) == []
    assert _matches(LIGHT_REPEAT, caller=LI) == []  # nor found as the caller's own


def test_removal_takes_only_the_given_tickets_out(open_tickets):
    duplicate_index_remove(ticket_ids=[open_tickets["light"].pk, open_tickets["leak"].pk])
    duplicate_index_remove(ticket_ids=[])

    assert set(DuplicateBand.objects.values_list("ticket__number", flat=True)) == {
        "RX002", "RX004", "RX005", "RX006"}
    assert _matches(LIGHT_AGAIN, caller=WANG) == []


def test_excluded_tickets_are_not_matched(open_tickets):
    assert _matches(LIGHT_AGAIN, caller=WANG, exclude_ids=(open_tickets["light"].pk,)) == []


def test_a_paraphrase_in_a_neighbouring_township_is_found(open_tickets):
    """The light of 翠苑街道 told by a caller filed under 蒋村街道, no address, other words."""
    matches = _matches(("", "文三路478号那边的路灯好几天都不亮了，晚上黑漆漆的，出门都要打手电筒。",
                        ""), caller=ZHAO, region=JIANGCUN)

    assert matches == [DuplicateMatch(
        ticket_id=open_tickets["light"].pk, number="RX001", score=0.716, kind="same_matter",
        reasons=["共同词：文三路、478号、路灯、不亮、晚上"])]  # no 同一街道: another township


def test_another_county_is_not_searched(open_tickets):
    Region.objects.create(code="330105", name="拱墅区", level=RegionLevel.COUNTY)
    Region.objects.create(code="330105001", name="米市巷街道", level=RegionLevel.TOWNSHIP,
                          parent_id="330105")

    assert _matches(NOISE, caller=ZHAO, region="330105001") == []
    assert [match.number for match in _matches(NOISE, caller=ZHAO, region=CUIYUAN)] == [
        "RX005"]


def test_a_near_miss_is_a_possible_duplicate_never_a_merge(open_tickets):
    """Under the merge threshold, from `POSSIBLE_THRESHOLD`: shown, with its reasons."""
    # No number on 文三路, from the neighbouring township.
    matches = _matches(("", "文三路那边的路灯好几天都不亮了，晚上黑漆漆的，出门都要打手电筒。", ""),
                       caller=ZHAO, region=JIANGCUN)

    assert matches == [DuplicateMatch(
        ticket_id=open_tickets["light"].pk, number="RX001", score=0.49, kind="possible",
        reasons=["共同词：文三路、路灯、不亮、晚上"])]
    assert duplicates.POSSIBLE_THRESHOLD <= 0.49 < duplicates.SAME_MATTER_THRESHOLD


def test_a_possible_duplicate_says_what_differs_as_well_as_what_agrees(open_tickets):
    flickering = ("", "翠苑街道文三路478号门口的路灯一直闪个不停，晚上一闪一闪的，老人小孩走路很"
                      "危险，希望尽快派人修好。", LIGHT[2])

    [match] = _matches(flickering, caller=ZHAO)

    assert (match.number, match.kind) == ("RX001", "possible")
    assert match.reasons[-1] == "所诉问题不同：闪烁 ≠ 不亮"
    assert "同一地点：文三路478号" in match.reasons
    elsewhere = duplicate_score(
        tokens=ticket_tokens(title="", text=LIGHT_AGAIN[1], address="文三路480号"),
        other_tokens=ticket_tokens(title=LIGHT[0], text=LIGHT[1], address=LIGHT[2]),
        address="文三路480号", other_address=LIGHT[2])
    assert [d.kind for d in elsewhere.differences] == ["place"]


def test_a_call_without_an_address_names_the_roads_that_make_it_another_place(open_tickets):
    """Its text's roads, not a bare 地点不同, beside the other ticket's address."""
    found = duplicate_score(
        tokens=ticket_tokens(title="", text="古墩路那边的路灯好几天都不亮了，晚上黑漆漆的。",
                             address=""),
        other_tokens=ticket_tokens(title=LIGHT[0], text=LIGHT[1], address=LIGHT[2]),
        address="", other_address=LIGHT[2])

    assert found.differences[0] == ("place", ("古墩路",), ("文三路478号",))
    assert duplicates._difference_reason(found.differences[0]) == "地点不同：古墩路 ≠ 文三路478号"


@pytest.mark.parametrize(("text", "roads"), [
    ("文一路那边的路灯好几天都不亮了，晚上黑漆漆的。", ("文一路",)),  # not 一路
    ("文一西路口的路灯好几天都不亮了。", ("文一西路",)),  # not 文一 and 西路
    ("中山一路128号门口的路灯好几天都不亮了。", ("中山一路",)),
    ("我一路走过来路灯都不亮，黑漆漆的。", ()),  # all the way: no road
    ("往西路口那边的路灯好几天都不亮了。", ()),
])
def test_a_numbered_or_directed_road_in_a_call_is_one_road(text, roads):
    found = duplicate_score(tokens=ticket_tokens(title="", text=text),
                            other_tokens=ticket_tokens(title=LIGHT[0], text=LIGHT[1],
                                                       address=LIGHT[2]),
                            other_address=LIGHT[2])

    assert {road for d in found.differences if d.kind == "place" for road in d.mine} == set(roads)


def test_words_that_join_what_is_said_are_no_shared_words():
    """关于, 只能, 因为 … say nothing of the matter: no reason names them."""
    tokens = ticket_tokens(title="关于路灯不亮的投诉",
                           text="因为路灯不亮，晚上只能摸黑走路，所以请尽快修好。")

    assert {"关于", "只能", "因为", "所以"}.isdisjoint(tokens)
    assert {"路灯", "不亮", "晚上"} <= set(tokens)


def test_a_road_the_other_ticket_tells_of_is_not_another_place():
    """The first caller's stop was moved from 城南路 to 中环南路; the second names only the
    new one."""
    moved = ticket_tokens(title="公交站点迁移不便",
                          text="城南路上原来的城南花园公交站，这个月挪到中环南路口去了，8路停在那里。",
                          address="城南路城南花园公交站")
    again = ticket_tokens(title="",
                          text="8路公交车城南花园那一站被挪走了，挪到中环南路那边，走过去要二十分钟。")
    elsewhere = ticket_tokens(title="", text="8路公交车少年路那一站被挪走了，走过去要二十分钟。")

    def places(tokens: list[str]) -> list[Difference]:
        return [d for d in duplicate_score(tokens=tokens, other_tokens=moved,
                                           other_address="城南路城南花园公交站").differences
                if d.kind == "place"]

    assert places(again) == []
    assert places(elsewhere) == [("place", ("少年路",), ("城南路城南花园公交站",))]


def test_a_kind_of_matter_the_caller_did_not_say_is_not_shown_as_her_word(open_tickets):
    occupied = ("", "文三路古翠路口晚上人行道被小摊贩占了，卖烧烤的，垃圾扔得到处都是。", "")

    [match] = _matches(occupied, caller=ZHAO)

    assert (match.number, match.kind) == ("RX004", "same_matter")
    assert match.reasons[:2] == ["共同词：文三路、晚上、人行道、摊贩、垃圾", "同类问题：占道"]


def test_the_same_matter_at_another_number_is_not_merged(open_tickets):
    elsewhere = ("路灯不亮", LIGHT[1].replace("478", "480"), LIGHT[2].replace("478", "480"))

    assert _matches(elsewhere, caller=ZHAO) == []  # 480号 is not 478号: halved, not shown


def test_the_index_is_rebuilt_from_the_open_tickets(open_tickets):
    Ticket.objects.filter(number="RX003").update(status=TicketStatus.CLOSED)

    assert duplicate_index_rebuild() == 5
    assert DuplicateBand.objects.count() == sum(
        len(set(duplicate_bands(ticket.tokens.split(), region_code=ticket.region_id,
                                address=ticket.address)))
        for ticket in Ticket.objects.exclude(number="RX003"))
    assert not DuplicateBand.objects.filter(ticket__number="RX003").exists()


def test_the_rebuild_tokenizes_the_open_tickets_again_under_the_current_rules(open_tickets):
    """After a change of the token rules (TOKENS_VERSION) or of the vocabulary."""
    Ticket.objects.filter(number="RX001").update(tokens="灯 坏")  # as older rules left them
    DuplicateBand.objects.filter(ticket__number="RX001").delete()

    assert duplicate_index_rebuild(retokenize=True) == 6

    light = Ticket.objects.get(number="RX001")
    assert light.tokens == " ".join(ticket_tokens(title=LIGHT[0], text=LIGHT[1],
                                                  address=LIGHT[2]))
    assert [match.number for match in _matches(LIGHT_AGAIN, caller=WANG)] == ["RX001"]


def test_a_change_of_the_token_rules_ships_with_a_migration_that_rebuilds_the_index():
    """`migrate` rebuilds the bands of an existing instance: nobody runs a command."""
    folder = Path(hotline_migrations.__file__).parent
    versions = [getattr(import_module(f"onevisit.hotline.migrations.{path.stem}"),
                        "REBUILDS_TOKENS_VERSION", 0)
                for path in folder.glob("[0-9]*.py")]

    assert max(versions) == duplicates.TOKENS_VERSION


def test_the_subjects_are_read_from_the_shared_vocabulary_file():
    found = subjects()

    assert found.names["灯不亮"] == ("路灯",)
    assert found.names["窨井盖"] == ("井盖",)
    assert found.troubles["黑漆漆"] == ("不亮",)
    assert "路灯" in ticket_tokens(title="", text="中山东路那边的路灯坏了，晚上黑漆漆的")
    assert "路灯" in ticket_tokens(title="", text="中山東路那邊的路燈壞了")  # traditional
    # What the caller denies is not what she says: 不是油烟的问题是吵.
    tokens = ticket_tokens(title="烧烤店", text="楼下烧烤店不是油烟的问题是太吵了")
    assert "油烟" not in tokens
    assert "噪音" in tokens


# ------------------------------------------------------------------------ the exact score


def test_the_score_of_a_paraphrase_names_what_both_share():
    mine = ticket_tokens(title=LIGHT_AGAIN[0], text=LIGHT_AGAIN[1], address=LIGHT_AGAIN[2])
    theirs = ticket_tokens(title=LIGHT[0], text=LIGHT[1], address=LIGHT[2])

    scored = duplicate_score(tokens=mine, other_tokens=theirs, address=LIGHT_AGAIN[2],
                             other_address=LIGHT[2], same_region=True)

    assert scored.score == 1.0
    assert scored.words == ("文三路", "478号", "晚上", "走路", "路灯不亮")
    assert (scored.same_place, scored.same_region, scored.same_caller) == (True, True, False)
    # Without addresses, the places the texts name (文三路, 478号) stand in for them.
    assert duplicate_score(tokens=mine, other_tokens=theirs).score == 1.0
    assert duplicate_score(tokens=mine, other_tokens=["井盖", "松动"]).score == 0.0


def test_the_same_complaint_at_another_place_is_halved():
    mine = ticket_tokens(title=LIGHT_ELSEWHERE[0], text=LIGHT_ELSEWHERE[1],
                         address=LIGHT_ELSEWHERE[2])
    theirs = ticket_tokens(title=LIGHT[0], text=LIGHT[1], address=LIGHT[2])

    scored = duplicate_score(tokens=mine, other_tokens=theirs, address=LIGHT_ELSEWHERE[2],
                             other_address=LIGHT[2], same_region=True)

    assert scored.score == 0.247  # halved: not even a possible duplicate
    assert scored.score < duplicates.POSSIBLE_THRESHOLD
    assert scored.same_place is False


@pytest.mark.parametrize(("address", "other", "expected"), [
    ("文三路478号", "杭州市西湖区翠苑街道文三路478号门口", 1.0),
    ("城南花园", "城南花园6幢楼下", 1.0),  # one place, told less precisely
    ("禾兴苑14幢", "亲亲家园14幢", 0.0),  # one number, two compounds
    ("竞舟路与萍水街交叉口", "萍水街与竞舟路交叉口", 1.0),  # the same crossing
    ("翠苑三区12幢", "翠苑三区15幢", 0.0),  # another building
    ("留和路公交站附近", "屏基路公交站附近", 0.0),  # another road
    ("纺工路南湖路口", "南湖路与纺工路交叉口东50米", 1.0),  # one crossing, told otherwise
    ("南溪路与由拳路交叉口", "中环南路与由拳路交叉口", 0.0),  # two crossings of one road
    ("勤俭路", "勤俭路88号鑫达通讯", 1.0),  # one road, a shop on it
    ("南湖国际外", "中环南路南湖国际小区外绿地", 1.0),  # a compound, with its road or not
    ("少年路近勤俭路酒吧", "少年路魅力空间KTV", 0.0),  # two places on one road
    ("三星村河边空地", "三星村村口石桥", duplicates.score.PARTLY_SAME_PLACE),  # one village
    ("丰潭路公交站附近", "杭州市西湖区文新街道丰潭路公交站", 1.0),  # one stop
    ("城南花园公交站", "云栖花园南门", 0.0),  # two gardens
    ("文三路478号", "", None),
])
def test_address_similarity(address, other, expected):
    assert address_similarity(address=address, other_address=other) == expected


def test_a_call_without_an_address_naming_another_road_is_another_place():
    theirs = ticket_tokens(title="路灯不亮", text="公交站旁边的路灯晚上不亮，走路看不见。",
                           address="文一路公交站附近")

    def scored(road: str) -> float:
        mine = ticket_tokens(title="", text=f"{road}公交站旁边那盏路灯晚上一直不亮，黑乎乎的。")
        return duplicate_score(tokens=mine, other_tokens=theirs,
                               other_address="文一路公交站附近", same_region=True).score

    assert scored("文一路") >= duplicates.SAME_MATTER_THRESHOLD
    assert scored("中山东路") < duplicates.POSSIBLE_THRESHOLD  # not even shown
    assert scored("走几步路到") >= duplicates.SAME_MATTER_THRESHOLD  # no road named
