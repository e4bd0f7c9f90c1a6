"""The market-entry bundles of the seed (docs/bundles.md): 多证合一、一照一码 — one filing
of 企业设立登记 whose business licence stands for twelve departmental registrations —
and 证照联办 — a business licence together with a sector permit, one form, one visit,
parallel cases.

Sources. The seed says “实行12个事项‘多证合一、一照一码’和20个领域的‘证照联办’”. The
province's 2017 notice listing its twelve items could not be consulted when this data was
written, so the twelve below are NOT checked against Zhejiang's list. Each rests on what
can be cited: the four registrations 五证合一 merged besides the licence itself (国办发
〔2016〕53号: 组织机构代码、税务登记、社会保险登记、统计登记), and registrations of other
departments that 国办发〔2017〕41号 directs to be merged into the licence (公章刻制备案,
报关单位备案, 住房公积金缴存登记, …), each with its own legal basis. 对外贸易经营者备案登记,
in the 2017 national lists, is left out: the 2022 amendment of the Foreign Trade Law
removed the filing. Where an article number was not verified, the item's note says so.

Sector permits: each item's legal basis is the permit's own; where the law gives the
permit to a city or provincial department rather than the county, the item says so (the
demo still takes it at the district's window).
"""

from __future__ import annotations

from onevisit.catalogue.constants import ItemKind, LimitUnit
from onevisit.demo.catalogue.bundles import LifeEventSpec, StageSpec
from onevisit.demo.catalogue.items import (
    ID_CARD,
    NEW_COMPANY,
    NEW_LICENCE,
    PERSON,
    ItemSpec,
    MaterialSpec,
)
from onevisit.lifeevents.models import RefusalScope, StageMode

MARKET_DEPARTMENTS: dict[str, str] = {
    "xh-tjj": "杭州市西湖区统计局",
    "xh-hg": "杭州海关",
    "xh-gjj": "杭州住房公积金管理中心",
    "xh-wlj": "杭州市西湖区文化和广电旅游体育局",
    "xh-jtj": "杭州市西湖区交通运输局",
}

MARKET_DEPARTMENTS_EN: dict[str, str] = {
    "xh-tjj": "Xihu District Statistics Bureau",
    "xh-hg": "Hangzhou Customs",
    "xh-gjj": "Hangzhou Housing Provident Fund Management Centre",
    "xh-wlj": "Xihu District Culture, Radio, Television, Tourism and Sports Bureau",
    "xh-jtj": "Xihu District Transport Bureau",
}

MARKET_DESKS: dict[str, tuple[str, str]] = {
    "xh-tjj": ("4 号窗口（企业开办）", "0571-87001004"),
    "xh-hg": ("4 号窗口（企业开办）", "0571-87001004"),
    "xh-gjj": ("5 号窗口（社保医保）", "0571-87001005"),
    "xh-wlj": ("6 号窗口（证照联办）", "0571-87001006"),
    "xh-jtj": ("6 号窗口（证照联办）", "0571-87001006"),
}

WUZHENG = "《国务院办公厅关于加快推进“五证合一、一照一码”登记制度改革的通知》（国办发〔2016〕53号）"
DUOZHENG = "《国务院办公厅关于加快推进“多证合一”改革的指导意见》（国办发〔2017〕41号）"
RECORD_CONDITIONS = ("多证合一：企业设立登记准予后，依营业执照和设立登记信息直接登记，"
                     "申请人无需另行申请、提交材料。")


def _record(code: str, name: str, department: str, legal_basis: str,
            fields: tuple[str, ...] = (), note: str = "") -> ItemSpec:
    """A registration the licence stands for: made from the one filing, no materials of
    its own beyond the licence (shared), no result."""
    return ItemSpec(
        code=code, name=name, department=department, kind=ItemKind.OTHER_POWER,
        topic="企业开办", legal_basis=legal_basis, conditions=RECORD_CONDITIONS,
        statutory_limit=1, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, *NEW_COMPANY, *fields),
        optional_fields=("company_uscc",), materials=(NEW_LICENCE,),
        description=note,
    )


