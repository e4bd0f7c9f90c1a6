"""Facts a filing declares that a registry already holds (建筑面积, 房屋用途, 满五唯一):
checked against the record fetched for the filing, so taxes and fees are never computed
from a declared value the register contradicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from onevisit.applications.constants import ApplicantKind
from onevisit.applications.services.inputs import Applicant
from onevisit.applications.services.subjects import Subject
from onevisit.catalogue.constants import FieldType
from onevisit.catalogue.selectors import charge_payer_fields
from onevisit.errors import InvalidInput
from onevisit.exchange.services import Fetched

# A check: the declared value, the registered one and the filing date → the problem, or "".
FactCheck = Callable[[str, str, dt.date], str]

# Years a home must have been held for 满五唯一 (the individual income tax exemption of
# 财税字〔1999〕278号): counted here from the register's registration date (docs/charges.md).
YEARS_HELD = 5


def _same_area(declared: str, registered: str, _on: dt.date) -> str:
    try:
        same = Decimal(declared) == Decimal(registered)
    except InvalidOperation:
        same = False
    if same:
        return ""
    return _("与不动产登记簿记载的 %(value)s 平方米不一致") % {"value": registered}


def _same_use(declared: str, registered: str, _on: dt.date) -> str:
    if declared == registered:
        return ""
    return _("与不动产登记簿记载的用途“%(value)s”不一致") % {"value": registered}


def years_after(day: dt.date, years: int) -> dt.date:
    """The anniversary `years` on (29 February's is 1 March in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: the anniversary is the first of March
        return dt.date(day.year + years, 3, 1)


def _held_five_years(declared: str, registered: str, on: dt.date) -> str:
    if declared != "是":
        return ""
    try:
        since = dt.date.fromisoformat(registered[:10])
    except ValueError:
        return ""
    if on >= years_after(since, YEARS_HELD):
        return ""
    return _("登记簿记载取得时间为 %(date)s，不满五年") % {"date": since.isoformat()}


@dataclass(frozen=True)
class RegistryFact:
    """A form field whose value a registry record holds, and how the two must agree."""

    field: str
    evidence_type: str
    record_key: str
    check: FactCheck


REGISTRY_FACTS: tuple[RegistryFact, ...] = (
    RegistryFact("property_area", "real_estate_certificate", "building_area_m2", _same_area),
    RegistryFact("property_use", "real_estate_certificate", "use", _same_use),
    RegistryFact("seller_sole_home_over_five_years", "real_estate_certificate",
                 "registered_on", _held_five_years),
)

# A record listing several things (an owner's properties) names the one the form means by
# a number: evidence type → (form field, key in each listed thing).
RECORD_CHOSEN_BY: dict[str, tuple[str, str]] = {
    "real_estate_certificate": ("property_certificate_number", "certificate_number"),
}


def registry_entry(evidence_type: str, data: Mapping[str, Any],
                   form: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The part of a record the form is about: the record itself, or the one listed
    property whose certificate number the form gives (the only one when it gives none).
    None when the form's property is not in the record."""
    listed = data.get("properties")
    if not isinstance(listed, list):
        return data
    field, key = RECORD_CHOSEN_BY.get(evidence_type, ("", ""))
    number = str(form.get(field) or "") if field else ""
    entries = [entry for entry in listed if isinstance(entry, dict)
               and (not number or str(entry.get(key, "")) == number)]
    return entries[0] if len(entries) == 1 else None


def registry_facts_check(*, form: Mapping[str, Any], fetched: Iterable[Fetched],
                         on: dt.date) -> dict[str, str]:
    """Every declared fact the fetched registry records contradict, by field key. A fact
    the record does not hold (or a record not fetched) is not checked."""
    entries: dict[str, Mapping[str, Any]] = {}
    for answer in fetched:
        if answer.evidence is None:
            continue
        evidence_type = answer.evidence.evidence_type
        entry = registry_entry(evidence_type, answer.evidence.data, form)
        if entry is not None and evidence_type not in entries:
            entries[evidence_type] = entry
    problems = {}
    for fact in REGISTRY_FACTS:
        declared = str(form.get(fact.field) or "")
        registered = str((entries.get(fact.evidence_type) or {}).get(fact.record_key) or "")
        if declared and registered:
            problem = fact.check(declared, registered, on)
            if problem:
                problems[fact.field] = problem
    return problems


# Form fields that describe the enterprise paying a charge (the 小微企业 fee waiver,
# 财税〔2016〕79号): meaningful only when that payer is an enterprise.
ENTERPRISE_FIELDS = ("enterprise_size",)


def enterprise_fields_check(*, subject: Subject, applicant: Applicant,
                            form: Mapping[str, Any]) -> None:
    """Refuse a declared enterprise fact (企业规模) when no charge it decides is paid by an
    enterprise: the payer of a rule that names the field is the applicant (an enterprise
    only if she files as one) or the person or company in the rule's payer field (an
    enterprise only if that field takes a credit code). A field no rule names describes
    the applicant. Nothing is stored."""
    types = {f.key: f.type for f in subject.fields}
    codes = [stage.item.code for stage in subject.stages]
    errors = {}
    for key in ENTERPRISE_FIELDS:
        if not form.get(key):
            continue
        payers = charge_payer_fields(item_codes=codes, condition_field=key) or {""}
        if not any(applicant.kind == ApplicantKind.ENTERPRISE if not payer
                   else types.get(payer) == FieldType.USCC for payer in payers):
            errors[key] = _("缴费人为自然人，不适用企业规模（小微企业免收不动产登记费仅适用于"
                            "企业）；请不要填写")
    if errors:
        raise InvalidInput(_("自然人缴费的申请不适用企业规模"), errors)
