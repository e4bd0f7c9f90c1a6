"""One item, one standard (标准体系): how a region's service item compares with the basic
catalogue entry it implements.

An implementation may only tighten its standard: a committed limit no longer than the
standard's, the standard's statutory limit, materials the standard lists (fewer, never
another, never asked for harder: an original, more copies, required where the standard
makes it optional, uploaded where the standard fetches it, refused where it tolerates it
missing), no more visits, a fee within the rule, and at least the standard's channels.
Name, type, legal basis and the basic code in its code are the standard's
(四级四同: the same item is named, typed, founded and coded alike at every level).

`item_findings` lists every difference with its verdict; the refusals (`standard_refusals`)
are the findings that loosen or contradict the standard, named by the item's field; the
standardisation report scores regions by them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from modeltranslation.utils import build_localized_fieldname

from onevisit.catalogue.codes import (
    implementation_code_parse,
    region_code_12,
    region_codes_12_up,
)
from onevisit.catalogue.constants import MINUTES_PER_WORKING_DAY, LimitUnit
from onevisit.catalogue.models import BasicItem, BasicMaterial, MaterialRequirement, ServiceItem
from onevisit.workdays.calendar import limit_text


class Verdict(models.TextChoices):
    SAME = "same", gettext_lazy("与标准一致")
    TIGHTER = "tighter", gettext_lazy("优于标准")
    LOOSER = "looser", gettext_lazy("超出标准")
    DIFFERENT = "different", gettext_lazy("与标准不一致")
    UNSET = "unset", gettext_lazy("标准未规定")


CONFORMING = frozenset({Verdict.SAME, Verdict.TIGHTER})
REFUSED = frozenset({Verdict.LOOSER, Verdict.DIFFERENT})
# Which verdict an aspect with several findings shows: the worst.
_RANK = {Verdict.SAME: 0, Verdict.TIGHTER: 1, Verdict.UNSET: 2, Verdict.DIFFERENT: 3,
         Verdict.LOOSER: 4}


class Aspect(models.TextChoices):
    IDENTITY = "identity", gettext_lazy("名称、类型、依据、编码")
    LIMITS = "limits", gettext_lazy("办理时限")
    MATERIALS = "materials", gettext_lazy("申请材料")
    FEE = "fee", gettext_lazy("收费")
    VISITS = "visits", gettext_lazy("跑动次数")
    CHANNELS = "channels", gettext_lazy("办理渠道")


@dataclass(frozen=True)
class Finding:
    field: str  # the item's field it concerns; a refusal names it
    aspect: Aspect
    verdict: Verdict
    message: str


def worst(verdicts: Sequence[Verdict]) -> Verdict:
    return max(verdicts, key=_RANK.__getitem__, default=Verdict.SAME)


def in_chinese(field: str) -> str:
    """The column of a translated field in the default language (Chinese)."""
    return build_localized_fieldname(field, settings.MODELTRANSLATION_DEFAULT_LANGUAGE)


def chinese(obj: object, field: str) -> str:
    """A translated field in the default language, whatever language is active: the
    standard and its implementations are compared in the language they are issued in."""
    return str(getattr(obj, in_chinese(field), None) or getattr(obj, field))


def _minutes(limit: int, unit: str) -> int:
    return limit if unit == LimitUnit.MINUTES else limit * MINUTES_PER_WORKING_DAY


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


def limit_shown(limit: int | None, unit: str) -> str:
    return "—" if limit is None or not unit else limit_text(limit=limit, unit=unit)


def fee_shown(amount: Decimal | None) -> str:
    if amount is None:
        return "—"
    if not amount:
        return _("不收费")
    return _("%(amount)s 元") % {"amount": f"{amount:f}".rstrip("0").rstrip(".")}


def visits_shown(visits: int | None) -> str:
    if visits is None:
        return "—"
    if visits == 0:
        return _("跑零次")
    return ngettext("最多跑 %(n)d 次", "最多跑 %(n)d 次", visits) % {"n": visits}


CHANNELS: tuple[tuple[str, Promise], ...] = (
    ("channel_window", gettext_lazy("窗口办理")),
    ("channel_online", gettext_lazy("网上办理")),
    ("channel_courier", gettext_lazy("快递送达")),
)


def channels_shown(obj: BasicItem | ServiceItem) -> str:
    # Translators: how a list of a few words is joined (an enumeration comma).
    return _("、").join(str(label) for field, label in CHANNELS if getattr(obj, field)) or "—"


def standard_missing(basic: BasicItem) -> list[str]:
    """What the basic entry does not state yet that an implementation must: its items
    cannot be published (or drafted from it) until the province sets these."""
    missing = []
    if not basic.legal_basis.strip():
        missing.append(_("设定依据"))
    if basic.statutory_limit is None or not basic.limit_unit:
        missing.append(_("法定时限"))
    if basic.promised_visits is None:
        missing.append(_("跑动次数上限"))
    if basic.fee_yuan is None:
        missing.append(_("收费上限"))
    return missing


def item_findings(
    *, item: ServiceItem, basic: BasicItem,
    materials: Sequence[MaterialRequirement] | None,
    standard_materials: Sequence[BasicMaterial],
) -> list[Finding]:
    """Every way `item` differs from `basic`, with its verdict (sameness included, one
    finding an aspect at least). `materials` None leaves the materials out."""
    findings = [*_identity(item, basic), *_limits(item, basic), *_fee(item, basic),
                *_visits(item, basic), *_channels(item, basic)]
    if materials is not None:
        findings.extend(_materials(materials, standard_materials))
    return findings


def standard_refusals(*, item: ServiceItem,
                      materials: Sequence[MaterialRequirement] | None) -> dict[str, str]:
    """What in `item` loosens or contradicts its basic entry, by the item's field (one
    reason a field, several joined); empty for an item that names no basic entry."""
    if item.basic_item_id is None:
        return {}
    basic = BasicItem.objects.get(pk=item.basic_item_id)
    findings = item_findings(item=item, basic=basic, materials=materials,
                             standard_materials=list(basic.materials.all()))
    refusals: dict[str, list[str]] = {}
    for finding in findings:
        if finding.verdict in REFUSED:
            refusals.setdefault(finding.field, []).append(finding.message)
    return {field: "；".join(messages) for field, messages in refusals.items()}


# --------------------------------------------------------------------------- aspects


def _identity(item: ServiceItem, basic: BasicItem) -> list[Finding]:
    findings = []
    aspect = Aspect.IDENTITY
    if chinese(item, "name") != chinese(basic, "name"):
        findings.append(Finding("name", aspect, Verdict.DIFFERENT,
                                _("事项名称应与基本目录一致：%(name)s")
                                % {"name": chinese(basic, "name")}))
    if item.kind != basic.kind:
        findings.append(Finding("kind", aspect, Verdict.DIFFERENT,
                                _("事项类型应与基本目录一致：%(kind)s")
                                % {"kind": basic.get_kind_display()}))
    if not basic.legal_basis.strip():
        findings.append(Finding("legal_basis", aspect, Verdict.UNSET,
                                _("基本目录尚未规定设定依据")))
    elif _lines(item.legal_basis) != _lines(basic.legal_basis):
        findings.append(Finding("legal_basis", aspect, Verdict.DIFFERENT,
                                _("设定依据应与基本目录一致")))
    parsed = implementation_code_parse(item.code)
    if parsed is not None and parsed.basic != basic.code:
        findings.append(Finding("code", aspect, Verdict.DIFFERENT,
                                _("实施编码应以基本编码 %(code)s 开头") % {"code": basic.code}))
    if parsed is not None and item.region_id and parsed.region not in region_codes_12_up(
            item.region_id):
        findings.append(Finding("code", aspect, Verdict.DIFFERENT,
                                _("实施编码中的区划代码应为 %(region)s 或其上级")
                                % {"region": region_code_12(item.region_id)}))
    return findings or [Finding("name", aspect, Verdict.SAME, "")]


def _limits(item: ServiceItem, basic: BasicItem) -> list[Finding]:
    aspect = Aspect.LIMITS
    if basic.statutory_limit is None or not basic.limit_unit:
        return [Finding("statutory_limit", aspect, Verdict.UNSET, _("基本目录尚未规定法定时限"))]
    findings = []
    statutory = _minutes(basic.statutory_limit, basic.limit_unit)
    if _minutes(item.statutory_limit, item.limit_unit) != statutory:
        findings.append(Finding(
            "statutory_limit", aspect, Verdict.DIFFERENT,
            _("法定时限应与基本目录一致：%(limit)s")
            % {"limit": limit_shown(basic.statutory_limit, basic.limit_unit)}))
    bound = basic.committed_limit if basic.committed_limit is not None else basic.statutory_limit
    committed = _minutes(item.committed_limit, item.limit_unit)
    standard = _minutes(bound, basic.limit_unit)
    if committed > standard:
        findings.append(Finding(
            "committed_limit", aspect, Verdict.LOOSER,
            _("承诺时限 %(local)s 长于基本目录的 %(standard)s")
            % {"local": limit_shown(item.committed_limit, item.limit_unit),
               "standard": limit_shown(bound, basic.limit_unit)}))
    elif committed < standard:
        findings.append(Finding(
            "committed_limit", aspect, Verdict.TIGHTER,
            _("承诺时限 %(local)s，短于基本目录的 %(standard)s")
            % {"local": limit_shown(item.committed_limit, item.limit_unit),
               "standard": limit_shown(bound, basic.limit_unit)}))
    return findings or [Finding("committed_limit", aspect, Verdict.SAME, "")]


def _fee(item: ServiceItem, basic: BasicItem) -> list[Finding]:
    aspect = Aspect.FEE
    if basic.fee_yuan is None:
        return [Finding("fee_yuan", aspect, Verdict.UNSET, _("基本目录尚未规定收费标准"))]
    shown = {"local": fee_shown(item.fee_yuan), "standard": fee_shown(basic.fee_yuan)}
    if item.fee_yuan > basic.fee_yuan:
        return [Finding("fee_yuan", aspect, Verdict.LOOSER,
                        _("收费 %(local)s 高于基本目录的 %(standard)s") % shown)]
    if item.fee_yuan < basic.fee_yuan:
        return [Finding("fee_yuan", aspect, Verdict.TIGHTER,
                        _("收费 %(local)s，低于基本目录的 %(standard)s") % shown)]
    return [Finding("fee_yuan", aspect, Verdict.SAME, "")]


def _visits(item: ServiceItem, basic: BasicItem) -> list[Finding]:
    aspect = Aspect.VISITS
    if basic.promised_visits is None:
        return [Finding("promised_visits", aspect, Verdict.UNSET,
                        _("基本目录尚未规定跑动次数"))]
    shown = {"local": visits_shown(item.promised_visits),
             "standard": visits_shown(basic.promised_visits)}
    if item.promised_visits > basic.promised_visits:
        return [Finding("promised_visits", aspect, Verdict.LOOSER,
                        _("承诺%(local)s，多于基本目录的%(standard)s") % shown)]
    if item.promised_visits < basic.promised_visits:
        return [Finding("promised_visits", aspect, Verdict.TIGHTER,
                        _("承诺%(local)s，少于基本目录的%(standard)s") % shown)]
    return [Finding("promised_visits", aspect, Verdict.SAME, "")]


def _channels(item: ServiceItem, basic: BasicItem) -> list[Finding]:
    findings = []
    for field, label in CHANNELS:
        required, offered = getattr(basic, field), getattr(item, field)
        if required and not offered:
            findings.append(Finding(field, Aspect.CHANNELS, Verdict.LOOSER,
                                    _("基本目录要求提供%(channel)s") % {"channel": label}))
        elif offered and not required:
            findings.append(Finding(field, Aspect.CHANNELS, Verdict.TIGHTER,
                                    _("增加%(channel)s") % {"channel": label}))
    return findings or [Finding("channel_window", Aspect.CHANNELS, Verdict.SAME, "")]


def _materials(materials: Sequence[MaterialRequirement],
               standard_materials: Sequence[BasicMaterial]) -> list[Finding]:
    standard = {material.code: material for material in standard_materials}
    asked = {material.code for material in materials}
    findings = []

    def found(verdict: Verdict, message: str) -> None:
        findings.append(Finding("materials", Aspect.MATERIALS, verdict, message))

    for material in materials:
        name = {"name": chinese(material, "name")}
        rule = standard.get(material.code)
        if rule is None:
            found(Verdict.LOOSER, _("“%(name)s”不在基本目录的标准材料中") % name)
            continue
        if rule.evidence_type_id and material.evidence_type_id != rule.evidence_type_id:
            found(Verdict.LOOSER, _("“%(name)s”应通过数据共享获取，不要求申请人提交") % name)
        elif material.evidence_type_id and not rule.evidence_type_id:
            found(Verdict.TIGHTER, _("“%(name)s”改为数据共享获取") % name)
        if material.original and not rule.original:
            found(Verdict.LOOSER, _("“%(name)s”基本目录不要求原件") % name)
        elif rule.original and not material.original:
            found(Verdict.TIGHTER, _("“%(name)s”免交原件") % name)
        if material.copies > rule.copies:
            found(Verdict.LOOSER, _("“%(name)s”复印件多于基本目录的 %(copies)d 份")
                  % {**name, "copies": rule.copies})
        elif material.copies < rule.copies:
            found(Verdict.TIGHTER, _("“%(name)s”复印件减少") % name)
        if material.required and not rule.required:
            found(Verdict.LOOSER, _("“%(name)s”在基本目录中并非必交") % name)
        elif rule.required and not material.required:
            found(Verdict.TIGHTER, _("“%(name)s”改为非必交") % name)
        if rule.tolerated_missing and not material.tolerated_missing:
            found(Verdict.LOOSER, _("“%(name)s”在基本目录中可容缺受理") % name)
        elif material.tolerated_missing and not rule.tolerated_missing:
            found(Verdict.TIGHTER, _("“%(name)s”可容缺受理") % name)
    for code, rule in standard.items():
        if code not in asked:
            found(Verdict.TIGHTER, _("免交“%(name)s”") % {"name": chinese(rule, "name")})
    return findings or [Finding("materials", Aspect.MATERIALS, Verdict.SAME, "")]
