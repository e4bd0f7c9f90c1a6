"""One item, one standard: an implementation may only tighten its basic catalogue entry;
publishing a loosening is refused naming the field, and nothing changes."""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin import site as admin_site
from django.test import Client

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel
from onevisit.audit.models import AuditEvent
from onevisit.catalogue.constants import ItemKind, ItemStatus, LimitUnit
from onevisit.catalogue.models import (
    BasicItem,
    BasicMaterial,
    MaterialRequirement,
    PendingImplementation,
    ServiceItem,
)
from onevisit.catalogue.services import (
    Standard,
    basic_item_save,
    item_new_version,
    item_publish,
    pending_implementation_draft,
)
from onevisit.errors import InvalidInput
from tests.catalogue.scene import Province
from tests.factories import (
    EvidenceTypeFactory,
    MaterialFactory,
    ServiceItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _state(item: ServiceItem) -> tuple[Any, ...]:
    item.refresh_from_db()
    return (item.status, item.published_at, item.version, AuditEvent.objects.count(),
            ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).count())


def test_an_implementation_that_tightens_every_aspect_is_published(province: Province):
    item = province.implementation(
        region=province.yuhang, department=province.yuhang_market, code="330110-SJ-003",
        committed_limit=3, promised_visits=0, channel_courier=True)
    MaterialRequirement.objects.filter(item=item, code="rules").delete()  # fewer materials
    MaterialRequirement.objects.filter(item=item, code="layout").update(copies=1)

    item_publish(item=item, actor=None)

    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED


def test_a_minute_limit_is_compared_in_working_time(province: Province):
    item = province.implementation(
        region=province.xihu, department=province.xihu_market, code="330106-SJ-003",
        limit_unit=LimitUnit.MINUTES, statutory_limit=20 * 480, committed_limit=30)

    item_publish(item=item, actor=None)

    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED


LOOSENINGS = [
    pytest.param({"committed_limit": 11}, "committed_limit",
                 "承诺时限 11 个工作日 长于基本目录的 10 个工作日", id="longer-limit"),
    pytest.param({"statutory_limit": 19, "committed_limit": 5}, "statutory_limit",
                 "法定时限应与基本目录一致：20 个工作日", id="statutory-limit"),
    pytest.param({"promised_visits": 2}, "promised_visits",
                 "承诺最多跑 2 次，多于基本目录的最多跑 1 次", id="more-visits"),
    pytest.param({"fee_yuan": Decimal("5.00")}, "fee_yuan",
                 "收费 5 元 高于基本目录的 不收费", id="fee"),
    pytest.param({"channel_online": False}, "channel_online", "基本目录要求提供网上办理",
                 id="channel"),
    pytest.param({"name": "食品经营许可（简易）"}, "name", "事项名称应与基本目录一致：食品经营许可",
                 id="name"),
    pytest.param({"kind": ItemKind.CONFIRMATION}, "kind", "事项类型应与基本目录一致：行政许可",
                 id="kind"),
    pytest.param({"legal_basis": "《食品经营许可和备案管理办法》第十条"}, "legal_basis",
                 "设定依据应与基本目录一致", id="legal-basis"),
    pytest.param({"code": "33-SJ-004-330110000000-000-113301100025011110-1-00"}, "code",
                 "实施编码应以基本编码 33-SJ-003 开头", id="code-of-another-item"),
    pytest.param({"code": "33-SJ-003-330106000000-000-113301100025011110-1-00"}, "code",
                 "实施编码中的区划代码应为 330110000000 或其上级", id="code-of-another-region"),
]


@pytest.mark.parametrize(("overrides", "field", "reason"), LOOSENINGS)
def test_a_loosening_is_refused_naming_the_field_and_nothing_changes(
        province: Province, overrides: dict[str, Any], field: str, reason: str):
    values = {"code": "33-SJ-003-330110000000-000-113301100025011110-1-00", **overrides}
    item = province.implementation(region=province.yuhang,
                                   department=province.yuhang_market, **values)
    before = _state(item)

    with pytest.raises(InvalidInput) as refused:
        item_publish(item=item, actor=None)

    assert refused.value.errors == {field: reason}
    assert _state(item) == before


