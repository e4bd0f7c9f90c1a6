"""English translations of the demo catalogue (Chinese stays the original and the fallback),
and where each department's items are handled: the guide's 办理地点 and 咨询电话."""

from __future__ import annotations

DEPARTMENTS_EN: dict[str, str] = {
    "xh-zjj": "Xihu District Housing and Urban-Rural Development Bureau",
    "xh-sw": "Xihu District Tax Bureau, State Taxation Administration",
    "xh-bdc": "Hangzhou Real Estate Registration Centre, Xihu Branch",
    "xh-zrzy": "Hangzhou Planning and Natural Resources Bureau, Xihu Branch",
    "xh-scjg": "Xihu District Market Supervision Administration",
    "xh-ga": "Hangzhou Public Security Bureau, Xihu Branch",
    "xh-rsj": "Xihu District Human Resources and Social Security Bureau",
    "xh-ybj": "Hangzhou Healthcare Security Bureau, Xihu Branch",
    "xh-wjj": "Xihu District Health Commission",
    "xh-fgj": "Xihu District Development and Reform Bureau",
    "xh-mzj": "Xihu District Civil Affairs Bureau",
}

# Department: (the hall's window area, its enquiry line).
DESKS: dict[str, tuple[str, str]] = {
    "xh-zjj": ("3 号窗口（不动产交易）", "0571-87001003"),
    "xh-sw": ("3 号窗口（不动产交易税费）", "0571-87001012"),
    "xh-bdc": ("3 号窗口（不动产登记）", "0571-87001003"),
    "xh-zrzy": ("1 号窗口（综合受理）", "0571-87001001"),
    "xh-scjg": ("4 号窗口（企业开办）", "0571-87001004"),
    "xh-ga": ("1 号窗口（综合受理）", "0571-87001011"),
    "xh-rsj": ("5 号窗口（社保医保）", "0571-87001005"),
    "xh-ybj": ("5 号窗口（社保医保）", "0571-87001005"),
    "xh-wjj": ("1 号窗口（综合受理）", "0571-87001001"),
    "xh-fgj": ("1 号窗口（综合受理）", "0571-87001001"),
    "xh-mzj": ("2 号窗口（综合受理）", "0571-87001002"),
}
HALL_PLACE = "西湖区政务服务中心"
HALL_PLACE_EN = "Xihu District Government Service Centre"
HOURS = "工作日 9:00–17:00（法定节假日除外）"
HOURS_EN = "Working days 9:00–17:00 (closed on public holidays)"

ITEMS_EN: dict[str, str] = {
    "330106-ZJ-001": "Online filing of a second-hand housing sale contract",
    "330106-SW-001": "Tax declaration and payment for a second-hand housing sale (deed tax, "
                     "individual income tax)",
    "330106-BDC-001": "Transfer registration of state-owned construction land use rights and "
                      "house ownership",
    "330106-SJ-001": "Company establishment registration",
    "330106-GA-001": "Official seal engraving filing",
    "330106-SW-002": "Tax information confirmation and invoices for new taxpayers",
    "330106-RS-001": "Employer social insurance registration",
    "330106-FG-001": "Enterprise investment project filing",
    "330106-WJ-001": "Issue of a medical birth certificate",
    "330106-GA-002": "Birth registration (household register)",
    "330106-YB-001": "Enrolment in basic medical insurance for urban and rural residents",
    "330106-RS-002": "Application for a social security card",
    "330106-GA-003": "Renewal of a resident identity card",
    "330106-GA-004": "Application for a residence permit",
    "330106-SJ-002": "Registration of an individual business",
    "330106-SJ-003": "Food business licence",
    "330106-RS-003": "Enrolment in basic pension insurance for urban and rural residents",
    "330106-RS-004": "Claim for unemployment insurance benefits",
    "330106-YB-002": "Claim for maternity allowance",
    "330106-YB-003": "Transfer of basic medical insurance",
    "330106-MZ-001": "Minimum living allowance assessment",
    "330106-MZ-002": "Marriage registration of mainland residents",
    "330106-WJ-002": "Public place hygiene licence",
    "330106-GH-001": "Construction project planning permit",
    "330106-BDC-002": "First registration of a mortgage on real estate",
    "330106-ZJ-002": "Registration of a housing lease contract",
}

LIFE_EVENTS_EN: dict[str, str] = {
    "second-hand-housing": "Selling a second-hand home",
    "business-startup": "Starting a business",
    "investment-filing": "Enterprise investment project filing",
    "newborn": "A new baby",
}

STAGES_EN: dict[str, str] = {
    "存量房交易合同网签备案": "Sale contract filing",
    "存量房交易税费申报缴纳": "Taxes on the sale",
    "不动产转移登记": "Transfer registration",
    "企业设立登记": "Company registration",
    "公章刻制备案": "Official seal",
    "税务信息确认及发票领用": "Tax information and invoices",
    "单位参保登记": "Social insurance registration",
    "企业投资项目备案": "Investment project filing",
    "出生医学证明签发": "Medical birth certificate",
    "出生登记": "Birth registration",
    "城乡居民医保参保登记": "Medical insurance enrolment",
    "社会保障卡申领": "Social security card",
}