# The twelve registrations of 多证合一 (RECORD stages after 企业设立登记). Two are items of
# the 企业开办 bundle already (公章刻制备案, 单位参保登记).
RECORD_ITEMS: tuple[ItemSpec, ...] = (
    _record("330106-SJ-021", "组织机构代码登记", "xh-scjg",
            f"{WUZHENG}\n《国务院办公厅关于加快推进“三证合一”登记制度改革的意见》"
            "（国办发〔2015〕50号）",
            note="五证合一之一：组织机构代码由统一社会信用代码承载。"),
    _record("330106-SW-021", "税务登记", "xh-sw",
            f"《中华人民共和国税收征收管理法》第十五条\n{WUZHENG}",
            note="五证合一之一：营业执照作为税务登记证使用。"),
    _record("330106-TJ-001", "统计登记", "xh-tjj", WUZHENG,
            note="五证合一之一：统计部门依共享的登记信息纳入基本单位名录库。"),
    _record("330106-YB-021", "单位医疗保险参保登记", "xh-ybj",
            f"《中华人民共和国社会保险法》第五十七条\n{WUZHENG}",
            fields=("employee_count",),
            note="社会保险登记（五证合一之一）中由医疗保障部门办理的部分。"),
    _record("330106-HG-001", "报关单位备案（进出口货物收发货人）", "xh-hg",
            f"《中华人民共和国海关法》第十一条\n{DUOZHENG}",
            note="原报关单位注册登记；出入境检验检疫报检企业备案已并入（关检融合）。"),
    _record("330106-GJJ-001", "住房公积金缴存登记", "xh-gjj",
            f"《住房公积金管理条例》第十四条\n{DUOZHENG}",
            fields=("employee_count",)),
    _record("330106-RS-021", "就业登记（用工备案）", "xh-rsj",
            f"《就业服务与就业管理规定》\n{DUOZHENG}",
            # The article on 就业登记 was not checked (docs/bundles.md).
            fields=("employee_count",)),
    _record("330106-SW-022", "存款账户账号报告", "xh-sw",
            f"《中华人民共和国税收征收管理法》第十七条\n{DUOZHENG}"),
    _record("330106-SW-023", "财务会计制度及核算软件备案", "xh-sw",
            f"《中华人民共和国税收征收管理法》第二十条\n{DUOZHENG}"),
    _record("330106-SJ-022", "企业联络员备案", "xh-scjg",
            f"《企业信息公示暂行条例》\n{DUOZHENG}",
            # The article was not checked (docs/bundles.md).
            note="企业信息公示联络员随设立登记备案。"),
)

# 多证合一's twelve, in order: the ten above and the two the 企业开办 bundle has.
MULTI_LICENCE_STAGES: tuple[StageSpec, ...] = (
    StageSpec("licence", "企业设立登记", "330106-SJ-001"),
    StageSpec("organisation-code", "组织机构代码登记", "330106-SJ-021", ("licence",),
              mode=StageMode.RECORD),
    StageSpec("tax-registration", "税务登记", "330106-SW-021", ("licence",),
              mode=StageMode.RECORD),
    StageSpec("social-insurance", "单位参保登记", "330106-RS-001", ("licence",),
              mode=StageMode.RECORD),
    StageSpec("statistics", "统计登记", "330106-TJ-001", ("licence",), mode=StageMode.RECORD),
    StageSpec("seal", "公章刻制备案", "330106-GA-001", ("licence",), mode=StageMode.RECORD),
    StageSpec("medical-insurance", "单位医疗保险参保登记", "330106-YB-021", ("licence",),
              mode=StageMode.RECORD),
    StageSpec("customs", "报关单位备案", "330106-HG-001", ("licence",),
              mode=StageMode.RECORD),
    StageSpec("housing-fund", "住房公积金缴存登记", "330106-GJJ-001", ("licence",),
              mode=StageMode.RECORD),
    StageSpec("employment", "就业登记（用工备案）", "330106-RS-021", ("licence",),
              mode=StageMode.RECORD),
    StageSpec("bank-accounts", "存款账户账号报告", "330106-SW-022", ("licence",),
              mode=StageMode.RECORD),
    StageSpec("accounting", "财务会计制度及核算软件备案", "330106-SW-023", ("licence",),
              mode=StageMode.RECORD),
    StageSpec("liaison", "企业联络员备案", "330106-SJ-022", ("licence",),
              mode=StageMode.RECORD),
)