MATERIAL_LOOSENINGS = [
    pytest.param("extra", {"code": "photo", "name": "照片"}, "“照片”不在基本目录的标准材料中",
                 id="a-material-the-standard-does-not-list"),
    pytest.param("licence", {"evidence_type": None},
                 "“营业执照”应通过数据共享获取，不要求申请人提交", id="asked-instead-of-fetched"),
    pytest.param("layout", {"original": True}, "“设备布局图”基本目录不要求原件",
                 id="an-original"),
    pytest.param("layout", {"copies": 3}, "“设备布局图”复印件多于基本目录的 2 份",
                 id="more-copies"),
    pytest.param("layout", {"required": True}, "“设备布局图”在基本目录中并非必交",
                 id="required"),
    pytest.param("rules", {"tolerated_missing": False}, "“食品安全管理制度”在基本目录中可容缺受理",
                 id="no-tolerated-missing"),
]


@pytest.mark.parametrize(("code", "change", "reason"), MATERIAL_LOOSENINGS)
def test_a_harder_material_list_is_refused_naming_the_materials(
        province: Province, code: str, change: dict[str, Any], reason: str):
    item = province.implementation(region=province.xihu, department=province.xihu_market,
                                   code="330106-SJ-003")
    if code == "extra":
        MaterialFactory(item=item, **change)
    else:
        MaterialRequirement.objects.filter(item=item, code=code).update(**change)
    before = _state(item)

    with pytest.raises(InvalidInput) as refused:
        item_publish(item=item, actor=None)

    assert refused.value.errors == {"materials": reason}
    assert _state(item) == before


def test_every_loosening_of_one_item_is_named_at_once(province: Province):
    item = province.implementation(region=province.xihu, department=province.xihu_market,
                                   code="330106-SJ-003", committed_limit=12, promised_visits=3)

    with pytest.raises(InvalidInput) as refused:
        item_publish(item=item, actor=None)

    assert set(refused.value.errors) == {"committed_limit", "promised_visits"}


def test_an_item_of_an_incomplete_standard_is_not_published(province: Province):
    BasicItem.objects.filter(pk=province.food.pk).update(legal_basis="", promised_visits=None)
    item = province.implementation(region=province.xihu, department=province.xihu_market,
                                   code="330106-SJ-003", legal_basis="")
    before = _state(item)

    with pytest.raises(InvalidInput) as refused:
        item_publish(item=item, actor=None)

    assert refused.value.errors == {"basic_item": "基本目录尚未规定：设定依据、跑动次数上限"}
    assert _state(item) == before


def test_a_tightened_standard_leaves_published_items_and_refuses_their_next_version(
        province: Province):
    item = province.implementation(region=province.xihu, department=province.xihu_market,
                                   code="330106-SJ-003")
    item_publish(item=item, actor=None)
    basic_item_save(code="33-SJ-003", region_code="33", materials=None, actor=None,
                    standard=Standard(**{**_standard_of(province.food), "committed_limit": 5}))
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED

    draft = item_new_version(item=item, actor=None)
    with pytest.raises(InvalidInput) as refused:
        item_publish(item=draft, actor=None)

    assert refused.value.errors == {
        "committed_limit": "承诺时限 10 个工作日 长于基本目录的 5 个工作日"}


def _standard_of(basic: BasicItem) -> dict[str, Any]:
    return {"name": basic.name, "kind": basic.kind, "legal_basis": basic.legal_basis,
            "statutory_limit": basic.statutory_limit, "committed_limit": basic.committed_limit,
            "limit_unit": basic.limit_unit, "fee_yuan": basic.fee_yuan,
            "fee_note": basic.fee_note, "promised_visits": basic.promised_visits,
            "channel_window": basic.channel_window, "channel_online": basic.channel_online,
            "channel_courier": basic.channel_courier}


