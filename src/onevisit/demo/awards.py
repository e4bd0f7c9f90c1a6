"""Demo 公共管理创新案例评选: the 第四届 call (2016) published with the notice's result —
its 33 award-winning cases and 6 organising units exactly as the notice names them, among
60 submitted cases in all — reached through the real rounds (a committed expert draw,
blind score sheets, site visits, the panel's votes); and the 第五届 call (2017) in its
expert preliminary review, where `expert-01` still has sheets to score. Idempotent: a call
already there is left as it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from onevisit import clock
from onevisit.accounts.models import Department, Region, Role, User
from onevisit.accounts.services import department_ensure, regions_load
from onevisit.awards import services
from onevisit.awards.constants import CRITERIA, CallStatus, Recommendation, Tier
from onevisit.awards.models import AwardCall, AwardCase, Expert, ReviewAssignment
from onevisit.demo.staff import AWARD_DEPARTMENTS, DEMO_PASSWORD

TZ = dt.timezone(dt.timedelta(hours=8))
PROVINCE = "33"
ORGANISERS = ((f"{AWARD_DEPARTMENTS}jrzj", "《今日浙江》杂志社"),
              (f"{AWARD_DEPARTMENTS}zjggzc", "浙江省公共政策研究院"),
              (f"{AWARD_DEPARTMENTS}zdggzc", "浙江大学公共政策研究院"))
GUIDANCE = "浙江省委办公厅\n浙江省社会管理综合治理委员会办公室"
WEIGHTS = {"innovation": 30, "performance": 30, "replicability": 20, "importance": 20}
QUOTAS: dict[str, int] = {Tier.SPECIAL.value: 7, Tier.TOP_TEN.value: 10,
                          Tier.EXCELLENCE.value: 16, Tier.ORGANISING.value: 6}
PANEL = ("周明远", "沈晓岚", "陆国平", "韩志刚", "钱文华", "冯立群", "蒋海燕", "褚建新",
         "卫思远", "许嘉宁", "何其正", "吕晓东", "施春蕾", "张克勤", "孔令为")


@dataclass(frozen=True)
class Entry:
    unit: str
    title: str
    region: str
    tier: str = ""


# The notice's lists, in its order (the seed's award notice).
WINNERS = (
    Entry("浙江省“最多跑一次”改革办公室", "“最多跑一次”改革", "33", Tier.SPECIAL),
    Entry("浙江省特色小镇规划建设工作联席会议办公室", "特色小镇的浙江创造", "33", Tier.SPECIAL),
    Entry("浙江省深化医药卫生体制改革领导小组办公室", "医疗资源“双下沉、两提升”", "33",
          Tier.SPECIAL),
    Entry("浙江省河长制办公室", "治水创举河长制", "33", Tier.SPECIAL),
    Entry("浙江省委宣传部", "农村文化礼堂建设", "33", Tier.SPECIAL),
    Entry("浙江广播电视台集团", "《今日聚焦》创新建设性舆论监督", "33", Tier.SPECIAL),
    Entry("浙江省综治办", "平安建设“两网融合”", "33", Tier.SPECIAL),
    Entry("中共金华市委、金华市人民政府", "农村垃圾分类治理", "3307", Tier.TOP_TEN),
    Entry("遂昌县经济商务局", "农村电子商务“赶街模式”", "331123", Tier.TOP_TEN),
    Entry("杭州市综试办、杭州市委办公厅", "跨境电商综试区改革", "3301", Tier.TOP_TEN),
    Entry("温州市金融办", "企业金融风险处置创新", "3303", Tier.TOP_TEN),
    Entry("宁波市卫生计生委", "“互联网+”医疗健康服务", "3302", Tier.TOP_TEN),
    Entry("中共平湖市委、平湖市人民政府", "“三位一体”农合联改革", "330482", Tier.TOP_TEN),
    Entry("中共开化县委、开化县人民政府", "“多规合一”改革试点", "330824", Tier.TOP_TEN),
    Entry("台州市委统战部", "基层民主协商“1+X”平台", "3310", Tier.TOP_TEN),
    Entry("德清县农办", "农村产权交易示范平台建设", "330521", Tier.TOP_TEN),
    Entry("舟山市卫生计生局", "海岛医疗服务联盟", "3309", Tier.TOP_TEN),
    Entry("义乌市司法局", "“以外调外”的涉外纠纷调解做法", "330782", Tier.EXCELLENCE),
    Entry("温州市公安局交警支队", "交警服务的“指尖平台”", "3303", Tier.EXCELLENCE),
    Entry("中共诸暨市委、枫桥镇党委", "基层治理标准化“枫桥经验”", "330681", Tier.EXCELLENCE),
    Entry("嘉兴市社会保障事务局", "公民个人信用评价系统建设", "3304", Tier.EXCELLENCE),
    Entry("中共柯城区委、柯城区人民政府", "全流域统筹美化乡村", "330802", Tier.EXCELLENCE),
    Entry("杭州市民政局", "居家养老服务标准化", "3301", Tier.EXCELLENCE),
    Entry("中共海曙区委、海曙区人民政府", "“开放空间”创新基层民主协商", "330203",
          Tier.EXCELLENCE),
    Entry("丽水市食品安全委员会办公室、丽水市市场监督管理局", "食品安全网格化信息化监管", "3311",
          Tier.EXCELLENCE),
    Entry("绍兴市委政法委", "农村治理的乡贤参事会", "3306", Tier.EXCELLENCE),
    Entry("温州市妇女联合会", "“三段式”反家暴服务", "3303", Tier.EXCELLENCE),
    Entry("绍兴市环境保护局", "生态环境损害赔偿制度改革", "3306", Tier.EXCELLENCE),
    Entry("中共三门县委、三门县人民政府", "农村治污设施运维管理社会化", "331022",
          Tier.EXCELLENCE),
    Entry("义乌市交通运输局", "出租车行业市场化改革", "330782", Tier.EXCELLENCE),
    Entry("舟山市发展改革委", "重大项目建设“中心制”", "3309", Tier.EXCELLENCE),
    Entry("杭州市总工会、杭州市人力社保局", "企业社会责任评估促劳动和谐", "3301", Tier.EXCELLENCE),
    Entry("安吉县民政局", "村级事务准入制", "330523", Tier.EXCELLENCE),
)
ORGANISING = ("杭州市委办公厅", "温州市委政研室", "嘉兴市委政研室", "绍兴市委办公室",
              "衢州市委办公室", "舟山群岛新区政研室")
# Organising units proposed whose vote did not carry.
ORGANISING_NOT_CARRIED = ("湖州市委办公室",)
# Other cases of the 第四届 call (invented): the first twelve reach the site visits.
OTHERS = (
    Entry("湖州市行政审批中心", "审批服务“一窗受理”", "3305"),
    Entry("宁波市鄞州区人民政府", "社区治理“一张网”", "330212"),
    Entry("衢州市公安局", "流动人口服务管理“以房管人”", "3308"),
    Entry("嘉善县人民政府", "县域科学发展示范点建设", "330421"),
    Entry("温岭市委宣传部", "民主恳谈制度化", "331081"),
    Entry("桐乡市人民政府", "自治法治德治“三治融合”", "330483"),
    Entry("丽水市人力社保局", "农民工工资支付保障", "3311"),
    Entry("台州市路桥区人民政府", "小微金融服务改革", "331004"),
    Entry("长兴县人民政府", "新能源产业集聚区建设", "330522"),
    Entry("余姚市人民政府", "乡村“道德银行”", "330281"),
    Entry("象山县人民政府", "村务管理“村民说事”", "330225"),
    Entry("缙云县人民政府", "农村电商“淘宝村”培育", "331122"),
    Entry("海宁市人民政府", "要素市场化配置改革", "330481"),
    Entry("临安区人民政府", "美丽乡村精品线", "330112"),
    Entry("上虞区人民政府", "孝德文化进社区", "330604"),
    Entry("乐清市人民政府", "电气产业转型升级服务", "330382"),
    Entry("瑞安市人民政府", "农村“三位一体”合作服务", "330381"),
    Entry("武义县人民政府", "村务监督委员会", "330723"),
    Entry("江山市人民政府", "农村住房保障", "330881"),
    Entry("永康市人民政府", "五金产业质量提升", "330784"),
    Entry("玉环市人民政府", "海岛小城市培育", "331083"),
    Entry("龙泉市人民政府", "生态补偿机制创新", "331181"),
    Entry("岱山县人民政府", "渔船安全管理网格化", "330921"),
    Entry("平阳县人民政府", "民营医院规范发展", "330326"),
    Entry("富阳区人民政府", "城乡供水一体化", "330111"),
    Entry("建德市人民政府", "新安江生态保护", "330182"),
    Entry("宁海县人民政府", "小微权力清单“36条”", "330226"),
)
# The 第五届 call's cases (invented), in its preliminary review.
FIFTH = (
    Entry("中共金华市委、金华市人民政府", "“最多跑一次”金华实践", "3307"),
    Entry("杭州市民政局", "智慧养老服务平台", "3301"),
    Entry("遂昌县经济商务局", "农产品电商标准化", "331123"),
    Entry("义乌市司法局", "国际商事调解中心", "330782"),
    Entry("舟山市卫生计生局", "海上急救一体化", "3309"),
    Entry("湖州市行政审批中心", "投资项目“标准地”改革", "3305"),
    Entry("温岭市委宣传部", "参与式预算", "331081"),
    Entry("宁波市鄞州区人民政府", "基层减负“一张表”", "330212"),
    Entry("嘉善县人民政府", "县域一体化示范", "330421"),
    Entry("丽水市人力社保局", "“生态工”技能培训", "3311"),
)
# The expert pool: (name, affiliation, region or "" for 省外, field, department unit or
# "" , local official). 杭州市民政局's expert and 义乌's official are conflicts the draw
# finds itself.
EXPERTS = (
    ("王立新", "浙江大学公共管理学院", "3301", "公共政策", "", False),
    ("李文博", "中共浙江省委党校", "33", "地方治理", "", False),
    ("张海燕", "浙江省社会科学院", "33", "社会学", "", False),
    ("陈国强", "浙江工商大学公共管理学院", "3301", "行政管理", "", False),
    ("刘晓云", "宁波大学法学院", "3302", "行政法", "", False),
    ("杨志华", "温州大学", "3303", "区域经济", "", False),
    ("赵明哲", "中国人民大学公共管理学院", "", "公共管理", "", False),
    ("孙雅琴", "北京大学政府管理学院", "", "政府绩效", "", False),
    ("周振宇", "复旦大学国际关系与公共事务学院", "", "公共政策", "", False),
    ("吴启明", "清华大学公共管理学院", "", "应急管理", "", False),
    ("郑丽华", "南京大学政府管理学院", "", "基层治理", "", False),
    ("黄建平", "杭州市民政局", "3301", "社会保障", "杭州市民政局", False),
    ("徐卫东", "义乌市人民政府", "330782", "涉外治理", "", True),
    ("马春燕", "浙江财经大学", "3301", "财政学", "", False),
)
# Each expert's usual leaning within a case (+ lenient, − strict), for the statistics.
LENIENCY = (3, 0, -3, 0, 3, 0, -3, 0, 3, -3, 0, 0, 3, -3)
PROFILE = {"innovation": 2, "performance": -2, "replicability": 1, "importance": -1}


def _at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def _account(username: str, *, role: str, name: str, department: Department | None = None,
             usable: bool = True) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={
        "role": role, "first_name": name, "department": department})
    if created:
        if usable:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _units() -> dict[str, User]:
    """A department and a submitting account for every unit (named by the first unit of a
    joint entry); only `unit-jinhua` can sign in."""
    names = {e.unit: e.region for e in (*WINNERS, *OTHERS, *FIFTH)}
    submitters = {}
    for n, (unit, region) in enumerate(sorted(names.items()), start=1):
        first = unit.split("、")[0]
        department = Department.objects.filter(name=first, region_id=region).first() or (
            department_ensure(code=f"{AWARD_DEPARTMENTS}unit-{n:03d}", name=first,
                              region_code=region))
        username = ("unit-jinhua" if unit == "中共金华市委、金华市人民政府"
                    else f"aw-unit-{department.code}")
        submitters[unit] = _account(username, role=Role.REVIEWER, name=f"{first}申报人",
                                    department=department,
                                    usable=username == "unit-jinhua")
    return submitters


def _experts(office: User) -> list[Expert]:
    experts = []
    for n, (name, affiliation, region, field, unit, local) in enumerate(EXPERTS, start=1):
        user = _account(f"expert-{n:02d}", role=Role.EXPERT, name=name)
        expert = Expert.objects.filter(user=user).first()
        if expert is None:
            department = Department.objects.filter(name=unit).first() if unit else None
            expert = services.expert_register(
                actor=office, user=user, name=name, affiliation=affiliation,
                region_code=region, field=field, local_official=local,
                department_code=department.code if department else "")
        experts.append(expert)
    return experts


def _conflicts(office: User, experts: list[Expert]) -> None:
    if experts[0].conflicts.exists():
        return
    services.conflict_declare(actor=experts[0].user, expert=experts[0], reason="adviser",
                              unit_name="金华市人民政府", note="曾为垃圾分类方案提供咨询")
    services.conflict_declare(actor=office, expert=experts[3], reason="relative",
                              unit_name="温州市金融办", note="配偶在该单位任职")
    services.conflict_declare(actor=office, expert=experts[1], reason="former_unit",
                              unit_name="浙江省综治办", note="2014 年前在该单位工作")


def _score(call: AwardCall, targets: dict[str, int], experts: list[Expert], *,
           skip: Expert | None = None) -> None:
    """Every drawn sheet so that each case's score is exactly its target: within a case
    the most lenient expert scores +3, the strictest −3 (the others in between, summing
    to zero), each criterion off the target by PROFILE (weighted sum zero)."""
    rank = {e.pk: LENIENCY[i] for i, e in enumerate(experts)}
    for case in call.cases.order_by("number"):
        rows = list(ReviewAssignment.objects.filter(case=case).select_related("expert__user"))
        rows.sort(key=lambda a: (-rank.get(a.expert_id, 0), a.expert_id))
        shifts = [3, 0, -3] if len(rows) == 3 else [0] * len(rows)
        for assignment, shift in zip(rows, shifts, strict=True):
            if assignment.expert == skip:
                continue
            target = targets[case.number]
            scores = {c: target + shift + PROFILE[c] for c in CRITERIA}
            services.sheet_submit(actor=assignment.expert.user, case=case, scores=scores,
                                  comment="做法有创新，成效可量化，具备推广价值。"
                                  if target >= 70 else "创新点不够突出，推广价值有限。")


def _fourth(office: User, units: dict[str, User], experts: list[Expert]) -> AwardCall:
    organisers = [code for code, _name in ORGANISERS]
    with clock.frozen_at(_at(2016, 6, 1)):
        call = services.call_create(
            actor=office, edition=4, year=2016, title="第四届浙江省公共管理创新案例",
            region_code=PROVINCE, organiser_codes=organisers, guidance_units=GUIDANCE,
            theme="基层治理", purpose="推动我省基层治理能力的提升",
            acknowledgement="评选活动得到了各省级部门和全省各市、县（市、区）党委、政府及有关部门"
                            "的热烈响应和大力支持。",
            weights=WEIGHTS, opens_at=_at(2016, 6, 1),
            closes_at=_at(2016, 12, 31, 17), experts_per_case=3, shortlist_size=45,
            quotas=QUOTAS)
        services.call_transition(actor=office, call=call, to=CallStatus.OPEN)
    entries = [*WINNERS, *OTHERS]
    # Submitted in an order unlike the notice's: numbers say nothing of the result.
    for i, entry in enumerate(sorted(entries, key=lambda e: e.region + e.title)):
        with clock.frozen_at(_at(2016, 9, 1) + dt.timedelta(hours=5 * i)):
            services.case_submit(actor=units[entry.unit], call=call, title=entry.title,
                                 unit_name=entry.unit,
                                 # The text never names the unit: the review is blind.
                                 text=f"{entry.title}：背景、主要做法、取得成效与推广价值"
                                      "（案例材料摘要）。")
    number = {(c.unit_name, c.title): c.number for c in call.cases.all()}
    # Targets: the winners in the notice's order from 94 down, then the others.
    targets = {number[(e.unit, e.title)]: 94 - i for i, e in enumerate(entries)}
    with clock.frozen_at(_at(2017, 1, 5)):
        services.call_transition(actor=office, call=call, to=CallStatus.PRELIMINARY)
        services.review_draw_commit(actor=office, call=call)
    with clock.frozen_at(_at(2017, 1, 6)):
        services.review_draw_run(actor=office, call=call)
    with clock.frozen_at(_at(2017, 2, 20)):
        _score(call, targets, experts)
    with clock.frozen_at(_at(2017, 3, 1)):
        call = services.call_transition(actor=office, call=call, to=CallStatus.SITE_VISIT)
    for i, case in enumerate(call.cases.filter(shortlisted=True).order_by("preliminary_rank")):
        with clock.frozen_at(_at(2017, 3, 15) + dt.timedelta(days=i)):
            services.visit_record(
                actor=office, case=case, visited_on=clock.now().date(),
                members="\n".join(PANEL[i % 5::5][:3]),
                findings=f"考察组实地走访{case.unit_name}，座谈并查阅台账，做法落地、数据可查。",
                recommendation=(Recommendation.RECOMMEND if (case.preliminary_rank or 99) <= 33
                                else Recommendation.RESERVE))
    with clock.frozen_at(_at(2017, 7, 10)):
        call = services.call_transition(actor=office, call=call, to=CallStatus.SELECTION)
        services.panel_record(actor=office, call=call, panel_date=dt.date(2017, 7, 10),
                              panel_members="\n".join(PANEL))
        votes: dict[str, int] = {Tier.SPECIAL.value: 14, Tier.TOP_TEN.value: 12,
                                 Tier.EXCELLENCE.value: 10}
        cases = {(c.unit_name, c.title): c for c in call.cases.all()}
        for entry in WINNERS:
            tier, votes_for = entry.tier, votes[entry.tier]
            if entry.unit == "义乌市司法局":
                # Proposed for 十佳 and carried with fewer votes than the ten: it falls to
                # 优秀奖, ranked first there (docs/awards.md).
                tier, votes_for = Tier.TOP_TEN, 9
            services.vote_record(actor=office, call=call, case=cases[(entry.unit, entry.title)],
                                 tier=tier, votes_for=votes_for,
                                 votes_against=15 - votes_for - 1, votes_abstain=1)
        for entry in OTHERS[:12]:
            services.vote_record(actor=office, call=call, case=cases[(entry.unit, entry.title)],
                                 tier=Tier.EXCELLENCE, votes_for=6, votes_against=8,
                                 votes_abstain=1)
        for unit in ORGANISING:
            services.vote_record(actor=office, call=call, tier=Tier.ORGANISING, unit_name=unit,
                                 votes_for=13, votes_against=1, votes_abstain=1)
        for unit in ORGANISING_NOT_CARRIED:
            services.vote_record(actor=office, call=call, tier=Tier.ORGANISING, unit_name=unit,
                                 votes_for=7, votes_against=6, votes_abstain=2)
    with clock.frozen_at(_at(2017, 8, 15)):
        services.call_publish(actor=office, call=call, notice_date=dt.date(2017, 8, 15))
    call.refresh_from_db()
    return call


def _fifth(office: User, units: dict[str, User], experts: list[Expert]) -> AwardCall:
    with clock.frozen_at(_at(2017, 6, 1)):
        call = services.call_create(
            actor=office, edition=5, year=2017, title="第五届浙江省公共管理创新案例",
            region_code=PROVINCE, organiser_codes=[code for code, _name in ORGANISERS],
            guidance_units=GUIDANCE, theme="政府改革", weights=WEIGHTS,
            opens_at=_at(2017, 6, 1), closes_at=_at(2017, 12, 31, 17), experts_per_case=3,
            shortlist_size=6, quotas={"special": 1, "top_ten": 2, "excellence": 3,
                                      "organising": 2})
        services.call_transition(actor=office, call=call, to=CallStatus.OPEN)
    for i, entry in enumerate(FIFTH):
        with clock.frozen_at(_at(2017, 9, 1) + dt.timedelta(days=i)):
            services.case_submit(actor=units[entry.unit], call=call, title=entry.title,
                                 unit_name=entry.unit,
                                 text=f"{entry.title}：主要做法与初步成效（案例材料摘要）。")
    with clock.frozen_at(_at(2018, 1, 8)):
        services.call_transition(actor=office, call=call, to=CallStatus.PRELIMINARY)
        services.review_draw_commit(actor=office, call=call)
        services.review_draw_run(actor=office, call=call)
    targets = {c.number: 88 - 3 * i for i, c in enumerate(call.cases.order_by("number"))}
    with clock.frozen_at(_at(2018, 2, 1)):
        _score(call, targets, experts, skip=experts[0])  # expert-01's sheets still to do
    return call


@transaction.atomic
def demo_awards_load(*, actor: User | None = None) -> dict[str, Any]:
    """The demo's award calls (see the module's docstring); `actor` is the organisers'
    account to act as (default: `awards-office`, created here). Returns what it made."""
    if not Region.objects.filter(code="330782").exists():
        regions_load()
    organisers = [department_ensure(code=code, name=name, region_code=PROVINCE)
                  for code, name in ORGANISERS]
    office = actor or _account("awards-office", role=Role.AWARDS, name="案例评选办公室",
                               department=organisers[0])
    units = _units()
    experts = _experts(office)
    _conflicts(office, experts)
    made = []
    if not AwardCall.objects.filter(edition=4).exists():
        made.append(_fourth(office, units, experts).edition)
    if not AwardCall.objects.filter(edition=5).exists():
        made.append(_fifth(office, units, experts).edition)
    return {"calls_made": made, "cases": AwardCase.objects.count(), "experts": len(experts),
            "accounts": ["awards-office", "expert-01", "…", f"expert-{len(experts):02d}",
                         "unit-jinhua"]}
