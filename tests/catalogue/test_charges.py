"""Taxes and fees as rules: the 二手房 deed tax and income tax of each period and case, the
fees and their waivers, the edges of the rules' validity, and a sale whose cases carry
the lines computed at acceptance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from onevisit.accounts.models import Role
from onevisit.applications.constants import CaseStatus, Channel
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Upload,
    application_submit,
    subject_resolve,
)
from onevisit.audit.models import AuditEvent
from onevisit.catalogue.charges import charges_compute
from onevisit.catalogue.constants import ChargeKind, FieldType
from onevisit.catalogue.models import ChargeRule
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.catalogue.charges import CHARGE_RULES, demo_charges_load
from onevisit.demo.catalogue.items import ITEMS
from onevisit.errors import InvalidInput
from onevisit.exchange.services import registry_record_put
from onevisit.workflow.services import case_approve, case_charges_settle, case_claim
from tests.conftest import PDF
from tests.factories import (
    FieldDefFactory,
    RegionFactory,
    ServiceItemFactory,
    UserFactory,
    resident_id,
)

pytestmark = pytest.mark.django_db

TAX = "330106-SW-001"
TRANSFER = "330106-BDC-001"
MORTGAGE = "330106-BDC-002"
ID_CARD = "330106-GA-003"
PRICE = "1850000"
LAST_DAY_OF_2016_RULES = dt.date(2024, 11, 30)
FIRST_DAY_OF_2024_RULES = dt.date(2024, 12, 1)


@pytest.fixture
def rules(db: None) -> None:
    demo_charges_load()


def _sale(**changes: str) -> dict[str, str]:
    return {"transaction_price": PRICE, "property_use": "住宅", "property_area": "89.50",
            "buyer_family_housing": "家庭唯一住房", "seller_sole_home_over_five_years": "否",
            **changes}


def _lines(item_code: str, data: dict[str, str], on: dt.date) -> dict[str, Any]:
    return {line.charge: line for line in charges_compute(item_code=item_code, data=data, on=on)}


# --------------------------------------------------------------------------- 契税

@pytest.mark.parametrize(("on", "housing", "area", "rate", "amount", "rule"), [
    # 公告2024年第16号: 140 m² divides both kinds of family housing.
    (FIRST_DAY_OF_2024_RULES, "家庭唯一住房", "140", "0.010000", "18500.00",
     "sw001-deed-2024-sole-small"),
    (FIRST_DAY_OF_2024_RULES, "家庭唯一住房", "140.01", "0.015000", "27750.00",
     "sw001-deed-2024-sole-large"),
    (FIRST_DAY_OF_2024_RULES, "家庭第二套住房", "140", "0.010000", "18500.00",
     "sw001-deed-2024-second-small"),
    (FIRST_DAY_OF_2024_RULES, "家庭第二套住房", "140.01", "0.020000", "37000.00",
     "sw001-deed-2024-second-large"),
    (FIRST_DAY_OF_2024_RULES, "家庭第三套及以上住房", "60", "0.030000", "55500.00",
     "sw001-deed-general"),
    # 财税〔2016〕23号, to its last day: 90 m² divided them.
    (LAST_DAY_OF_2016_RULES, "家庭唯一住房", "90", "0.010000", "18500.00",
     "sw001-deed-2016-sole-small"),
    (LAST_DAY_OF_2016_RULES, "家庭唯一住房", "90.01", "0.015000", "27750.00",
     "sw001-deed-2016-sole-large"),
    (LAST_DAY_OF_2016_RULES, "家庭第二套住房", "90", "0.010000", "18500.00",
     "sw001-deed-2016-second-small"),
    (LAST_DAY_OF_2016_RULES, "家庭第二套住房", "90.01", "0.020000", "37000.00",
     "sw001-deed-2016-second-large"),
    (LAST_DAY_OF_2016_RULES, "家庭第三套及以上住房", "60", "0.030000", "55500.00",
     "sw001-deed-general"),
    # Before the deed tax law (2021-09-01) the general rate rested on the regulations.
    (dt.date(2021, 8, 31), "家庭第三套及以上住房", "60", "0.030000", "55500.00",
     "sw001-deed-general-old"),
])
def test_deed_tax_by_period_housing_and_area(rules: None, on: dt.date, housing: str, area: str,
                                             rate: str, amount: str, rule: str) -> None:
    deed = _lines(TAX, _sale(buyer_family_housing=housing, property_area=area), on)["契税"]

    assert (deed.rule, deed.rate, deed.base_yuan, deed.amount_yuan) == (
        rule, rate, "1850000.00", amount)
    assert (deed.kind, deed.payer_field) == (ChargeKind.TAX, "buyer_id_number")


def test_a_non_residential_property_pays_the_general_rate_whatever_the_family_owns(
        rules: None) -> None:
    deed = _lines(TAX, _sale(property_use="非住宅"), FIRST_DAY_OF_2024_RULES)["契税"]

    assert (deed.rule, deed.amount_yuan) == ("sw001-deed-general", "55500.00")


def test_the_day_the_2024_notice_took_effect_changes_a_120_square_metre_second_home() -> None:
    demo_charges_load()
    data = _sale(buyer_family_housing="家庭第二套住房", property_area="120")

    before = _lines(TAX, data, LAST_DAY_OF_2016_RULES)["契税"]
    after = _lines(TAX, data, FIRST_DAY_OF_2024_RULES)["契税"]

    assert (before.amount_yuan, before.rule) == ("37000.00", "sw001-deed-2016-second-large")
    assert "财税〔2016〕23号" in before.legal_basis
    assert (after.amount_yuan, after.rule) == ("18500.00", "sw001-deed-2024-second-small")
    assert "公告2024年第16号" in after.legal_basis


def test_no_deed_tax_rule_covers_a_day_before_the_rules_begin(rules: None) -> None:
    lines = charges_compute(item_code=TAX, data=_sale(), on=dt.date(2016, 2, 21))

    assert [line.charge for line in lines] == ["个人所得税"]


# --------------------------------------------------------------------------- 个人所得税

def test_income_tax_is_exempt_for_the_sellers_sole_home_of_five_years(rules: None) -> None:
    tax = _lines(TAX, _sale(seller_sole_home_over_five_years="是"), FIRST_DAY_OF_2024_RULES)

    income = tax["个人所得税"]
    assert (income.amount_yuan, income.rate, income.rule) == (
        "0.00", "", "sw001-iit-sole-five-years")
    assert "满五唯一" in income.note
    assert "财税字〔1999〕278号" in income.legal_basis
    assert income.payer_field == "applicant_id_number"


def test_income_tax_is_assessed_at_one_percent_otherwise(rules: None) -> None:
    income = _lines(TAX, _sale(), FIRST_DAY_OF_2024_RULES)["个人所得税"]

    assert (income.amount_yuan, income.rate, income.rule) == (
        "18500.00", "0.010000", "sw001-iit-assessed")
    assert "国税发〔2006〕108号" in income.legal_basis


def test_a_non_residential_sale_is_never_exempt(rules: None) -> None:
    income = _lines(TAX, _sale(property_use="非住宅", seller_sole_home_over_five_years="是"),
                    FIRST_DAY_OF_2024_RULES)["个人所得税"]

    assert income.amount_yuan == "18500.00"


def test_amounts_are_rounded_half_up_to_the_fen(rules: None) -> None:
    lines = _lines(TAX, _sale(transaction_price="1234567.85", property_area="150"),
                   FIRST_DAY_OF_2024_RULES)

    # 1234567.85 × 1.5% = 18518.51775; × 1% = 12345.6785
    assert lines["契税"].amount_yuan == "18518.52"
    assert lines["个人所得税"].amount_yuan == "12345.68"


# --------------------------------------------------------------------------- refusals

def test_a_missing_base_field_is_named(rules: None) -> None:
    data = _sale()
    del data["transaction_price"]

    with pytest.raises(InvalidInput) as refused:
        charges_compute(item_code=TAX, data=data, on=FIRST_DAY_OF_2024_RULES)

    assert refused.value.message == "无法计征契税"
    assert refused.value.errors == {"transaction_price": "请填写计税依据"}


def _rule(code: str, **fields: Any) -> ChargeRule:
    values: dict[str, Any] = {
        "item_code": "330106-T-900", "charge": "测试费", "kind": ChargeKind.FEE,
        "amount_yuan": Decimal("5.00"), "note": "测试", "legal_basis": "《测试办法》",
        "valid_from": dt.date(2024, 1, 1)} | fields
    return ChargeRule.objects.create(code=code, **values)


def test_a_day_between_two_rules_is_a_gap_named_by_its_charge(db: None) -> None:
    _rule("old", valid_to=dt.date(2024, 6, 30))
    _rule("new", valid_from=dt.date(2024, 7, 2))

    with pytest.raises(InvalidInput) as refused:
        charges_compute(item_code="330106-T-900", data={}, on=dt.date(2024, 7, 1))

    assert refused.value.message == "无法计征测试费"
    assert refused.value.errors == {
        "charges": "2024-07-01 没有施行中的测试费规则（规则的有效期有断档），请联系税费主管部门"}
    assert [line.amount_yuan for line in charges_compute(
        item_code="330106-T-900", data={}, on=dt.date(2024, 7, 2))] == ["5.00"]


def test_a_case_no_rule_covers_is_named_by_its_charge(db: None) -> None:
    _rule("residential-only", conditions={"property_use": "住宅"})

    with pytest.raises(InvalidInput) as refused:
        charges_compute(item_code="330106-T-900", data={"property_use": "非住宅"},
                        on=dt.date(2024, 7, 1))

    assert refused.value.errors == {
        "charges": "2024-07-01 没有适用于所填情形的测试费规则，请联系税费主管部门"}


def test_a_charge_whose_rules_all_ended_is_no_longer_levied(db: None) -> None:
    _rule("abolished", valid_to=dt.date(2024, 6, 30))

    assert charges_compute(item_code="330106-T-900", data={}, on=dt.date(2024, 7, 1)) == []


# --------------------------------------------------------------------------- fees

@pytest.mark.parametrize(("changes", "fee", "note_part"), [
    ({}, "80.00", "住宅类不动产登记"),
    ({"property_use": "非住宅"}, "550.00", "非住宅类"),
    ({"enterprise_size": "小型企业"}, "0.00", "小微企业"),
    ({"enterprise_size": "个体工商户"}, "0.00", "小微企业"),
    ({"enterprise_size": "大型企业"}, "80.00", "住宅类不动产登记"),
])
def test_the_registration_fee_and_its_small_and_micro_enterprise_waiver(
        rules: None, changes: dict[str, str], fee: str, note_part: str) -> None:
    line = _lines(TRANSFER, _sale(**changes), FIRST_DAY_OF_2024_RULES)["不动产登记费"]

    assert line.amount_yuan == fee
    assert note_part in line.note
    assert line.payer_field == "buyer_id_number"


def test_the_first_certificate_is_free_and_a_joint_buyers_costs_ten_yuan(rules: None) -> None:
    alone = _lines(TRANSFER, _sale(), FIRST_DAY_OF_2024_RULES)["不动产权证书工本费"]
    joint = _lines(TRANSFER, _sale(co_buyer_id_number=resident_id(seq="224")),
                   FIRST_DAY_OF_2024_RULES)["不动产权证书工本费"]

    assert (alone.amount_yuan, joint.amount_yuan) == ("0.00", "10.00")


def test_the_mortgage_fee_is_waived_for_a_micro_enterprise(rules: None) -> None:
    on = FIRST_DAY_OF_2024_RULES

    assert _lines(MORTGAGE, {}, on)["不动产登记费"].amount_yuan == "80.00"
    assert _lines(MORTGAGE, {"enterprise_size": "微型企业"}, on)["不动产登记费"].amount_yuan == (
        "0.00")


def test_a_damaged_id_card_costs_forty_yuan_and_a_renewal_twenty(rules: None) -> None:
    on = FIRST_DAY_OF_2024_RULES

    damaged = _lines(ID_CARD, {"id_card_renewal_reason": "证件损坏换领"}, on)
    expired = _lines(ID_CARD, {"id_card_renewal_reason": "有效期满换领"}, on)

    assert damaged["居民身份证工本费"].amount_yuan == "40.00"
    assert expired["居民身份证工本费"].amount_yuan == "20.00"


def test_each_items_guide_fee_is_the_most_its_current_fee_rules_charge() -> None:
    """The guide shows `fee_yuan` and supervision compares demands with it: it is the sum,
    over the item's fees (not its taxes), of the highest amount each charges now."""
    most: dict[str, Decimal] = {}
    for charge in {(spec.item_code, spec.charge) for spec in CHARGE_RULES
                   if spec.kind == ChargeKind.FEE}:
        amounts = [spec.amount_yuan or Decimal(0) for spec in CHARGE_RULES
                   if (spec.item_code, spec.charge) == charge and spec.valid_to is None]
        most[charge[0]] = most.get(charge[0], Decimal(0)) + max(amounts)

    assert {spec.code: spec.fee_yuan for spec in ITEMS if spec.fee_yuan or spec.code in most} == (
        most)


