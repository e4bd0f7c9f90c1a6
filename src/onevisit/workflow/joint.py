"""施工图审查“多审合一”: one joint review of an item's case by several departments.

The item's own department leads (住建: the drawings' technical review and, since 2019, the
fire design review, 《消防法》第十一条); the departments of its panel (`JointReviewPanel`:
人防, 气象防雷 …) each record their opinion on the same case from their own workbench —
a reviewer signs only for her own department. The lead's reviewer decides the case once
every participant's opinion is in: one approval or refusal, one document, carrying the
participants' opinions. While a participant objects the lead cannot approve; she asks
the applicant to correct the drawings (the participant then records a new opinion) or
refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Department, Role
from onevisit.applications.constants import RUNNING_CASE_STATUSES
from onevisit.applications.models import Case
from onevisit.applications.services import case_lock
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.workflow.models import JointOpinion, JointReviewPanel, OpinionVerdict

# --------------------------------------------------------------------------- reads


def joint_panel_departments(*, item_code: str) -> list[Department]:
    """The departments taking part in the joint review of the item's cases, besides the
    item's own; none when the item is not reviewed jointly."""
    return [panel.department for panel in JointReviewPanel.objects.filter(
        item_code=item_code).select_related("department").order_by("department__code")]


@dataclass(frozen=True)
class JointReviewState:
    """Where a case's joint review stands: each participant's opinion, or its absence."""

    participants: list[Department]
    opinions: list[JointOpinion]
    missing: list[Department]
    objections: list[JointOpinion]

    @property
    def complete(self) -> bool:
        return not self.missing


def joint_review_state(*, case: Case) -> JointReviewState | None:
    """The joint review of the case, or None when its item is not reviewed jointly."""
    participants = joint_panel_departments(item_code=case.item.code)
    if not participants:
        return None
    ids = {department.pk for department in participants}
    opinions = [opinion for opinion in JointOpinion.objects.filter(case=case)
                .select_related("department", "signed_by") if opinion.department_id in ids]
    given = {opinion.department_id for opinion in opinions}
    return JointReviewState(
        participants=participants, opinions=opinions,
        missing=[department for department in participants if department.pk not in given],
        objections=[opinion for opinion in opinions if opinion.verdict == OpinionVerdict.OBJECT],
    )


def joint_reviews_for(*, actor: Any) -> QuerySet[Case]:
    """The running cases the actor's department takes part in reviewing (not as lead),
    soonest deadline first."""
    item_codes = JointReviewPanel.objects.filter(
        department_id=actor.department_id).values_list("item_code", flat=True)
    return (Case.objects.filter(item__code__in=list(item_codes),
                                status__in=RUNNING_CASE_STATUSES)
            .exclude(department_id=actor.department_id)
            .select_related("application", "item", "department")
            .order_by("due_at", "id"))


def joint_opinions_given(*, actor: Any, case_ids: list[int]) -> dict[int, JointOpinion]:
    """The opinions the actor's department has recorded on these cases, by case."""
    return {opinion.case_id: opinion for opinion in JointOpinion.objects.filter(
        case_id__in=case_ids, department_id=actor.department_id)}


def joint_review_case(*, case_id: int, actor: Any) -> Case:
    """A case the actor's department takes part in reviewing; another case is not found."""
    case = (Case.objects.filter(pk=case_id).select_related("application", "item", "department")
            .first())
    if case is None or not _takes_part(actor=actor, case=case):
        raise NotFound(_("联合审查办件 %(id)s 不存在") % {"id": case_id})
    return case


def joint_opinion_text(*, state: JointReviewState) -> str:
    """The participants' opinions as the combined decision quotes them."""
    return "\n".join(
        _("%(department)s：%(verdict)s。%(text)s") % {
            "department": opinion.department.name, "verdict": opinion.get_verdict_display(),
            "text": opinion.text}
        for opinion in state.opinions).strip()


def _takes_part(*, actor: Any, case: Case) -> bool:
    department_id = getattr(actor, "department_id", None)
    return (getattr(actor, "role", None) == Role.REVIEWER and department_id is not None
            and department_id != case.department_id
            and JointReviewPanel.objects.filter(item_code=case.item.code,
                                                department_id=department_id).exists())


# --------------------------------------------------------------------------- writes


@atomic_audited
def joint_review_panel_set(*, item_code: str, department_codes: tuple[str, ...] | list[str],
                           actor: Any) -> list[Department]:
    """Name the departments taking part in the joint review of an item's cases (besides
    the item's own); an empty list ends joint review of the item. Naming the same ones
    again changes nothing."""
    departments = list(Department.objects.filter(code__in=department_codes))
    unknown = sorted(set(department_codes) - {d.code for d in departments})
    if unknown:
        raise InvalidInput(_("参审部门不存在"), {"departments": ", ".join(unknown)})
    current = set(JointReviewPanel.objects.filter(item_code=item_code)
                  .values_list("department_id", flat=True))
    if current == {department.pk for department in departments}:
        return departments  # nothing changes: nothing to record
    JointReviewPanel.objects.filter(item_code=item_code).exclude(
        department__in=departments).delete()
    for department in departments:
        JointReviewPanel.objects.get_or_create(item_code=item_code, department=department)
    audit_record(actor=actor, action="joint_review.panel_set", entity="item",
                 entity_id=item_code, data={"departments": sorted(department_codes)})
    return departments


@atomic_audited
def joint_opinion_record(*, case_id: int, actor: Any, verdict: str, text: str) -> JointOpinion:
    """A participating department's reviewer records its opinion on the joint review:
    only for her own department, only while the case is being reviewed; an objection
    says why. Recording again replaces the department's earlier opinion."""
    if verdict not in OpinionVerdict.values:
        raise InvalidInput(_("审查意见无效"), {"verdict": _("应为同意或有异议")})
    if verdict == OpinionVerdict.OBJECT and not text.strip():
        raise InvalidInput(_("审查意见不完整"), {"text": _("有异议的，请写明异议内容")})
    _application, case = case_lock(case_id=case_id)
    if not _takes_part(actor=actor, case=case):
        raise NotAllowed(_("只有参加该联合审查的部门的审批人员可以出具本部门的意见"))
    if case.status not in RUNNING_CASE_STATUSES:
        raise Conflict(_("该办件当前为“%(status)s”，不能出具联合审查意见")
                       % {"status": case.get_status_display()})
    opinion, _created = JointOpinion.objects.update_or_create(
        case=case, department_id=actor.department_id,
        defaults={"verdict": verdict, "text": text.strip(), "signed_by": actor,
                  "signed_at": clock.now()})
    audit_record(actor=actor, action="joint_review.opinion", entity="case", entity_id=case.pk,
                 data={"department": actor.department_id, "verdict": verdict})
    return opinion


def joint_decision_check(*, case: Case, approving: bool) -> str:
    """Before the lead decides a jointly reviewed case: every participant's opinion must be
    in, and none may object to an approval. Returns the participants' opinions for the
    decision to carry ("" when the item is not reviewed jointly)."""
    state = joint_review_state(case=case)
    if state is None:
        return ""
    if state.missing:
        raise Conflict(_("联合审查尚缺以下部门的意见：%(departments)s")
                       % {"departments": "、".join(d.name for d in state.missing)})
    if approving and state.objections:
        raise Conflict(_("%(departments)s有异议，不能出具审查合格意见；"
                         "请要求补正或作出不予通过的决定")
                       % {"departments": "、".join(o.department.name for o in state.objections)})
    return joint_opinion_text(state=state)