def test_the_basic_catalogue_is_issued_by_a_province(province: Province):
    before = (BasicItem.objects.count(), AuditEvent.objects.count())

    with pytest.raises(InvalidInput) as refused:
        basic_item_save(code="33-SJ-009", region_code="330106", materials=[], actor=None,
                        standard=Standard(name="个体工商户设立登记", kind=ItemKind.LICENSING,
                                          statutory_limit=3, committed_limit=5,
                                          limit_unit=LimitUnit.WORKING_DAYS))

    assert refused.value.errors == {
        "region": "基本目录由省级发布：330106 不是省级行政区划代码",
        "committed_limit": "标准承诺时限不能长于法定时限",
    }
    assert (BasicItem.objects.count(), AuditEvent.objects.count()) == before


def test_a_pending_implementation_is_drafted_from_its_completed_standard(province: Province):
    names_only = basic_item_save(code="33-SJ-010", region_code="33", materials=[], actor=None,
                                 standard=Standard(name="小餐饮登记", kind=ItemKind.OTHER_POWER))
    pending = PendingImplementation.objects.create(
        code="33-SJ-010-330110000000-000-113301100025011110-1-00", basic_item=names_only,
        region=province.yuhang, department=province.yuhang_market,
        imported_at=clock.now())

    with pytest.raises(InvalidInput) as refused:
        pending_implementation_draft(pending=pending, actor=None)
    assert refused.value.errors == {
        "basic_item": "基本目录尚未规定：设定依据、法定时限、跑动次数上限、收费上限"}
    assert PendingImplementation.objects.filter(pk=pending.pk).exists()

    basic_item_save(code="33-SJ-010", region_code="33", actor=None,
                    materials=[], standard=Standard(
                        name="小餐饮登记", kind=ItemKind.OTHER_POWER,
                        legal_basis="《浙江省食品小作坊小餐饮小食杂店管理办法》",
                        statutory_limit=10, limit_unit=LimitUnit.WORKING_DAYS,
                        fee_yuan=Decimal("0"), promised_visits=0))
    item = pending_implementation_draft(pending=pending, actor=None)

    assert (item.code, item.status, item.region_id, item.department, item.committed_limit,
            item.promised_visits) == (pending.code, ItemStatus.DRAFT, "330110",
                                      province.yuhang_market, 10, 0)
    assert not PendingImplementation.objects.filter(pk=pending.pk).exists()
    item_publish(item=item, actor=None)


def test_the_migration_links_each_existing_item_to_a_standard_equal_to_it(db: None):
    migration = importlib.import_module(
        "onevisit.catalogue.migrations.0008_basic_catalogue")
    evidence = EvidenceTypeFactory(code="resident-id-card")
    local = ServiceItemFactory(code="330106-ZJ-009", name="建筑工程施工许可", published=True)
    MaterialFactory(item=local, code="id-card", name="居民身份证", evidence_type=evidence)
    draft = ServiceItemFactory(code="330106-ZJ-009", version=2, name="建筑工程施工许可")
    national = ServiceItemFactory(code="511A0138000000-330106000000-000-115113010833722043-1-00",
                                  name="延缓入学审批")
    Region.objects.create(code="33", name="浙江省", level=RegionLevel.PROVINCE)
    Region.objects.filter(code="330106").update(parent_id="33")

    migration.link_existing_items(apps, None)

    for item in (local, draft, national):
        item.refresh_from_db()
    assert local.basic_item == draft.basic_item
    assert (local.basic_item.code, national.basic_item.code) == ("330106-ZJ-009",
                                                                 "511A0138000000")
    assert local.basic_item.region_id == "33"
    assert list(BasicMaterial.objects.filter(basic_item=local.basic_item).values_list(
        "code", "evidence_type")) == [("id-card", evidence.pk)]
    item_publish(item=draft, actor=None)  # the standard is the item: nothing loosens it


def _admin_request(rf: Any) -> Any:
    request = rf.post("/admin/catalogue/serviceitem/")
    request.user = UserFactory(username="editor", is_staff=True, is_superuser=True)
    return request


def _bound(form: Any) -> dict[str, Any]:
    """What the admin's form posts back unchanged."""
    return {field.html_name: field.value() for field in form
            if field.value() is not None and field.value() is not False}


