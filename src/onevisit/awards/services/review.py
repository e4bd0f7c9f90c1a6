"""The expert preliminary review (专家初评): the committed draw of each case's experts and
the experts' score sheets (docs/awards.md, awards/draw.py)."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.awards import draw as algorithm
from onevisit.awards.constants import (
    COMMENT_MAX,
    SCORE_MAX,
    SCORE_MIN,
    CallStatus,
    Criterion,
)
from onevisit.awards.models import (
    AwardCall,
    AwardCase,
    Expert,
    ReviewAssignment,
    ReviewDraw,
    ScoreSheet,
)
from onevisit.awards.selectors import conflict_pairs, expert_of
from onevisit.awards.services.access import (
    actor_or_none,
    call_locked,
    organiser_check,
    status_check,
)
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from onevisit.inspection.draw import commitment_of, parameters_digest
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.services import notification_send


def _parameters(call: AwardCall) -> dict[str, Any]:
    cases = list(call.cases.order_by("number"))
    experts = list(Expert.objects.filter(active=True, user__is_active=True).order_by("pk"))
    number = {c.pk: c.number for c in cases}
    pairs = conflict_pairs(experts=experts, cases=cases)
    return algorithm.parameters_build(
        call=call.edition, experts_per_case=call.experts_per_case,
        cases=[c.number for c in cases], experts=[str(e.pk) for e in experts],
        conflicts=[(str(e), number[c]) for e, c in pairs])


@atomic_audited
def review_draw_commit(*, actor: Any, call: AwardCall) -> ReviewDraw:
    """Freeze the draw's parameters (the cases, the active experts, every conflicted
    pair) and commit to a fresh secret seed by its SHA-256. A case that cannot get
    enough unconflicted experts refuses the commit, naming every such case."""
    call = call_locked(call)
    organiser_check(actor, call)
    status_check(call, CallStatus.PRELIMINARY)
    if ReviewDraw.objects.filter(call=call).exists():
        raise Conflict(_("本次评选的初评专家抽取已经公示"))
    parameters = _parameters(call)
    short = algorithm.shortfalls(parameters)
    if short:
        raise InvalidInput(_("有 %(count)d 个案例没有足够的无利害关系专家") % {"count": len(short)},
                           {f"case_{case}": _("只有 %(n)d 位无利害关系的专家，需要 %(k)d 位")
                            % {"n": n, "k": call.experts_per_case}
                            for case, n in sorted(short.items())})
    seed = secrets.token_hex(32)
    draw = ReviewDraw.objects.create(
        call=call, algorithm=algorithm.ALGORITHM, parameters=parameters,
        parameters_sha256=parameters_digest(parameters), commitment=commitment_of(seed),
        seed=seed, committed_at=clock.now(), committed_by=actor_or_none(actor))
    audit_record(actor=actor, action="awards.draw_committed", entity="award_call",
                 entity_id=call.pk, data={"commitment": draw.commitment,
                                          "parameters_sha256": draw.parameters_sha256,
                                          "cases": len(parameters["cases"]),
                                          "experts": len(parameters["experts"])})
    return draw


@atomic_audited
def review_draw_run(*, actor: Any, call: AwardCall) -> ReviewDraw:
    """Run the committed draw from its seed and store each case's experts. The seed stays
    secret until the preliminary review closes (who scores which case is not known
    outside while the experts score); then it is revealed so anyone can re-run it."""
    call = call_locked(call)
    organiser_check(actor, call)
    status_check(call, CallStatus.PRELIMINARY)
    draw = ReviewDraw.objects.select_for_update().filter(call=call).first()
    if draw is None:
        raise Conflict(_("请先公示抽取参数和种子承诺值"))
    if draw.drawn_at is not None:
        raise Conflict(_("初评专家已经抽取"))
    drawn = algorithm.run(seed=draw.seed, parameters=draw.parameters)
    cases = {c.number: c for c in call.cases.all()}
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(draw=draw, case=cases[d.case], expert_id=int(expert), position=i)
        for i, (d, expert) in enumerate(((d, e) for d in drawn for e in d.experts), start=1))
    now = clock.now()
    draw.drawn_at = now
    draw.drawn_by = actor_or_none(actor)
    draw.save(update_fields=["drawn_at", "drawn_by"])
    audit_record(actor=actor, action="awards.draw_run", entity="award_call",
                 entity_id=call.pk, data={"assignments": sum(len(d.experts) for d in drawn)})
    _drawn_notify(call=call, drawn=drawn)
    return draw


def _drawn_notify(*, call: AwardCall, drawn: list[algorithm.Drawn]) -> None:
    """Tell each drawn expert how many cases wait for her sheet (not which: the seed is
    still secret)."""
    counts = Counter(int(expert) for d in drawn for expert in d.experts)
    for expert in Expert.objects.select_related("user").filter(pk__in=counts):
        notification_send(
            event=NotifyEvent.AWARD_REVIEW, key=f"call-{call.pk}", user=expert.user,
            link=reverse("web:awards_reviews"),
            context={"call": call.title, "count": counts[expert.pk]})


def scores_clean(scores: Mapping[str, Any]) -> dict[str, int]:
    """One whole number 0–100 per criterion; every missing or bad score named."""
    errors: dict[str, str] = {}
    out: dict[str, int] = {}
    for criterion in Criterion:
        given = scores.get(criterion.value)
        value = str(given if given is not None else "").strip()
        if not value:
            errors[f"score_{criterion.value}"] = _("请填写“%(criterion)s”的评分") % {
                "criterion": criterion.label}
        elif not value.isdigit() or not SCORE_MIN <= int(value) <= SCORE_MAX:
            errors[f"score_{criterion.value}"] = _(
                "“%(criterion)s”须为 %(min)d 至 %(max)d 的整数") % {
                "criterion": criterion.label, "min": SCORE_MIN, "max": SCORE_MAX}
        else:
            out[criterion.value] = int(value)
    for key in sorted(set(scores) - set(Criterion.values)):
        errors[f"score_{key}"] = _("没有该评审标准")
    if errors:
        raise InvalidInput(_("评分表有 %(count)d 处需要修改") % {"count": len(errors)}, errors)
    return out


@atomic_audited
def sheet_submit(*, actor: Any, case: AwardCase, scores: Mapping[str, Any],
                 comment: str = "") -> ScoreSheet:
    """The drawn expert's scores of a case, one per criterion, with a comment; submitted
    again it replaces the sheet, until the preliminary review closes."""
    expert = expert_of(actor)
    assignment = (ReviewAssignment.objects.filter(case=case, expert=expert).first()
                  if expert else None)
    if assignment is None:
        raise NotAllowed(_("您不是该案例的初评专家"))
    call = call_locked(case.call)
    status_check(call, CallStatus.PRELIMINARY)
    errors: dict[str, str] = {}
    try:
        clean = scores_clean(scores)
    except InvalidInput as exc:
        errors.update({k: str(v) for k, v in exc.errors.items()})
        clean = {}
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("评语最多 %(max)d 字") % {"max": COMMENT_MAX}
    if errors:
        raise InvalidInput(_("评分表有 %(count)d 处需要修改") % {"count": len(errors)}, errors)
    now = clock.now()
    sheet, created = ScoreSheet.objects.select_for_update().get_or_create(
        assignment=assignment,
        defaults={**clean, "comment": comment, "submitted_at": now, "updated_at": now})
    if not created:
        for criterion, value in clean.items():
            setattr(sheet, criterion, value)
        sheet.comment = comment
        sheet.updated_at = now
        sheet.save()
    audit_record(actor=actor, action="awards.sheet_submitted", entity="award_case",
                 entity_id=case.number, data={"expert": assignment.expert_id, **clean,
                                              "replaced": not created})
    return sheet
