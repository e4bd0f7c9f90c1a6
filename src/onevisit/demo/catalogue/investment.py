"""企业投资项目核准一件事: a 核准类 enterprise investment project from the approval to the
construction permit, across the province, the city and the county.

The seed: 出台区域环评、区域能评改革指导意见，实行施工图审查环节“多审合一”，实现备案类企业投资项目
零上门办理和核准类项目省级机关“零上门”办理、市县政府“最多跑一次”. So the province's approval
(浙江省发展和改革委员会) promises no visit, and the city's and the county's stages at most
one. A project inside an area whose regional EIA (区域环评) or regional energy assessment
(区域能评) is done skips the project-level review (`skip_when` on the stage); the
construction drawings get one joint review (施工图审查“多审合一”) by the county's housing
bureau with the city's civil air defence office and meteorological bureau taking part
(`JOINT_REVIEWS`, loaded into workflow's joint review panels).

Where an exact article or list is not certain here, the data says so in its description
rather than cite one: which EIA categories and which energy uses a regional assessment
exempts is set by the province's reform documents, and the level (province, city or
county) that reviews a project's energy use depends on its annual consumption.
"""

from __future__ import annotations

from onevisit.accounts.models import RegionLevel
from onevisit.catalogue.constants import FieldType, ItemKind, LimitUnit
from onevisit.demo.catalogue.bundles import LifeEventSpec, StageSpec
from onevisit.demo.catalogue.items import COMPANY, LICENCE, PERSON, ItemSpec, MaterialSpec
from onevisit.demo.catalogue.reference import YES_NO, FieldSpec

PROVINCE = "33"  # 浙江省
CITY = "3301"  # 杭州市

# Departments above the county: code → (name, English name, region).
DEPARTMENTS: dict[str, tuple[str, str, str]] = {
    "zj-fgw": ("浙江省发展和改革委员会", "Zhejiang Provincial Development and Reform Commission",
               PROVINCE),
    "hz-fgw": ("杭州市发展和改革委员会", "Hangzhou Development and Reform Commission", CITY),
    "hz-sthj": ("杭州市生态环境局", "Hangzhou Ecology and Environment Bureau", CITY),
    "hz-ghzy": ("杭州市规划和自然资源局", "Hangzhou Planning and Natural Resources Bureau",
                CITY),
    "hz-rfb": ("杭州市人民防空办公室", "Hangzhou Civil Air Defence Office", CITY),
    "hz-qxj": ("杭州市气象局", "Hangzhou Meteorological Bureau", CITY),
}

# Where each department's items are handled (the guide's 办理地点) and its enquiry line.
PLACES: dict[str, tuple[str, str, str]] = {  # code → place, English place, phone
    "zj-fgw": ("浙江政务服务网 投资项目在线审批监管平台（网上办理，无需到场）",
               "Zhejiang online investment project approval platform (online, no visit)",
               "0571-87052000"),
    "hz-fgw": ("杭州市民中心 投资项目审批窗口", "Hangzhou Citizens' Centre, investment desk",
               "0571-85252000"),
    "hz-sthj": ("杭州市民中心 投资项目审批窗口", "Hangzhou Citizens' Centre, investment desk",
                "0571-85252000"),
    "hz-ghzy": ("杭州市民中心 投资项目审批窗口", "Hangzhou Citizens' Centre, investment desk",
                "0571-85252000"),
    "hz-rfb": ("杭州市民中心 投资项目审批窗口", "Hangzhou Citizens' Centre, investment desk",
               "0571-85252000"),
    "hz-qxj": ("杭州市民中心 投资项目审批窗口", "Hangzhou Citizens' Centre, investment desk",
               "0571-85252000"),
}

# The conditions under which a stage is skipped (LifeEventStage.skip_when).
IN_EIA_AREA = "in_regional_eia_area"
IN_ENERGY_AREA = "in_regional_energy_area"

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(IN_EIA_AREA, "是否位于已完成区域环评的区域", FieldType.CHOICE,
              "项目位于已完成区域环境影响评价的开发区、产业平台等区域，且不属于区域环评"
              "负面清单的，免于单独办理项目环评审批", choices=YES_NO),
    FieldSpec(IN_ENERGY_AREA, "是否位于已完成区域能评的区域", FieldType.CHOICE,
              "项目位于已完成区域节能评价的区域，且符合区域能耗标准的，免于单独办理节能审查",
              choices=YES_NO),
)

