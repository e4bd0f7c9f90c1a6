"""The demo catalogue's taxes and fees as rules (catalogue.ChargeRule): the 二手房 deed tax
and individual income tax, the real estate registration fees and the resident ID card's
工本费, each with its legal basis and validity (docs/charges.md).

Of a charge's rules in force on the day, the first by `priority` whose conditions the form
meets decides it; a rule without conditions is the charge's general case and comes last.
Where a citation's exact title, number or date could not be checked it says so here and in
docs/charges.md rather than guessing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from onevisit.catalogue.constants import ChargeKind
from onevisit.catalogue.models import ChargeRule


@dataclass(frozen=True)
class ChargeSpec:
    code: str
    item_code: str
    charge: str
    kind: ChargeKind
    note: str
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    conditions: dict[str, Any] = field(default_factory=dict)
    priority: int = 100
    rate: Decimal | None = None
    base_field: str = ""
    amount_yuan: Decimal | None = None
    payer_field: str = ""


HOUSING_TAX = "330106-SW-001"
TRANSFER = "330106-BDC-001"
MORTGAGE = "330106-BDC-002"
ID_CARD_RENEWAL = "330106-GA-003"

SOLE = "家庭唯一住房"
SECOND = "家庭第二套住房"
HOUSING_KINDS = (SOLE, SECOND, "家庭第三套及以上住房")
RESIDENTIAL = "住宅"
PROPERTY_USES = (RESIDENTIAL, "非住宅")
SMALL_OR_MICRO = ["小型企业", "微型企业", "个体工商户"]
ENTERPRISE_SIZES = ("大型企业", "中型企业", *SMALL_OR_MICRO)

# ----------------------------------------------------------------- 契税 (the buyer pays)

DEED_TAX = "契税"
DEED_LAW = "《中华人民共和国契税法》第三条、第四条"
# 公告2024年第16号, in force from 2024-12-01: 140 m² divides both kinds of family housing.
DEED_2024 = ("《财政部 税务总局 住房城乡建设部关于促进房地产市场平稳健康发展有关税收政策的公告》"
             "（财政部 税务总局 住房城乡建设部公告2024年第16号）第一条")
DEED_2024_FROM = dt.date(2024, 12, 1)
# 财税〔2016〕23号, from 2016-02-22 to the day before the 2024 notice: 90 m² divided them;
# kept in force under the deed tax law by the 2021 notice on the transition of reliefs.
DEED_2016 = ("《财政部 国家税务总局 住房城乡建设部关于调整房地产交易环节契税 营业税优惠政策的通知》"
             "（财税〔2016〕23号）第一条\n"
             "《财政部 税务总局关于契税法实施后有关优惠政策衔接问题的公告》"
             "（财政部 税务总局公告2021年第29号）")
DEED_2016_FROM = dt.date(2016, 2, 22)
DEED_2016_TO = DEED_2024_FROM - dt.timedelta(days=1)
# The general rate: Zhejiang's 3%. The deed tax law lets each province's people's congress
# standing committee set it within 3%–5% (from 2021-09-01); before, the provisional
# regulations let the provincial government set it. The exact titles of Zhejiang's acts
# setting 3% were not checked: the rules cite the law and the rate, and docs/charges.md
# says what is unchecked.
DEED_LAW_FROM = dt.date(2021, 9, 1)
DEED_GENERAL = (f"{DEED_LAW}（适用税率3%至5%，由省、自治区、直辖市人民代表大会常务委员会决定）\n"
                "浙江省适用税率为3%")
DEED_GENERAL_OLD = ("《中华人民共和国契税暂行条例》第三条"
                    "（税率3%至5%，由省级人民政府在幅度内确定）\n"
                    "浙江省适用税率为3%")
THIRD_OR_OTHER = "家庭第三套及以上住房、非住宅等其他情形，按浙江省适用税率3%"


def _deed(code: str, *, note: str, basis: str, rate: str, start: dt.date,
          end: dt.date | None, priority: int, **conditions: Any) -> ChargeSpec:
    return ChargeSpec(
        code=f"sw001-deed-{code}", item_code=HOUSING_TAX, charge=DEED_TAX, kind=ChargeKind.TAX,
        note=note, legal_basis=basis, valid_from=start, valid_to=end, priority=priority,
        conditions=conditions, rate=Decimal(rate), base_field="transaction_price",
        payer_field="buyer_id_number",
    )


def _relief(code: str, *, threshold: int, rates: tuple[str, str, str, str], basis: str,
            second: str, start: dt.date, end: dt.date | None) -> tuple[ChargeSpec, ...]:
    """The four reliefs of one period: sole and second home, each at or below and above
    the area threshold (square metres)."""
    sole_small, sole_large, second_small, second_large = rates
    area = str(threshold)
    residential = {"property_use": RESIDENTIAL}
    return (
        _deed(f"{code}-sole-small", note=f"个人购买家庭唯一住房，面积{threshold}平方米及以下",
              basis=basis, rate=sole_small, start=start, end=end, priority=10,
              **residential, buyer_family_housing=SOLE, property_area__lte=area),
        _deed(f"{code}-sole-large", note=f"个人购买家庭唯一住房，面积{threshold}平方米以上",
              basis=basis, rate=sole_large, start=start, end=end, priority=20,
              **residential, buyer_family_housing=SOLE, property_area__gt=area),
        _deed(f"{code}-second-small", note=f"个人购买{second}，面积{threshold}平方米及以下",
              basis=basis, rate=second_small, start=start, end=end, priority=30,
              **residential, buyer_family_housing=SECOND, property_area__lte=area),
        _deed(f"{code}-second-large", note=f"个人购买{second}，面积{threshold}平方米以上",
              basis=basis, rate=second_large, start=start, end=end, priority=40,
              **residential, buyer_family_housing=SECOND, property_area__gt=area),
    )


DEED_RULES: tuple[ChargeSpec, ...] = (
    *_relief("2024", threshold=140, rates=("0.01", "0.015", "0.01", "0.02"), basis=DEED_2024,
             second="家庭第二套住房", start=DEED_2024_FROM, end=None),
    *_relief("2016", threshold=90, rates=("0.01", "0.015", "0.01", "0.02"), basis=DEED_2016,
             second="家庭第二套改善性住房", start=DEED_2016_FROM, end=DEED_2016_TO),
    _deed("general", note=THIRD_OR_OTHER, basis=DEED_GENERAL, rate="0.03",
          start=DEED_LAW_FROM, end=None, priority=90),
    _deed("general-old", note=THIRD_OR_OTHER, basis=DEED_GENERAL_OLD, rate="0.03",
          start=DEED_2016_FROM, end=DEED_LAW_FROM - dt.timedelta(days=1), priority=90),
)

# ----------------------------------------------------- 个人所得税 (the seller, who applies)

INCOME_TAX = "个人所得税"
# 核定征收 at 1% of the price rather than 20% of the gain: the form does not ask for the
# original purchase price and its evidence, which is the case 国税发〔2006〕108号 assesses;
# the rate within its 1%–3% is the province's (its tax bureau's) setting, kept in this
# rule's data — 1% here. From the day 108号 took effect; the 满五唯一 exemption is older
# (1999) and is given the same start, the earliest day these rules are used for.
INCOME_TAX_FROM = dt.date(2006, 8, 1)
INCOME_TAX_RULES: tuple[ChargeSpec, ...] = (
    ChargeSpec(
        code="sw001-iit-sole-five-years", item_code=HOUSING_TAX, charge=INCOME_TAX,
        kind=ChargeKind.TAX, payer_field="applicant_id_number", amount_yuan=Decimal("0"),
        conditions={"property_use": RESIDENTIAL, "seller_sole_home_over_five_years": "是"},
        priority=10, valid_from=INCOME_TAX_FROM,
        note="转让自用满五年且为家庭唯一生活用房（满五唯一），免征个人所得税",
        legal_basis="《财政部 国家税务总局 建设部关于个人出售住房所得征收个人所得税有关问题的通知》"
                    "（财税字〔1999〕278号）第三条",
    ),
    ChargeSpec(
        code="sw001-iit-assessed", item_code=HOUSING_TAX, charge=INCOME_TAX,
        kind=ChargeKind.TAX, payer_field="applicant_id_number", rate=Decimal("0.01"),
        base_field="transaction_price", priority=90, valid_from=INCOME_TAX_FROM,
        note="未提供完整、准确的房屋原值凭证，按转让收入的1%核定征收"
             "（核定比例在1%至3%幅度内由省级税务机关确定，本规则按1%设定）",
        legal_basis="《中华人民共和国个人所得税法》第二条、第三条\n"
                    "《国家税务总局关于个人住房转让所得征收个人所得税有关问题的通知》"
                    "（国税发〔2006〕108号）第三条",
    ),
)

# ---------------------------------------------------------- 不动产登记费 and 工本费

REGISTRATION_FEE = "不动产登记费"
CERTIFICATE_FEE = "不动产权证书工本费"
ID_CARD_FEE = "居民身份证工本费"
FEE_BASIS = ("《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》"
             "（发改价格规〔2016〕2559号）")
WAIVER_BASIS = "《财政部 国家发展改革委关于不动产登记收费有关政策问题的通知》（财税〔2016〕79号）"
# The day the 2559号 fee standard applies from, as the demo's data has it (not checked
# against the notice's text: docs/charges.md).
FEE_FROM = dt.date(2017, 3, 15)
# The transfer's fee is paid by the side registered as the new owner: the buyer.
FEE_RULES: tuple[ChargeSpec, ...] = (
    ChargeSpec(
        code="bdc001-fee-small-micro", item_code=TRANSFER, charge=REGISTRATION_FEE,
        kind=ChargeKind.FEE, payer_field="buyer_id_number", amount_yuan=Decimal("0"),
        conditions={"enterprise_size__in": SMALL_OR_MICRO}, priority=10, valid_from=FEE_FROM,
        note="登记为权利人的一方为小微企业（含个体工商户）的，免收不动产登记费",
        legal_basis=WAIVER_BASIS,
    ),
    ChargeSpec(
        code="bdc001-fee-residential", item_code=TRANSFER, charge=REGISTRATION_FEE,
        kind=ChargeKind.FEE, payer_field="buyer_id_number", amount_yuan=Decimal("80.00"),
        conditions={"property_use": RESIDENTIAL}, priority=50, valid_from=FEE_FROM,
        note="住宅类不动产登记，每件80元，由登记为权利人的一方缴纳", legal_basis=FEE_BASIS,
    ),
    ChargeSpec(
        code="bdc001-fee-non-residential", item_code=TRANSFER, charge=REGISTRATION_FEE,
        kind=ChargeKind.FEE, payer_field="buyer_id_number", amount_yuan=Decimal("550.00"),
        priority=90, valid_from=FEE_FROM,
        note="非住宅类不动产登记，每件550元，由登记为权利人的一方缴纳", legal_basis=FEE_BASIS,
    ),
    # One certificate is free; each more (a joint buyer's own) costs 10 yuan.
    ChargeSpec(
        code="bdc001-certificate-first", item_code=TRANSFER, charge=CERTIFICATE_FEE,
        kind=ChargeKind.FEE, payer_field="buyer_id_number", amount_yuan=Decimal("0"),
        conditions={"co_buyer_id_number": ""}, priority=10, valid_from=FEE_FROM,
        note="核发一本不动产权证书的，不收取证书工本费", legal_basis=FEE_BASIS,
    ),
    ChargeSpec(
        code="bdc001-certificate-joint", item_code=TRANSFER, charge=CERTIFICATE_FEE,
        kind=ChargeKind.FEE, payer_field="buyer_id_number", amount_yuan=Decimal("10.00"),
        priority=90, valid_from=FEE_FROM,
        note="向共同买受人另核发一本证书的，加收证书工本费10元", legal_basis=FEE_BASIS,
    ),
    ChargeSpec(
        code="bdc002-fee-small-micro", item_code=MORTGAGE, charge=REGISTRATION_FEE,
        kind=ChargeKind.FEE, amount_yuan=Decimal("0"),
        conditions={"enterprise_size__in": SMALL_OR_MICRO}, priority=10, valid_from=FEE_FROM,
        note="申请登记的一方为小微企业（含个体工商户）的，免收不动产登记费",
        legal_basis=WAIVER_BASIS,
    ),
    ChargeSpec(
        code="bdc002-fee-residential", item_code=MORTGAGE, charge=REGISTRATION_FEE,
        kind=ChargeKind.FEE, amount_yuan=Decimal("80.00"), priority=90, valid_from=FEE_FROM,
        note="住宅类不动产抵押权登记，每件80元（由登记为抵押权人的一方缴纳）",
        legal_basis=FEE_BASIS,
    ),
    # 居民身份证 工本费: 20 yuan a card, 40 for a damaged one. The waiver for residents on
    # the minimum living allowance (居民身份证法 第二十条) is not a rule yet: the form does
    # not ask for it.
    ChargeSpec(
        code="ga003-damaged", item_code=ID_CARD_RENEWAL, charge=ID_CARD_FEE,
        kind=ChargeKind.FEE,
        amount_yuan=Decimal("40.00"), conditions={"id_card_renewal_reason": "证件损坏换领"},
        priority=10, valid_from=dt.date(2004, 1, 1),
        note="居民身份证损坏换领，每证40元",
        legal_basis="《中华人民共和国居民身份证法》第二十条\n"
                    "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》"
                    "（发改价格〔2003〕2322号）",
    ),
    ChargeSpec(
        code="ga003-renewal", item_code=ID_CARD_RENEWAL, charge=ID_CARD_FEE,
        kind=ChargeKind.FEE,
        amount_yuan=Decimal("20.00"), priority=90, valid_from=dt.date(2004, 1, 1),
        note="有效期满或登记项目变更换领居民身份证，每证20元",
        legal_basis="《中华人民共和国居民身份证法》第二十条\n"
                    "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》"
                    "（发改价格〔2003〕2322号）",
    ),
)

CHARGE_RULES: tuple[ChargeSpec, ...] = (*DEED_RULES, *INCOME_TAX_RULES, *FEE_RULES)


def demo_charges_load() -> None:
    """The rules above as rows, by code; running it again changes nothing."""
    for spec in CHARGE_RULES:
        ChargeRule.objects.update_or_create(code=spec.code, defaults={
            "item_code": spec.item_code, "charge": spec.charge, "kind": spec.kind,
            "payer_field": spec.payer_field, "base_field": spec.base_field,
            "rate": spec.rate, "amount_yuan": spec.amount_yuan,
            "conditions": spec.conditions, "priority": spec.priority, "note": spec.note,
            "legal_basis": spec.legal_basis, "valid_from": spec.valid_from,
            "valid_to": spec.valid_to,
        })
