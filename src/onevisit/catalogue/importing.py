"""Importing a region's implementation list (实施清单) from a CSV or Excel file, at scale.

The columns are found by their headers (docs/standards.md lists them): the implementation
code, name, item type and implementing department are required; the basic code, the
region code, the department's own code, and the guide's terms (legal basis, conditions,
limits, fee, visits, channels, materials) are optional. A county's exported list such as
department,group,name,item_code,task_type,dept_code,area_code is read as it is; columns
the import does not know are named in the result and left alone.

`catalogue_import` checks every row before it writes anything and lists every problem
(row, column, reason) at once; one bad row and nothing is imported. What each row makes:

- its basic entry, if the province has none with that code yet: a provisional one, from
  what the row states (name, type, and any of legal basis, limits, fee, visits, channels,
  materials) — an entry the basic catalogue's editors complete or correct later;
- a draft service item when the basic entry is complete: the row's terms over the
  standard's (over the item's current ones, for a code that exists), refused if any
  loosens the standard; the editor then publishes it;
- otherwise (a file of names and codes only) a pending entry of the implementation list,
  drafted from the standard once it is complete (`pending_implementation_draft`).

Importing the same file again changes nothing: a row whose item (or pending entry) already
says what the row says is left alone.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onevisit import clock
from onevisit.accounts.models import Department, Region
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.codes import (
    BASIC_CODE,
    CODE_MAX_LENGTH,
    implementation_code_parse,
    region_code_12,
    region_codes_12_up,
)
from onevisit.catalogue.constants import NATIONAL_KIND_CODES, ItemKind, ItemStatus, LimitUnit
from onevisit.catalogue.models import (
    BasicItem,
    BasicMaterial,
    EvidenceType,
    MaterialRequirement,
    PendingImplementation,
    ServiceItem,
)
from onevisit.catalogue.services import (
    Standard,
    StandardMaterial,
    basic_item_save,
    item_new_version,
    item_values_from_standard,
    materials_from_standard,
    province_of,
    standard_problems,
)
from onevisit.catalogue.standard import (
    REFUSED,
    chinese,
    in_chinese,
    item_findings,
    standard_missing,
)
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
_BY_KEY = {column.key: column for column in COLUMNS}
# Which column a refusal of an item's field points at.
_FIELD_COLUMNS = {
    "name": "name", "kind": "kind", "legal_basis": "legal_basis", "code": "item_code",
    "statutory_limit": "statutory_limit", "committed_limit": "committed_limit",
    "fee_yuan": "fee_yuan", "promised_visits": "promised_visits", "materials": "materials",
    "channel_window": "channels", "channel_online": "channels", "channel_courier": "channels",
}
UNITS = {"工作日": LimitUnit.WORKING_DAYS, "working_days": LimitUnit.WORKING_DAYS,
         "分钟": LimitUnit.MINUTES, "minutes": LimitUnit.MINUTES}
CHANNEL_WORDS = {"窗口": "channel_window", "window": "channel_window",
                 "网上": "channel_online", "网办": "channel_online", "online": "channel_online",
                 "快递": "channel_courier", "邮寄": "channel_courier",
                 "courier": "channel_courier"}
_CHANNEL_FIELDS = ("channel_window", "channel_online", "channel_courier")
_SEPARATORS = re.compile(r"[,，、;；/\s]+")
_MATERIAL_SEPARATORS = re.compile(r"[\n;；]+")
_MATERIAL = re.compile(r"^(?P<name>.*?)\s*(?:\[(?P<flags>[^\[\]]*)\])?$")
_COPIES = re.compile(r"^复印件(?P<n>\d+)?份?$")


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


@dataclass
class ImportResult:
    rows: int = 0
    basic_created: int = 0
    items_created: int = 0
    items_changed: int = 0
    pending_created: int = 0
    pending_changed: int = 0
    departments_created: int = 0
    unchanged: int = 0
    local_codes: list[str] = field(default_factory=list)  # not in the national pattern
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((self.basic_created, self.items_created, self.items_changed,
                    self.pending_created, self.pending_changed, self.departments_created))


# --------------------------------------------------------------------------- reading


def _header_key(value: object) -> str:
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


# --------------------------------------------------------------------------- one row


@dataclass
class Row:
    number: int
    cells: dict[str, str]  # column key → the cell, for the columns the file has
    item_code: str = ""
    basic_code: str = ""
    name: str = ""
    kind: str = ""
    department: str = ""
    terms: dict[str, Any] = field(default_factory=dict)  # the item's fields the row states
    materials: list[StandardMaterial] | None = None

    def given(self, key: str) -> bool:
        return bool(self.cells.get(key, ""))


def _kind(value: str) -> str | None:
    if value in NATIONAL_KIND_CODES:
        return NATIONAL_KIND_CODES[value]
    labels = {str(label): kind for kind, label in ItemKind.choices}
    return labels.get(value) or (value if value in ItemKind.values else None)


def _whole(value: str, problems: list[str]) -> int | None:
    try:
        number = int(value)
    except ValueError:
        problems.append(_("应为不小于 0 的整数"))
        return None
    if number < 0:
        problems.append(_("应为不小于 0 的整数"))
        return None
    return number


def material_code(name: str) -> str:
    """A material's code, stable across imports of the same list: from its name."""
    return "m-" + hashlib.sha256(name.encode()).hexdigest()[:10]