PROJECT = ("project_name", "project_address", "project_investment", "project_content")

APPROVAL = "33-TZ-001"
LAND = "3301-TZ-002"
EIA = "3301-TZ-003"
ENERGY = "3301-TZ-004"
PLANNING = "330106-GH-001"  # 建设工程规划许可证核发, 西湖分局 (items.py)
DRAWINGS = "330106-TZ-005"
CONSTRUCTION = "330106-TZ-006"

ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        code=APPROVAL, name="企业投资项目核准", department="zj-fgw",
        region=PROVINCE, level=RegionLevel.PROVINCE,
        kind=ItemKind.LICENSING, topic="投资项目审批",
        legal_basis="《企业投资项目核准和备案管理条例》（国务院令第673号）第三条、第六条\n"
                    "《政府核准的投资项目目录（2016年本）》（国发〔2016〕72号）\n"
                    "《企业投资项目核准和备案管理办法》（国家发展和改革委员会令第2号）",
        conditions="属于《政府核准的投资项目目录》范围、由省级投资主管部门核准的企业投资项目；"
                   "已取得用地预审与选址意见书。",
        statutory_limit=20, committed_limit=5, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0,
        fields=(*PERSON, *COMPANY, *PROJECT, "project_start_date"),
        materials=(
            LICENCE,
            MaterialSpec("project-application", "项目申请书", original=True),
            MaterialSpec("land-opinion", "用地预审与选址意见书", required=False,
                         note="一件事中由用地预审与选址环节共享，无需提交"),
        ),
        result_name="项目核准批复文件", channel_window=False,
        description="省级机关“零上门”：项目申请书在投资项目在线审批监管平台提交（一件事中"
                    "也可在市、县政务服务中心一窗受理），核准批复网上下载或快递送达。",
    ),
    ItemSpec(
        code=LAND, name="建设项目用地预审与选址意见书核发", department="hz-ghzy",
        region=CITY, level=RegionLevel.CITY,
        kind=ItemKind.LICENSING, topic="规划建设",
        legal_basis="《中华人民共和国城乡规划法》第三十六条\n"
                    "《建设项目用地预审管理办法》（国土资源部令第68号）\n"
                    "《自然资源部关于以“多规合一”为基础推进规划用地“多审合一、多证合一”改革"
                    "的通知》（自然资规〔2019〕2号）",
        conditions="需要申请使用国有建设用地的建设项目，在项目核准前办理；"
                   "用地预审与选址意见书合并办理、一并核发。",
        statutory_limit=20, committed_limit=5, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=1,
        fields=(*PERSON, *COMPANY, *PROJECT),
        materials=(
            LICENCE,
            MaterialSpec("land-application", "建设项目用地预审与选址申请表", original=True),
            MaterialSpec("site-plan", "建设项目拟选址位置及用地范围图", copies=1),
        ),
        result_name="建设项目用地预审与选址意见书",
    ),
    ItemSpec(
        code=EIA, name="建设项目环境影响评价文件审批", department="hz-sthj",
        region=CITY, level=RegionLevel.CITY,
        kind=ItemKind.LICENSING, topic="生态环境",
        legal_basis="《中华人民共和国环境影响评价法》第二十二条\n"
                    "《建设项目环境保护管理条例》",
        conditions="依法应当编制环境影响报告书或者报告表的建设项目，开工建设前办理。"
                   "项目位于已完成区域环评的区域（是否位于已完成区域环评的区域：是）的，"
                   "免于单独办理项目环评审批。",
        statutory_limit=60, committed_limit=10, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=1,
        fields=(*PERSON, *COMPANY, *PROJECT, IN_EIA_AREA),
        materials=(
            LICENCE,
            MaterialSpec("eia-report", "建设项目环境影响报告书（表）", copies=1),
            MaterialSpec("eia-publicity", "环境影响评价公众参与说明", copies=1, required=False,
                         note="编制报告书的项目提供"),
        ),
        result_name="环境影响评价文件批复",
        description="法定时限：环境影响报告书六十日、报告表三十日（《环境影响评价法》第二十二"
                    "条）。区域环评改革：位于已完成区域环评区域内的项目，环评审批免于单独办理；"
                    "哪些项目类别适用由省生态环境主管部门的改革文件规定，本演示目录未逐项列明。",
    ),
    ItemSpec(
        code=ENERGY, name="固定资产投资项目节能审查", department="hz-fgw",
        region=CITY, level=RegionLevel.CITY,
        kind=ItemKind.LICENSING, topic="投资项目审批",
        legal_basis="《中华人民共和国节约能源法》第十五条\n《固定资产投资项目节能审查办法》",
        conditions="年综合能源消费量达到节能审查标准的固定资产投资项目，开工建设前办理。"
                   "项目位于已完成区域能评的区域（是否位于已完成区域能评的区域：是）的，"
                   "免于单独办理节能审查。",
        statutory_limit=20, committed_limit=5, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=1,
        fields=(*PERSON, *COMPANY, *PROJECT, IN_ENERGY_AREA),
        materials=(
            LICENCE,
            MaterialSpec("energy-report", "节能报告", copies=1),
        ),
        result_name="节能审查意见",
        description="区域能评改革：位于已完成区域能评区域内、符合区域能耗标准的项目免于单独"
                    "节能审查。节能审查由省、市或县级节能审查机关按项目年综合能源消费量分级"
                    "办理，本演示目录以市级为例，分级标准未逐项列明。",
    ),
    ItemSpec(
        code=DRAWINGS, name="施工图设计文件联合审查（多审合一）", department="xh-zjj",
        kind=ItemKind.OTHER_POWER, topic="规划建设",
        legal_basis="《建设工程质量管理条例》第十一条\n"
                    "《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》"
                    "（住房和城乡建设部令第13号）\n"
                    "《中华人民共和国消防法》第十一条、第十二条\n"
                    "《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）\n"
                    "《中华人民共和国人民防空法》第二十二条\n"
                    "《国务院关于优化建设工程防雷许可的决定》（国发〔2016〕39号）",
        conditions="已取得建设工程规划许可证，施工图设计文件已完成。",
        statutory_limit=20, committed_limit=10, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=1,
        fields=(*PERSON, *COMPANY, "project_name", "project_address", "building_area"),
        materials=(
            LICENCE,
            MaterialSpec("construction-drawings", "施工图设计文件（含消防、人防、防雷专篇）",
                         copies=1),
            MaterialSpec("survey-report", "岩土工程勘察报告", copies=1),
        ),
        result_name="施工图设计文件联合审查意见书",
        description="“多审合一”：施工图技术审查、消防设计审查（2019年起由住房和城乡建设"
                    "主管部门承担）、人防设计审查和防雷装置设计审核合并为一次联合审查，"
                    "各参审部门在同一办件上出具意见，由住房和城乡建设局汇总出具一份审查意见。"
                    "防雷部分仅适用于仍由气象主管机构审核的建设工程。",
    ),
    ItemSpec(
        code=CONSTRUCTION, name="建筑工程施工许可证核发", department="xh-zjj",
        kind=ItemKind.LICENSING, topic="规划建设",
        legal_basis="《中华人民共和国建筑法》第七条、第八条\n"
                    "《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）",
        conditions="已取得建设工程规划许可证，施工图设计文件经审查合格，"
                   "依法应当办理的环评审批、节能审查已办理或免于办理。",
        statutory_limit=7, committed_limit=3, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=1,
        fields=(*PERSON, *COMPANY, "project_name", "project_address", "building_area",
                "project_start_date"),
        materials=(
            LICENCE,
            MaterialSpec("construction-contract", "施工合同及中标通知书", copies=1),
            MaterialSpec("safety-measures", "保证工程质量和安全的具体措施说明", original=True),
        ),
        result_name="建筑工程施工许可证",
    ),
)

