"""The demo service items: the 二手房, 企业开办, 投资备案 and 新生儿 items and a dozen more."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from onevisit.accounts.models import RegionLevel
from onevisit.catalogue.constants import (
    ItemKind,
    LimitUnit,
)
from onevisit.demo.catalogue.reference import DISTRICT

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
    commitment_replaceable: bool = False  # 告知承诺制: the commitment replaces it


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
    result_evidence: str | None = None  # an EvidenceSpec code the result proves
    result_holders: tuple[str, ...] = ()  # fields naming who holds the result, if not the applicant
    description: str = ""
    fee_yuan: Decimal = Decimal("0")
    fee_note: str = "不收费"
    channel_window: bool = True
    channel_online: bool = True
    channel_courier: bool = True
    commitment_allowed: bool = False  # 告知承诺制 (credit tier A: docs/credit.md)
    # Paid, done: a declaration whose whole work is the payment of its charges
    # (demo/catalogue/charges.py).
    completes_on_payment: bool = False
    # The region whose department handles it and its level: the district's by default;
    # the province's or the city's for the stages of a multi-level bundle (investment.py).
    region: str = DISTRICT
    level: RegionLevel = RegionLevel.COUNTY


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
        fields=(*PERSON, *SALE, "contract_date", "property_use", "property_area",
                "buyer_family_housing", "seller_sole_home_over_five_years"),
        materials=(
            ID_CARD, PROPERTY,
            MaterialSpec("buyer-family-housing", "买受人家庭成员信息及住房情况说明",
                         required=False, tolerated_missing=True,
                         note="申请享受契税家庭住房优惠的提供"),
        ),
        result_name="税收完税证明",
        description="契税由买受人缴纳，按成交价格计征：个人购买家庭唯一住房或第二套住房，"
                    "面积140平方米及以下的税率1%，以上的1.5%（唯一）或2%（第二套），"
                    "其他情形3%；转让自用满五年且为家庭唯一生活用房的免征个人所得税，"
                    "其他情形按成交价格的1%核定征收。税款在受理时按所填情形计算，"
                    "缴清即办结。法定时限1个工作日。" + MINUTES_NOTE,
        fee_note="不收取行政事业性收费，税款依法计征",
        completes_on_payment=True,
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
        promised_visits=1, fields=(*PERSON, *SALE, "property_use"),
        materials=(
            MaterialSpec("registration-application", "不动产登记申请书", original=True,
                         note="系统生成，买卖双方签字确认"),
            ID_CARD, PROPERTY,
            MARRIAGE,
        ),
        optional_fields=("co_buyer_name", "co_buyer_id_number", "enterprise_size"),
        result_name="不动产权证书", result_evidence="real_estate_certificate",
        # The buyer becomes the owner: the new certificate is hers (each joint buyer's).
        result_holders=("buyer_id_number", "co_buyer_id_number"),
        description="法定时限30个工作日。" + MINUTES_NOTE,
        # The most the rules charge: a non-residential registration (550) and a joint
        # buyer's second certificate (10).
        fee_yuan=Decimal("560.00"),
        fee_note="不动产登记费由买受人缴纳：住宅类每件80元，非住宅类每件550元"
                 "（发改价格规〔2016〕2559号）；核发一本证书免收工本费，"
                 "向共同买受人每增加一本加收10元；小微企业（含个体工商户）免收登记费"
                 "（财税〔2016〕79号）",
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
        result_name="营业执照", result_evidence="business_licence",
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
        result_evidence="birth_medical_certificate",
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
        result_name="居民身份证", fee_yuan=Decimal("40.00"),
        fee_note="换领工本费每证20元，损坏换领每证40元（发改价格〔2003〕2322号）",
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
        result_name="营业执照", result_evidence="business_licence",
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
                         tolerated_missing=True, commitment_replaceable=True),
            MaterialSpec("safety-rules", "食品安全管理制度", copies=1, tolerated_missing=True),
        ),
        result_name="食品经营许可证", commitment_allowed=True,
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
        result_name="结婚证", result_evidence="marriage_certificate", channel_courier=False,
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
        optional_fields=("enterprise_size",),
        materials=(
            ID_CARD, PROPERTY,
            MaterialSpec("mortgage-contract", "抵押合同及主债权合同", copies=1),
        ),
        result_name="不动产登记证明", fee_yuan=Decimal("80.00"),
        fee_note="住宅类不动产抵押权登记费每件80元（发改价格规〔2016〕2559号）；"
                 "小微企业（含个体工商户）免收（财税〔2016〕79号）",
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

