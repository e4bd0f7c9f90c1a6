"""一件事: one merged form, one merged material list, stages as a DAG, and catalogue edits
that would break a bundle refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from onevisit.catalogue.models import FieldDef, ItemField, ServiceItem
from onevisit.catalogue.services import item_field_set, item_new_version, item_publish
from onevisit.lifeevents.models import LifeEventStage
from onevisit.lifeevents.selectors import life_event_plan
from onevisit.lifeevents.services import life_event_define
from tests.factories import FieldDefFactory

pytestmark = pytest.mark.django_db


def test_the_merged_form_asks_each_field_once(world):
    plan = life_event_plan(life_event=world.house)

    keys = [f.key for f in plan.fields]
    assert keys == ["applicant_id_number", "phone", "price", "contract_date", "property_use"]
    by_key = {f.key: f for f in plan.fields}
    assert by_key["applicant_id_number"].item_codes == [
        "330106-FW-001", "330106-SW-001", "330106-BDC-001",
    ]
    assert by_key["property_use"].choices == ["住宅", "商业"]


def test_the_merged_material_list_asks_each_evidence_type_once(world):
    plan = life_event_plan(life_event=world.house)

    assert [(m.key, m.original) for m in plan.materials] == [
        ("evidence:property-certificate", True),
        ("upload:330106-FW-001:sales-contract", False),
        ("evidence:resident-id-card", False),
        ("upload:330106-SW-001:tax-form", False),
        ("upload:330106-BDC-001:application-form", False),
    ]


def test_the_api_shows_the_merged_form(world, api):
    body = api["citizen"].get("/life-events/house").json()

    assert [s["key"] for s in body["stages"]] == ["filing", "tax", "transfer"]
    assert body["stages"][2]["depends_on"] == ["filing", "tax"]
    assert len(body["fields"]) == 5
    held = [m["name"] for m in body["materials"] if m["held_by_government"]]
    assert held == ["不动产权证书", "居民身份证"]


def test_an_edit_that_makes_two_items_disagree_is_refused(world):
    draft = item_new_version(item=world.filing, actor=None)
    use = FieldDef.objects.get(key="property_use")
    before = ItemField.objects.filter(item=draft).count()

    with pytest.raises(ValidationError) as caught:
        item_field_set(item=draft, field=use, required=True, choices=["住宅", "工业"],
                       actor=None)

    message = " ".join(caught.value.messages)
    assert "二手房交易登记一件事" in message
    assert "房屋用途" in message
    assert ItemField.objects.filter(item=draft).count() == before


def test_an_agreeing_edit_is_published_and_the_old_version_retired(world):
    draft = item_new_version(item=world.filing, actor=None)
    use = FieldDefFactory(key="property_use")
    item_field_set(item=draft, field=use, required=False, choices=["商业", "住宅"], actor=None)

    item_publish(item=draft, actor=None)

    assert dict(ServiceItem.objects.filter(code=world.filing.code)
                .values_list("version", "status")) == {1: "retired", 2: "published"}


def test_published_versions_cannot_be_edited(world):
    with pytest.raises(ValidationError, match="草稿"):
        item_field_set(item=world.filing, field=FieldDefFactory(key="x"), required=True,
                       choices=[], actor=None)


def test_a_cycle_of_stages_is_refused(world):
    before = LifeEventStage.objects.count()

    with pytest.raises(ValidationError, match="循环"):
        life_event_define(
            code="loop", name="循环", region_code="330106", committed_limit=5,
            limit_unit="working_days", promised_visits=1, actor=None,
            stages=[
                {"key": "a", "name": "A", "item_code": world.filing.code, "depends_on": ["b"]},
                {"key": "b", "name": "B", "item_code": world.tax_item.code, "depends_on": ["a"]},
            ],
        )

    assert LifeEventStage.objects.count() == before


def test_a_dependency_on_an_unknown_stage_is_refused(world):
    with pytest.raises(ValidationError, match="不存在"):
        life_event_define(
            code="dangling", name="悬空", region_code="330106", committed_limit=5,
            limit_unit="working_days", promised_visits=1, actor=None,
            stages=[{"key": "a", "name": "A", "item_code": world.filing.code,
                     "depends_on": ["zzz"]}],
        )