def _permit(code: str, name: str, department: str, legal_basis: str, conditions: str,
            result_name: str, materials: tuple[MaterialSpec, ...], statutory_limit: int,
            fields: tuple[str, ...] = (), description: str = "") -> ItemSpec:
    """A sector permit a company being registered applies for with its licence: its
    credit code comes from the registration (company_uscc optional, filled in)."""
    return ItemSpec(
        code=code, name=name, department=department, kind=ItemKind.LICENSING,
        topic="市场准入", legal_basis=legal_basis, conditions=conditions,
        statutory_limit=statutory_limit, committed_limit=5, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0,
        fields=(*PERSON, *NEW_COMPANY, "business_address", "business_scope", *fields),
        optional_fields=("company_uscc",),
        materials=(NEW_LICENCE, ID_CARD,
                   MaterialSpec("permit-application", f"{name}申请书", original=True),
                   *materials),
        result_name=result_name, description=description,
    )


PERMIT_ITEMS: tuple[ItemSpec, ...] = (
    _permit("330106-SJ-023", "食品经营许可（新办企业）", "xh-scjg",
            "《中华人民共和国食品安全法》第三十五条\n"
            "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
            "具有与经营的食品品种、数量相适应的经营场所、设备设施、食品安全管理人员和管理制度。",
            "食品经营许可证",
            (MaterialSpec("layout", "主要设备设施布局及操作流程文件", copies=1,
                          tolerated_missing=True),),
            statutory_limit=10, fields=("food_business_type",),
            description="与 330106-SJ-003 同一许可，供尚未取得统一社会信用代码的新办企业"
                        "与设立登记联办；含餐饮服务。"),
    _permit("330106-SJ-024", "药品经营许可（零售）", "xh-scjg",
            "《中华人民共和国药品管理法》第五十一条\n《药品经营和使用质量监督管理办法》",
            "有依法经过资格认定的药师或者其他药学技术人员，与所经营药品相适应的营业场所、"
            "设备、仓储设施和卫生环境，质量管理机构或者人员和质量管理制度。",
            "药品经营许可证",
            (MaterialSpec("pharmacist", "执业药师注册证", copies=1),),
            statutory_limit=20),
    _permit("330106-WG-001", "旅行社业务经营许可", "xh-wlj",
            "《中华人民共和国旅游法》第二十八条\n《旅行社条例》第六条",
            "有固定的经营场所、必要的营业设施和符合规定的注册资本，有必要的经营管理人员和导游，"
            "依法交存旅游服务质量保证金。",
            "旅行社业务经营许可证",
            (MaterialSpec("premises-proof", "经营场所证明", copies=1),),
            statutory_limit=20,
            description="《旅行社条例》第六条规定由省级或其委托的设区的市级旅游主管部门许可；"
                        "演示数据在区级窗口受理。"),
    _permit("330106-WG-002", "印刷经营许可（包装装潢印刷品和其他印刷品）", "xh-wlj",
            "《印刷业管理条例》",
            "有印刷企业的名称、章程，确定的业务范围，适应业务需要的生产经营场所和必要的资金、设备。",
            "印刷经营许可证",
            (MaterialSpec("equipment", "印刷设备清单", copies=1),),
            statutory_limit=60,
            # The licensing article of 《印刷业管理条例》 was not checked (docs/bundles.md).
            description="包装装潢和其他印刷品印刷由设区的市级出版主管部门许可，"
                        "在区级综合窗口收件后转办。"),
    _permit("330106-RS-022", "人力资源服务许可（职业中介活动）", "xh-rsj",
            "《人力资源市场暂行条例》第十八条",
            "有明确的章程和管理制度、开展业务必备的固定场所、办公设施和开办资金，"
            "有一定数量具备相应职业资格的专职工作人员。",
            "人力资源服务许可证",
            (MaterialSpec("staff-qualification", "专职工作人员职业资格证明", copies=1),),
            statutory_limit=20),
    _permit("330106-WG-003", "娱乐场所经营许可", "xh-wlj",
            "《娱乐场所管理条例》第九条",
            "娱乐场所的设立符合国家有关规定，投资人员、拟任法定代表人和其他负责人"
            "没有《娱乐场所管理条例》第五条规定的情形。",
            "娱乐经营许可证",
            (MaterialSpec("premises-proof", "经营场所证明", copies=1),),
            statutory_limit=20),
    _permit("330106-WG-004", "出版物零售业务经营许可", "xh-wlj",
            "《出版管理条例》第三十七条",
            "有确定的企业名称和经营范围，有与出版物零售业务相适应的设备和固定的经营场所。",
            "出版物经营许可证",
            (MaterialSpec("premises-proof", "经营场所证明", copies=1),),
            statutory_limit=20),
    _permit("330106-JT-001", "道路货物运输经营许可", "xh-jtj",
            "《中华人民共和国道路运输条例》第二十四条",
            "有与其经营业务相适应并经检测合格的车辆，有符合规定条件的驾驶人员，"
            "有健全的安全生产管理制度。",
            "道路运输经营许可证",
            (MaterialSpec("vehicles", "拟投入车辆承诺书", original=True),),
            statutory_limit=20,
            description="危险货物运输经营以外的货运经营，向县级交通运输主管部门申请。"),
)

