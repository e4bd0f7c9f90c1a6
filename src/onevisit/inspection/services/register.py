"""The target register, the inspection items, the inspectors and their conflicts of
interest (回避)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from onevisit import clock
from onevisit.accounts.models import Department, Region, SubjectKind
from onevisit.accounts.regions import covers, scope_of
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.constants import ItemKind
from onevisit.certificates.constants import CertificateKind
from onevisit.certificates.models import Certificate, CertificateHolder
from onevisit.errors import Conflict, InvalidInput, NotFound
from onevisit.exchange.models import RegistryRecord
from onevisit.exchange.services import subject_digest
from onevisit.inspection.constants import ConflictReason
from onevisit.inspection.models import ConflictOfInterest, InspectionItem, Inspector, Target
from onevisit.inspection.services.access import actor_leads, actor_supervises

log = structlog.get_logger(__name__)


# ------------------------------------------------------------------ the register


def _target_ref(kind: str, code: str) -> str:
    """The public reference: a company's credit code; a keyed digest for a person."""
    return code if kind == SubjectKind.ENTERPRISE else "P" + subject_digest(code)[:15].upper()


def _kind_of(code: str) -> str:
    return SubjectKind.ENTERPRISE if uscc.is_valid(code) else SubjectKind.PERSON


def targets_refresh() -> int:
    """Bring the target register up to date from the enterprise registry and the result
    certificates issued (not revoked): every company they name, and every person holding
    a licence (行政许可); name, industry, region and the service items whose results each
    holds. Returns how many targets there are."""
    now = clock.now()
    regions = set(Region.objects.values_list("code", flat=True))
    found: dict[str, dict[str, Any]] = {}

    def entry(code: str, name: str, source: str) -> dict[str, Any]:
        code = code.strip().upper()
        row = found.setdefault(code, {"name": name, "industry": "", "region": None,
                                      "licences": set(), "sources": set(),
                                      "kind": _kind_of(code)})
        row["name"] = row["name"] or name
        row["sources"].add(source)
        if row["kind"] == SubjectKind.ENTERPRISE and code[2:8] in regions:
            row["region"] = code[2:8]
        return row

    evidence = settings.ONEVISIT["ENTERPRISE_EVIDENCE"]
    for record in RegistryRecord.objects.filter(evidence_type=evidence).iterator():
        row = entry(record.subject, str(record.data.get("name", "")), "registry")
        row["industry"] = str(record.data.get("industry", ""))[:32]
    holders: dict[int, list[tuple[str, str]]] = {}
    for holder in CertificateHolder.objects.values("certificate_id", "subject", "name"):
        holders.setdefault(holder["certificate_id"], []).append(
            (holder["subject"], holder["name"]))
    certificates = (Certificate.objects.filter(kind=CertificateKind.RESULT,
                                               revoked_at__isnull=True)
                    .select_related("case__item", "department"))
    for certificate in certificates.iterator():
        if certificate.subject and uscc.is_valid(certificate.subject):
            named = [(certificate.subject, str(certificate.data.get("company_name")
                                               or certificate.holder_name))]
        else:
            named = holders.get(certificate.pk) or [(certificate.holder_id,
                                                     certificate.holder_name)]
        licensing = certificate.case.item.kind == ItemKind.LICENSING
        for code, name in named:
            # A person is a target only as a licence holder (行政许可), never for holding
            # a certificate of her marriage, her child's birth or her home.
            if not code or (_kind_of(code) == SubjectKind.PERSON and not licensing):
                continue
            row = entry(code, name, "certificate")
            row["licences"].add(certificate.case.item.code)
            if row["region"] is None:
                row["region"] = certificate.department.region_id
    existing = {target.code: target for target in Target.objects.all()}
    new, changed = [], []
    for code, row in found.items():
        values = {"name": row["name"][:128], "industry": row["industry"],
                  "region_id": row["region"], "licences": sorted(row["licences"]),
                  "sources": sorted(row["sources"]), "kind": row["kind"]}
        target = existing.get(code)
        if target is None:
            new.append(Target(code=code, ref=_target_ref(row["kind"], code),
                              refreshed_at=now, **values))
        elif any(getattr(target, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(target, key, value)
            target.refreshed_at = now
            changed.append(target)
    for code, target in existing.items():
        # No longer in any source (deregistered, its certificates revoked): kept for the
        # draws that name it, but never a candidate again.
        if code not in found and (target.sources or target.licences):
            target.sources, target.licences, target.refreshed_at = [], [], now
            changed.append(target)
    with transaction.atomic():
        Target.objects.bulk_create(new, batch_size=500)
        Target.objects.bulk_update(changed, ["name", "industry", "region_id", "licences",
                                             "sources", "kind", "refreshed_at"],
                                   batch_size=500)
    log.info("inspection_targets_refreshed", added=len(new), changed=len(changed))
    return len(existing) + len(new)


@atomic_audited
def inspection_item_define(
    *, code: str, name: str, department_code: str, legal_basis: str, actor: Any,
    method: str = "", service_item_codes: Iterable[str] = (),
    responsibility_id: int | None = None,
) -> InspectionItem:
    """Add or rewrite an entry of a department's 检查事项清单."""
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        raise InvalidInput(_("部门不存在"), {"department": _("没有编码为 %(code)s 的部门")
                                             % {"code": department_code}})
    if not legal_basis.strip():
        raise InvalidInput(_("检查事项须写明检查依据"), {"legal_basis": _("不能为空")})
    item, _created = InspectionItem.objects.update_or_create(code=code, defaults={
        "name": name, "department": department, "legal_basis": legal_basis,
        "method": method, "service_item_codes": sorted(set(service_item_codes)),
        "responsibility_id": responsibility_id, "active": True,
    })
    audit_record(actor=actor, action="inspection.item_defined", entity="inspection_item",
                 entity_id=code, data={"department": department_code})
    return item


@atomic_audited
def inspector_register(*, user: Any, department_code: str, certificate_number: str,
                       region_code: str, actor: Any) -> Inspector:
    """Enter a member of a department's staff in its list of inspectors (执法检查人员)."""
    department = Department.objects.filter(code=department_code).first()
    if department is None or getattr(user, "department_id", None) != department.pk:
        raise InvalidInput(_("执法检查人员须为本部门工作人员"),
                           {"user": _("该账户不属于部门 %(code)s") % {"code": department_code}})
    inspector, _created = Inspector.objects.update_or_create(
        user=user, department=department,
        defaults={"certificate_number": certificate_number, "region_id": region_code,
                  "active": True})
    audit_record(actor=actor, action="inspection.inspector_registered", entity="inspector",
                 entity_id=inspector.pk, data={"certificate": certificate_number})
    return inspector


@atomic_audited
def conflict_declare(*, inspector: Inspector, target: Target, reason: str, actor: Any,
                     note: str = "") -> ConflictOfInterest:
    """Record that an inspector must never be drawn for a target (回避)."""
    if reason not in ConflictReason.values or reason == ConflictReason.LAST_TIME:
        raise InvalidInput(_("回避原因无效"), {"reason": _("请选择回避原因")})
    conflict, _created = ConflictOfInterest.objects.get_or_create(
        inspector=inspector, target=target, ended_at=None,
        defaults={"reason": reason, "note": note[:255], "recorded_at": clock.now()})
    audit_record(actor=actor, action="inspection.conflict_declared", entity="inspector",
                 entity_id=inspector.pk, data={"target": target.ref, "reason": reason})
    return conflict


def _inspector_managed(inspector_id: int, actor: Any) -> Inspector:
    """The inspector, if the actor leads its department or supervises its region."""
    inspector = (Inspector.objects.select_related("department")
                 .filter(pk=inspector_id).first())
    if inspector is None or not (
            actor_leads(actor, inspector.department)
            or (actor_supervises(actor) and covers(scope_of(actor), inspector.region_id))):
        raise NotFound(_("执法检查人员不存在"))
    return inspector


@atomic_audited
def conflict_record(*, actor: Any, inspector_id: int, target_ref: str, reason: str,
                    note: str = "") -> ConflictOfInterest:
    """A department lead (or a supervisor of the region) records an inspector's declared
    conflict of interest with a target, named by its public reference or credit code."""
    inspector = _inspector_managed(inspector_id, actor)
    ref = (target_ref or "").strip().upper()
    target = Target.objects.filter(ref=ref).first() or Target.objects.filter(
        code=ref, kind=SubjectKind.ENTERPRISE).first()
    if target is None:
        raise InvalidInput(_("回避关系未保存"), {"target": _("检查对象名录中没有 %(ref)s")
                                                  % {"ref": ref or "—"}})
    if len(note) > 255:
        raise InvalidInput(_("回避关系未保存"), {"note": _("最多 255 个字")})
    return conflict_declare(inspector=inspector, target=target, reason=reason, actor=actor,
                            note=note.strip())


@atomic_audited
def conflict_end(*, actor: Any, conflict_id: int) -> ConflictOfInterest:
    """The conflict no longer holds (解除回避): later plans may draw the pair again."""
    conflict = (ConflictOfInterest.objects.select_for_update()
                .filter(pk=conflict_id).first())
    if conflict is None:
        raise NotFound(_("回避关系不存在"))
    _inspector_managed(conflict.inspector_id, actor)
    if conflict.ended_at is not None:
        raise Conflict(_("该回避关系已解除"))
    conflict.ended_at = clock.now()
    conflict.save(update_fields=["ended_at"])
    audit_record(actor=actor, action="inspection.conflict_ended", entity="inspector",
                 entity_id=conflict.inspector_id, data={"target": conflict.target_id})
    return conflict