def _materials(text: str, evidence: dict[str, int]) -> tuple[list[StandardMaterial], list[str]]:
    """"名称[原件,复印件2份,非必交,容缺,共享=evidence_code]" entries, one a line or
    separated by ；"""
    materials: list[StandardMaterial] = []
    problems: list[str] = []
    for entry in (part.strip() for part in _MATERIAL_SEPARATORS.split(text)):
        if not entry:
            continue
        match = _MATERIAL.match(entry)
        name = match["name"].strip() if match else ""
        if not name or len(name) > 255:
            problems.append(_("“%(entry)s”：材料名称应为1至255个字符") % {"entry": entry})
            continue
        options: dict[str, Any] = {}
        for flag in (f.strip() for f in re.split(r"[,，、]", (match and match["flags"]) or "")):
            copies = _COPIES.match(flag)
            if not flag:
                continue
            if flag == "原件":
                options["original"] = True
            elif copies:
                options["copies"] = int(copies["n"] or 1)
            elif flag in ("非必交", "非必需", "optional"):
                options["required"] = False
            elif flag in ("容缺", "tolerated"):
                options["tolerated_missing"] = True
            elif flag.startswith(("共享=", "shared=")):
                code = flag.split("=", 1)[1].strip()
                if code not in evidence:
                    problems.append(_("“%(name)s”：没有证照类型 %(code)s")
                                    % {"name": name, "code": code})
                options["evidence_type_id"] = evidence.get(code)
            else:
                problems.append(_("“%(name)s”：不认识的标注“%(flag)s”")
                                % {"name": name, "flag": flag})
        materials.append(StandardMaterial(code=material_code(name), name=name, **options))
    if len({m.code for m in materials}) != len(materials):
        problems.append(_("同一材料列了两次"))
    return materials, problems