MARKET_ITEMS: tuple[ItemSpec, ...] = (*RECORD_ITEMS, *PERMIT_ITEMS)

# 证照联办: the licence and the permit start together at acceptance. Refusing the licence
# ends everything (no company, no permit); refusing the permit ends only the permit: the
# company is registered, its licence issued and delivered with the permit's refusal
# decision (docs/bundles.md).
_SECTORS: tuple[tuple[str, str, str, str], ...] = (
    ("food", "330106-SJ-023", "食品经营", "开饭店 开餐馆 餐饮 食品店 超市 小卖部 食品经营许可证"),
    ("pharmacy", "330106-SJ-024", "药品零售", "开药店 药房 药品零售 药品经营许可证"),
    ("travel-agency", "330106-WG-001", "旅行社", "开旅行社 旅行社 旅游 旅行社业务经营许可证"),
    ("printing", "330106-WG-002", "印刷", "印刷厂 印刷 包装印刷 印刷经营许可证"),
    ("hr-services", "330106-RS-022", "人力资源服务", "职业中介 人力资源 招聘 人力资源服务许可证"),
    ("entertainment", "330106-WG-003", "娱乐场所", "KTV 歌舞厅 游艺厅 娱乐场所 娱乐经营许可证"),
    ("bookshop", "330106-WG-004", "出版物零售", "开书店 书店 出版物零售 出版物经营许可证"),
    ("road-freight", "330106-JT-001", "道路货运", "货运 物流 运输公司 道路运输经营许可证"),
)

PERMIT_NAMES = {spec.code: spec.name for spec in PERMIT_ITEMS}

REFUSAL_WORDS = ("一个部门不予许可时：许可不予许可的，营业执照照常颁发，企业照常成立，"
                 "不予许可决定书（载明理由、依据和申请行政复议、提起行政诉讼的权利）"
                 "与营业执照一并送达，办件显示为“部分办结”；设立登记不予登记的，"
                 "许可随之终止，整件不予办理。")

