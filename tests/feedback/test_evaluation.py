"""第三方评估: a masked sample exported (the phone only in a logged export with its
purpose) and the evaluator's results file imported whole or not at all."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from onevisit.audit.models import AuditEvent
from onevisit.errors import InvalidInput, NotAllowed
from onevisit.feedback.models import EvaluationExport, EvaluationResult, EvaluationSample
from onevisit.feedback.selectors import evaluation_summary
from onevisit.feedback.services import (
    evaluation_export,
    evaluation_import,
    evaluation_sample_draw,
    results_file_read,
    rows_csv,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 8)
HEADER = "办件编号,是否接通,满意度,跑动次数,意见,访谈日期\n"


def _sample(world, finish, n: int = 3) -> EvaluationSample:
    for _ in range(n):
        finish()
    return evaluation_sample_draw(actor=world.supervisor, title="2026年第四季度第三方评估",
                                  size=n, completed_from=DAY, completed_until=DAY,
                                  seed="third-party")


def _csv(text: str) -> list[dict[str, str]]:
    return results_file_read(content=(HEADER + text).encode("utf-8-sig"), filename="r.csv")


def test_the_export_masks_the_applicant_and_logs_the_phone_with_its_purpose(world, finish):
    sample = _sample(world, finish, 2)
    rows = evaluation_export(sample_id=sample.pk, actor=world.supervisor,
                             purpose="委托第三方电话回访满意度")

    header, first = rows[0], rows[1]
    assert header[:7] == ["序号", "办件编号", "事项", "办理部门", "办结日期", "申请人", "联系电话"]
    assert first[1] == sample.numbers[0]
    assert first[3] == world.housing.name
    assert first[5] == "王**"  # the name masked
    assert first[6] == "13812345678"  # the phone, for the interviewer's call
    assert world.citizen_id not in "".join("".join(row) for row in rows)
    export = EvaluationExport.objects.get()
    assert (export.purpose, export.rows, export.exported_by) == (
        "委托第三方电话回访满意度", 2, world.supervisor)
    assert AuditEvent.objects.filter(action="evaluation.exported").count() == 1
    assert rows_csv(rows).startswith(b"\xef\xbb\xbf")

    with pytest.raises(InvalidInput):  # no purpose, no export
        evaluation_export(sample_id=sample.pk, actor=world.supervisor, purpose=" ")
    with pytest.raises(NotAllowed):
        evaluation_export(sample_id=sample.pk, actor=world.reviewer(world.housing),
                          purpose="看看")
    assert EvaluationExport.objects.count() == 1


def test_a_good_results_file_is_imported_and_shown(world, finish):
    sample = _sample(world, finish)
    a, b, c = sample.numbers
    rows = _csv(f"{a},是,5,1,很满意,2026-12-08\n{b},是,3,2,,2026-12-08\n{c},否,,,,\n")
    evaluation_import(sample_id=sample.pk, actor=world.supervisor, rows=rows)

    summary = evaluation_summary(sample=sample)
    assert (summary.sampled, summary.interviewed, summary.reached) == (3, 3, 2)
    assert summary.average == 4.0
    assert summary.average_visits == 1.5
    board = Client()
    board.force_login(world.supervisor)
    page = board.get(f"/dashboard/evaluations/{sample.pk}/").content.decode()
    assert "4.0" in page
    assert "很满意" in page
    dashboard = board.get("/dashboard/verdict/").content.decode()
    assert "已访谈 3 户，接通 2 户" in dashboard


def test_a_malformed_results_file_is_rejected_whole_with_every_bad_row_named(world, finish):
    sample = _sample(world, finish)
    a, b, c = sample.numbers
    rows = _csv(f"{a},是,5,1,好,2026-12-08\n"         # line 2: good
                f"{b},也许,6,,,\n"                      # line 3: two faults
                f"330106-XX-9999,是,4,,,\n"             # line 4: not in the sample
                f"{a},否,,,,\n"                          # line 5: a second row for a
                f"{c},是,4,很多,,2026-13-40\n")          # line 6: visits and date
    with pytest.raises(InvalidInput) as refused:
        evaluation_import(sample_id=sample.pk, actor=world.supervisor, rows=rows)

    errors = refused.value.errors
    assert sorted(errors) == ["row_3", "row_4", "row_5", "row_6"]
    assert "是否接通" in errors["row_3"]
    assert "满意度" in errors["row_3"]
    assert "不在样本中" in errors["row_4"]
    assert "重复" in errors["row_5"]
    assert "跑动次数" in errors["row_6"]
    assert "访谈日期" in errors["row_6"]
    assert "4 行有误" in str(refused.value.message)
    assert not EvaluationResult.objects.exists()
    sample.refresh_from_db()
    assert sample.imported_at is None


def test_the_page_names_every_bad_row_and_stores_nothing(world, finish):
    sample = _sample(world, finish)
    a, b, _ = sample.numbers
    book = Workbook()
    sheet = book.active
    sheet.append(["办件编号", "是否接通", "满意度"])
    sheet.append([a, "是", 9])
    sheet.append([b, "否", 3])
    content = io.BytesIO()
    book.save(content)
    board = Client()
    board.force_login(world.supervisor)
    upload = io.BytesIO(content.getvalue())
    upload.name = "结果.xlsx"
    page = board.post(f"/dashboard/evaluations/{sample.pk}/import/", {"file": upload},
                      follow=True).content.decode()
    assert "第 2 行" in page
    assert "第 3 行" in page
    assert not EvaluationResult.objects.exists()


def test_a_file_without_the_needed_columns_or_readable_content_is_refused(world, finish):
    with pytest.raises(InvalidInput) as refused:
        results_file_read(content="编号,结果\n1,2\n".encode(), filename="r.csv")
    assert "是否接通" in refused.value.errors["file"]
    with pytest.raises(InvalidInput):
        results_file_read(content=b"\x00\x01garbage", filename="r.xlsx")


def test_the_export_downloads_as_excel(world, finish):
    sample = _sample(world, finish, 1)
    board = Client()
    board.force_login(world.supervisor)
    response = board.post(f"/dashboard/evaluations/{sample.pk}/export/",
                          {"purpose": "电话访谈", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(2, 2).value == sample.numbers[0]
    assert EvaluationExport.objects.get().purpose == "电话访谈"