def _row_parse(row: Row, *, region_code: str, evidence: dict[str, int],
               problem: Any) -> None:
    """Fill the row's parsed values from its cells; each problem goes to `problem`."""
    cells = row.cells
    for column in COLUMNS:
        if column.required and not cells.get(column.key):
            problem(column.key, _("必填"))
    row.item_code = code = cells.get("item_code", "")
    if code and (len(code) > CODE_MAX_LENGTH or not re.fullmatch(r"[0-9A-Za-z-]+", code)):
        problem("item_code", _("实施编码应为字母、数字和连字符，最长 %(n)d 位")
                % {"n": CODE_MAX_LENGTH})
    parsed = implementation_code_parse(code)
    if parsed is not None and parsed.region not in region_codes_12_up(region_code):
        problem("item_code", _("实施编码中的区划代码 %(found)s 不是导入地区 %(region)s 或其上级的")
                % {"found": parsed.region, "region": region_code_12(region_code)})
    basic_code = cells.get("basic_code", "")
    if basic_code and parsed is not None and basic_code != parsed.basic:
        problem("basic_code", _("与实施编码中的基本编码 %(code)s 不一致") % {"code": parsed.basic})
    row.basic_code = basic_code or (parsed.basic if parsed else code)
    if row.basic_code and not BASIC_CODE.match(row.basic_code):
        problem("basic_code", _("基本编码应为字母和数字，可用连字符分段"))
    row.name = cells.get("name", "")
    if len(row.name) > 255:
        problem("name", _("最多255个字符"))
    if cells.get("kind"):
        row.kind = _kind(cells["kind"]) or ""
        if not row.kind:
            problem("kind", _("不认识的事项类型“%(value)s”") % {"value": cells["kind"]})
    row.department = cells.get("department", "")
    if len(row.department) > 128:
        problem("department", _("最多128个字符"))
    area = cells.get("region", "")
    if area and region_code_12(area) != region_code_12(region_code):
        problem("region", _("不是导入地区的区划代码 %(region)s") % {"region": region_code})
    _terms_parse(row, evidence=evidence, problem=problem)


def _terms_parse(row: Row, *, evidence: dict[str, int], problem: Any) -> None:
    cells, terms = row.cells, row.terms
    for key in ("legal_basis", "conditions", "fee_note"):
        if row.given(key):
            terms[key] = cells[key]
    if len(terms.get("fee_note", "")) > 255:
        problem("fee_note", _("最多255个字符"))
    for key in ("statutory_limit", "committed_limit", "promised_visits"):
        if row.given(key):
            found: list[str] = []
            value = _whole(cells[key], found)
            for reason in found:
                problem(key, reason)
            if value is not None:
                terms[key] = value
    if row.given("limit_unit"):
        unit = UNITS.get(cells["limit_unit"].lower())
        if unit is None:
            problem("limit_unit", _("应为“工作日”或“分钟”"))
        else:
            terms["limit_unit"] = unit
    elif "statutory_limit" in terms or "committed_limit" in terms:
        terms["limit_unit"] = LimitUnit.WORKING_DAYS
    if "statutory_limit" in terms and "committed_limit" in terms and (
            terms["committed_limit"] > terms["statutory_limit"]):
        problem("committed_limit", _("承诺时限不能长于法定时限"))
    if row.given("fee_yuan"):
        try:
            fee = Decimal(cells["fee_yuan"])
        except InvalidOperation:
            problem("fee_yuan", _("应为金额（元）"))
        else:
            if not fee.is_finite() or fee < 0 or fee.as_tuple().exponent < -2:  # type: ignore[operator]
                problem("fee_yuan", _("应为不小于 0、最多两位小数的金额"))
            else:
                terms["fee_yuan"] = fee
    if row.given("channels"):
        words = [w for w in _SEPARATORS.split(cells["channels"].lower()) if w]
        unknown = [w for w in words if w not in CHANNEL_WORDS]
        if unknown:
            problem("channels", _("不认识的办理渠道：%(words)s") % {"words": "、".join(unknown)})
        chosen = {CHANNEL_WORDS[w] for w in words if w in CHANNEL_WORDS}
        terms.update({name: name in chosen for name in _CHANNEL_FIELDS})
    if row.given("materials"):
        materials, found = _materials(cells["materials"], evidence)
        for reason in found:
            problem("materials", reason)
        row.materials = materials


def _standard_of(row: Row) -> Standard:
    """A provisional standard from what the row states."""
    terms = row.terms
    committed = terms.get("committed_limit")
    return Standard(
        name=row.name, kind=row.kind, legal_basis=terms.get("legal_basis", ""),
        statutory_limit=terms.get("statutory_limit"),
        committed_limit=committed if terms.get("statutory_limit") is not None else None,
        limit_unit=terms.get("limit_unit", ""), fee_yuan=terms.get("fee_yuan"),
        fee_note=terms.get("fee_note", ""), promised_visits=terms.get("promised_visits"),
        **{name: terms.get(name, False) for name in _CHANNEL_FIELDS},
    )


# --------------------------------------------------------------------------- the import