# --------------------------------------------------------------------------- editors

def _admin() -> Client:
    client = Client()
    client.force_login(UserFactory(username="editor", is_staff=True, is_superuser=True))
    return client


def _posted(**changes: str) -> dict[str, str]:
    return {"code": "t900-fee", "item_code": "330106-T-900", "charge": "测试费", "kind": "fee",
            "payer_field": "", "base_field": "price", "rate": "0.01", "amount_yuan": "",
            "conditions": '{"property_use": "住宅", "area__gt": "90"}', "priority": "100",
            "note": "测试", "legal_basis": "《测试办法》", "valid_from": "2024-12-01",
            "valid_to": "", **changes}


@pytest.fixture
def editable(db: None) -> None:
    ServiceItemFactory(code="330106-T-900")
    FieldDefFactory(key="price", type=FieldType.MONEY)
    FieldDefFactory(key="property_use", type=FieldType.CHOICE)
    FieldDefFactory(key="area", type=FieldType.AREA)


@pytest.mark.parametrize(("changes", "error"), [
    ({"amount_yuan": "5.00"}, "税率/费率与定额应填且只填一项"),
    ({"rate": ""}, "税率/费率与定额应填且只填一项"),
    ({"valid_to": "2024-11-30"}, "废止日期不能早于施行日期"),
    ({"conditions": '{"buyer_first_home": "是"}'},
     "条件“buyer_first_home”：没有名为“buyer_first_home”的数据元"),
    ({"conditions": '{"area__above": "90"}'},
     "条件“area__above”：不认识的运算“above”，可用 __lt、__lte、__gt、__gte、__in"),
    ({"conditions": '{"property_use__in": "住宅"}'}, "条件“property_use__in”的值应为列表"),
    ({"conditions": '{"area__gt": "九十"}'}, "条件“area__gt”的值应为数字"),
    ({"conditions": '["property_use"]'}, "适用条件应为 JSON 对象"),
    ({"base_field": "prise"}, "没有名为“prise”的数据元"),
    ({"item_code": "330106-T-901"}, "没有编码为 330106-T-901 的事项"),
])
def test_the_admin_refuses_a_rule_that_could_not_be_applied(editable: None, changes: dict[str, str],
                                                           error: str) -> None:
    response = _admin().post("/admin/catalogue/chargerule/add/", _posted(**changes))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ChargeRule.objects.exists()
    assert not AuditEvent.objects.filter(action="charge_rule.saved").exists()