MARKET_LIFE_EVENTS: tuple[LifeEventSpec, ...] = (
    LifeEventSpec(
        code="multi-licence", name="企业设立登记（多证合一、一照一码）",
        committed_limit=3, limit_unit=LimitUnit.WORKING_DAYS, promised_visits=0,
        topic="企业开办",
        keywords="多证合一 一照一码 五证合一 开公司 注册公司 营业执照 统一社会信用代码",
        description="一次申请企业设立登记，营业执照准予后赋予统一社会信用代码，"
                    "税务、社保、统计、公安、海关、公积金等十二项登记备案由各部门"
                    "依共享信息直接登记，无需另行申请；只颁发一张营业执照。"
                    "十二项所依据的文件见各事项的设定依据。",
        stages=MULTI_LICENCE_STAGES,
    ),
    *(
        LifeEventSpec(
            code=f"licence-{key}", name=f"证照联办：{sector}（营业执照＋{PERMIT_NAMES[code]}）",
            committed_limit=5, limit_unit=LimitUnit.WORKING_DAYS, promised_visits=0,
            topic="企业开办", keywords=f"证照联办 {keywords}",
            description=f"一张表单、一次提交：企业设立登记与{PERMIT_NAMES[code]}同时受理、"
                        f"并联审批，结果一并送达。{REFUSAL_WORDS}",
            stages=(
                StageSpec("licence", "企业设立登记", "330106-SJ-001"),
                StageSpec("permit", PERMIT_NAMES[code], code,
                          refusal_scope=RefusalScope.STAGE),
            ),
        )
        for key, code, sector, keywords in _SECTORS
    ),
)

MARKET_ITEMS_EN: dict[str, str] = {
    "330106-SJ-021": "Organisation code registration",
    "330106-SW-021": "Tax registration",
    "330106-TJ-001": "Statistical registration",
    "330106-YB-021": "Employer medical insurance registration",
    "330106-HG-001": "Customs declarant filing (consignor or consignee)",
    "330106-GJJ-001": "Housing provident fund contribution registration",
    "330106-RS-021": "Employment registration (hiring filing)",
    "330106-SW-022": "Report of bank account numbers to the tax office",
    "330106-SW-023": "Filing of accounting rules and software with the tax office",
    "330106-SJ-022": "Filing of the company's liaison officer",
    "330106-SJ-023": "Food business permit (company being registered)",
    "330106-SJ-024": "Pharmaceutical trading permit (retail)",
    "330106-WG-001": "Travel agency business permit",
    "330106-WG-002": "Printing business permit (packaging and other printed matter)",
    "330106-RS-022": "Human resources service permit (job placement)",
    "330106-WG-003": "Entertainment venue business permit",
    "330106-WG-004": "Publication retail business permit",
    "330106-JT-001": "Road freight transport business permit",
}

_SECTORS_EN = {
    "food": "food business", "pharmacy": "pharmacy retail", "travel-agency": "travel agency",
    "printing": "printing", "hr-services": "human resources services",
    "entertainment": "entertainment venue", "bookshop": "publication retail",
    "road-freight": "road freight",
}

MARKET_LIFE_EVENTS_EN: dict[str, str] = {
    "multi-licence": "Company registration (one licence, one code for twelve registrations)",
    **{f"licence-{key}": f"Licence and permit together: {name}"
       for key, name in _SECTORS_EN.items()},
}

MARKET_STAGES_EN: dict[str, str] = {
    "组织机构代码登记": "Organisation code registration",
    "税务登记": "Tax registration",
    "统计登记": "Statistical registration",
    "单位医疗保险参保登记": "Employer medical insurance registration",
    "报关单位备案": "Customs declarant filing",
    "住房公积金缴存登记": "Housing provident fund registration",
    "就业登记（用工备案）": "Employment registration",
    "存款账户账号报告": "Bank account report",
    "财务会计制度及核算软件备案": "Accounting rules filing",
    "企业联络员备案": "Liaison officer filing",
    "单位参保登记": "Employer social insurance registration",
    **{spec.name: MARKET_ITEMS_EN[spec.code] for spec in PERMIT_ITEMS},
}

MARKET_MATERIALS_EN: dict[str, str] = {
    "主要设备设施布局及操作流程文件": "Layout of the main equipment and the work flow",
    "执业药师注册证": "Licensed pharmacist's registration certificate",
    "经营场所证明": "Proof of the business premises",
    "印刷设备清单": "List of printing equipment",
    "专职工作人员职业资格证明": "Professional qualifications of the full-time staff",
    "拟投入车辆承诺书": "Commitment on the vehicles to be used",
    **{f"{spec.name}申请书": f"Application for the {MARKET_ITEMS_EN[spec.code].lower()}"
       for spec in PERMIT_ITEMS},
}
