"""The demo life events (一件事) and entries of the four lists."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from onevisit.catalogue.constants import (
    LimitUnit,
    ListKind,
)

# --------------------------------------------------------------------------- life events


@dataclass(frozen=True)
class StageSpec:
    key: str
    name: str
    item_code: str
    depends_on: tuple[str, ...] = ()
    mode: str = "review"  # lifeevents.StageMode
    refusal_scope: str = "application"  # lifeevents.RefusalScope
    # Form values under which the stage is skipped at acceptance (LifeEventStage.skip_when).
    skip_when: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LifeEventSpec:
    code: str
    name: str
    committed_limit: int
    limit_unit: LimitUnit
    promised_visits: int
    topic: str
    keywords: str
    description: str
    stages: tuple[StageSpec, ...]


LIFE_EVENTS: tuple[LifeEventSpec, ...] = (
    LifeEventSpec(
        code="second-hand-housing", name="二手房交易登记一件事",
        committed_limit=50, limit_unit=LimitUnit.MINUTES, promised_visits=1,
        topic="不动产登记",
        keywords="卖房 卖房子 买房 买房子 二手房 存量房 过户 房产过户 房屋买卖 不动产转移登记",
        description="不动产交易、税收缴纳、登记三个环节一窗受理、全过程最多跑一次，"
                    "正常情况下不超过50分钟办结。税款以网签备案的成交价格计征，"
                    "登记机构查验完税信息后登簿发证。",
        stages=(
            StageSpec("filing", "存量房交易合同网签备案", "330106-ZJ-001"),
            StageSpec("tax", "存量房交易税费申报缴纳", "330106-SW-001", ("filing",)),
            StageSpec("registration", "不动产转移登记", "330106-BDC-001", ("tax",)),
        ),
    ),
    LifeEventSpec(
        code="business-startup", name="企业开办一件事",
        committed_limit=3, limit_unit=LimitUnit.WORKING_DAYS, promised_visits=0,
        topic="企业开办",
        keywords="开公司 办企业 注册公司 开办企业 成立公司 营业执照 刻章 领发票 社保登记 多证合一",
        description="“多证合一、一照一码”：设立登记领取营业执照后，"
                    "公章刻制、发票领用、单位参保登记并联办理，全程网办、快递送达。",
        stages=(
            StageSpec("licence", "企业设立登记", "330106-SJ-001"),
            StageSpec("seal", "公章刻制备案", "330106-GA-001", ("licence",)),
            StageSpec("tax", "税务信息确认及发票领用", "330106-SW-002", ("licence",)),
            StageSpec("social-insurance", "单位参保登记", "330106-RS-001", ("licence",)),
        ),
    ),
    LifeEventSpec(
        code="investment-filing", name="企业投资项目备案",
        committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS, promised_visits=0,
        topic="投资项目审批",
        keywords="项目备案 投资备案 企业投资 投资项目 赋码 立项",
        description="备案类企业投资项目零上门：在线告知项目信息，即时赋码备案。",
        stages=(StageSpec("filing", "企业投资项目备案", "330106-FG-001"),),
    ),
    LifeEventSpec(
        code="newborn", name="新生儿出生一件事",
        committed_limit=5, limit_unit=LimitUnit.WORKING_DAYS, promised_visits=0,
        topic="生育收养",
        keywords="生孩子 生小孩 出生 新生儿 宝宝 上户口 报户口 出生证 出生医学证明 医保 社保卡",
        description="出生医学证明、出生登记、城乡居民医保参保、社会保障卡申领一次申请，"
                    "户口登记后医保参保与社保卡申领并联办理，结果快递送达。",
        stages=(
            StageSpec("birth-certificate", "出生医学证明签发", "330106-WJ-001"),
            StageSpec("household", "出生登记", "330106-GA-002", ("birth-certificate",)),
            StageSpec("medical-insurance", "城乡居民医保参保登记", "330106-YB-001",
                      ("household",)),
            StageSpec("social-security-card", "社会保障卡申领", "330106-RS-002",
                      ("household",)),
        ),
    ),
)

# --------------------------------------------------------------------------- four lists


@dataclass(frozen=True)
class ListEntrySpec:
    kind: ListKind
    code: str
    title: str
    department: str
    legal_basis: str
    content: str
    item_codes: tuple[str, ...]
    amount_yuan: Decimal | None = None


LIST_ENTRIES: tuple[ListEntrySpec, ...] = (
    ListEntrySpec(
        ListKind.POWER, "QL-XH-SJ-001", "市场主体登记（企业、个体工商户设立登记）", "xh-scjg",
        "《市场主体登记管理条例》第三条", "行政许可；实施主体：杭州市西湖区市场监督管理局。",
        ("330106-SJ-001", "330106-SJ-002"),
    ),
    ListEntrySpec(
        ListKind.POWER, "QL-XH-SJ-002", "食品经营许可", "xh-scjg",
        "《中华人民共和国食品安全法》第三十五条",
        "行政许可；实施主体：杭州市西湖区市场监督管理局。",
        ("330106-SJ-003",),
    ),
    ListEntrySpec(
        ListKind.POWER, "QL-XH-BDC-001", "不动产登记", "xh-bdc",
        "《不动产登记暂行条例》第五条",
        "行政确认；含转移登记、抵押权登记等；实施主体：杭州市不动产登记服务中心西湖分中心。",
        ("330106-BDC-001", "330106-BDC-002"),
    ),
    ListEntrySpec(
        ListKind.POWER, "QL-XH-WJ-001", "公共场所卫生许可", "xh-wjj",
        "《公共场所卫生管理条例》第八条", "行政许可；实施主体：杭州市西湖区卫生健康局。",
        ("330106-WJ-002",),
    ),
    ListEntrySpec(
        ListKind.POWER, "QL-XH-GH-001", "建设工程规划许可证核发", "xh-zrzy",
        "《中华人民共和国城乡规划法》第四十条",
        "行政许可；实施主体：杭州市规划和自然资源局西湖分局。",
        ("330106-GH-001",),
    ),
    ListEntrySpec(
        ListKind.RESPONSIBILITY, "ZR-XH-SJ-001", "市场主体登记注册及事中事后监管", "xh-scjg",
        "《市场主体登记管理条例》\n"
        "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）",
        "受理责任：一次性告知补正材料；审查责任：对申请材料进行形式审查；"
        "决定责任：当场或3个工作日内登记；事后监管责任：“双随机、一公开”抽查；"
        "追责情形：对符合条件的申请不予受理、未在时限内登记的。",
        ("330106-SJ-001", "330106-SJ-002", "330106-SJ-003"),
    ),
    ListEntrySpec(
        ListKind.RESPONSIBILITY, "ZR-XH-BDC-001", "不动产登记审核与登簿", "xh-bdc",
        "《不动产登记暂行条例》第十八条、第二十九条",
        "查验责任：查验申请人身份、不动产界址和权属来源；登簿责任：依法记载于不动产登记簿；"
        "信息共享责任：与住建、税务部门共享交易、完税信息；"
        "追责情形：登记错误给他人造成损害、泄露不动产登记资料的。",
        ("330106-BDC-001", "330106-BDC-002"),
    ),
    ListEntrySpec(
        ListKind.RESPONSIBILITY, "ZR-XH-MZ-001", "最低生活保障审核确认与动态管理", "xh-mzj",
        "《社会救助暂行办法》第十一条、第十三条",
        "审核确认责任：对乡镇（街道）调查结果审核确认；公示责任：在申请人居住地公示；"
        "动态管理责任：定期核查家庭收入和财产状况；追责情形：对不符合条件的人员给予救助、"
        "对符合条件的申请不予受理的。",
        ("330106-MZ-001",),
    ),
    ListEntrySpec(
        ListKind.NEGATIVE, "FM-XH-001",
        "西湖风景名胜区核心景区内禁止建设宾馆、招待所、培训中心、疗养院以及与风景名胜资源保护"
        "无关的其他建筑物", "xh-fgj",
        "《风景名胜区条例》第二十七条", "禁止准入类。",
        ("330106-FG-001", "330106-GH-001"),
    ),
    ListEntrySpec(
        ListKind.NEGATIVE, "FM-XH-002",
        "《产业结构调整指导目录》淘汰类项目禁止投资，限制类项目禁止新建",
        "xh-fgj", "《市场准入负面清单（2022年版）》\n《产业结构调整指导目录（2024年本）》",
        "禁止准入类。", ("330106-FG-001",),
    ),
    ListEntrySpec(
        ListKind.NEGATIVE, "FM-XH-003", "未获得许可，不得从事食品经营", "xh-scjg",
        "《中华人民共和国食品安全法》第三十五条",
        "许可准入类：仅销售预包装食品的，实行备案管理。", ("330106-SJ-003",),
    ),
    ListEntrySpec(
        ListKind.FISCAL_FUND, "ZJ-XH-MZ-001", "城乡最低生活保障资金", "xh-mzj",
        "《社会救助暂行办法》第九条",
        "用途：按月发放低保金；分配方式：按保障对象人数和补差标准据实结算；"
        "绩效目标：应保尽保、按时足额发放。", ("330106-MZ-001",), Decimal("32600000.00"),
    ),
    ListEntrySpec(
        ListKind.FISCAL_FUND, "ZJ-XH-RS-001", "城乡居民基本养老保险财政补助资金", "xh-rsj",
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        "用途：参保人缴费补贴和基础养老金；分配方式：按参保缴费档次和领取人数核拨；"
        "绩效目标：补贴按时记入个人账户。", ("330106-RS-003",), Decimal("58000000.00"),
    ),
    ListEntrySpec(
        ListKind.FISCAL_FUND, "ZJ-XH-GA-001", "新开办企业首套印章免费刻制补助", "xh-ga",
        "《政府购买服务管理办法》（中华人民共和国财政部令第102号）",
        "用途：政府购买服务，为新开办企业免费刻制首套印章；分配方式：按实际刻制套数结算；"
        "绩效目标：企业开办零成本。", ("330106-GA-001",), Decimal("1200000.00"),
    ),
)