FIELDS_EN: dict[str, str] = {
    "applicant_name": "Applicant's name",
    "applicant_id_number": "Applicant's resident ID number",
    "applicant_phone": "Applicant's mobile number",
    "household_address": "Household register address",
    "household_region_code": "Region code of the household register",
    "residence_address": "Residential address",
    "spouse_name": "Spouse's name",
    "spouse_id_number": "Spouse's resident ID number",
    "company_name": "Company name",
    "company_uscc": "Unified social credit code",
    "company_type": "Company type",
    "registered_capital": "Registered capital (10,000 yuan)",
    "business_address": "Registered address (place of business)",
    "business_scope": "Business scope",
    "legal_rep_name": "Legal representative's name",
    "legal_rep_id_number": "Legal representative's resident ID number",
    "trade_name": "Trade name of the individual business",
    "employee_count": "Number of insured employees",
    "seal_count": "Number of seals to engrave",
    "invoice_type": "Kind of invoices requested",
    "food_business_type": "Kind of food business",
    "premises_type": "Kind of public place",
    "property_certificate_number": "Real estate certificate number",
    "property_address": "Location of the property",
    "transaction_price": "Sale price (yuan)",
    "contract_date": "Contract date",
    "buyer_name": "Buyer's name",
    "buyer_id_number": "Buyer's resident ID number",
    "buyer_phone": "Buyer's mobile number",
    "buyer_family_housing": "Homes of the buyer's family, this one included",
    "property_use": "Use of the property",
    "property_area": "Floor area (m²)",
    "enterprise_size": "Size of the enterprise (small and micro ones pay no registration fee)",
    "seller_sole_home_over_five_years": "Owned over five years and the seller's family's only "
                                        "home?",
    "tenant_name": "Tenant's name",
    "tenant_id_number": "Tenant's resident ID number",
    "monthly_rent": "Monthly rent (yuan)",
    "lease_start_date": "Lease start date",
    "mortgagee_name": "Mortgagee's name",
    "secured_amount": "Amount of the secured debt (yuan)",
    "newborn_name": "Baby's name",
    "newborn_birth_date": "Baby's date of birth",
    "newborn_gender": "Baby's sex",
    "newborn_birth_place": "Place of birth (maternity institution)",
    "mother_name": "Mother's name",
    "mother_id_number": "Mother's resident ID number",
    "father_name": "Father's name",
    "father_id_number": "Father's resident ID number",
    "project_name": "Project name",
    "project_address": "Project location",
    "project_investment": "Total investment (10,000 yuan)",
    "project_content": "Scale and content of the project",
    "project_start_date": "Planned start date",
    "building_area": "Total floor area (m²)",
    "id_card_renewal_reason": "Reason for renewal",
    "annual_contribution": "Annual contribution (yuan)",
    "former_employer_name": "Former employer",
    "bank_account": "Bank account for the payment",
    "transfer_out_region_code": "Region code the insurance moves from",
    "household_size": "Members of the household",
    "family_monthly_income": "Household monthly income (yuan)",
}

EVIDENCE_TYPES_EN: dict[str, str] = {
    "resident_id_card": "Resident identity card",
    "household_register": "Household register",
    "marriage_certificate": "Marriage certificate",
    "birth_medical_certificate": "Medical birth certificate",
    "real_estate_certificate": "Real estate certificate",
    "business_licence": "Business licence",
}

MATERIALS_EN: dict[str, str] = {
    "不动产权证书": "Real estate certificate",
    "不动产登记申请书": "Real estate registration application form",
    "个体工商户登记（备案）申请书": "Individual business registration form",
    "主要设备设施布局及操作流程文件": "Layout of the main equipment and the work process",
    "买受人家庭成员信息及住房情况说明": "Buyer's household members and housing statement",
    "住所（经营场所）申报承诺书": "Declaration of the registered address",
    "公共场所卫生检测或者评价报告": "Hygiene test or assessment report of the premises",
    "公共场所卫生许可申请表": "Public place hygiene licence application form",
    "公司登记（备案）申请书": "Company registration application form",
    "公司章程": "Articles of association",
    "出生医学证明": "Medical birth certificate",
    "卫生管理制度": "Hygiene management rules",
    "原居民身份证": "The old resident identity card",
    "参保凭证": "Proof of insurance",
    "参保职工花名册": "List of insured employees",
    "国有建设用地使用权出让合同或划拨决定书": "Land use right grant contract or allocation "
                                              "decision",
    "存量房买卖合同": "Second-hand housing sale contract",
    "家庭收入及财产情况声明": "Declaration of household income and assets",
    "家庭经济状况核对授权书": "Authorisation to verify the household's finances",
    "居住地住址证明（房屋租赁合同或不动产权证书）": "Proof of address (lease or real estate "
                                                  "certificate)",
    "居民户口簿": "Household register",
    "建设工程设计方案（总平面图及建筑单体图）": "Design scheme (site plan and building "
                                              "drawings)",
    "房屋租赁合同": "Housing lease contract",
    "抵押合同及主债权合同": "Mortgage contract and the main loan contract",
    "本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明":
        "Signed declaration of no spouse and no close blood relationship with the other party",
    "申请人居民身份证": "Applicant's resident identity card",
    "终止或者解除劳动关系的证明": "Proof that the employment ended",
    "经营场所申报承诺书": "Declaration of the place of business",
    "结婚证": "Marriage certificate",
    "营业执照": "Business licence",
    "近期免冠证件照（电子）": "Recent passport-style photo (digital)",
    "近期半身免冠双人合影照片": "Recent half-length photo of the couple",
    "配偶同意出售的书面意见": "Spouse's written consent to the sale",
    "项目信息真实性承诺书": "Declaration that the project information is true",
    "食品安全管理制度": "Food safety management rules",
    "食品经营许可申请书": "Food business licence application form",
}

HALL_CATEGORIES_EN: dict[str, str] = {
    "A": "General intake",
    "B": "Real estate registration",
    "C": "Starting a business",
    "D": "Social and medical insurance",
    "E": "Collecting results",
}

# Materials that are forms the applicant fills in: the guide offers a blank one to download.
BLANK_FORM_MARKS = ("申请书", "申请表", "承诺书", "声明", "授权书", "说明")