@dataclass
class _Plan:
    """What the checked file will write, row by row."""

    region: Region
    province: Region
    rows: list[Row]
    basics: dict[str, BasicItem]  # existing or (unsaved) provisional, by basic code
    new_basics: dict[str, Row]  # basic code → the row its provisional standard is from
    items: dict[str, ServiceItem]  # the current version of each existing item code
    latest: dict[str, ServiceItem]  # the latest version of each, retired ones too
    pending: dict[str, PendingImplementation]
    departments: dict[str, Department]  # by name, in the region


@atomic_audited
def catalogue_import(*, name: str, content: bytes, region_code: str, actor: Any) -> ImportResult:
    """Import a region's implementation list (see the module's docstring). Every row is
    checked first; any problem raises ImportRejected listing them all, and nothing is
    written. Importing the same file twice changes nothing the second time."""
    region = Region.objects.filter(pk=region_code).first()
    if region is None:
        raise ImportRejected([Problem(0, "--region", _("没有这个行政区划代码：%(code)s")
                                      % {"code": region_code})])
    try:
        header, table = table_read(name=name, content=content)
    except CatalogueFileError as error:
        raise ImportRejected([Problem(0, name, str(error))]) from error
    result = ImportResult(rows=len(table))
    problems: list[Problem] = []
    positions = _columns_find(header, result=result, problems=problems)
    if problems:
        raise ImportRejected(problems)
    evidence = dict(EvidenceType.objects.values_list("code", "pk"))
    rows = []
    for number, cells in table:
        row = Row(number=number, cells={key: cells[i] if i < len(cells) else ""
                                        for key, i in positions.items()})

        def problem(key: str, reason: str, number: int = number) -> None:
            problems.append(Problem(number, _header_of(key, header, positions), reason))

        _row_parse(row, region_code=region.pk, evidence=evidence, problem=problem)
        rows.append(row)
    plan = _plan(rows, region=region, header=header, positions=positions, problems=problems)
    if problems:
        raise ImportRejected(problems)
    result.local_codes = [row.item_code for row in rows
                          if implementation_code_parse(row.item_code) is None]
    _apply(plan, result=result, actor=actor)
    if result.changed:
        audit_record(actor=actor, action="catalogue.imported", entity="region",
                     entity_id=region.pk, data={
                         "file": name, "rows": result.rows,
                         "basic_created": result.basic_created,
                         "items_created": result.items_created,
                         "items_changed": result.items_changed,
                         "pending_created": result.pending_created,
                         "pending_changed": result.pending_changed,
                         "departments_created": result.departments_created})
    return result


def _columns_find(header: list[str], *, result: ImportResult,
                  problems: list[Problem]) -> dict[str, int]:
    keys = [_header_key(cell) for cell in header]
    positions: dict[str, int] = {}
    for column in COLUMNS:
        for alias in column.headers:
            if _header_key(alias) in keys:
                positions[column.key] = keys.index(_header_key(alias))
                break
        if column.required and column.key not in positions:
            problems.append(Problem(1, str(column.label), _("缺少此列（可用的列名：%(names)s）")
                                    % {"names": "、".join(column.headers)}))
    used = set(positions.values())
    result.ignored_columns = [cell for i, cell in enumerate(header) if i not in used and cell]
    return positions


def _header_of(key: str, header: list[str], positions: dict[str, int]) -> str:
    """How the file names a column (its own header), or the documented name."""
    index = positions.get(key)
    return header[index] if index is not None else str(_BY_KEY[key].label)


