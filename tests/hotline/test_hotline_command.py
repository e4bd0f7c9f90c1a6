"""`onevisit hotline train FILE` and `onevisit hotline evaluate FILE` on CSV (UTF-8, GBK)
and .xlsx exports of past tickets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.demo.tickets import HOTLINE_DEPARTMENTS, hotline_departments_ensure, tickets_split
from onevisit.hotline.dispatch import dispatch_cache_clear
from onevisit.hotline.models import DispatchModel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    dispatch_cache_clear()
    yield
    dispatch_cache_clear()


@pytest.fixture
def departments(db: None) -> None:
    province = Region.objects.create(code="33", name="浙江省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="3301", name="杭州市", level=RegionLevel.CITY,
                                 parent=province)
    county = Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY,
                                   parent=city)
    hotline_departments_ensure(region=county)


SPLIT = tickets_split(train=240, test=120, seed=31)


def _rows(tickets: list, *, by_name: bool) -> list[list[str]]:
    return [[f"GD{index:05d}", ticket.title, ticket.text,
             HOTLINE_DEPARTMENTS[ticket.department_code] if by_name else ticket.department_code,
             "已办结"]
            for index, ticket in enumerate(tickets)]


def _csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("hotline", *args, stdout=out)
    return out.getvalue()


UNKNOWN_ROWS = [["GD90001", "", "某小区停车难", "杭州市西湖区档案馆", ""],
                ["GD90002", "", "某某问题", "xh-unknown", ""],
                ["GD90003", "", "某某问题", "xh-unknown", ""],
                ["GD90004", "", "", "xh-cgj", ""]]
HEADER = ["工单编号", "标题", "诉求内容", "承办单位", "状态"]


def test_unknown_departments_are_all_named_and_nothing_is_done(departments, tmp_path):
    strangers = [[f"GD8{index:04d}", "", f"第{index}件事情", f"外地第{index}局", ""]
                 for index in range(15)]
    train = _csv(tmp_path / "train.csv", HEADER,
                 _rows(SPLIT.train, by_name=False) + UNKNOWN_ROWS + strangers, "utf-8")
    before = Department.objects.count()
    out = io.StringIO()
    with pytest.raises(CommandError, match="17 departments are unknown"):
        call_command("hotline", "train", str(train), stdout=out)
    listed = out.getvalue()
    assert "杭州市西湖区档案馆: 1" in listed
    assert "xh-unknown: 2" in listed
    assert all(f"外地第{index}局: 1" in listed for index in range(15))  # all, not ten
    assert not DispatchModel.objects.exists()
    assert Department.objects.count() == before


def test_skip_unknown_trains_on_the_rest_then_evaluate(departments, tmp_path):
    train = _csv(tmp_path / "train.csv", HEADER,
                 _rows(SPLIT.train, by_name=False) + UNKNOWN_ROWS, "utf-8")
    output = _run("train", str(train), "--skip-unknown")
    assert "244 rows" in output
    assert "2 departments this instance does not have (3 rows)" in output
    assert "240 used, 4 skipped" in output
    assert "empty text or department: 1" in output
    assert "xh-unknown: 2" in output
    stored = DispatchModel.objects.get(active=True)
    assert stored.samples == 240
    assert f"dispatch model {stored.pk} stored and active" in output
    assert "shown as uncertain" in output

    test = _csv(tmp_path / "test.csv", ["text", "department"],
                [[t.text, t.department_code] for t in SPLIT.test], "utf-8")
    output = _run("evaluate", str(test))
    assert f"dispatch by model {stored.pk} on 120 tickets: top-1 " in output
    assert "keyword rules alone: top-1 " in output
    assert "give --train FILE or --folds K" in output
    assert "warning" not in output
    again = _run("evaluate", str(train), "--skip-unknown")  # the file it learnt from
    assert f"warning: model {stored.pk} was trained on a file named train.csv" in again


def test_create_departments_lists_them_first_then_creates_and_trains(departments, tmp_path):
    rows = [[f"GD{index:05d}", ticket.title, ticket.text,
             "嘉兴市" + HOTLINE_DEPARTMENTS[ticket.department_code].removeprefix("杭州市"), ""]
            for index, ticket in enumerate(SPLIT.train)]
    train = _csv(tmp_path / "jiaxing.csv", HEADER, rows, "utf-8")
    with pytest.raises(CommandError, match="needs --region"):
        call_command("hotline", "train", str(train), "--create-departments",
                     stdout=io.StringIO())
    with pytest.raises(CommandError, match="--region 999999"):
        call_command("hotline", "train", str(train), "--create-departments",
                     "--region", "999999", stdout=io.StringIO())
    assert not Department.objects.filter(name__startswith="嘉兴市").exists()
    assert not DispatchModel.objects.exists()

    output = _run("train", str(train), "--create-departments", "--region", "330106")
    names = {"嘉兴市" + HOTLINE_DEPARTMENTS[t.department_code].removeprefix("杭州市")
             for t in SPLIT.train}
    created = Department.objects.filter(name__startswith="嘉兴市")
    assert set(created.values_list("name", flat=True)) == names
    assert output.index("departments this instance does not have") < output.index("created ")
    assert "240 used, 0 skipped" in output
    stored = DispatchModel.objects.get(active=True)
    assert set(stored.departments) <= set(created.values_list("code", flat=True))
    # Again: the departments are there now, nothing more is created.
    again = _run("train", str(train), "--create-departments", "--region", "330106")
    assert "created " not in again
    assert created.count() == len(names)


def test_too_few_rows_create_no_department(departments, tmp_path):
    few = _csv(tmp_path / "few.csv", HEADER,
               [[f"GD{index}", "", f"第{index}件事", "嘉兴市南湖区东栅街道办事处", ""]
                for index in range(25)], "utf-8")
    with pytest.raises(CommandError, match="nothing created, nothing stored"):
        call_command("hotline", "train", str(few), "--create-departments", "--region",
                     "330106", stdout=io.StringIO())
    assert not Department.objects.filter(name__contains="东栅").exists()
    assert not DispatchModel.objects.exists()


def test_evaluate_against_the_baseline_trained_on_the_same_file(departments, tmp_path):
    train = _csv(tmp_path / "train.csv", HEADER, _rows(SPLIT.train, by_name=False), "utf-8")
    test = _csv(tmp_path / "test.csv", ["text", "department"],
                [[t.text, t.department_code] for t in SPLIT.test], "utf-8")
    output = _run("evaluate", str(test), "--train", str(train))
    assert ("trained on 240 tickets of train.csv, measured on 120 of test.csv (no model"
            in output)
    for line in ("dispatcher (onevisit)", "baseline: char 1-3-gram TF-IDF + linear SVM",
                 "keyword rules alone", "dispatcher − baseline, top-1: ", "percentage points",
                 "certain suggestions"):
        assert line in output
    assert not DispatchModel.objects.exists()


def test_evaluate_by_cross_validation(departments, tmp_path):
    data = _csv(tmp_path / "all.csv", HEADER, _rows(SPLIT.train, by_name=False), "utf-8")
    output = _run("evaluate", str(data), "--folds", "3", "--seed", "4")
    assert "3-fold cross-validation on 240 tickets (seed 4, no model stored)" in output
    assert "(folds " in output
    assert not DispatchModel.objects.exists()
    for bad, reason in ((["--folds", "1"], "at least 2 folds"),
                        (["--folds", "3", "--train", str(data)], "either --train or --folds")):
        with pytest.raises(CommandError, match=reason):
            call_command("hotline", "evaluate", str(data), *bad, stdout=io.StringIO())


def test_train_on_a_gbk_csv_with_department_names(departments, tmp_path):
    header = ["工单编号", "工单标题", "工单内容", "主办单位", "办理状态"]
    train = _csv(tmp_path / "export.csv", header, _rows(SPLIT.train, by_name=True), "gbk")
    output = _run("train", str(train))
    assert "240 used, 0 skipped" in output
    assert DispatchModel.objects.get(active=True).samples == 240


def test_train_and_evaluate_on_xlsx(departments, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "诉求内容", "处理部门", "答复内容"])
    for index, ticket in enumerate(SPLIT.train):
        # Departments by short name (without 杭州市), as exports often write them.
        name = HOTLINE_DEPARTMENTS[ticket.department_code].removeprefix("杭州市")
        sheet.append([index + 1, ticket.text, name, "已处理"])
    sheet.append([999, "路灯坏了", "火星管理局", ""])
    workbook.save(tmp_path / "train.xlsx")
    output = _run("train", str(tmp_path / "train.xlsx"), "--skip-unknown")
    assert "240 used, 1 skipped" in output
    assert "火星管理局: 1" in output

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["content", "dept"])
    for ticket in SPLIT.test:
        sheet.append([ticket.text, ticket.department_code])
    workbook.save(tmp_path / "test.xlsx")
    output = _run("evaluate", str(tmp_path / "test.xlsx"))
    assert "on 120 tickets: top-1 " in output


def test_evaluate_without_a_model_measures_the_rules(departments, tmp_path):
    test = _csv(tmp_path / "test.csv", ["内容", "承办单位"],
                [[t.text, t.department_code] for t in SPLIT.test], "utf-8")
    output = _run("evaluate", str(test))
    assert "dispatch by keyword rules (no trained model yet) on 120 tickets" in output


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("broken.xlsx", b"PK\x03\x04 this is not a workbook", "not a readable .xlsx"),
    ("binary.csv", b"\x00\x01\x02\x03" * 10, "not a CSV text file"),
    ("latin.csv", "诉求内容,承办单位\n路灯坏了,xh-cgj\n".encode("utf-16"), "neither UTF-8 nor"),
    ("empty.csv", b"", "the file is empty"),
    ("nodept.csv", "诉求内容,来电时间\n路灯坏了,2026-01-01\n".encode(), "no department column"),
    ("notext.csv", "编号,承办单位\n1,xh-cgj\n".encode(), "no text column"),
    ("unknown.csv", "诉求内容,承办单位\n路灯坏了,火星局\n".encode(), "1 department is unknown"),
    ("few.csv", "诉求内容,承办单位\n路灯坏了,xh-cgj\n油烟大,xh-cgj\n".encode(), "nothing stored"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "old .xls workbooks"),
])
def test_a_bad_file_is_refused_with_its_reason_and_nothing_stored(departments, tmp_path, name,
                                                                  content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=reason.replace(".", r"\.")):
        call_command("hotline", "train", str(path), stdout=io.StringIO())
    assert not DispatchModel.objects.exists()


def test_a_missing_file_is_refused(departments, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("hotline", "evaluate", str(tmp_path / "none.csv"), stdout=io.StringIO())