LIFE_EVENTS: tuple[LifeEventSpec, ...] = (
    LifeEventSpec(
        code="investment-approval", name="企业投资项目核准一件事",
        committed_limit=40, limit_unit=LimitUnit.WORKING_DAYS, promised_visits=1,
        topic="投资项目审批",
        keywords="项目核准 核准类项目 企业投资 投资项目 环评 能评 节能审查 用地预审 选址 "
                 "规划许可 施工图审查 多审合一 施工许可",
        description="核准类企业投资项目一次申请：省发展改革委核准“零上门”，市、县环节"
                    "“最多跑一次”，各部门按各自承诺时限办理。用地预审与选址意见书取得后"
                    "报省级核准；环评审批、节能审查与之并联；核准后办理建设工程规划许可，"
                    "再由住建局牵头施工图“多审合一”联合审查，最后核发施工许可证。"
                    "项目位于已完成区域环评的区域的，免于单独办理环评审批；位于已完成区域"
                    "能评的区域的，免于单独办理节能审查，受理回执载明免于办理的环节。",
        stages=(
            StageSpec("land", "用地预审与选址意见书", LAND),
            StageSpec("approval", "项目核准", APPROVAL, ("land",)),
            StageSpec("eia", "环境影响评价审批", EIA, skip_when=((IN_EIA_AREA, "是"),)),
            StageSpec("energy", "节能审查", ENERGY, skip_when=((IN_ENERGY_AREA, "是"),)),
            StageSpec("planning", "建设工程规划许可", PLANNING, ("approval",)),
            StageSpec("drawings", "施工图联合审查（多审合一）", DRAWINGS, ("planning",)),
            StageSpec("construction", "施工许可", CONSTRUCTION, ("drawings", "eia", "energy")),
        ),
    ),
)

