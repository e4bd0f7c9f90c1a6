"""The demo service catalogue of 西湖区, Hangzhou (region 330106).

Departments, canonical fields, evidence types, service items, the four lists and four
life events (一件事): three the reform's source text names — 二手房交易 done in under 50
minutes (交易、税收、登记 at one window), 企业开办 with 多证合一、一照一码, zero-visit
filing of enterprise investment projects — and the newborn bundle.

The definitions are plain data; `demo_catalogue_load` turns them into rows and may run any
number of times: it fills in what is missing and never overwrites a published item or an
existing life event, which an editor may have changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.accounts.services import department_ensure, regions_load
from onevisit.catalogue.constants import (
    FieldType,
    ItemKind,
    ItemStatus,
    LimitUnit,
    ListKind,
    SubjectKind,
)
from onevisit.catalogue.models import (
    EvidenceType,
    FieldDef,
    ItemField,
    ListEntry,
    MaterialRequirement,
    ServiceItem,
)
from onevisit.catalogue.services import item_publish, list_entry_publish
from onevisit.lifeevents.models import LifeEvent
from onevisit.lifeevents.services import life_event_define

DISTRICT = "330106"  # 杭州市西湖区

# --------------------------------------------------------------------------- departments

DEPARTMENTS: dict[str, str] = {
    "xh-zjj": "杭州市西湖区住房和城乡建设局",
    "xh-sw": "国家税务总局杭州市西湖区税务局",
    "xh-bdc": "杭州市不动产登记服务中心西湖分中心",
    "xh-zrzy": "杭州市规划和自然资源局西湖分局",
    "xh-scjg": "杭州市西湖区市场监督管理局",
    "xh-ga": "杭州市公安局西湖区分局",
    "xh-rsj": "杭州市西湖区人力资源和社会保障局",
    "xh-ybj": "杭州市医疗保障局西湖分局",
    "xh-wjj": "杭州市西湖区卫生健康局",
    "xh-fgj": "杭州市西湖区发展和改革局",
    "xh-mzj": "杭州市西湖区民政局",
}

# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: FieldType
    help_text: str = ""
    choices: tuple[str, ...] = ()  # every item using the field restricts it the same way


YES_NO = ("是", "否")

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("applicant_name", "申请人姓名", FieldType.TEXT,
              "自然人填写本人姓名；企业事项填写经办人姓名"),
    FieldSpec("applicant_id_number", "申请人居民身份证号码", FieldType.RESIDENT_ID),
    FieldSpec("applicant_phone", "申请人手机号码", FieldType.PHONE),
    FieldSpec("household_address", "户籍地址", FieldType.ADDRESS),
    FieldSpec("household_region_code", "户籍地行政区划代码", FieldType.REGION,
              "6位县级代码，如 330106（西湖区）"),
    FieldSpec("residence_address", "居住地址", FieldType.ADDRESS),
    FieldSpec("spouse_name", "配偶姓名", FieldType.TEXT),
    FieldSpec("spouse_id_number", "配偶居民身份证号码", FieldType.RESIDENT_ID),
    FieldSpec("company_name", "企业名称", FieldType.TEXT),
    FieldSpec("company_uscc", "统一社会信用代码", FieldType.USCC,
              "新开办企业由设立登记环节赋码后自动回填"),
    FieldSpec("company_type", "企业类型", FieldType.CHOICE, choices=(
        "有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）",
        "股份有限公司（非上市）", "个人独资企业", "普通合伙企业",
    )),
    FieldSpec("registered_capital", "注册资本（万元）", FieldType.MONEY),
    FieldSpec("business_address", "住所（经营场所）", FieldType.ADDRESS),
    FieldSpec("business_scope", "经营范围", FieldType.TEXT,
              "按《经营范围登记规范表述目录》选择填写"),
    FieldSpec("legal_rep_name", "法定代表人姓名", FieldType.TEXT),
    FieldSpec("legal_rep_id_number", "法定代表人居民身份证号码", FieldType.RESIDENT_ID),
    FieldSpec("trade_name", "个体工商户名称", FieldType.TEXT, "可以不使用名称"),
    FieldSpec("employee_count", "参保职工人数", FieldType.INTEGER),
    FieldSpec("seal_count", "刻制印章数量（枚）", FieldType.INTEGER,
              "新开办企业首套印章（公章、财务专用章、发票专用章等）"),
    FieldSpec("invoice_type", "申领发票种类", FieldType.CHOICE, choices=(
        "数电发票（普通发票）", "数电发票（增值税专用发票）",
    )),
    FieldSpec("food_business_type", "食品经营主体业态", FieldType.CHOICE, choices=(
        "食品销售经营者", "餐饮服务经营者", "单位食堂",
    )),
    FieldSpec("premises_type", "公共场所类别", FieldType.CHOICE, choices=(
        "宾馆、旅店、招待所", "理发店、美容店", "公共浴室", "游泳场（馆）",
    )),
    FieldSpec("property_certificate_number", "不动产权证书号", FieldType.TEXT,
              "如：浙(2019)杭州市不动产权第0123456号"),
    FieldSpec("property_address", "不动产坐落", FieldType.ADDRESS),
    FieldSpec("transaction_price", "成交价格（元）", FieldType.MONEY),
    FieldSpec("contract_date", "合同签订日期", FieldType.DATE),
    FieldSpec("buyer_name", "买受人姓名", FieldType.TEXT),
    FieldSpec("buyer_id_number", "买受人居民身份证号码", FieldType.RESIDENT_ID),
    FieldSpec("buyer_phone", "买受人手机号码", FieldType.PHONE),
    FieldSpec("buyer_first_home", "买受人家庭是否首套住房", FieldType.CHOICE, choices=YES_NO),
    FieldSpec("seller_sole_home_over_five_years", "出售住房是否购买满五年且为家庭唯一生活用房",
              FieldType.CHOICE, choices=YES_NO),
    FieldSpec("tenant_name", "承租人姓名", FieldType.TEXT),
    FieldSpec("tenant_id_number", "承租人居民身份证号码", FieldType.RESIDENT_ID),
    FieldSpec("monthly_rent", "月租金（元）", FieldType.MONEY),
    FieldSpec("lease_start_date", "租赁起始日期", FieldType.DATE),
    FieldSpec("mortgagee_name", "抵押权人名称", FieldType.TEXT),
    FieldSpec("secured_amount", "被担保主债权数额（元）", FieldType.MONEY),
    FieldSpec("newborn_name", "新生儿姓名", FieldType.TEXT),
    FieldSpec("newborn_birth_date", "新生儿出生日期", FieldType.DATE),
    FieldSpec("newborn_gender", "新生儿性别", FieldType.CHOICE, choices=("男", "女")),
    FieldSpec("newborn_birth_place", "出生地点（助产机构）", FieldType.TEXT),
    FieldSpec("mother_name", "母亲姓名", FieldType.TEXT),
    FieldSpec("mother_id_number", "母亲居民身份证号码", FieldType.RESIDENT_ID),
    FieldSpec("father_name", "父亲姓名", FieldType.TEXT),
    FieldSpec("father_id_number", "父亲居民身份证号码", FieldType.RESIDENT_ID),
    FieldSpec("project_name", "项目名称", FieldType.TEXT),
    FieldSpec("project_address", "建设地点", FieldType.ADDRESS),
    FieldSpec("project_investment", "项目总投资（万元）", FieldType.MONEY),
    FieldSpec("project_content", "建设规模及内容", FieldType.TEXT),
    FieldSpec("project_start_date", "计划开工日期", FieldType.DATE),
    FieldSpec("building_area", "总建筑面积（平方米）", FieldType.INTEGER),
    FieldSpec("id_card_renewal_reason", "换领原因", FieldType.CHOICE, choices=(
        "有效期满换领", "证件损坏换领", "登记项目变更换领",
    )),
    FieldSpec("annual_contribution", "年缴费金额（元）", FieldType.MONEY,
              "在本省公布的缴费档次中选择"),
    FieldSpec("former_employer_name", "原用人单位名称", FieldType.TEXT),
    FieldSpec("bank_account", "收款银行账号", FieldType.TEXT,
              "本人社会保障卡金融账户或本人银行账户"),
    FieldSpec("transfer_out_region_code", "转出地行政区划代码", FieldType.REGION),
    FieldSpec("household_size", "共同生活家庭成员人数", FieldType.INTEGER),
    FieldSpec("family_monthly_income", "家庭月总收入（元）", FieldType.MONEY),
)

# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class EvidenceSpec:
    code: str
    name: str
    subject_kind: SubjectKind
    source: str  # a code of onevisit.exchange.sources.REFERENCE_REGISTRIES
    subject_field: str


EVIDENCE_TYPES: tuple[EvidenceSpec, ...] = (
    EvidenceSpec("resident_id_card", "居民身份证", SubjectKind.PERSON, "population",
                 "applicant_id_number"),
    EvidenceSpec("household_register", "居民户口簿", SubjectKind.PERSON, "population",
                 "applicant_id_number"),
    EvidenceSpec("marriage_certificate", "结婚证", SubjectKind.PERSON, "civil_affairs",
                 "applicant_id_number"),
    EvidenceSpec("birth_medical_certificate", "出生医学证明", SubjectKind.PERSON, "health",
                 "mother_id_number"),
    EvidenceSpec("real_estate_certificate", "不动产权证书", SubjectKind.PROPERTY, "property",
                 "applicant_id_number"),
    EvidenceSpec("business_licence", "营业执照", SubjectKind.ENTERPRISE, "enterprise",
                 "company_uscc"),
)

# --------------------------------------------------------------------------- items


@dataclass(frozen=True)
class MaterialSpec:
    code: str
    name: str
    evidence: str | None = None  # an EvidenceSpec code: fetched, not asked for
    original: bool = False
    copies: int = 0
    required: bool = True
    tolerated_missing: bool = False
    note: str = ""


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    department: str
    kind: ItemKind
    topic: str
    legal_basis: str  # one citation a line; the first is quoted as the purpose of a fetch
    conditions: str
    statutory_limit: int
    committed_limit: int
    limit_unit: LimitUnit
    promised_visits: int
    fields: tuple[str, ...]
    materials: tuple[MaterialSpec, ...]
    optional_fields: tuple[str, ...] = ()
    result_name: str = ""
    description: str = ""
    fee_yuan: Decimal = Decimal("0")
    fee_note: str = "不收费"
    channel_window: bool = True
    channel_online: bool = True
    channel_courier: bool = True


PERSON = ("applicant_name", "applicant_id_number", "applicant_phone")
COMPANY = ("company_name", "company_uscc")
SALE = (
    "buyer_name", "buyer_id_number", "buyer_phone", "property_certificate_number",
    "property_address", "transaction_price",
)
NEWBORN = (
    "newborn_name", "newborn_birth_date", "newborn_gender", "mother_name", "mother_id_number",
    "father_name", "father_id_number",
)
# Fields a bundle's later stages take from its first stage, asked again only when the item
# is filed on its own by a company that already exists.
NEW_COMPANY = ("company_name", "legal_rep_name", "legal_rep_id_number")

ID_CARD = MaterialSpec("id-card", "申请人居民身份证", evidence="resident_id_card")
HOUSEHOLD = MaterialSpec("household-register", "居民户口簿", evidence="household_register")
MARRIAGE = MaterialSpec("marriage-certificate", "结婚证", evidence="marriage_certificate",
                        required=False, note="已婚的提供；非婚生育或未婚的无需提供")
PROPERTY = MaterialSpec("property-certificate", "不动产权证书", evidence="real_estate_certificate")
LICENCE = MaterialSpec("business-licence", "营业执照", evidence="business_licence")
NEW_LICENCE = MaterialSpec(
    "business-licence", "营业执照", evidence="business_licence", required=False,
    note="企业开办一件事中由设立登记环节共享，无需提交",
)
BIRTH_CERTIFICATE = MaterialSpec("birth-certificate", "出生医学证明",
                                 evidence="birth_medical_certificate")
NEWBORN_BIRTH_CERTIFICATE = MaterialSpec(
    "birth-certificate", "出生医学证明", evidence="birth_medical_certificate", required=False,
    note="为新生儿办理的提供",
)

MINUTES_NOTE = "法定时限以每个工作日8小时折算为分钟。"

ITEMS: tuple[ItemSpec, ...] = (
    # 二手房交易登记一件事: 交易、税收、登记 — the seed's "不超过50分钟".
    ItemSpec(
        code="330106-ZJ-001", name="存量房交易合同网签备案", department="xh-zjj",
        kind=ItemKind.OTHER_POWER, topic="不动产交易",
        legal_basis="《中华人民共和国城市房地产管理法》第四十一条\n"
                    "《城市房地产转让管理规定》第七条\n"
                    "《住房和城乡建设部关于进一步规范和加强房屋网签备案工作的指导意见》"
                    "（建房〔2019〕171号）",
        conditions="转让的房屋已取得不动产权证书，无查封等限制转让情形；"
                   "买卖双方已签订存量房买卖合同。",
        statutory_limit=480, committed_limit=15, limit_unit=LimitUnit.MINUTES,
        promised_visits=0, fields=(*PERSON, *SALE, "contract_date"),
        materials=(
            ID_CARD, PROPERTY,
            MaterialSpec("sale-contract", "存量房买卖合同", original=True, copies=1,
                         note="通过网签系统生成，买卖双方签字"),
            MaterialSpec("spouse-consent", "配偶同意出售的书面意见", original=True,
                         required=False, tolerated_missing=True,
                         note="房屋为夫妻共有的提供"),
        ),
        result_name="存量房买卖合同网签备案证明",
        description="法定时限1个工作日。" + MINUTES_NOTE,
    ),
    ItemSpec(
        code="330106-SW-001", name="存量房交易税费申报缴纳（契税、个人所得税）",
        department="xh-sw", kind=ItemKind.OTHER_POWER, topic="不动产交易",
        legal_basis="《中华人民共和国契税法》第三条、第九条、第十条、第十一条\n"
                    "《中华人民共和国个人所得税法》第二条、第三条\n"
                    "《中华人民共和国税收征收管理法》第二十五条",
        conditions="存量房买卖合同已网签备案；税务机关通过网签备案信息获取成交价格。",
        statutory_limit=480, committed_limit=15, limit_unit=LimitUnit.MINUTES,
        promised_visits=0,
        fields=(*PERSON, *SALE, "contract_date", "buyer_first_home",
                "seller_sole_home_over_five_years"),
        materials=(
            ID_CARD, PROPERTY,
            MaterialSpec("buyer-family-housing", "买受人家庭成员信息及住房情况说明",
                         required=False, tolerated_missing=True,
                         note="申请享受契税家庭住房优惠的提供"),
        ),
        result_name="税收完税证明",
        description="契税由买受人缴纳，税率3%至5%，家庭购买住房按规定享受优惠；"
                    "转让家庭唯一生活用房满五年的免征个人所得税。法定时限1个工作日。"
                    + MINUTES_NOTE,
        fee_note="不收取行政事业性收费，税款依法计征",
    ),
    ItemSpec(
        code="330106-BDC-001", name="国有建设用地使用权及房屋所有权转移登记",
        department="xh-bdc", kind=ItemKind.CONFIRMATION, topic="不动产登记",
        legal_basis="《不动产登记暂行条例》第十四条、第二十条\n"
                    "《中华人民共和国民法典》第二百零九条\n"
                    "《不动产登记暂行条例实施细则》第三十八条\n"
                    "《中华人民共和国契税法》第十一条",
        conditions="买卖双方共同申请；已完成网签备案并缴清税款"
                   "（登记机构通过数据共享查验契税完税信息）；"
                   "房屋无查封，已抵押的经抵押权人同意。",
        statutory_limit=14400, committed_limit=20, limit_unit=LimitUnit.MINUTES,
        promised_visits=1, fields=(*PERSON, *SALE),
        materials=(
            MaterialSpec("registration-application", "不动产登记申请书", original=True,
                         note="系统生成，买卖双方签字确认"),
            ID_CARD, PROPERTY,
            MARRIAGE,
        ),
        result_name="不动产权证书",
        description="法定时限30个工作日。" + MINUTES_NOTE,
        fee_yuan=Decimal("80.00"),
        fee_note="住宅类不动产登记费每件80元（发改价格规〔2016〕2559号），"
                 "向一个申请人核发的第一本证书免收工本费",
    ),
    # 企业开办一件事: 多证合一、一照一码; the licence first, then seal, tax and social
    # insurance in parallel.
    ItemSpec(
        code="330106-SJ-001", name="企业设立登记", department="xh-scjg",
        kind=ItemKind.LICENSING, topic="企业开办",
        legal_basis="《市场主体登记管理条例》第三条、第十九条\n"
                    "《中华人民共和国公司法》第二十九条\n"
                    "《国务院办公厅关于加快推进“多证合一”改革的指导意见》（国办发〔2017〕41号）",
        conditions="名称经自主申报；申请材料齐全、符合法定形式的当场登记，"
                   "不能当场登记的在3个工作日内登记。",
        statutory_limit=3, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0,
        fields=(*PERSON, *NEW_COMPANY, "company_type", "registered_capital",
                "business_address", "business_scope"),
        materials=(
            MaterialSpec("registration-application", "公司登记（备案）申请书", original=True),
            MaterialSpec("articles", "公司章程", original=True),
            ID_CARD,
            MaterialSpec("premises-declaration", "住所（经营场所）申报承诺书", original=True,
                         tolerated_missing=True, note="实行住所申报承诺制"),
        ),
        result_name="营业执照",
        description="实行“多证合一、一照一码”，营业执照载有统一社会信用代码，"
                    "整合原税务登记证、社会保险登记证等证照。",
    ),
    ItemSpec(
        code="330106-GA-001", name="公章刻制备案", department="xh-ga",
        kind=ItemKind.OTHER_POWER, topic="企业开办",
        legal_basis="《国务院关于取消和下放一批行政许可事项的决定》（国发〔2020〕13号）\n"
                    "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）",
        conditions="已取得营业执照；由具备资质的印章刻制企业刻制并向公安机关备案。",
        statutory_limit=1, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, *NEW_COMPANY, "seal_count"),
        optional_fields=("company_uscc",),
        materials=(NEW_LICENCE, ID_CARD),
        fee_note="新开办企业首套印章由政府购买服务免费刻制",
    ),
    ItemSpec(
        code="330106-SW-002", name="新办纳税人税务信息确认及发票领用", department="xh-sw",
        kind=ItemKind.OTHER_POWER, topic="企业开办",
        legal_basis="《中华人民共和国发票管理办法》第十五条\n"
                    "《中华人民共和国税收征收管理法》第十五条",
        conditions="已取得营业执照；税务登记信息由市场监管部门共享，纳税人确认即可。",
        statutory_limit=5, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, *NEW_COMPANY, "invoice_type"),
        optional_fields=("company_uscc",),
        materials=(NEW_LICENCE, ID_CARD),
    ),
    ItemSpec(
        code="330106-RS-001", name="单位参保登记", department="xh-rsj",
        kind=ItemKind.PUBLIC_SERVICE, topic="企业开办",
        legal_basis="《中华人民共和国社会保险法》第五十七条\n《社会保险费征缴暂行条例》第七条",
        conditions="用人单位自成立之日起三十日内申请办理社会保险登记。",
        statutory_limit=15, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, *NEW_COMPANY, "employee_count"),
        optional_fields=("company_uscc",),
        materials=(
            NEW_LICENCE,
            MaterialSpec("employee-roster", "参保职工花名册", required=False,
                         tolerated_missing=True, note="已招用职工的提供"),
        ),
    ),
    ItemSpec(
        code="330106-FG-001", name="企业投资项目备案", department="xh-fgj",
        kind=ItemKind.OTHER_POWER, topic="投资项目审批",
        legal_basis="《企业投资项目核准和备案管理条例》第三条、第十三条、第十四条\n"
                    "《企业投资项目核准和备案管理办法》（国家发展和改革委员会令第2号）",
        conditions="不属于《政府核准的投资项目目录》范围的企业投资项目，"
                   "开工建设前通过投资项目在线审批监管平台告知项目信息。",
        statutory_limit=1, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0,
        fields=(*PERSON, *COMPANY, "project_name", "project_address", "project_investment",
                "project_content", "project_start_date"),
        materials=(
            LICENCE,
            MaterialSpec("truthfulness-pledge", "项目信息真实性承诺书", original=True),
        ),
        result_name="项目备案证明", channel_window=False, channel_courier=False,
        description="备案类企业投资项目全程网上办理、零上门；备案机关收到全部信息即为备案。",
    ),
    # 新生儿出生一件事.
    ItemSpec(
        code="330106-WJ-001", name="出生医学证明签发", department="xh-wjj",
        kind=ItemKind.PUBLIC_SERVICE, topic="生育收养",
        legal_basis="《中华人民共和国母婴保健法》第二十三条\n"
                    "《中华人民共和国母婴保健法实施办法》",
        conditions="在本市助产机构出生的新生儿，由助产机构核实分娩信息后签发。",
        statutory_limit=5, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, *NEWBORN, "newborn_birth_place"),
        materials=(ID_CARD, MARRIAGE), result_name="出生医学证明",
    ),
    ItemSpec(
        code="330106-GA-002", name="出生登记", department="xh-ga",
        kind=ItemKind.CONFIRMATION, topic="户籍办理",
        legal_basis="《中华人民共和国户口登记条例》第七条",
        conditions="婴儿出生后一个月以内，由户主、亲属、抚养人向婴儿常住地户口登记机关申报。",
        statutory_limit=20, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, *NEWBORN, "household_address"),
        materials=(BIRTH_CERTIFICATE, HOUSEHOLD, ID_CARD, MARRIAGE),
        result_name="居民户口簿",
    ),
    ItemSpec(
        code="330106-YB-001", name="城乡居民基本医疗保险参保登记", department="xh-ybj",
        kind=ItemKind.PUBLIC_SERVICE, topic="社会保障",
        legal_basis="《中华人民共和国社会保险法》第二十五条\n"
                    "《国务院关于整合城乡居民基本医疗保险制度的意见》（国发〔2016〕3号）",
        conditions="本区户籍或居住的城乡居民（含新生儿），未参加职工基本医疗保险。",
        statutory_limit=15, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=PERSON, optional_fields=NEWBORN,
        materials=(NEWBORN_BIRTH_CERTIFICATE, HOUSEHOLD),
        description="新生儿自出生之日起参保缴费的，享受出生当年的城乡居民医保待遇。",
    ),
    ItemSpec(
        code="330106-RS-002", name="社会保障卡申领", department="xh-rsj",
        kind=ItemKind.PUBLIC_SERVICE, topic="社会保障",
        legal_basis="《中华人民共和国社会保险法》第五十八条\n"
                    "《社会保障卡管理暂行办法》（人社部发〔2011〕47号）",
        conditions="已参加社会保险或已登记公民身份号码的人员。",
        statutory_limit=20, committed_limit=3, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=PERSON, optional_fields=NEWBORN,
        materials=(
            NEWBORN_BIRTH_CERTIFICATE,
            MaterialSpec("photo", "近期免冠证件照（电子）", required=False,
                         note="16周岁以下可不提供"),
        ),
        result_name="社会保障卡",
    ),
    # Single items.
    ItemSpec(
        code="330106-GA-003", name="居民身份证换领", department="xh-ga",
        kind=ItemKind.CONFIRMATION, topic="户籍办理",
        legal_basis="《中华人民共和国居民身份证法》第十一条",
        conditions="居民身份证有效期满、公民姓名变更或者证件严重损坏不能辨认的。",
        statutory_limit=60, committed_limit=10, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=1, fields=(*PERSON, "id_card_renewal_reason"),
        materials=(
            HOUSEHOLD,
            MaterialSpec("old-id-card", "原居民身份证", original=True,
                         note="领取新证时交回"),
        ),
        result_name="居民身份证", fee_yuan=Decimal("20.00"), fee_note="换领工本费20元",
        description="本人到场采集人像和指纹；新证可选择邮寄送达。法定时限为60日。",
    ),
    ItemSpec(
        code="330106-GA-004", name="居住证申领", department="xh-ga",
        kind=ItemKind.CONFIRMATION, topic="户籍办理",
        legal_basis="《居住证暂行条例》第二条、第九条、第十条",
        conditions="离开常住户口所在地，在本区居住半年以上，"
                   "符合有合法稳定就业、合法稳定住所、连续就读条件之一。",
        statutory_limit=15, committed_limit=7, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, "household_region_code", "residence_address"),
        materials=(
            ID_CARD,
            MaterialSpec("residence-proof", "居住地住址证明（房屋租赁合同或不动产权证书）",
                         copies=1),
            MaterialSpec("photo", "近期免冠证件照（电子）"),
        ),
        result_name="浙江省居住证",
    ),
    ItemSpec(
        code="330106-SJ-002", name="个体工商户设立登记", department="xh-scjg",
        kind=ItemKind.LICENSING, topic="市场准入",
        legal_basis="《市场主体登记管理条例》第二条、第三条\n《促进个体工商户发展条例》",
        conditions="有经营能力的自然人，经营范围不属于法律法规禁止的。",
        statutory_limit=3, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, "business_address", "business_scope"),
        optional_fields=("trade_name",),
        materials=(
            MaterialSpec("registration-application", "个体工商户登记（备案）申请书",
                         original=True),
            ID_CARD,
            MaterialSpec("premises-declaration", "经营场所申报承诺书", original=True,
                         tolerated_missing=True),
        ),
        result_name="营业执照",
    ),
    ItemSpec(
        code="330106-SJ-003", name="食品经营许可", department="xh-scjg",
        kind=ItemKind.LICENSING, topic="市场准入",
        legal_basis="《中华人民共和国食品安全法》第三十五条\n"
                    "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        conditions="具有与经营的食品品种、数量相适应的经营场所、设备设施、"
                   "食品安全管理人员和管理制度。",
        statutory_limit=10, committed_limit=3, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0,
        fields=(*PERSON, *COMPANY, "business_address", "food_business_type", "business_scope"),
        materials=(
            LICENCE,
            MaterialSpec("permit-application", "食品经营许可申请书", original=True),
            MaterialSpec("layout", "主要设备设施布局及操作流程文件", copies=1,
                         tolerated_missing=True),
            MaterialSpec("safety-rules", "食品安全管理制度", copies=1, tolerated_missing=True),
        ),
        result_name="食品经营许可证",
    ),
    ItemSpec(
        code="330106-RS-003", name="城乡居民基本养老保险参保登记", department="xh-rsj",
        kind=ItemKind.PUBLIC_SERVICE, topic="社会保障",
        legal_basis="《中华人民共和国社会保险法》第二十条、第二十二条\n"
                    "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        conditions="年满16周岁（不含在校学生），非国家机关和事业单位工作人员，"
                   "不属于职工基本养老保险覆盖范围的城乡居民。",
        statutory_limit=15, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, "household_region_code", "annual_contribution"),
        materials=(ID_CARD, HOUSEHOLD),
    ),
    ItemSpec(
        code="330106-RS-004", name="失业保险金申领", department="xh-rsj",
        kind=ItemKind.PAYMENT, topic="社会保障",
        legal_basis="《中华人民共和国社会保险法》第四十五条、第五十条\n《失业保险条例》第十四条",
        conditions="失业前用人单位和本人已缴纳失业保险费满一年，非因本人意愿中断就业，"
                   "已进行失业登记并有求职要求。",
        statutory_limit=10, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, "former_employer_name", "bank_account"),
        materials=(
            ID_CARD,
            MaterialSpec("termination-proof", "终止或者解除劳动关系的证明", copies=1,
                         tolerated_missing=True, note="用人单位已在线报送的无需提供"),
        ),
    ),
    ItemSpec(
        code="330106-YB-002", name="生育津贴申领", department="xh-ybj",
        kind=ItemKind.PAYMENT, topic="生育收养",
        legal_basis="《中华人民共和国社会保险法》第五十四条、第五十六条\n"
                    "《女职工劳动保护特别规定》第七条",
        conditions="用人单位已为职工缴纳生育保险费，职工生育后在规定期限内申领；"
                   "参保单位信息由医保经办机构通过参保记录获取。",
        statutory_limit=20, committed_limit=5, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, "newborn_birth_date", "bank_account"),
        materials=(ID_CARD, BIRTH_CERTIFICATE),
        description="生育津贴按职工所在用人单位上年度职工月平均工资计发，产假为98天，"
                    "难产、多胞胎生育的按规定增加。",
    ),
    ItemSpec(
        code="330106-YB-003", name="基本医疗保险关系转移接续", department="xh-ybj",
        kind=ItemKind.PUBLIC_SERVICE, topic="社会保障",
        legal_basis="《中华人民共和国社会保险法》第三十二条\n"
                    "《基本医疗保障关系转移接续暂行办法》（医保发〔2021〕43号）",
        conditions="跨统筹地区流动就业或居住，已在转入地参保。",
        statutory_limit=45, committed_limit=10, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, "transfer_out_region_code"),
        materials=(
            ID_CARD,
            MaterialSpec("insurance-record", "参保凭证", required=False, tolerated_missing=True,
                         note="转出地经办机构通过全国医保信息平台传送的无需提供"),
        ),
    ),
    ItemSpec(
        code="330106-MZ-001", name="最低生活保障审核确认", department="xh-mzj",
        kind=ItemKind.PAYMENT, topic="社会救助",
        legal_basis="《社会救助暂行办法》第九条、第十一条\n"
                    "《最低生活保障审核确认办法》（民发〔2021〕57号）",
        conditions="共同生活的家庭成员人均收入低于当地最低生活保障标准，"
                   "且符合当地最低生活保障家庭财产状况规定。",
        statutory_limit=30, committed_limit=20, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0,
        fields=(*PERSON, "household_address", "household_size", "family_monthly_income"),
        materials=(
            ID_CARD, HOUSEHOLD,
            MaterialSpec("economic-check-consent", "家庭经济状况核对授权书", original=True),
            MaterialSpec("income-statement", "家庭收入及财产情况声明", original=True,
                         tolerated_missing=True),
        ),
        description="乡镇（街道）入户调查，县级民政部门审核确认并公示。",
    ),
    ItemSpec(
        code="330106-MZ-002", name="内地居民结婚登记", department="xh-mzj",
        kind=ItemKind.CONFIRMATION, topic="婚姻登记",
        legal_basis="《中华人民共和国民法典》第一千零四十九条\n《婚姻登记条例》",
        conditions="男女双方完全自愿，达到法定婚龄，双方均无配偶，"
                   "非直系血亲和三代以内旁系血亲；双方亲自到场。",
        statutory_limit=1, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=1, fields=(*PERSON, "spouse_name", "spouse_id_number"),
        materials=(
            ID_CARD,
            MaterialSpec("no-spouse-declaration",
                         "本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明",
                         original=True),
            MaterialSpec("joint-photo", "近期半身免冠双人合影照片", original=True, copies=2),
        ),
        result_name="结婚证", channel_courier=False,
        description="符合结婚条件的当场登记，发给结婚证。",
    ),
    ItemSpec(
        code="330106-WJ-002", name="公共场所卫生许可", department="xh-wjj",
        kind=ItemKind.LICENSING, topic="医疗卫生",
        legal_basis="《公共场所卫生管理条例》第八条\n《公共场所卫生管理条例实施细则》\n"
                    "《中华人民共和国行政许可法》第四十二条",
        conditions="经营场所、设施设备和卫生管理制度符合公共场所卫生标准和规范。",
        statutory_limit=20, committed_limit=3, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0, fields=(*PERSON, *COMPANY, "business_address", "premises_type"),
        materials=(
            LICENCE,
            MaterialSpec("permit-application", "公共场所卫生许可申请表", original=True),
            MaterialSpec("hygiene-report", "公共场所卫生检测或者评价报告", copies=1,
                         tolerated_missing=True),
            MaterialSpec("hygiene-rules", "卫生管理制度", copies=1, tolerated_missing=True),
        ),
        result_name="公共场所卫生许可证",
        description="实行告知承诺制，申请人承诺符合条件的当场发证，事后核查。",
    ),
    ItemSpec(
        code="330106-GH-001", name="建设工程规划许可证核发", department="xh-zrzy",
        kind=ItemKind.LICENSING, topic="规划建设",
        legal_basis="《中华人民共和国城乡规划法》第四十条\n《浙江省城乡规划条例》",
        conditions="已取得建设用地使用权，建设工程设计方案符合控制性详细规划和规划条件。",
        statutory_limit=20, committed_limit=5, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=1,
        fields=(*PERSON, *COMPANY, "project_name", "project_address", "building_area"),
        materials=(
            LICENCE,
            MaterialSpec("land-contract", "国有建设用地使用权出让合同或划拨决定书", copies=1),
            MaterialSpec("design-scheme", "建设工程设计方案（总平面图及建筑单体图）", copies=1),
        ),
        result_name="建设工程规划许可证",
    ),
    ItemSpec(
        code="330106-BDC-002", name="不动产抵押权首次登记", department="xh-bdc",
        kind=ItemKind.CONFIRMATION, topic="不动产登记",
        legal_basis="《中华人民共和国民法典》第四百零二条\n《不动产登记暂行条例》第五条、第十四条",
        conditions="抵押人与抵押权人已签订抵押合同，双方共同申请。",
        statutory_limit=30, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0,
        fields=(*PERSON, "property_certificate_number", "property_address", "mortgagee_name",
                "secured_amount"),
        materials=(
            ID_CARD, PROPERTY,
            MaterialSpec("mortgage-contract", "抵押合同及主债权合同", copies=1),
        ),
        result_name="不动产登记证明", fee_yuan=Decimal("80.00"),
        fee_note="住宅类不动产登记费每件80元（发改价格规〔2016〕2559号）",
        description="银行网点可代为受理，全程网上办理。",
    ),
    ItemSpec(
        code="330106-ZJ-002", name="住房租赁合同登记备案", department="xh-zjj",
        kind=ItemKind.OTHER_POWER, topic="住房保障",
        legal_basis="《中华人民共和国城市房地产管理法》第五十四条\n"
                    "《商品房屋租赁管理办法》（住房和城乡建设部令第6号）第十四条、第十六条",
        conditions="房屋租赁合同订立后三十日内办理；出租房屋不属于禁止出租情形。",
        statutory_limit=3, committed_limit=1, limit_unit=LimitUnit.WORKING_DAYS,
        promised_visits=0,
        fields=(*PERSON, "property_certificate_number", "property_address", "tenant_name",
                "tenant_id_number", "monthly_rent", "lease_start_date"),
        materials=(
            ID_CARD, PROPERTY,
            MaterialSpec("lease-contract", "房屋租赁合同", copies=1),
        ),
        result_name="房屋租赁登记备案证明",
    ),
)

# --------------------------------------------------------------------------- life events


@dataclass(frozen=True)
class StageSpec:
    key: str
    name: str
    item_code: str
    depends_on: tuple[str, ...] = ()


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

# --------------------------------------------------------------------------- loader


@transaction.atomic
def demo_catalogue_load(*, actor: Any = None) -> None:
    """Load the demo catalogue of 西湖区; running it again changes nothing."""
    if not Region.objects.filter(code=DISTRICT).exists():
        regions_load()
    departments = {
        code: department_ensure(code=code, name=name, region_code=DISTRICT)
        for code, name in DEPARTMENTS.items()
    }
    fields = {
        spec.key: FieldDef.objects.update_or_create(
            key=spec.key,
            defaults={"label": spec.label, "type": spec.type, "help_text": spec.help_text},
        )[0]
        for spec in FIELDS
    }
    evidence_types = {
        spec.code: EvidenceType.objects.update_or_create(
            code=spec.code,
            defaults={"name": spec.name, "subject_kind": spec.subject_kind,
                      "source": spec.source, "subject_field": spec.subject_field},
        )[0]
        for spec in EVIDENCE_TYPES
    }
    choices = {spec.key: list(spec.choices) for spec in FIELDS}
    for item in ITEMS:
        _item_load(item, departments=departments, fields=fields, choices=choices,
                   evidence_types=evidence_types, actor=actor)
    for life_event in LIFE_EVENTS:
        if not LifeEvent.objects.filter(code=life_event.code).exists():
            life_event_define(
                code=life_event.code, name=life_event.name, region_code=DISTRICT,
                committed_limit=life_event.committed_limit, limit_unit=life_event.limit_unit,
                promised_visits=life_event.promised_visits, actor=actor,
                description=life_event.description, topic=life_event.topic,
                keywords=life_event.keywords,
                stages=[
                    {"key": stage.key, "name": stage.name, "item_code": stage.item_code,
                     "depends_on": list(stage.depends_on)}
                    for stage in life_event.stages
                ],
            )
    for entry in LIST_ENTRIES:
        _list_entry_load(entry, departments=departments, actor=actor)


def _item_load(
    spec: ItemSpec, *, departments: dict[str, Department], fields: dict[str, FieldDef],
    choices: dict[str, list[str]], evidence_types: dict[str, EvidenceType], actor: Any,
) -> None:
    """Draft the item with its fields and materials, then publish it, unless published."""
    versions = ServiceItem.objects.filter(code=spec.code)
    if versions.filter(status=ItemStatus.PUBLISHED).exists():
        return
    attributes = {
        "name": spec.name, "kind": spec.kind, "department": departments[spec.department],
        "region_id": DISTRICT, "region_level": RegionLevel.COUNTY, "topic": spec.topic,
        "description": spec.description, "legal_basis": spec.legal_basis,
        "conditions": spec.conditions, "statutory_limit": spec.statutory_limit,
        "committed_limit": spec.committed_limit, "limit_unit": spec.limit_unit,
        "fee_yuan": spec.fee_yuan, "fee_note": spec.fee_note,
        "promised_visits": spec.promised_visits, "channel_window": spec.channel_window,
        "channel_online": spec.channel_online, "channel_courier": spec.channel_courier,
        "result_name": spec.result_name,
    }
    latest = versions.order_by("-version").first()
    draft, _created = ServiceItem.objects.update_or_create(
        code=spec.code, status=ItemStatus.DRAFT, defaults=attributes,
        create_defaults={**attributes, "version": latest.version + 1 if latest else 1},
    )
    required = dict.fromkeys(spec.fields, True) | dict.fromkeys(spec.optional_fields, False)
    for order, (key, is_required) in enumerate(required.items()):
        ItemField.objects.update_or_create(
            item=draft, field=fields[key],
            defaults={"required": is_required, "choices": choices[key], "order": order},
        )
    for order, material in enumerate(spec.materials):
        MaterialRequirement.objects.update_or_create(
            item=draft, code=material.code,
            defaults={
                "name": material.name,
                "evidence_type": evidence_types[material.evidence] if material.evidence else None,
                "original": material.original, "copies": material.copies,
                "required": material.required, "tolerated_missing": material.tolerated_missing,
                "note": material.note, "order": order,
            },
        )
    item_publish(item=draft, actor=actor)


def _list_entry_load(
    spec: ListEntrySpec, *, departments: dict[str, Department], actor: Any
) -> None:
    entry, _created = ListEntry.objects.update_or_create(
        kind=spec.kind, code=spec.code,
        defaults={
            "title": spec.title, "department": departments[spec.department],
            "legal_basis": spec.legal_basis, "content": spec.content,
            "amount_yuan": spec.amount_yuan, "item_codes": list(spec.item_codes),
        },
    )
    if not entry.published:
        list_entry_publish(entry=entry, actor=actor)
