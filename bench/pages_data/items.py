"""The 1,000 published items: names, departments and kinds from a real district's list,
guides made from the item kind."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from random import Random

from django.db import transaction

from onevisit import clock
from onevisit.accounts.models import Department, RegionLevel
from onevisit.accounts.services import department_ensure
from onevisit.catalogue.constants import ItemKind, ItemStatus, LimitUnit
from onevisit.catalogue.models import (
    EvidenceType,
    FieldDef,
    ItemField,
    MaterialRequirement,
    ServiceItem,
)
from onevisit.catalogue.services import catalogue_revision_bump
from onevisit.demo.catalogue.reference import DISTRICT

SOURCE = Path(__file__).resolve().parents[1] / "data" / "guangan-items.csv"
ITEM_PREFIX = "330106-PB-"

# The source district's departments that 西湖区's demo departments already stand for; the
# others become departments of their own (`xh-pb-NN`), named after the source.
DEPARTMENT_MAP = {
    "区人社局": "xh-rsj", "广安区税务局": "xh-sw", "区住建局": "xh-zjj",
    "区自然资源和规划局": "xh-zrzy", "区公安分局": "xh-ga", "区医疗保障局": "xh-ybj",
    "区卫健局": "xh-wjj", "区民政局": "xh-mzj", "区市监局": "xh-scjg", "区发改局": "xh-fgj",
}
# The published `task_type` codes of the national item catalogue.
KINDS = {"1": ItemKind.LICENSING, "5": ItemKind.PAYMENT, "7": ItemKind.CONFIRMATION,
         "20": ItemKind.PUBLIC_SERVICE}
# Per kind: legal basis, (statutory limit, committed limits to draw from), result.
GUIDES: dict[str, tuple[str, tuple[int, tuple[int, ...]], str]] = {
    ItemKind.LICENSING: ("《中华人民共和国行政许可法》第十二条、第二十九条、第四十二条",
                         (20, (1, 3, 5, 7, 10)), "准予行政许可决定书"),
    ItemKind.CONFIRMATION: ("《浙江省行政确认事项目录》", (20, (1, 3, 5)), "确认文书"),
    ItemKind.PAYMENT: ("《浙江省行政给付事项目录》", (30, (5, 10, 15)), "给付决定书"),
    ItemKind.PUBLIC_SERVICE: ("《浙江省公共服务事项清单》", (10, (1, 2, 3)), "办理结果告知单"),
    ItemKind.OTHER_POWER: ("《浙江省行政权力事项清单》", (20, (3, 5, 10)), "办理结果"),
}
ENTERPRISE_WORDS = ("企业", "公司", "单位", "合作社", "经营", "机构", "场所", "学校", "门店")
PERSON_FIELDS = ("applicant_name", "applicant_id_number", "applicant_phone")
COMPANY_FIELDS = ("company_name", "company_uscc")


@dataclass(frozen=True)
class SourceItem:
    department: str
    group: str
    name: str
    kind: str


def source_items() -> list[SourceItem]:
    """The source list, departments interleaved so any prefix spreads over all of them."""
    with SOURCE.open(encoding="utf-8") as handle:
        rows = [SourceItem(department=r["department"], group=r["group"], name=r["name"],
                           kind=KINDS.get(r["task_type"], ItemKind.OTHER_POWER))
                for r in csv.DictReader(handle)]
    rank: Counter[str] = Counter()
    keyed = []
    for index, row in enumerate(rows):
        keyed.append((rank[row.department], index, row))
        rank[row.department] += 1
    return [row for _rank, _index, row in sorted(keyed, key=lambda k: (k[0], k[1]))]


def _departments(rows: list[SourceItem]) -> dict[str, Department]:
    existing = {d.code: d for d in Department.objects.all()}
    others = sorted({r.department for r in rows} - DEPARTMENT_MAP.keys())
    result = {name: existing[code] for name, code in DEPARTMENT_MAP.items() if code in existing}
    for number, name in enumerate(others, start=1):
        result[name] = department_ensure(code=f"xh-pb-{number:02d}",
                                         name=f"杭州市西湖区{name.removeprefix('区')}",
                                         region_code=DISTRICT)
    return result


@transaction.atomic
def items_ensure(*, target: int) -> int:
    published = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
    missing = target - published.count()
    if missing <= 0:
        return 0
    rows = source_items()
    taken_names = set(published.values_list("name", flat=True))
    taken_codes = set(ServiceItem.objects.filter(code__startswith=ITEM_PREFIX)
                      .values_list("code", flat=True))
    departments = _departments(rows)
    now = clock.now()
    chosen: list[tuple[str, SourceItem]] = []
    for number, row in enumerate(rows, start=1):
        code = f"{ITEM_PREFIX}{number:04d}"
        if len(chosen) == missing:
            break
        if code not in taken_codes and row.name not in taken_names:
            chosen.append((code, row))
            taken_names.add(row.name)
    if len(chosen) < missing:
        raise ValueError(f"the source list gives at most {len(chosen)} more items")
    created = ServiceItem.objects.bulk_create(
        [_item(code, row, departments[row.department], now) for code, row in chosen],
        batch_size=500,
    )
    _guides_add(created)
    catalogue_revision_bump()
    return len(created)


def _item(code: str, row: SourceItem, department: Department, now: dt.datetime) -> ServiceItem:
    rng = Random(code)
    basis, (statutory, committed), result = GUIDES[row.kind]
    return ServiceItem(
        code=code, version=1, status=ItemStatus.PUBLISHED, name=row.name, kind=row.kind,
        department=department, region_id=DISTRICT, region_level=RegionLevel.COUNTY,
        topic="" if row.group == "未分类" else row.group[:64],
        description="事项名称、实施部门与事项类型取自一个区县公开的政务服务事项目录，"
                    "办事指南其余要素为演示数据。",
        legal_basis=basis,
        conditions=f"申请人符合“{row.name}”的法定条件；申请材料齐全、符合法定形式。",
        statutory_limit=statutory, committed_limit=rng.choice(committed),
        limit_unit=LimitUnit.WORKING_DAYS,
        fee_yuan=Decimal(0), fee_note="不收费",
        promised_visits=rng.choice((0, 0, 1)), channel_window=True,
        channel_online=True, channel_courier=rng.random() < 0.8,
        result_name=result, published_at=now,
    )


def is_enterprise_item(name: str) -> bool:
    return any(word in name for word in ENTERPRISE_WORDS)


def _guides_add(created: list[ServiceItem]) -> None:
    fields = {f.key: f for f in FieldDef.objects.filter(key__in=PERSON_FIELDS + COMPANY_FIELDS)}
    evidence = {e.code: e for e in EvidenceType.objects.filter(
        code__in=("resident_id_card", "business_licence"))}
    item_fields: list[ItemField] = []
    materials: list[MaterialRequirement] = []
    for item in created:
        enterprise = is_enterprise_item(item.name)
        keys = PERSON_FIELDS + (COMPANY_FIELDS if enterprise else ())
        item_fields += [ItemField(item=item, field=fields[key], order=order)
                        for order, key in enumerate(keys)]
        lines = [("id-card", "申请人居民身份证", evidence["resident_id_card"], False, 0)]
        if enterprise:
            lines.append(("business-licence", "营业执照", evidence["business_licence"], False, 0))
        lines.append(("application-form", f"{item.name}申请表", None, True, 1))
        if item.kind == ItemKind.LICENSING:
            lines.append(("supporting-documents", "符合许可条件的证明材料", None, False, 1))
        materials += [
            MaterialRequirement(item=item, code=code, name=name[:255], evidence_type=proof,
                                original=original, copies=copies, order=order)
            for order, (code, name, proof, original, copies) in enumerate(lines)
        ]
    ItemField.objects.bulk_create(item_fields, batch_size=2000)
    MaterialRequirement.objects.bulk_create(materials, batch_size=2000)
