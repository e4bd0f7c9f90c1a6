"""Reading a catalogue file: a .csv (UTF-8, or GBK/GB18030 as Chinese spreadsheets save
it) or .xlsx table under a header row, its columns found by their names; and the problems
an import reports, each with its row and column."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onevisit.errors import InvalidInput

MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # how docs and problems name it (translatable)
    headers: tuple[str, ...]  # what a file may call it (Chinese, English), normalised
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("item_code", gettext_lazy("实施编码"), ("实施编码", "事项编码", "item_code", "code"),
           required=True),
    Column("name", gettext_lazy("事项名称"), ("事项名称", "name"), required=True),
    Column("kind", gettext_lazy("事项类型"), ("事项类型", "task_type", "kind"), required=True),
    Column("department", gettext_lazy("实施部门"), ("实施部门", "实施主体", "department"),
           required=True),
    Column("basic_code", gettext_lazy("基本编码"), ("基本编码", "basic_code")),
    Column("department_code", gettext_lazy("部门编码"), ("部门编码", "dept_code",
                                                     "department_code")),
    Column("region", gettext_lazy("行政区划代码"), ("行政区划代码", "区划代码", "area_code",
                                                 "region_code")),
    Column("legal_basis", gettext_lazy("设定依据"), ("设定依据", "legal_basis")),
    Column("conditions", gettext_lazy("受理条件"), ("受理条件", "conditions")),
    Column("statutory_limit", gettext_lazy("法定时限"), ("法定时限", "statutory_limit")),
    Column("committed_limit", gettext_lazy("承诺时限"), ("承诺时限", "committed_limit")),
    Column("limit_unit", gettext_lazy("时限单位"), ("时限单位", "limit_unit")),
    Column("fee_yuan", gettext_lazy("收费标准（元）"), ("收费标准(元)", "收费标准", "收费金额",
                                                   "fee_yuan")),
    Column("fee_note", gettext_lazy("收费说明"), ("收费说明", "收费依据", "fee_note")),
    Column("promised_visits", gettext_lazy("跑动次数"), ("跑动次数", "承诺跑动次数",
                                                     "promised_visits")),
    Column("channels", gettext_lazy("办理渠道"), ("办理渠道", "channels")),
    Column("materials", gettext_lazy("申请材料"), ("申请材料", "materials")),
)
BY_KEY = {column.key: column for column in COLUMNS}


class CatalogueFileError(ValueError):
    """The file cannot be read as a table; the message says why."""


@dataclass(frozen=True)
class Problem:
    row: int  # the row's line in the file (the header is row 1); 0 for the file as a whole
    column: str
    reason: str


class ImportRejected(InvalidInput):
    """The file was refused whole; nothing was imported. `problems` lists every one."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(f"{problem.row}:{problem.column}", []).append(problem.reason)
        super().__init__(
            _("导入未执行：文件有 %(n)d 处错误，全部改正后重新导入") % {"n": len(problems)},
            {key: "；".join(reasons) for key, reasons in errors.items()})
        self.problems = list(problems)




def header_key(value: object) -> str:
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return "".join(text.lstrip("\ufeff").split()).lower()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(content: bytes) -> Iterator[list[object]]:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CatalogueFileError(_("文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本"))
    if "\x00" in text:
        raise CatalogueFileError(_("文件不是 CSV 文本（含有二进制数据）"))
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192],
                                                                      delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise CatalogueFileError(_("CSV 文件格式有误：%(error)s") % {"error": error}) from error
    return iter(list(row) for row in rows)


def _xlsx_rows(content: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise CatalogueFileError(_("不是可读取的 .xlsx 工作簿")) from error
    try:
        rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return iter(rows)


def table_read(*, name: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows (with their line numbers) of a .csv or .xlsx file."""
    if len(content) > MAX_BYTES:
        raise CatalogueFileError(_("文件超过 %(mb)d MB") % {"mb": MAX_BYTES // 1024 // 1024})
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "xls":
        raise CatalogueFileError(_("不读取旧版 .xls 工作簿：请另存为 .xlsx 或 CSV"))
    is_zip = content[:4] == b"PK\x03\x04"
    raw = _xlsx_rows(content) if suffix in ("xlsx", "xlsm") or is_zip else _csv_rows(content)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, row in enumerate(raw, start=1):
        cells = [_cell(value) for value in row]
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise CatalogueFileError(_("超过 %(n)d 行：请分成几个文件导入") % {"n": MAX_ROWS})
    if header is None:
        raise CatalogueFileError(_("文件是空的"))
    return header, rows


def columns_find(header: list[str], *,
                 problems: list[Problem]) -> tuple[dict[str, int], list[str]]:
    """Where each known column is, and the headers of the columns no column is."""
    keys = [header_key(cell) for cell in header]
    positions: dict[str, int] = {}
    for column in COLUMNS:
        for alias in column.headers:
            if header_key(alias) in keys:
                positions[column.key] = keys.index(header_key(alias))
                break
        if column.required and column.key not in positions:
            problems.append(Problem(1, str(column.label), _("缺少此列（可用的列名：%(names)s）")
                                    % {"names": "、".join(column.headers)}))
    used = set(positions.values())
    return positions, [cell for i, cell in enumerate(header) if i not in used and cell]


def header_of(key: str, header: list[str], positions: dict[str, int]) -> str:
    """How the file names a column (its own header), or the documented name."""
    index = positions.get(key)
    return header[index] if index is not None else str(BY_KEY[key].label)