def _plan(rows: list[Row], *, region: Region, header: list[str], positions: dict[str, int],
          problems: list[Problem]) -> _Plan:
    """Check the rows against each other and against what is stored."""

    def problem(row: Row, key: str, reason: str) -> None:
        problems.append(Problem(row.number, _header_of(key, header, positions), reason))

    codes = [row.item_code for row in rows if row.item_code]
    basic_codes = {row.basic_code for row in rows if row.basic_code}
    province = province_of(region)
    plan = _Plan(
        region=region, province=province, rows=rows,
        basics={basic.code: basic for basic in BasicItem.objects.filter(code__in=basic_codes)
                .select_related("region").prefetch_related("materials")},
        new_basics={},
        items={},
        latest={},
        pending={entry.code: entry for entry in
                 PendingImplementation.objects.filter(code__in=codes)},
        departments={department.name: department
                     for department in Department.objects.filter(region=region)},
    )
    for item in (ServiceItem.objects.filter(code__in=codes).order_by("code", "version")
                 .select_related("department").prefetch_related("materials")):
        plan.latest[item.code] = item
        current = plan.items.get(item.code)
        if item.status != ItemStatus.RETIRED and (
                current is None or current.status == ItemStatus.PUBLISHED):
            plan.items[item.code] = item  # a draft after the published version wins
    seen: dict[str, int] = {}
    bad = {p.row for p in problems}
    for row in rows:
        if not (row.item_code and row.basic_code and row.name and row.kind):
            continue
        if row.item_code in seen:
            problem(row, "item_code", _("与第 %(row)d 行重复") % {"row": seen[row.item_code]})
            continue
        seen[row.item_code] = row.number
        _basic_check(row, plan=plan, problem=problem, reported=row.number in bad)
        _existing_check(row, plan=plan, problem=problem)
        _material_codes_resolve(row, plan=plan)
    for row in rows:
        if row.item_code in seen and seen[row.item_code] == row.number and not any(
                p.row == row.number for p in problems):
            _standard_check(row, plan=plan, problem=problem)
    return plan


def _basic_check(row: Row, *, plan: _Plan, problem: Any, reported: bool) -> None:
    basic = plan.basics.get(row.basic_code)
    if basic is None:
        standard = _standard_of(row)
        # The provisional standard is the row's: what is wrong with it was said of the row.
        problems = {} if reported else standard_problems(code=row.basic_code,
                                                          standard=standard)
        for key, reason in problems.items():
            problem(row, _FIELD_COLUMNS.get(key, "basic_code" if key == "code" else key), reason)
        basic = BasicItem(code=row.basic_code, region=plan.province, kind=row.kind,
                          **{in_chinese("name"): row.name},
                          **{k: v for k, v in vars(standard).items()
                             if k not in ("name", "kind")})
        plan.basics[row.basic_code] = basic
        plan.new_basics[row.basic_code] = row
        return
    first = plan.new_basics.get(row.basic_code)
    origin = (_("第 %(row)d 行") % {"row": first.number}) if first else basic.code
    if row.name != chinese(basic, "name"):
        problem(row, "name", _("基本编码相同的事项名称应一致：%(name)s（%(origin)s）")
                % {"name": chinese(basic, "name"), "origin": origin})
    if row.kind != basic.kind:
        problem(row, "kind", _("基本编码相同的事项类型应一致：%(kind)s（%(origin)s）")
                % {"kind": basic.get_kind_display(), "origin": origin})
    if basic.pk and not plan.region.pk.startswith(basic.region_id):
        problem(row, "basic_code", _("基本目录事项 %(code)s 属于 %(region)s，不适用于本地区")
                % {"code": basic.code, "region": basic.region.name})


def _material_codes_resolve(row: Row, *, plan: _Plan) -> None:
    """A listed material is the standard's (or the item's) material of the same name: it
    takes that one's code, so it is compared with it and replaces it; a new one keeps the
    code made from its name."""
    if not row.materials:
        return
    basic = plan.basics[row.basic_code]
    current = plan.items.get(row.item_code)
    known = {chinese(m, "name"): m.code for m in current.materials.all()} if current else {}
    if basic.pk:
        known |= {chinese(m, "name"): m.code for m in basic.materials.all()}
    row.materials = [dataclasses.replace(m, code=known.get(m.name, m.code))
                     for m in row.materials]


def _existing_check(row: Row, *, plan: _Plan, problem: Any) -> None:
    for found in (plan.latest.get(row.item_code), plan.pending.get(row.item_code)):
        if found is None:
            continue
        if found.region_id != plan.region.pk:
            problem(row, "item_code", _("此实施编码已被其他地区（%(region)s）使用")
                    % {"region": found.region_id})
        elif found.basic_item_id is not None and (
                found.basic_item_id != getattr(plan.basics.get(row.basic_code), "pk", None)):
            problem(row, "item_code", _("此实施编码的事项实施的是另一个基本目录事项"))