# 施工图“多审合一”: the item reviewed jointly and the departments taking part besides its own
# (the lead: 住建, which since 2019 also reviews the fire design, 《消防法》第十一条).
JOINT_REVIEWS: dict[str, tuple[str, ...]] = {
    DRAWINGS: ("hz-rfb", "hz-qxj"),
}

# --------------------------------------------------------------------------- English

ITEMS_EN: dict[str, str] = {
    APPROVAL: "Enterprise investment project approval",
    LAND: "Land-use pre-review and site selection opinion",
    EIA: "Environmental impact assessment approval",
    ENERGY: "Energy-saving review of a fixed-asset investment project",
    DRAWINGS: "Joint review of construction drawings (several reviews in one)",
    CONSTRUCTION: "Construction permit",
}
LIFE_EVENTS_EN: dict[str, str] = {
    "investment-approval": "Approval of an enterprise investment project, start to finish",
}
STAGES_EN: dict[str, str] = {
    "用地预审与选址意见书": "Land-use pre-review and site selection",
    "项目核准": "Project approval",
    "环境影响评价审批": "Environmental impact assessment",
    "节能审查": "Energy-saving review",
    "建设工程规划许可": "Construction planning permit",
    "施工图联合审查（多审合一）": "Joint review of construction drawings",
    "施工许可": "Construction permit",
}
FIELDS_EN: dict[str, str] = {
    IN_EIA_AREA: "Inside an area with a completed regional EIA?",
    IN_ENERGY_AREA: "Inside an area with a completed regional energy assessment?",
}
MATERIALS_EN: dict[str, str] = {
    "项目申请书": "Project application report",
    "用地预审与选址意见书": "Land-use pre-review and site selection opinion",
    "建设项目用地预审与选址申请表": "Application form for land-use pre-review and site selection",
    "建设项目拟选址位置及用地范围图": "Map of the proposed site and land boundary",
    "建设项目环境影响报告书（表）": "Environmental impact report (or report form)",
    "环境影响评价公众参与说明": "Statement on public participation in the EIA",
    "节能报告": "Energy-saving report",
    "施工图设计文件（含消防、人防、防雷专篇）":
        "Construction drawings (with fire, civil air defence and lightning chapters)",
    "岩土工程勘察报告": "Geotechnical investigation report",
    "施工合同及中标通知书": "Construction contract and notice of award",
    "保证工程质量和安全的具体措施说明": "Statement of quality and safety measures",
}
