"""Uploaded tables, read one way for every import (the catalogue's implementation lists,
the registries' credit records, an evaluator's results): the rows of a CSV file (UTF-8 or
GBK/GB18030; comma, tab or semicolon) or of an .xlsx workbook's first sheet, as text; and
how an import refuses a file whole, naming every bad row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from onevisit.errors import InvalidInput


class TableFileError(ValueError):
    """The file cannot be read as a table; the message says why."""


@dataclass(frozen=True)
class RowProblem:
    row: int  # the row's line in the file (the header is row 1); 0 for the file as a whole
    column: str
    reason: str


class FileRejected(InvalidInput):
    """The file was refused whole; nothing was stored. `problems` lists every one."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(f"{problem.row}:{problem.column}", []).append(problem.reason)
        super().__init__(
            _("导入未执行：文件有 %(n)d 处错误，全部改正后重新导入") % {"n": len(problems)},
            {key: "；".join(reasons) for key, reasons in errors.items()})
        self.problems = list(problems)


def header_key(value: object) -> str:
    """A header as it is compared: width-normalised, without spaces, lower case."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return "".join(text.lstrip("\ufeff").split()).lower()


def cell_text(value: object) -> str:
    """A cell as text: a spreadsheet's date as YYYY-MM-DD, a whole number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(content: bytes) -> list[list[object]]:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableFileError(_("文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本"))
    if "\x00" in text:
        raise TableFileError(_("文件不是 CSV 文本（含有二进制数据）"))
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192],
                                                                      delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as error:
        raise TableFileError(_("CSV 文件格式有误：%(error)s") % {"error": error}) from error


def _xlsx_rows(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableFileError(_("不是可读取的 .xlsx 工作簿")) from error
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def table_rows(*, name: str, content: bytes, max_bytes: int) -> list[list[str]]:
    """Every row of a .csv or .xlsx file (told by its content, or else its name), as text."""
    if len(content) > max_bytes:
        raise TableFileError(_("文件超过 %(mb)d MB") % {"mb": max(1, max_bytes // 1024 // 1024)})
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "xls":
        raise TableFileError(_("不读取旧版 .xls 工作簿：请另存为 .xlsx 或 CSV"))
    is_zip = content[:4] == b"PK\x03\x04"
    raw = _xlsx_rows(content) if suffix in ("xlsx", "xlsm") or is_zip else _csv_rows(content)
    return [[cell_text(value) for value in row] for row in raw]


def table_read(*, name: str, content: bytes, max_bytes: int,
               max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows (with their line numbers) of a .csv or .xlsx file."""
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(table_rows(name=name, content=content,
                                              max_bytes=max_bytes), start=1):
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        rows.append((number, cells))
        if len(rows) > max_rows:
            raise TableFileError(_("超过 %(n)d 行：请分成几个文件导入") % {"n": max_rows})
    if header is None:
        raise TableFileError(_("文件是空的"))
    return header, rows
