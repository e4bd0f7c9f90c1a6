"""Reading past tickets from a file another system exported: CSV (UTF-8, or GBK/GB18030 as
Chinese spreadsheets save it) or Excel `.xlsx`, one ticket a row under a header row.

A text column and a department column are found by their headers in Chinese or English
(诉求内容, 工单内容 … / 承办单位, 主办单位 …); a title column is added to the text, a
region-code column is used when there is one, other columns are ignored. The department is
given by its code or its name (full, or without the city and district in front). Rows with
an empty text or department, or a department this instance does not have, are skipped and
counted.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from onevisit.accounts.models import Department, Region
from onevisit.accounts.services import department_code_from_name
from onevisit.audit.services import audit_record
from onevisit.errors import InvalidInput
from onevisit.hotline.dispatch.model import Sample

TEXT_HEADERS = ("诉求内容", "工单内容", "来电内容", "反映内容", "问题描述", "诉求描述", "事项描述",
                "内容", "text", "content", "description", "body")
DEPARTMENT_HEADERS = ("承办单位", "主办单位", "处理部门", "承办部门", "办理单位", "责任单位",
                      "处置单位", "主办部门", "派发部门", "部门", "单位", "department", "dept",
                      "label")
TITLE_HEADERS = ("工单标题", "诉求标题", "标题", "title", "subject")
REGION_HEADERS = ("区划代码", "行政区划代码", "region_code", "region")
REPLY_WORDS = ("答复", "回复", "办理结果", "处理结果", "reply", "answer")  # not the ticket's text
PREFIXES = ("浙江省", "杭州市", "西湖区", "杭州市西湖区")  # said or not before a name
MAX_ROWS = 1_000_000
MAX_CREATED = 500  # departments created from one file: more is a wrong column


class SampleFileError(ValueError):
    """The file cannot be read as past tickets; the message says why."""


@dataclass
class SampleFile:
    samples: list[Sample] = field(default_factory=list)
    rows: int = 0
    skipped_empty: int = 0
    skipped_unknown: Counter[str] = field(default_factory=Counter)  # department → rows
    columns: dict[str, str] = field(default_factory=dict)  # role → header used

    @property
    def skipped(self) -> int:
        return self.skipped_empty + sum(self.skipped_unknown.values())


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header_key(value: object) -> str:
    return "".join(_clean(value).lstrip("\ufeff").split()).lower()


def _find(headers: list[str], names: tuple[str, ...],
          avoid: tuple[str, ...] = ()) -> int | None:
    keys = [_header_key(header) for header in headers]
    for name in names:  # exact first, in the order of preference
        if name in keys:
            return keys.index(name)
    for name in names:
        for index, key in enumerate(keys):
            if name in key and not any(word in key for word in avoid):
                return index
    return None


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SampleFileError("the file is neither UTF-8 nor GBK/GB18030 text")


def _csv_rows(path: Path) -> Iterator[list[str]]:
    text = _decode(path.read_bytes())
    if "\x00" in text:
        raise SampleFileError("the file is not a CSV text file (it holds binary data)")
    # The delimiter is the one the header row uses most (a sniffer guessing from the rows
    # is misled by citizens' own commas and quotes); quoting is the standard one.
    header = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=header.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    except csv.Error as error:
        raise SampleFileError(f"the CSV file is malformed: {error}") from error


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SampleFileError(f"not a readable .xlsx workbook ({error})") from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _rows(path: Path) -> Iterator[list[object]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if suffix == ".xls":
        raise SampleFileError("old .xls workbooks are not read: save it as .xlsx or CSV")
    return iter(list(row) for row in _csv_rows(path))


def department_lookup() -> dict[str, str]:
    """Department code by how a file may name it: code, name, name without city/district
    (a short name two departments share is left out)."""
    lookup: dict[str, str] = {}
    ambiguous: set[str] = set()
    for code, name in Department.objects.values_list("code", "name"):
        lookup[code.lower()] = code
        full = _header_key(name)
        keys = {full} | {full[len(p):] for p in PREFIXES if full.startswith(p) and full[len(p):]}
        for key in keys:
            if key in lookup and lookup[key] != code:
                ambiguous.add(key)
            lookup.setdefault(key, code)
    for key in ambiguous:
        lookup.pop(key, None)
    return lookup


def _nonempty(rows: Iterable[list[object]]) -> Iterator[list[object]]:
    return (row for row in rows if any(_clean(cell) for cell in row))


def samples_read(path: Path) -> SampleFile:
    """The samples of a file of past tickets. Raises SampleFileError with the reason when
    the file cannot be used."""
    if not path.is_file():
        raise SampleFileError(f"no such file: {path}")
    rows = _nonempty(_rows(path))
    header = next(rows, None)
    if header is None:
        raise SampleFileError("the file is empty")
    headers = [_clean(cell) for cell in header]
    text_at = _find(headers, TEXT_HEADERS, avoid=REPLY_WORDS)
    department_at = _find(headers, DEPARTMENT_HEADERS)
    if text_at is None or department_at is None or text_at == department_at:
        missing = "text column (诉求内容/工单内容/内容/text …)" if text_at is None else (
            "department column (承办单位/主办单位/处理部门/department …)")
        raise SampleFileError(f"the header row has no {missing}; it has: "
                              f"{', '.join(h for h in headers if h) or '(nothing)'}")
    title_at = _find(headers, TITLE_HEADERS)
    region_at = _find(headers, REGION_HEADERS)
    title_at = None if title_at in (text_at, department_at) else title_at
    region_at = None if region_at in (text_at, department_at, title_at) else region_at
    result = SampleFile(columns={"text": headers[text_at], "department": headers[department_at]})
    if title_at is not None:
        result.columns["title"] = headers[title_at]
    if region_at is not None:
        result.columns["region"] = headers[region_at]
    lookup = department_lookup()

    def cell(row: list[object], index: int | None) -> str:
        return _clean(row[index]) if index is not None and index < len(row) else ""

    for row in rows:
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise SampleFileError(f"more than {MAX_ROWS} rows: split the file")
        text, department = cell(row, text_at), cell(row, department_at)
        if not text or not department:
            result.skipped_empty += 1
            continue
        code = lookup.get(department.lower()) or lookup.get(_header_key(department))
        if code is None:
            result.skipped_unknown[department] += 1
            continue
        title = cell(row, title_at)
        region = cell(row, region_at)
        result.samples.append(Sample(
            text=f"{title}\n{text}" if title else text, department=code,
            region_code=region if region.isdigit() and len(region) in (6, 9, 12) else "",
        ))
    return result


@transaction.atomic
def departments_create(*, names: Iterable[str], region_code: str,
                       actor: object = None) -> list[Department]:
    """Create the departments a file of past tickets names and the instance lacks, under
    `region_code`; a name already there (by name or code) is left as it is. Raises
    InvalidInput for an unknown region or an empty name."""
    region = Region.objects.filter(code=region_code.strip()).first()
    if region is None:
        raise InvalidInput(_("行政区划代码不存在"), {"region_code": _("行政区划代码不存在")})
    lookup = department_lookup()
    wanted = [name for name in dict.fromkeys(_clean(name) for name in names)
              if name and lookup.get(name.lower()) is None
              and lookup.get(_header_key(name)) is None]
    if len(wanted) > MAX_CREATED:
        message = (_("文件中有 %(count)s 个未知部门，一次最多新建 %(max)s 个")
                   % {"count": len(wanted), "max": MAX_CREATED})
        raise InvalidInput(message, {"departments": message})
    created = [Department.objects.create(
        code=department_code_from_name(name=name, region_code=region.code), name=name[:128],
        region=region) for name in wanted]
    if created:
        audit_record(actor=actor, action="departments.created_from_file",
                     entity="region", entity_id=region.code,
                     data={"departments": [d.code for d in created]})
    return created