def _standard_check(row: Row, *, plan: _Plan, problem: Any) -> None:
    """The item the row makes or changes must not loosen its standard."""
    basic = plan.basics[row.basic_code]
    if standard_missing(basic):
        return  # a pending entry: nothing is drafted yet
    item, materials = _target(row, plan=plan)
    if item is None:
        return
    standard_materials = (list(basic.materials.all()) if basic.pk else _standard_materials(
        plan.new_basics[row.basic_code]))
    for finding in item_findings(item=item, basic=basic, materials=materials,
                                 standard_materials=standard_materials):
        if finding.verdict in REFUSED:
            problem(row, _FIELD_COLUMNS.get(finding.field, "item_code"), finding.message)


def _standard_materials(row: Row) -> list[BasicMaterial]:
    return [BasicMaterial(code=m.code, **{in_chinese("name"): m.name},
                          evidence_type_id=m.evidence_type_id, original=m.original,
                          copies=m.copies, required=m.required,
                          tolerated_missing=m.tolerated_missing)
            for m in row.materials or []]


def _target(row: Row, *, plan: _Plan) -> tuple[ServiceItem | None, list[MaterialRequirement]]:
    """The item as the row would leave it (unsaved), and its materials; None when the row
    changes nothing of an existing item."""
    basic = plan.basics[row.basic_code]
    current = plan.items.get(row.item_code)
    department = plan.departments.get(row.department)
    values: dict[str, Any] = {in_chinese("name"): row.name, "kind": row.kind, **row.terms}
    if current is None:
        item = ServiceItem(code=row.item_code, basic_item=basic, region=plan.region,
                           region_level=plan.region.level, conditions="",
                           **item_values_from_standard(basic))
        if basic.pk is None:  # a provisional standard: its materials are the row's
            materials = [MaterialRequirement(code=m.code, **{in_chinese("name"): m.name},
                                             evidence_type_id=m.evidence_type_id,
                                             original=m.original, copies=m.copies,
                                             required=m.required,
                                             tolerated_missing=m.tolerated_missing)
                         for m in row.materials or []]
        else:
            materials = materials_from_standard(basic)
        if department is not None:
            item.department = department
    else:
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if current.department.name != row.department:
            changed.append("department")
        if current.basic_item_id is None or current.basic_item_id != basic.pk:
            changed.append("basic_item")
        if row.materials is not None and _materials_differ(current, row.materials):
            changed.append("materials")
        if not changed:
            return None, []
        item = ServiceItem.objects.get(pk=current.pk)
        # Copies: the current version's own rows stay as they are until written.
        materials = [copy.copy(material) for material in current.materials.all()]
    for name, value in values.items():
        setattr(item, name, value)
    if row.materials is not None:
        materials = _materials_made(row.materials, previous=materials)
    return item, materials


def _materials_differ(item: ServiceItem, materials: list[StandardMaterial]) -> bool:
    current = [(m.code, chinese(m, "name"), m.evidence_type_id, m.original, m.copies,
                m.required, m.tolerated_missing) for m in item.materials.all()]
    wanted = [(m.code, m.name, m.evidence_type_id, m.original, m.copies, m.required,
               m.tolerated_missing) for m in materials]
    return current != wanted


def _materials_made(specs: list[StandardMaterial], *,
                    previous: list[MaterialRequirement]) -> list[MaterialRequirement]:
    """The row's materials as requirements, keeping a previous one's note and blank form."""
    kept = {material.code: material for material in previous}
    made = []
    for order, spec in enumerate(specs):
        material = kept.get(spec.code) or MaterialRequirement(code=spec.code)
        setattr(material, in_chinese("name"), spec.name)
        material.evidence_type_id = spec.evidence_type_id
        material.original, material.copies = spec.original, spec.copies
        material.required, material.tolerated_missing = spec.required, spec.tolerated_missing
        material.order = order
        made.append(material)
    return made