def test_the_admin_saves_a_valid_rule_and_audits_it(editable: None) -> None:
    response = _admin().post("/admin/catalogue/chargerule/add/", _posted())

    assert response.status_code == 302
    rule = ChargeRule.objects.get(code="t900-fee")
    assert (rule.rate, rule.conditions) == (Decimal("0.010000"),
                                            {"property_use": "住宅", "area__gt": "90"})
    assert AuditEvent.objects.filter(action="charge_rule.saved",
                                     entity_id=str(rule.pk)).count() == 1


def test_an_editor_of_another_region_neither_sees_nor_adds_the_items_rules(
        editable: None) -> None:
    _rule("t900-existing", item_code="330106-T-900")
    editor = UserFactory(username="yuhang-editor", is_staff=True, role=Role.EDITOR,
                         region=RegionFactory(code="330110", name="余杭区"))
    editor.user_permissions.add(*Permission.objects.filter(
        codename__in=["add_chargerule", "view_chargerule", "change_chargerule"]))
    client = Client()
    client.force_login(editor)

    listed = client.get("/admin/catalogue/chargerule/")
    refused = client.post("/admin/catalogue/chargerule/add/", _posted())

    assert listed.status_code == 200
    assert "t900-existing" not in listed.content.decode()
    assert refused.status_code == 200
    assert "该事项不在您的管辖范围内" in refused.content.decode()
    assert list(ChargeRule.objects.values_list("code", flat=True)) == ["t900-existing"]


