"""Reading a catalogue file: a .csv (UTF-8, or GBK/GB18030 as Chinese spreadsheets save
it) or .xlsx table under a header row, its columns found by their names; and the problems
an import reports, each with its row and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onevisit.files.tables import RowProblem, header_key
from onevisit.files.tables import table_read as files_table_read

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


def table_read(*, name: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows (with their line numbers) of a .csv or .xlsx file."""
    return files_table_read(name=name, content=content, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def columns_find(header: list[str], *,
                 problems: list[RowProblem]) -> tuple[dict[str, int], list[str]]:
    """Where each known column is, and the headers of the columns no column is."""
    keys = [header_key(cell) for cell in header]
    positions: dict[str, int] = {}
    for column in COLUMNS:
        for alias in column.headers:
            if header_key(alias) in keys:
                positions[column.key] = keys.index(header_key(alias))
                break
        if column.required and column.key not in positions:
            problems.append(RowProblem(1, str(column.label), _("缺少此列（可用的列名：%(names)s）")
                                    % {"names": "、".join(column.headers)}))
    used = set(positions.values())
    return positions, [cell for i, cell in enumerate(header) if i not in used and cell]


def header_of(key: str, header: list[str], positions: dict[str, int]) -> str:
    """How the file names a column (its own header), or the documented name."""
    index = positions.get(key)
    return header[index] if index is not None else str(BY_KEY[key].label)