def _apply(plan: _Plan, *, result: ImportResult, actor: Any) -> None:
    for basic_code, row in plan.new_basics.items():
        plan.basics[basic_code] = basic_item_save(
            code=basic_code, region_code=plan.province.pk, standard=_standard_of(row),
            materials=row.materials or [], actor=actor)
        result.basic_created += 1
    for row in plan.rows:
        department = plan.departments.get(row.department)
        if department is None:
            department = plan.departments[row.department] = _department_create(
                row, region=plan.region)
            result.departments_created += 1
        basic = plan.basics[row.basic_code]
        if standard_missing(basic):
            _pending_save(row, plan=plan, department=department, result=result, actor=actor)
            continue
        item, materials = _target(row, plan=plan)
        if item is None:
            result.unchanged += 1
            continue
        _item_save(item, materials=materials, department=department, row=row, plan=plan,
                   result=result, actor=actor)


def _department_create(row: Row, *, region: Region) -> Department:
    """A department the list names that the region does not have yet. Its code is the
    region's and the list's own code for it when that is free, else one made from its name."""
    own = row.cells.get("department_code", "")
    code = f"{region.pk}-{own}"
    if not own or len(code) > 32 or Department.objects.filter(code=code).exists():
        code = f"{region.pk}-" + hashlib.sha256(row.department.encode()).hexdigest()[:10]
    return Department.objects.create(code=code, name=row.department, region=region)


def _pending_save(row: Row, *, plan: _Plan, department: Department, result: ImportResult,
                  actor: Any) -> None:
    entry = plan.pending.get(row.item_code)
    basic = plan.basics[row.basic_code]
    if entry is None:
        entry = PendingImplementation.objects.create(
            code=row.item_code, basic_item=basic, region=plan.region, department=department,
            imported_at=clock.now())
        result.pending_created += 1
        audit_record(actor=actor, action="pending_implementation.imported",
                     entity="pending_implementation", entity_id=entry.pk,
                     data={"code": entry.code, "basic_code": basic.code})
    elif entry.department_id != department.pk:
        entry.department = department
        entry.save(update_fields=["department"])
        result.pending_changed += 1
        audit_record(actor=actor, action="pending_implementation.changed",
                     entity="pending_implementation", entity_id=entry.pk,
                     data={"code": entry.code, "department": department.code})
    else:
        result.unchanged += 1


def _item_save(item: ServiceItem, *, materials: list[MaterialRequirement],
               department: Department, row: Row, plan: _Plan, result: ImportResult,
               actor: Any) -> None:
    current = plan.items.get(row.item_code)
    item.department = department
    item.basic_item = plan.basics[row.basic_code]
    if current is None:
        item.version, item.status = 1, ItemStatus.DRAFT
        item.save()
        result.items_created += 1
        pending = plan.pending.get(row.item_code)
        if pending is not None:
            pending.delete()
    else:
        if current.status == ItemStatus.PUBLISHED:
            draft = item_new_version(item=current, actor=actor)
            item.pk, item.version, item.status = draft.pk, draft.version, ItemStatus.DRAFT
            item.published_at = None
            materials = [_rebound(m, draft) for m in materials]
        item.save()
        result.items_changed += 1
    MaterialRequirement.objects.filter(item=item).exclude(
        pk__in=[m.pk for m in materials if m.pk]).delete()
    for material in materials:
        material.item = item
        material.save()
    audit_record(actor=actor, action="item.imported", entity="item", entity_id=item.pk,
                 data={"code": item.code, "version": item.version,
                       "basic_code": row.basic_code})


def _rebound(material: MaterialRequirement, draft: ServiceItem) -> MaterialRequirement:
    """A material of the published version as the new draft's copy of it."""
    copy = draft.materials.filter(code=material.code).first()
    if copy is None:
        material.pk = None
        return material
    for name in ("evidence_type_id", "original", "copies", "required", "tolerated_missing",
                 "order", in_chinese("name")):
        setattr(copy, name, getattr(material, name))
    return copy
