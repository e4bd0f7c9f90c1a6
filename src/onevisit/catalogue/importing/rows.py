"""One row of a catalogue file: its cells checked and read as an item's terms."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from onevisit.catalogue.codes import (
    BASIC_CODE,
    CODE_MAX_LENGTH,
    implementation_code_parse,
    region_code_12,
    region_codes_12_up,
)
from onevisit.catalogue.constants import NATIONAL_KIND_CODES, ItemKind, LimitUnit
from onevisit.catalogue.importing.table import COLUMNS
from onevisit.catalogue.services import Standard, StandardMaterial

# Which column a refusal of an item's field points at.
FIELD_COLUMNS = {
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
CHANNEL_FIELDS = ("channel_window", "channel_online", "channel_courier")
_SEPARATORS = re.compile(r"[,，、;；/\s]+")
_MATERIAL_SEPARATORS = re.compile(r"[\n;；]+")
_MATERIAL = re.compile(r"^(?P<name>.*?)\s*(?:\[(?P<flags>[^\[\]]*)\])?$")
_COPIES = re.compile(r"^复印件(?P<n>\d+)?份?$")




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


def row_parse(row: Row, *, region_code: str, evidence: dict[str, int],
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
        terms.update({name: name in chosen for name in CHANNEL_FIELDS})
    if row.given("materials"):
        materials, found = _materials(cells["materials"], evidence)
        for reason in found:
            problem("materials", reason)
        row.materials = materials


def standard_of(row: Row) -> Standard:
    """A provisional standard from what the row states."""
    terms = row.terms
    committed = terms.get("committed_limit")
    return Standard(
        name=row.name, kind=row.kind, legal_basis=terms.get("legal_basis", ""),
        statutory_limit=terms.get("statutory_limit"),
        committed_limit=committed if terms.get("statutory_limit") is not None else None,
        limit_unit=terms.get("limit_unit", ""), fee_yuan=terms.get("fee_yuan"),
        fee_note=terms.get("fee_note", ""), promised_visits=terms.get("promised_visits"),
        **{name: terms.get(name, False) for name in CHANNEL_FIELDS},
    )