def test_the_admin_refuses_a_loosening_as_an_error_on_the_field(province: Province, rf: Any):
    item = province.implementation(region=province.xihu, department=province.xihu_market,
                                   code="330106-SJ-003")
    request = _admin_request(rf)
    model_admin = admin_site._registry[ServiceItem]
    form_class = model_admin.get_form(request, item, change=True)
    data = _bound(form_class(instance=item)) | {"committed_limit": "12", "promised_visits": "2"}

    form = form_class(data, instance=item)

    assert not form.is_valid()
    assert form.errors == {
        "committed_limit": ["承诺时限 12 个工作日 长于基本目录的 10 个工作日"],
        "promised_visits": ["承诺最多跑 2 次，多于基本目录的最多跑 1 次"],
    }
    item.refresh_from_db()
    assert (item.committed_limit, item.promised_visits) == (10, 1)


def test_the_admin_accepts_a_tightening(province: Province, rf: Any):
    item = province.implementation(region=province.xihu, department=province.xihu_market,
                                   code="330106-SJ-003")
    request = _admin_request(rf)
    form_class = admin_site._registry[ServiceItem].get_form(request, item, change=True)
    data = _bound(form_class(instance=item)) | {"committed_limit": "4"}

    form = form_class(data, instance=item)

    assert form.is_valid(), form.errors


def test_the_admin_refuses_a_material_the_standard_does_not_list(province: Province, rf: Any):
    item = province.implementation(region=province.xihu, department=province.xihu_market,
                                   code="330106-SJ-003")
    request = _admin_request(rf)
    inline = next(inline for inline in admin_site._registry[ServiceItem].get_inline_instances(
        request, item) if inline.model is MaterialRequirement)
    formset_class = inline.get_formset(request, item)
    unbound = formset_class(instance=item, prefix="materials")
    data: dict[str, Any] = {
        "materials-TOTAL_FORMS": str(len(unbound.forms) + 1),
        "materials-INITIAL_FORMS": str(len(unbound.forms)),
    }
    for form in unbound.forms:
        data |= _bound(form)
    data |= {"materials-4-code": "photo", "materials-4-name_zh_hans": "近期照片",
             "materials-4-copies": "0", "materials-4-required": "on", "materials-4-order": "4"}

    formset = formset_class(data, instance=item, prefix="materials")

    assert not formset.is_valid()
    assert formset.non_form_errors() == ["“近期照片”不在基本目录的标准材料中"]
    assert MaterialRequirement.objects.filter(item=item).count() == 4


def test_the_admin_checks_a_basic_entry_before_saving_it(province: Province, rf: Any):
    request = _admin_request(rf)
    form_class = admin_site._registry[BasicItem].get_form(request, province.food, change=True)
    data = _bound(form_class(instance=province.food)) | {
        "committed_limit": "30", "region": "330106"}

    form = form_class(data, instance=province.food)

    assert not form.is_valid()
    assert form.errors == {
        "committed_limit": ["标准承诺时限不能长于法定时限"],
        "region": ["基本目录由省级发布：330106 不是省级行政区划代码"],
    }


def test_an_editor_drafts_pending_implementations_in_the_admin(province: Province):
    complete = PendingImplementation.objects.create(
        code="33-SJ-003-330110000000-000-113301100025011110-1-00", basic_item=province.food,
        region=province.yuhang, department=province.yuhang_market, imported_at=clock.now())
    names_only = basic_item_save(code="33-SJ-010", region_code="33", materials=[], actor=None,
                                 standard=Standard(name="小餐饮登记", kind=ItemKind.OTHER_POWER))
    waiting = PendingImplementation.objects.create(
        code="33-SJ-010-330110000000-000-113301100025011110-1-00", basic_item=names_only,
        region=province.yuhang, department=province.yuhang_market, imported_at=clock.now())
    client = Client()
    client.force_login(UserFactory(username="editor", is_staff=True, is_superuser=True))

    response = client.post("/admin/catalogue/pendingimplementation/", {
        "action": "draft", "_selected_action": [complete.pk, waiting.pk]}, follow=True)

    page = response.content.decode()
    assert "已编制草稿 食品经营许可 v1" in page
    assert "基本目录尚未规定：设定依据、法定时限、跑动次数上限、收费上限" in page
    assert ServiceItem.objects.filter(code=complete.code, status=ItemStatus.DRAFT).exists()
    assert list(PendingImplementation.objects.values_list("pk", flat=True)) == [waiting.pk]