# --------------------------------------------------------------------------- a sale

SELLER = resident_id(birth="19700101", seq="111")
BUYER = resident_id(birth="19900101", seq="222")
ADDRESS = "杭州市西湖区文三路 90 号 2 幢 301 室"
CERTIFICATE = "浙(2019)杭州市不动产权第0123456号"


def test_an_accepted_sale_carries_its_taxes_and_fees_and_the_tax_case_completes_on_payment(
) -> None:
    demo_catalogue_load()
    for person, name in ((SELLER, "张卖方"), (BUYER, "李买方")):
        registry_record_put(source="population", evidence_type="resident_id_card",
                            subject=person, data={"name": name, "id_number": person})
    registry_record_put(source="property", evidence_type="real_estate_certificate",
                        subject=SELLER, data={
                            "owner_name": "张卖方", "owner_id_number": SELLER,
                            "properties": [{"certificate_number": CERTIFICATE,
                                            "address": ADDRESS}]})
    subject = subject_resolve(life_event_code="second-hand-housing")
    data = {
        "applicant_name": "张卖方", "applicant_id_number": SELLER,
        "applicant_phone": "13812345678", "buyer_name": "李买方", "buyer_id_number": BUYER,
        "buyer_phone": "13912345678", "property_certificate_number": CERTIFICATE,
        "property_address": ADDRESS, "contract_date": "2026-11-20", **_sale(),
    }
    filing = application_submit(
        subject=subject, applicant=Applicant(kind="person", name="张卖方", id_number=SELLER),
        data=data, channel=Channel.WINDOW, actor=UserFactory(username="window", clerk=True),
        uploads=[Upload(key=m.key, filename="a.pdf", content=PDF) for m in subject.materials
                 if m.required and not m.evidence_type_code],
        delivery=DeliveryChoice(method="download"), consent=True,
    )
    application = filing.application
    cases = {case.item.code: case for case in application.cases.select_related("item")}
    tax, transfer = cases[TAX], cases[TRANSFER]

    assert application.status == "accepted"
    assert [(line["charge"], line["rate"], line["amount_yuan"]) for line in tax.charges] == [
        ("契税", "0.010000", "18500.00"), ("个人所得税", "0.010000", "18500.00")]
    assert tax.charges_yuan == Decimal("37000.00")
    assert "公告2024年第16号" in tax.charges[0]["legal_basis"]
    assert [(line["charge"], line["amount_yuan"]) for line in transfer.charges] == [
        ("不动产登记费", "80.00"), ("不动产权证书工本费", "0.00")]
    assert transfer.charges_yuan == Decimal("80.00")
    assert cases["330106-ZJ-001"].charges == []

    filing_case = cases["330106-ZJ-001"]
    reviewer = UserFactory(username="r-zjj", reviewer=True, department=filing_case.department)
    case_claim(case_id=filing_case.pk, actor=reviewer)
    case_approve(case_id=filing_case.pk, actor=reviewer)
    tax.refresh_from_db()
    assert tax.status == CaseStatus.AWAITING_PAYMENT

    case_charges_settle(number=application.number, case_ids=[tax.pk], reference="JK-TEST")

    tax.refresh_from_db()
    transfer.refresh_from_db()
    assert tax.status == CaseStatus.APPROVED
    assert tax.paid_at is not None
    assert transfer.status == CaseStatus.AWAITING_PAYMENT


def test_the_guide_lists_the_rules_in_force_and_not_those_ended() -> None:
    demo_catalogue_load()

    page = Client().get(f"/items/{TAX}/").content.decode()

    assert "税费计征规则" in page
    assert "个人购买家庭第二套住房，面积140平方米以上" in page
    assert "成交价格（元）的 2%" in page
    assert "2024-12-01 起施行" in page
    assert "财税字〔1999〕278号" in page
    assert "家庭第二套改善性住房" not in page  # 财税〔2016〕23号 ended on 2024-11-30
