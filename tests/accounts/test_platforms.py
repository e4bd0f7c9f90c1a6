"""The grassroots platforms (四个平台): four departments of each township, created once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from onevisit.accounts.models import Department, PlatformKind, Region, RegionLevel, User
from onevisit.accounts.selectors import township_platforms
from onevisit.accounts.services import grassroots_platforms_ensure, regions_load
from onevisit.audit.models import AuditEvent
from onevisit.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[tuple[str, str, str, str]], int]:
    return (list(Department.objects.order_by("code")
                 .values_list("code", "name", "region_id", "platform")),
            AuditEvent.objects.count())


def test_a_township_gets_its_four_platforms_once() -> None:
    regions_load()

    created = grassroots_platforms_ensure(region_code="330106005", actor=None)
    again = grassroots_platforms_ensure(region_code="330106005", actor=None)

    assert [(d.code, d.name, d.region_id, d.platform) for d in created] == [
        ("330106005-convenience", "翠苑街道便民服务平台", "330106005", "convenience"),
        ("330106005-enforcement", "翠苑街道综合执法平台", "330106005", "enforcement"),
        ("330106005-governance", "翠苑街道综治工作平台", "330106005", "governance"),
        ("330106005-market", "翠苑街道市场监管平台", "330106005", "market"),
    ]
    assert again == created
    assert Department.objects.count() == 4
    with translation.override("en"):  # an English page names them in English
        assert Department.objects.get(code="330106005-enforcement").name == (
            "翠苑街道 comprehensive law enforcement platform")
    assert [d.platform for d in township_platforms(township_code="330106005")] == [
        "governance", "market", "enforcement", "convenience"]
    event = AuditEvent.objects.get(action="platforms.created")
    assert (event.entity, event.entity_id, event.data) == (
        "region", "330106005", {"departments": 4, "townships": 1})


def test_a_county_s_townships_get_theirs_and_an_edited_platform_is_kept() -> None:
    regions_load()
    grassroots_platforms_ensure(region_code="330106005", actor=None)
    Department.objects.filter(code="330106005-enforcement").update(name="翠苑街道综合行政执法队")
    Department.objects.filter(code="330106005-market").delete()

    platforms = grassroots_platforms_ensure(region_code="330106", actor=None)

    townships = Region.objects.filter(parent_id="330106", level=RegionLevel.TOWNSHIP)
    assert len(platforms) == 4 * townships.count() == 48
    assert {d.region_id for d in platforms} == set(townships.values_list("code", flat=True))
    assert Department.objects.get(code="330106005-enforcement").name == "翠苑街道综合行政执法队"
    assert Department.objects.get(code="330106005-market").name == "翠苑街道市场监管平台"
    assert Department.objects.get(code="330106109-enforcement").name == "三墩镇综合执法平台"
    assert AuditEvent.objects.get(action="platforms.created", entity_id="330106").data == {
        "departments": 45, "townships": 12}


def test_platforms_are_ordinary_departments_one_of_each_kind_per_township() -> None:
    regions_load()
    grassroots_platforms_ensure(region_code="330106005", actor=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(code="cuiyuan-second", name="第二个综合执法平台",
                                  region_id="330106005", platform=PlatformKind.ENFORCEMENT)
    # Any number of ordinary departments may share the township.
    Department.objects.create(code="cuiyuan-office", name="翠苑街道办事处", region_id="330106005")
    Department.objects.create(code="cuiyuan-party", name="翠苑街道党工委", region_id="330106005")
    assert Department.objects.filter(region_id="330106005").count() == 6


@pytest.mark.parametrize(("code", "field_error"), [
    ("999999", "行政区划代码不存在"),
    ("", "行政区划代码不存在"),
])
def test_an_unknown_region_is_refused_and_nothing_is_created(code: str, field_error: str) -> None:
    regions_load()
    before = _state()

    with pytest.raises(InvalidInput) as refused:
        grassroots_platforms_ensure(region_code=code, actor=None)

    assert refused.value.errors == {"region_code": field_error}
    assert _state() == before


def test_a_region_without_townships_is_refused() -> None:
    county = Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY)
    before = _state()

    with pytest.raises(InvalidInput) as refused:
        grassroots_platforms_ensure(region_code=county.code, actor=None)

    assert refused.value.errors == {"region_code": "该行政区划下没有乡镇或街道"}
    assert _state() == before


def test_a_code_another_department_holds_is_refused_and_nothing_is_created() -> None:
    regions_load()
    Department.objects.create(code="330106011-market", name="别的部门", region_id="330106")
    before = _state()

    with pytest.raises(Conflict, match="330106011-market"):
        grassroots_platforms_ensure(region_code="330106", actor=None)

    assert _state() == before


def test_the_operator_creates_them_from_the_command_line() -> None:
    regions_load()
    out = io.StringIO()

    call_command("platforms", "330106", stdout=out)
    call_command("platforms", "330106", stdout=out)

    assert out.getvalue() == ("48 grassroots platforms in 12 townships\n"
                              "48 grassroots platforms in 12 townships\n")
    assert AuditEvent.objects.filter(action="platforms.created").count() == 1
    with pytest.raises(CommandError, match="行政区划代码不存在"):
        call_command("platforms", "999999")


def test_the_admin_creates_them_for_the_regions_chosen() -> None:
    regions_load()
    admin = User.objects.create(username="root", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)

    response = browser.post("/admin/accounts/region/", {
        "action": "_platforms_ensure", "_selected_action": ["330106005", "330106011"]},
        follow=True)

    assert response.status_code == 200
    assert "共 4 个乡镇（街道）平台" in response.content.decode()
    assert Department.objects.count() == 8
    assert set(Department.objects.values_list("region_id", flat=True)) == {
        "330106005", "330106011"}
    assert AuditEvent.objects.filter(action="platforms.created", actor=admin).count() == 2


def test_platforms_created_before_english_names_get_theirs_on_migrating() -> None:
    from importlib import import_module

    from django.apps import apps

    regions_load()
    grassroots_platforms_ensure(region_code="330106005", actor=None)
    Department.objects.filter(platform="market").update(name_en=None)
    Department.objects.filter(platform="governance").update(name_en="Governance, as edited")

    import_module("onevisit.accounts.migrations.0011_platform_english_names").platforms_named(
        apps, None)

    with translation.override("en"):
        names = dict(Department.objects.values_list("platform", "name_en"))
    assert names["market"] == "翠苑街道 market supervision platform"
    assert names["governance"] == "Governance, as edited"
