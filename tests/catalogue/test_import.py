"""Importing a region's implementation list: a bad file is refused whole with every problem
listed and nothing stored; importing again changes nothing; a county's real list imports."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from onevisit.accounts.models import Department
from onevisit.accounts.services import regions_load
from onevisit.audit.models import AuditEvent
from onevisit.catalogue.constants import ItemKind, ItemStatus, LimitUnit
from onevisit.catalogue.importing import FileRejected, RowProblem, catalogue_import
from onevisit.catalogue.models import (
    BasicItem,
    BasicMaterial,
    MaterialRequirement,
    PendingImplementation,
    ServiceItem,
)
from onevisit.catalogue.services import item_publish
from tests.catalogue.scene import LEGAL_BASIS, Province
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GUANGAN = Path(__file__).parent / "data" / "guangan-district-items.csv"


def _snapshot() -> dict[str, Any]:
    """Everything an import may write, as values."""
    return {
        "basic": list(BasicItem.objects.order_by("code").values()),
        "basic_materials": list(BasicMaterial.objects.order_by("pk").values()),
        "items": list(ServiceItem.objects.order_by("pk").values()),
        "materials": list(MaterialRequirement.objects.order_by("pk").values()),
        "pending": list(PendingImplementation.objects.order_by("code").values()),
        "departments": list(Department.objects.order_by("code").values()),
        "audit": AuditEvent.objects.count(),
    }


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# --------------------------------------------------------------------------- the real list


@pytest.fixture
def regions(db: None) -> None:
    regions_load()


def test_a_countys_exported_list_imports_as_basic_entries_and_pending_items(regions: None):
    result = catalogue_import(name=GUANGAN.name, content=GUANGAN.read_bytes(),
                              region_code="511602", actor=None)

    assert (result.rows, result.basic_created, result.pending_created, result.items_created,
            result.departments_created) == (1135, 1135, 1135, 0, 34)
    assert result.ignored_columns == ["group"]
    assert result.local_codes == ["E-000004-001-11511301008778386B",
                                  "E-000021-001-1111111111111111", "H-000185-001-4444444444"]
    entry = PendingImplementation.objects.select_related("basic_item", "department").get(
        code="511A0138000000-511602000000-000-115113010833722043-1-00")
    assert (entry.basic_item.code, entry.basic_item.name, entry.basic_item.kind,
            entry.basic_item.region_id, entry.region_id, entry.department.name) == (
        "511A0138000000", "适龄儿童、少年因身体状况需要延缓入学或者休学审批",
        ItemKind.LICENSING, "51", "511602", "区教科体局")
    # A province's item a county implements keeps the province's region in its code.
    assert PendingImplementation.objects.filter(
        code="511A0077700002-510000000000-000-8282348-1-00", region_id="511602").exists()
    assert BasicItem.objects.filter(code="E-000004-001-11511301008778386B").exists()
    assert set(BasicItem.objects.values_list("kind", flat=True)) == {
        ItemKind.LICENSING, ItemKind.PAYMENT, ItemKind.CONFIRMATION, ItemKind.REWARD,
        ItemKind.ADJUDICATION, ItemKind.OTHER_POWER, ItemKind.PUBLIC_SERVICE}
    assert ServiceItem.objects.count() == 0  # names and codes only: nothing to publish yet


def test_importing_the_same_list_again_changes_nothing(regions: None):
    catalogue_import(name=GUANGAN.name, content=GUANGAN.read_bytes(), region_code="511602",
                     actor=None)
    before = _snapshot()

    again = catalogue_import(name=GUANGAN.name, content=GUANGAN.read_bytes(),
                             region_code="511602", actor=None)

    assert not again.changed
    assert again.unchanged == 1135
    assert _snapshot() == before


# --------------------------------------------------------------------------- a bad file


BAD = _csv(
    "实施编码,事项名称,事项类型,实施部门,法定时限,承诺时限,办理渠道,申请材料",
    "33-SJ-101-330110000000-000-113301100025011110-1-00,个体工商户变更登记,1,余杭区市场监督管理局,"
    "5,3,窗口,申请书[原件]",
    "33-SJ-102-330110000000-000-113301100025011110-1-00,,1,余杭区市场监督管理局,,,,",
    "33-SJ-103-330106000000-000-113301100025011110-1-00,食品小作坊登记,99,余杭区市场监督管理局"
    ",,,,",
    "33-SJ-101-330110000000-000-113301100025011110-1-00,个体工商户变更登记,1,余杭区市场监督管理局"
    ",5,3,,",
    "33-SJ-104-330110000000-000-113301100025011110-1-00,小餐饮登记,10,余杭区市场监督管理局,"
    "三天,8,窗口 飞鸽,照片[彩色]",
    "33-SJ-105-330110000000-000-113301100025011110-1-00,小食杂店登记,10,余杭区市场监督管理局,"
    "5,8,,",
)


def test_a_bad_file_is_refused_whole_with_every_problem_listed(province: Province):
    before = _snapshot()

    with pytest.raises(FileRejected) as rejected:
        catalogue_import(name="yuhang.csv", content=BAD, region_code="330110", actor=None)

    assert rejected.value.problems == [
        RowProblem(3, "事项名称", "必填"),
        RowProblem(4, "实施编码",
                "实施编码中的区划代码 330106000000 不是导入地区 330110000000 或其上级的"),
        RowProblem(4, "事项类型", "不认识的事项类型“99”"),
        RowProblem(6, "法定时限", "应为不小于 0 的整数"),
        RowProblem(6, "办理渠道", "不认识的办理渠道：飞鸽"),
        RowProblem(6, "申请材料", "“照片”：不认识的标注“彩色”"),
        RowProblem(7, "承诺时限", "承诺时限不能长于法定时限"),
        RowProblem(5, "实施编码", "与第 2 行重复"),
    ]
    assert rejected.value.errors["4:实施编码"].startswith("实施编码中的区划代码")
    assert _snapshot() == before


def test_a_file_without_the_required_columns_names_them(province: Province):
    before = _snapshot()

    with pytest.raises(FileRejected) as rejected:
        catalogue_import(name="list.csv", content=_csv("code,name", "A-1,事项"),
                         region_code="330110", actor=None)

    assert [(p.row, p.column) for p in rejected.value.problems] == [
        (1, "事项类型"), (1, "实施部门")]
    assert _snapshot() == before


def test_a_region_that_does_not_exist_is_refused(province: Province):
    with pytest.raises(FileRejected) as rejected:
        catalogue_import(name="list.csv", content=BAD, region_code="999999", actor=None)

    assert rejected.value.problems == [RowProblem(0, "--region", "没有这个行政区划代码：999999")]


# --------------------------------------------------------------------------- full guides


FULL_HEADER = ("实施编码,事项名称,事项类型,实施部门,设定依据,法定时限,承诺时限,时限单位,"
               "收费标准（元）,跑动次数,办理渠道,申请材料")
YUHANG_FOOD = "33-SJ-003-330110000000-000-113301100025011110-1-00"


def _food_row(*, committed: int = 8, visits: int = 1, materials: str | None = None) -> str:
    basis = LEGAL_BASIS.replace("\n", "\\n")
    listed = materials if materials is not None else (
        "营业执照[共享=business-licence]；食品经营许可申请书[原件]；设备布局图[复印件2份、非必交]")
    return (f'{YUHANG_FOOD},食品经营许可,1,余杭区市场监督管理局,"{basis}",20,{committed},'
            f"工作日,0,{visits},窗口、网上,{listed}")


def _full(*rows: str) -> bytes:
    return _csv(FULL_HEADER, *rows).replace(b"\\n", b"\n")


def test_a_full_list_drafts_items_within_their_standard(province: Province):
    result = catalogue_import(name="yuhang.csv", content=_full(_food_row()),
                              region_code="330110", actor=None)

    assert (result.items_created, result.basic_created, result.pending_created,
            result.departments_created) == (1, 0, 0, 0)
    item = ServiceItem.objects.get(code=YUHANG_FOOD)
    assert (item.status, item.basic_item, item.department, item.committed_limit,
            item.limit_unit, item.promised_visits) == (
        ItemStatus.DRAFT, province.food, province.yuhang_market, 8, LimitUnit.WORKING_DAYS, 1)
    assert list(item.materials.values_list("name", "original", "copies", "required")) == [
        ("营业执照", False, 0, True), ("食品经营许可申请书", True, 0, True),
        ("设备布局图", False, 2, False)]
    assert item.materials.get(name="营业执照").evidence_type == province.licence
    item_publish(item=item, actor=None)


def test_a_row_that_loosens_the_standard_is_refused_naming_the_columns(province: Province):
    before = _snapshot()

    with pytest.raises(FileRejected) as rejected:
        catalogue_import(name="yuhang.csv", content=_full(_food_row(committed=12, visits=2)),
                         region_code="330110", actor=None)

    assert rejected.value.problems == [
        RowProblem(2, "承诺时限", "承诺时限 12 个工作日 长于基本目录的 10 个工作日"),
        RowProblem(2, "跑动次数", "承诺最多跑 2 次，多于基本目录的最多跑 1 次"),
    ]
    assert _snapshot() == before


def test_a_changed_row_makes_a_new_draft_of_a_published_item_and_again_nothing(
        province: Province):
    catalogue_import(name="yuhang.csv", content=_full(_food_row()), region_code="330110",
                     actor=None)
    item_publish(item=ServiceItem.objects.get(code=YUHANG_FOOD), actor=None)
    tighter = _full(_food_row(committed=5, materials="营业执照[共享=business-licence]；"
                                                     "食品经营许可申请书[原件]"))

    first = catalogue_import(name="yuhang.csv", content=tighter, region_code="330110",
                             actor=None)
    after_first = _snapshot()
    second = catalogue_import(name="yuhang.csv", content=tighter, region_code="330110",
                              actor=None)

    assert (first.items_changed, second.items_changed, second.changed) == (1, 0, False)
    assert _snapshot() == after_first
    versions = {item.version: item for item in ServiceItem.objects.filter(code=YUHANG_FOOD)}
    assert (versions[1].status, versions[1].committed_limit) == (ItemStatus.PUBLISHED, 8)
    assert (versions[2].status, versions[2].committed_limit) == (ItemStatus.DRAFT, 5)
    # Listed by name, the materials are the standard's: they keep its codes.
    assert list(versions[2].materials.values_list("code", flat=True)) == [
        "licence", "application"]
    assert versions[1].materials.count() == 3


def test_a_names_only_row_of_a_complete_standard_is_drafted_from_it(province: Province):
    content = _csv("实施编码,事项名称,事项类型,实施部门",
                   f"{YUHANG_FOOD},食品经营许可,1,余杭区市场监督管理局")

    result = catalogue_import(name="yuhang.csv", content=content, region_code="330110",
                              actor=None)

    assert (result.items_created, result.pending_created) == (1, 0)
    item = ServiceItem.objects.get(code=YUHANG_FOOD)
    assert (item.committed_limit, item.promised_visits, item.legal_basis) == (10, 1, LEGAL_BASIS)
    assert sorted(item.materials.values_list("code", flat=True)) == [
        "application", "layout", "licence", "rules"]
    item_publish(item=item, actor=None)


def test_a_name_that_differs_from_the_basic_entry_is_refused(province: Province):
    content = _csv("实施编码,事项名称,事项类型,实施部门",
                   f"{YUHANG_FOOD},食品经营许可（告知承诺）,1,余杭区市场监督管理局")

    with pytest.raises(FileRejected) as rejected:
        catalogue_import(name="yuhang.csv", content=content, region_code="330110", actor=None)

    assert rejected.value.problems == [
        RowProblem(2, "事项名称", "基本编码相同的事项名称应一致：食品经营许可（33-SJ-003）")]


def test_an_excel_workbook_imports_like_a_csv(province: Province):
    book = Workbook()
    sheet = book.active
    sheet.append(["实施编码", "事项名称", "事项类型", "实施部门", "法定时限", "承诺时限"])
    sheet.append(["33-SJ-201-330110000000-000-113301100025011110-1-00", "小餐饮登记", 10,
                  "余杭区市场监督管理局", 10, 5])
    content = io.BytesIO()
    book.save(content)

    result = catalogue_import(name="yuhang.xlsx", content=content.getvalue(),
                              region_code="330110", actor=None)

    assert (result.basic_created, result.pending_created) == (1, 1)
    basic = BasicItem.objects.get(code="33-SJ-201")
    assert (basic.name, basic.kind, basic.statutory_limit, basic.committed_limit,
            basic.region_id) == ("小餐饮登记", ItemKind.OTHER_POWER, 10, 5, "33")


# --------------------------------------------------------------------------- command, admin


def test_the_command_reports_what_it_did_and_lists_every_problem(province: Province,
                                                                tmp_path: Path):
    good = tmp_path / "good.csv"
    good.write_bytes(_full(_food_row()))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD)
    out, err = io.StringIO(), io.StringIO()

    call_command("catalogue", "import", str(good), "--region", "330110", stdout=out)
    with pytest.raises(CommandError, match="8 problems; nothing was imported"):
        call_command("catalogue", "import", str(bad), "--region", "330110", stderr=err)

    assert "good.csv: 1 rows in" in out.getvalue()
    assert "items drafted 1" in out.getvalue()
    assert err.getvalue().splitlines()[0] == "row 3, 事项名称: 必填"
    assert len(err.getvalue().splitlines()) == 8


def test_an_editor_uploads_a_list_in_the_admin(province: Province):
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(editor)

    refused = client.post("/admin/catalogue/serviceitem/import/", {
        "region": "330110", "file": _upload("bad.csv", BAD)})
    imported = client.post("/admin/catalogue/serviceitem/import/", {
        "region": "330110", "file": _upload("good.csv", _full(_food_row()))})

    assert refused.status_code == imported.status_code == 200
    assert "未导入：8 处错误" in refused.content.decode()
    assert "与第 2 行重复" in refused.content.decode()
    assert "已导入" in imported.content.decode()
    assert ServiceItem.objects.filter(code=YUHANG_FOOD, status=ItemStatus.DRAFT).count() == 1


def _upload(name: str, content: bytes) -> Any:
    return SimpleUploadedFile(name, content, content_type="text/csv")

