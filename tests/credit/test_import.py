"""`onevisit credit import FILE`: records from courts and other registries, the whole
file checked first, every bad row named, nothing stored on any error, and importing the
same file again changing nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from onevisit.audit.models import AuditEvent
from onevisit.credit.constants import CreditTier
from onevisit.credit.importing import credit_import
from onevisit.credit.models import CreditRecord
from onevisit.credit.selectors import tier_of
from onevisit.files.tables import FileRejected

pytestmark = pytest.mark.django_db

COMPANY = "91330106MA27XL0C12"
HEADER = ("主体类型,统一社会信用代码或证件号码,名称或姓名,来源编号,严重程度,失信事实,认定依据,"
          "认定地区代码,有效期起,有效期至")


def _csv(world, *rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def _good_rows(world) -> list[str]:
    return [
        f"法人,{COMPANY},杭州示例建设有限公司,(2026)浙0106执123号,严重,"
        "被列为失信被执行人,《最高人民法院关于公布失信被执行人名单信息的若干规定》,"
        "330106,2026-11-01,2029-11-01",
        f"自然人,{world.citizen_id},王小明,杭税罚〔2026〕8号,一般,"
        "逾期未申报,《税收征收管理法》第六十二条,330106,2026-10-01,2027-10-01",
    ]


def test_a_good_file_is_imported_and_importing_it_again_changes_nothing(world, tmp_path):
    path = tmp_path / "法院推送.csv"
    path.write_bytes(_csv(world, *_good_rows(world)))
    out = io.StringIO()

    call_command("credit", "import", str(path), stdout=out)

    assert "2 rows; 2 records created, 0 already imported" in out.getvalue()
    assert tier_of(COMPANY) == CreditTier.D
    assert tier_of(world.citizen_id) == CreditTier.C
    company = CreditRecord.objects.get(subject_code=COMPANY)
    assert (company.source, company.severity, company.region_id, company.subject_kind) == (
        "registry_import", "serious", "330106", "enterprise")
    events = AuditEvent.objects.count()

    again = io.StringIO()
    call_command("credit", "import", str(path), stdout=again)

    assert "2 rows; 0 records created, 2 already imported" in again.getvalue()
    assert CreditRecord.objects.count() == 2
    assert AuditEvent.objects.count() == events + 1  # only the import itself


def test_an_excel_file_is_read_like_a_csv(world):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in _good_rows(world):
        sheet.append(row.split(","))
    content = io.BytesIO()
    book.save(content)

    result = credit_import(name="推送.xlsx", content=content.getvalue(), actor=None)

    assert (result.rows, result.created) == (2, 2)


def test_a_file_with_bad_rows_is_rejected_whole_naming_every_bad_row(world, tmp_path):
    good = _good_rows(world)
    content = _csv(
        world,
        good[0],
        # row 3: a credit code with a wrong check digit, an unknown severity
        "法人,91330106MA27XL0C13,某公司,R-3,很严重,事实,依据,330106,2026-11-01,2027-11-01",
        good[1],
        # row 5: an unknown region, the period backwards
        f"自然人,{world.citizen_id},王小明,R-5,轻微,事实,依据,999999,2027-01-01,2026-01-01",
        # row 6: the same reference and subject as row 2
        good[0],
        # row 7: a fact missing, a kind nobody knows
        f"机构,{COMPANY},某公司,R-7,一般,,依据,330106,2026-11-01,2027-11-01",
    )
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    err = io.StringIO()
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("credit", "import", str(path), stderr=err)

    assert not CreditRecord.objects.exists()
    assert AuditEvent.objects.count() == events
    with pytest.raises(FileRejected) as rejected:
        credit_import(name="bad.csv", content=content, actor=None)
    named = {(p.row, p.column) for p in rejected.value.problems}
    assert named == {
        (3, "统一社会信用代码或证件号码"), (3, "严重程度"),
        (5, "认定地区代码"), (5, "有效期至"),
        (6, "来源编号"),
        (7, "失信事实"), (7, "主体类型"),
    }
    assert "row 3, 统一社会信用代码或证件号码: 不是有效的统一社会信用代码" in err.getvalue()
    assert "row 6, 来源编号: 与第 2 行重复" in err.getvalue()


def test_a_missing_column_rejects_the_file(world):
    with pytest.raises(FileRejected) as rejected:
        credit_import(name="x.csv", content="主体类型,名称或姓名\n法人,某公司\n".encode(),
                      actor=None)

    assert (1, "统一社会信用代码或证件号码") in {(p.row, p.column)
                                               for p in rejected.value.problems}
    assert not CreditRecord.objects.exists()


def test_a_changed_row_under_a_reference_already_imported_is_refused(world):
    credit_import(name="a.csv", content=_csv(world, *_good_rows(world)), actor=None)
    changed = _good_rows(world)[1].replace("一般", "严重")

    with pytest.raises(FileRejected) as rejected:
        credit_import(name="b.csv", content=_csv(world, changed), actor=None)

    assert [(p.row, p.column) for p in rejected.value.problems] == [(2, "来源编号")]
    assert CreditRecord.objects.get(subject_code=world.citizen_id).severity == "general"
