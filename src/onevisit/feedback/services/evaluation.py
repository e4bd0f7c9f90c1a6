"""第三方评估: a reproducible random sample of completed applications is exported for an
outside evaluator's phone interviews, and the evaluator's results file comes back.

What the export holds (docs/feedback.md): the application's number, item, departments and
completion date, the applicant's name masked (王**), and her phone number in full — the
interviewer must call her. No ID number, no address, no form data. Because it carries the
phone numbers, every export names its purpose and is logged (who, when, why, how many).

The results file is validated whole: every bad row is named, and nothing is stored while
any row is bad."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.regions import covers, scope_of
from onevisit.applications.models import Application
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import InvalidInput, NotFound
from onevisit.feedback.constants import SAMPLE_MAX
from onevisit.feedback.models import EvaluationExport, EvaluationResult, EvaluationSample
from onevisit.feedback.services.common import (
    actor_region,
    completed_numbers,
    draw,
    new_seed,
    require_supervisor,
    sample_window,
    text_clean,
)
from onevisit.files.tables import TableFileError, table_rows
from onevisit.workdays.calendar import TZ

FILE_MAX = 2 * 1024 * 1024
ROWS_MAX = SAMPLE_MAX
# The columns of the export; the evaluator fills in the last five and sends it back.
EXPORT_COLUMNS = ("序号", "办件编号", "事项", "办理部门", "办结日期", "申请人", "联系电话")
RESULT_COLUMNS = ("办件编号", "是否接通", "满意度", "跑动次数", "意见", "访谈日期")
REQUIRED_COLUMNS = ("办件编号", "是否接通", "满意度")
YES, NO = "是", "否"


def name_mask(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def phone_mask(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "*" * len(phone)


def phone_of(application: Application) -> str:
    """The number to call, as dialled in China (stored in E.164: +86…)."""
    phone = str(application.data.get("phone") or application.delivery_contact.get("phone")
                or getattr(application.applicant, "phone", "") or "")
    return phone.removeprefix("+86")


def _sample(sample_id: int, actor: Any, *, lock: bool = False) -> EvaluationSample:
    rows = EvaluationSample.objects.select_for_update() if lock else EvaluationSample.objects
    sample = rows.filter(pk=sample_id).first()
    if sample is None or not covers(scope_of(actor), sample.region_id):
        raise NotFound(_("评估样本不存在"))
    return sample


@atomic_audited
def evaluation_sample_draw(*, actor: Any, title: str, size: int,
                           completed_from: dt.date | None, completed_until: dt.date | None,
                           seed: str = "", region_code: str = "") -> EvaluationSample:
    """Draw the sample (same algorithm and seed rule as surveys: docs/feedback.md)."""
    require_supervisor(actor, _("抽取第三方评估样本"))
    errors: dict[str, Any] = {}
    name = text_clean(title, field="title", label=_("名称"), limit=120, errors=errors)
    first, last = sample_window(size, completed_from, completed_until, errors, SAMPLE_MAX)
    seed = (seed or "").strip()
    if len(seed) > 64:
        errors["seed"] = _("随机种子最多64个字符")
    if errors:
        raise InvalidInput(_("抽样设置有误"), errors)
    region = actor_region(actor, region_code)
    population = completed_numbers(region=region, completed_from=first,
                                   completed_until=last)
    if not population:
        raise InvalidInput(_("抽样设置有误"),
                           {"completed_from": _("这段时间没有办结的办件")})
    seed = seed or new_seed()
    numbers = draw(population, size=size, seed=seed)
    sample = EvaluationSample.objects.create(
        region=region, title=name, seed=seed, size=size, completed_from=first,
        completed_until=last, numbers=numbers, created_by=actor,
        created_at=clock.now())
    audit_record(actor=actor, action="evaluation.sampled", entity="evaluation_sample",
                 entity_id=sample.pk, data={"seed": seed, "size": size,
                                            "population": len(population)})
    return sample


def _departments_of(numbers: Sequence[str]) -> dict[str, str]:
    names: dict[str, list[str]] = {}
    for number, department in (Application.objects.filter(number__in=numbers)
                               .values_list("number", "cases__department__name")
                               .order_by("number", "cases__department__name").distinct()):
        if department and department not in names.setdefault(number, []):
            names[number].append(department)
    return {number: "、".join(found) for number, found in names.items()}


@atomic_audited
def evaluation_export(*, sample_id: int, actor: Any, purpose: str) -> list[list[str]]:
    """The sample for the interviewers, header row first, with the phone numbers in full:
    logged with its purpose."""
    require_supervisor(actor, _("导出第三方评估样本"))
    errors: dict[str, Any] = {}
    why = text_clean(purpose, field="purpose", label=_("导出用途"), limit=200, errors=errors)
    if errors:
        raise InvalidInput(_("请说明导出用途"), errors)
    sample = _sample(sample_id, actor)
    applications = Application.objects.select_related("applicant").in_bulk(
        sample.numbers, field_name="number")
    departments = _departments_of(sample.numbers)
    rows = [list(EXPORT_COLUMNS + RESULT_COLUMNS[1:])]
    for n, number in enumerate(sample.numbers, start=1):
        application = applications[number]
        completed = application.completed_at.astimezone(TZ).date().isoformat() \
            if application.completed_at else ""
        rows.append([str(n), number, application.title, departments.get(number, ""), completed,
                     name_mask(application.applicant_name), phone_of(application),
                     "", "", "", "", ""])
    EvaluationExport.objects.create(sample=sample, purpose=why, exported_by=actor,
                                    exported_at=clock.now(), rows=len(rows) - 1)
    audit_record(actor=actor, action="evaluation.exported", entity="evaluation_sample",
                 entity_id=sample.pk, data={"purpose": why, "rows": len(rows) - 1,
                                            "unmasked": ["phone"]})
    return rows


def rows_csv(rows: list[list[str]]) -> bytes:
    """CSV with a byte-order mark, as Chinese spreadsheets open it."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def rows_xlsx(rows: list[list[str]], *, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.create_sheet(title[:31] or "sample", 0)
    del book[book.sheetnames[1]]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def results_file_read(*, content: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of the evaluator's results file (.csv or .xlsx, told by its content), each
    by its header; the first row is the header."""
    if len(content) > FILE_MAX:
        raise InvalidInput(_("结果文件过大"), {"file": _("最大 2 MB")})
    try:
        table = table_rows(name=filename, content=content, max_bytes=FILE_MAX)
    except TableFileError as error:
        raise InvalidInput(_("无法读取结果文件"), {"file": str(error)}) from error
    if not table or not any(table[0]):
        raise InvalidInput(_("结果文件是空的"), {"file": _("第一行应为表头")})
    header = [cell.strip() for cell in table[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InvalidInput(_("结果文件缺少列"), {"file": _("缺少列：%(names)s") % {
            "names": "、".join(missing)}})
    if len(table) - 1 > ROWS_MAX:
        raise InvalidInput(_("结果文件行数过多"),
                           {"file": _("最多 %(max)d 行") % {"max": ROWS_MAX}})
    return [{name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
            for row in table[1:]]


def _result_row(row: dict[str, str], sampled: set[str], seen: set[str],
                sample: EvaluationSample) -> tuple[EvaluationResult | None, list[str]]:
    """One row as a result, or what is wrong with it."""
    problems: list[str] = []
    number = row.get("办件编号", "")
    if not number:
        problems.append(_("办件编号为空"))
    elif number not in sampled:
        problems.append(_("办件 %(number)s 不在样本中") % {"number": number})
    elif number in seen:
        problems.append(_("办件 %(number)s 重复") % {"number": number})
    seen.add(number)
    reached_text = row.get("是否接通", "")
    if reached_text not in (YES, NO):
        problems.append(_("是否接通应为“是”或“否”"))
    reached = reached_text == YES
    score_text, score = row.get("满意度", ""), None
    if reached:
        if score_text not in {"1", "2", "3", "4", "5"}:
            problems.append(_("满意度应为 1 至 5"))
        else:
            score = int(score_text)
    elif score_text:
        problems.append(_("未接通的满意度应为空"))
    visits_text, visits = row.get("跑动次数", ""), None
    if visits_text:
        if not visits_text.isdigit() or int(visits_text) > 20:
            problems.append(_("跑动次数应为 0 至 20 的整数"))
        else:
            visits = int(visits_text)
    comment = row.get("意见", "")
    if len(comment) > 500:
        problems.append(_("意见最多500字"))
    day_text, day = row.get("访谈日期", ""), None
    if day_text:
        try:
            day = dt.date.fromisoformat(day_text)
        except ValueError:
            problems.append(_("访谈日期应为 YYYY-MM-DD"))
        else:
            if day < sample.created_at.astimezone(TZ).date() or day > clock.now().astimezone(
                    TZ).date():
                problems.append(_("访谈日期应在抽样之后、今天之前"))
    if problems:
        return None, problems
    return EvaluationResult(sample=sample, application_number=number, reached=reached,
                            score=score, visits=visits, comment=comment,
                            interviewed_on=day), []


@atomic_audited
def evaluation_import(*, sample_id: int, actor: Any,
                      rows: list[dict[str, str]]) -> list[EvaluationResult]:
    """The evaluator's results for the sample, validated whole: if any row is bad, every
    bad row is named (by its line in the file; the header is line 1) and nothing is
    stored. A good file replaces the sample's earlier results."""
    require_supervisor(actor, _("导入第三方评估结果"))
    sample = _sample(sample_id, actor, lock=True)
    if not rows:
        raise InvalidInput(_("结果文件没有数据行"), {"file": _("至少一行结果")})
    sampled, seen = set(sample.numbers), set[str]()
    results, errors = [], {}
    for line, row in enumerate(rows, start=2):
        result, problems = _result_row(row, sampled, seen, sample)
        if problems:
            errors[f"row_{line}"] = _("第 %(line)d 行：%(problems)s") % {
                "line": line, "problems": "；".join(problems)}
        elif result is not None:
            results.append(result)
    if errors:
        raise InvalidInput(_("结果文件有 %(count)d 行有误，未导入任何结果") % {
            "count": len(errors)}, errors)
    replaced = sample.results.count()
    sample.results.all().delete()
    stored = EvaluationResult.objects.bulk_create(results)
    sample.imported_at = clock.now()
    sample.save(update_fields=["imported_at"])
    audit_record(actor=actor, action="evaluation.imported", entity="evaluation_sample",
                 entity_id=sample.pk, data={"rows": len(stored), "replaced": replaced})
    return stored
