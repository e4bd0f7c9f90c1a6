"""Importing records pushed by courts and other registries (法院及其他部门推送) from a
.csv (UTF-8 or GBK) or .xlsx file: the whole file is checked first and every bad row is
named (row, column, reason); one bad row and nothing is stored; importing the same file
again changes nothing (a record is one per source, reference and subject)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from onevisit.accounts.models import Region, SubjectKind
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.credit.constants import CreditSource, Severity
from onevisit.credit.models import CreditRecord
from onevisit.credit.services import credit_record_add
from onevisit.files.tables import (
    FileRejected,
    RowProblem,
    TableFileError,
    header_key,
    table_read,
)

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000

# Column key → the headers a file may give it (Chinese or English).
COLUMNS: dict[str, tuple[str, ...]] = {
    "subject_kind": ("主体类型", "subject_kind"),
    "subject_code": ("统一社会信用代码或证件号码", "统一社会信用代码", "证件号码",
                     "subject_code"),
    "subject_name": ("名称或姓名", "名称", "subject_name"),
    "reference": ("来源编号", "文书编号", "reference"),
    "severity": ("严重程度", "severity"),
    "fact": ("失信事实", "fact"),
    "legal_basis": ("认定依据", "legal_basis"),
    "region": ("认定地区代码", "行政区划代码", "region"),
    "valid_from": ("有效期起", "valid_from"),
    "valid_until": ("有效期至", "valid_until"),
}
KINDS = {"法人": SubjectKind.ENTERPRISE, "企业": SubjectKind.ENTERPRISE,
         "enterprise": SubjectKind.ENTERPRISE, "自然人": SubjectKind.PERSON,
         "个人": SubjectKind.PERSON, "person": SubjectKind.PERSON}
SEVERITIES = {"轻微": Severity.MINOR, "轻微失信": Severity.MINOR, "minor": Severity.MINOR,
              "一般": Severity.GENERAL, "一般失信": Severity.GENERAL,
              "general": Severity.GENERAL, "严重": Severity.SERIOUS,
              "严重失信": Severity.SERIOUS, "serious": Severity.SERIOUS}


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    unchanged: int


def _date(value: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _code_problem(kind: str, code: str) -> str:
    try:
        if kind == SubjectKind.ENTERPRISE:
            uscc.validate(code)
        else:
            ric.validate(code)
    except ValidationError:
        return (_("不是有效的统一社会信用代码") if kind == SubjectKind.ENTERPRISE
                else _("不是有效的居民身份证号码"))
    return ""


@dataclass
class _Parsed:
    line: int
    values: dict[str, Any]


def _parse(lines: list[tuple[int, list[str]]], positions: dict[str, int],
           problems: list[RowProblem]) -> list[_Parsed]:
    regions = set(Region.objects.values_list("code", flat=True))
    parsed: list[_Parsed] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in lines:
        row = {key: (cells[i] if i < len(cells) else "") for key, i in positions.items()}
        before = len(problems)

        def problem(column: str, reason: str, line: int = line) -> None:
            problems.append(RowProblem(line, column, reason))

        for key in COLUMNS:
            if not row[key]:
                problem(COLUMNS[key][0], _("不能为空"))
        kind = KINDS.get(header_key(row["subject_kind"]))
        if row["subject_kind"] and kind is None:
            problem(COLUMNS["subject_kind"][0], _("应为“法人”或“自然人”"))
        code = row["subject_code"].upper()
        if kind is not None and code and _code_problem(kind, code):
            problem(COLUMNS["subject_code"][0], _code_problem(kind, code))
        severity = SEVERITIES.get(header_key(row["severity"]))
        if row["severity"] and severity is None:
            problem(COLUMNS["severity"][0], _("应为“轻微”“一般”或“严重”"))
        if row["region"] and row["region"] not in regions:
            problem(COLUMNS["region"][0], _("没有这个行政区划代码"))
        start, end = _date(row["valid_from"]), _date(row["valid_until"])
        if row["valid_from"] and start is None:
            problem(COLUMNS["valid_from"][0], _("日期应为 YYYY-MM-DD"))
        if row["valid_until"] and end is None:
            problem(COLUMNS["valid_until"][0], _("日期应为 YYYY-MM-DD"))
        if start is not None and end is not None and end <= start:
            problem(COLUMNS["valid_until"][0], _("应晚于有效期起"))
        if len(row["reference"]) > 64 or len(row["subject_name"]) > 128:
            problem(COLUMNS["reference"][0], _("来源编号最长 64 字，名称最长 128 字"))
        twin = seen.get((row["reference"], code))
        if twin is not None:
            problem(COLUMNS["reference"][0], _("与第 %(row)d 行重复") % {"row": twin})
        seen.setdefault((row["reference"], code), line)
        if len(problems) == before:
            parsed.append(_Parsed(line, {
                "subject_kind": kind, "subject_code": code,
                "subject_name": row["subject_name"], "reference": row["reference"],
                "severity": severity, "fact": row["fact"], "legal_basis": row["legal_basis"],
                "region_id": row["region"], "valid_from": start,
                "valid_days": ((end - start).days if start and end else 0),
            }))
    return parsed


def _conflicts(parsed: list[_Parsed], problems: list[RowProblem]) -> list[_Parsed]:
    """Rows already imported: unchanged ones are skipped; a changed one is a problem (a
    registry corrects a record by a new reference, and the old one by an objection)."""
    existing = {
        (r.reference, r.subject_code): r for r in CreditRecord.objects.filter(
            source=CreditSource.REGISTRY_IMPORT,
            reference__in={p.values["reference"] for p in parsed})
    }
    new = []
    for row in parsed:
        values = row.values
        record = existing.get((values["reference"], values["subject_code"]))
        if record is None:
            new.append(row)
            continue
        same = (record.severity == values["severity"] and record.fact == values["fact"]
                and record.valid_from == values["valid_from"]
                and record.valid_until == values["valid_from"]
                + dt.timedelta(days=values["valid_days"]))
        if not same:
            problems.append(RowProblem(row.line, COLUMNS["reference"][0],
                                    _("该来源编号已导入，内容不同：更正请使用新的来源编号")))
    return new


def credit_import(*, name: str, content: bytes, actor: Any) -> ImportResult:
    """Check the whole file, then store every new record in one transaction; or store
    nothing and name every bad row (FileRejected)."""
    try:
        header, lines = table_read(name=name, content=content, max_bytes=MAX_BYTES,
                                   max_rows=MAX_ROWS)
    except TableFileError as error:
        raise FileRejected([RowProblem(0, "", str(error))]) from error
    problems: list[RowProblem] = []
    keys = [header_key(cell) for cell in header]
    positions: dict[str, int] = {}
    for column, aliases in COLUMNS.items():
        found = next((keys.index(header_key(a)) for a in aliases if header_key(a) in keys), None)
        if found is None:
            problems.append(RowProblem(1, aliases[0], _("缺少这一列")))
        else:
            positions[column] = found
    if problems:
        raise FileRejected(problems)
    parsed = _parse(lines, positions, problems)
    new = _conflicts(parsed, problems)
    if problems:
        raise FileRejected(problems)
    created = _store(new=new, name=name, actor=actor)
    return ImportResult(rows=len(lines), created=created, unchanged=len(lines) - created)


@atomic_audited
def _store(*, new: list[_Parsed], name: str, actor: Any) -> int:
    for row in new:
        credit_record_add(source=CreditSource.REGISTRY_IMPORT, actor=actor, **row.values)
    audit_record(actor=actor, action="credit.imported", entity="credit_import",
                 entity_id=name[:64], data={"created": len(new)})
    return len(new)
