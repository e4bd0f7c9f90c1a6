"""Departments of 西湖区, canonical form fields and the evidence types the government holds."""

from __future__ import annotations

from dataclasses import dataclass

from onevisit.catalogue.constants import (
    FieldType,
    SubjectKind,
)
from onevisit.demo.catalogue.charges import ENTERPRISE_SIZES, HOUSING_KINDS, PROPERTY_USES

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
    FieldSpec("co_buyer_name", "共同买受人姓名", FieldType.TEXT, "夫妻等共同购买的填写"),
    FieldSpec("co_buyer_id_number", "共同买受人居民身份证号码", FieldType.RESIDENT_ID),
    FieldSpec("buyer_family_housing", "买受人家庭住房情况", FieldType.CHOICE,
              "按买受人家庭（本人、配偶及未成年子女）购买本套住房后拥有的住房套数选择",
              choices=HOUSING_KINDS),
    FieldSpec("property_use", "房屋用途", FieldType.CHOICE, "按不动产权证书记载的用途选择",
              choices=PROPERTY_USES),
    FieldSpec("property_area", "建筑面积（平方米）", FieldType.AREA,
              "按不动产权证书记载的建筑面积填写，最多两位小数"),
    FieldSpec("enterprise_size", "企业规模（小微企业可免收不动产登记费）", FieldType.CHOICE,
              "登记为权利人的一方是企业或个体工商户的填写，按《中小企业划型标准规定》划分",
              choices=ENTERPRISE_SIZES),
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
    source: str  # a reference registry's code, or "certificates" (the certificate library)
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
    # Licences are fetched from the certificate library: those issued by 企业开办 here and
    # those issued before, imported.
    EvidenceSpec("business_licence", "营业执照", SubjectKind.ENTERPRISE, "certificates",
                 "company_uscc"),
)

