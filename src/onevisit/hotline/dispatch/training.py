"""Training the dispatch model, from the instance's own history or from a file of past
tickets, storing it, and measuring it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef

from onevisit import clock
from onevisit.accounts.models import Department
from onevisit.audit.services import audit_record
from onevisit.hotline.constants import AssignmentRole, DispatchMethod, TicketStatus
from onevisit.hotline.dispatch.model import (
    Accuracy,
    DispatchClassifier,
    Sample,
    TooFewSamples,
    accuracy,
    classifier_fit,
    features,
    holdout_split,
)
from onevisit.hotline.dispatch.platforms import platform_label
from onevisit.hotline.dispatch.rules import rules_score
from onevisit.hotline.dispatch.suggest import (
    dispatch_cache_clear,
    dispatch_departments,
    dispatch_suggest_many,
)
from onevisit.hotline.models import DispatchModel, Ticket, TicketAssignment

HISTORY_LIMIT = 50_000  # the newest tickets learnt from
HOLDOUT_FRACTION = 0.15
HOLDOUT_MIN_SAMPLES = 200
RULES_WEIGHTS = (0.0, 0.2, 0.35, 0.5)
DEFAULT_RULES_WEIGHT = 0.2


def dispatch_samples_from_history(*, limit: int = HISTORY_LIMIT) -> list[Sample]:
    """What the instance's handled tickets teach: each replied or closed ticket labelled
    with the department that led it to the end — it accepted (签收) the ticket as the lead
    and did not return it. A department that returned a ticket (退单) is never its label:
    the dispatcher's correction, the department that then accepted, is."""
    accepted = TicketAssignment.objects.filter(
        ticket=OuterRef("pk"), department=OuterRef("lead_department"),
        role=AssignmentRole.LEAD, accepted_at__isnull=False, returned_at__isnull=True,
    )
    rows = (
        Ticket.objects
        .filter(status__in=(TicketStatus.REPLIED, TicketStatus.CLOSED),
                lead_department__isnull=False)
        .filter(Exists(accepted))
        .order_by("-created_at", "-id")
        .values_list("title", "text", "lead_department__code", "region_id")[:limit]
    )
    return [Sample(text=f"{title}\n{text}", department=code, region_code=region or "")
            for title, text, code, region in rows]


def platform_labels(samples: Sequence[Sample]) -> list[Sample]:
    """The samples as the model learns them: a township's grassroots platform as its kind
    (`platform:enforcement`), so that every township's platforms of a kind are one label
    and the suggestion turns it back into the ticket's own township's platform."""
    kinds = dict(Department.objects.exclude(platform="").values_list("code", "platform"))
    return [replace(sample, department=platform_label(kinds[sample.department]))
            if sample.department in kinds else sample for sample in samples]


def dispatch_model_train(*, samples: Sequence[Sample]) -> tuple[DispatchClassifier, dict[str, Any]]:
    """A classifier fitted on all `samples`, and its metrics. With enough samples, a model
    fitted on 85 % of them is first measured on the other 15 %, with the keyword rules
    weighed in at each of RULES_WEIGHTS: the best weight is kept (the smallest of equals),
    so rules that do not fit this instance's departments are left out. With fewer, the
    rules count DEFAULT_RULES_WEIGHT. A platform is learnt as its kind (`platform_labels`).
    Raises TooFewSamples."""
    samples = platform_labels(samples)
    metrics: dict[str, Any] = {"samples": len(samples),
                               "departments": len({s.department for s in samples})}
    tokens = [features(sample.text, sample.region_code) for sample in samples]
    labels = [sample.department for sample in samples]
    weight = DEFAULT_RULES_WEIGHT
    if len(samples) >= HOLDOUT_MIN_SAMPLES:
        fit_on, held = holdout_split(samples, fraction=HOLDOUT_FRACTION)
        if held and len({s.department for s in fit_on}) >= 2:
            weight, metrics["holdout"] = _holdout(fit_on, held)
    classifier = classifier_fit(tokens=tokens, labels=labels)
    metrics["rules_weight"] = weight
    return replace(classifier, rules_weight=weight), metrics


def _holdout(fit_on: Sequence[Sample], held: Sequence[Sample]) -> tuple[float, dict[str, Any]]:
    trial = classifier_fit(tokens=[features(s.text, s.region_code) for s in fit_on],
                           labels=[s.department for s in fit_on])
    _names, rules = dispatch_departments()
    probabilities = [trial.probabilities(features(s.text, s.region_code)) for s in held]
    keyword = [rules_score(s.text, rules) for s in held]
    labels = [s.department for s in held]
    results: dict[float, Accuracy] = {}
    for weight in RULES_WEIGHTS:
        ranked = []
        for p, r in zip(probabilities, keyword, strict=True):
            blended = trial.blend(p, r, weight)
            ranked.append([trial.departments[i] for i in np.argsort(-blended, kind="stable")[:3]])
        results[weight] = accuracy(ranked, labels)
    best = max(RULES_WEIGHTS, key=lambda w: (results[w].top1, results[w].top3, -w))
    return best, {**results[best].as_json(), "model_alone": results[0.0].as_json()}


@transaction.atomic
def dispatch_model_store(*, classifier: DispatchClassifier, samples: int,
                         metrics: dict[str, Any], actor: Any = None) -> DispatchModel:
    """Store a trained model as the one every process uses: the earlier ones are
    deactivated (kept, to go back to)."""
    DispatchModel.objects.filter(active=True).update(active=False)
    stored = DispatchModel.objects.create(
        created_at=clock.now(), method=DispatchMethod.MODEL, samples=samples,
        departments=list(classifier.departments), payload=classifier.to_bytes(),
        metrics=metrics, active=True,
    )
    audit_record(actor=actor, action="dispatch_model.stored", entity="dispatch_model",
                 entity_id=stored.pk, data={"samples": samples, "metrics": metrics})
    dispatch_cache_clear()  # this process at once, and again when the model is committed
    transaction.on_commit(dispatch_cache_clear)
    return stored


def dispatch_train(*, samples: Sequence[Sample], source: str,
                   actor: Any = None) -> DispatchModel:
    """Train on `samples` and store the model (nothing stored if there are too few)."""
    classifier, metrics = dispatch_model_train(samples=samples)
    return dispatch_model_store(classifier=classifier, samples=len(samples),
                                metrics={**metrics, "source": source}, actor=actor)


def dispatch_train_from_history(*, actor: Any = None,
                                limit: int = HISTORY_LIMIT) -> DispatchModel | None:
    """Learn from the instance's handled tickets (see `dispatch_samples_from_history`);
    None, and nothing stored, while there are too few of them."""
    samples = dispatch_samples_from_history(limit=limit)
    try:
        return dispatch_train(samples=samples, source="history", actor=actor)
    except TooFewSamples:
        return None


@dataclass(frozen=True)
class Evaluation:
    method: str
    model_id: int | None
    accuracy: Accuracy


def dispatch_evaluate(*, samples: Sequence[Sample]) -> Evaluation:
    """Top-1 and top-3 accuracy of what dispatch now suggests (the current model, or the
    rules) on `samples` — tickets it must not have been trained on."""
    suggestions = dispatch_suggest_many(texts=[s.text for s in samples],
                                        region_codes=[s.region_code for s in samples])
    ranked = [[choice.department_code for choice in suggestion.choices]
              for suggestion in suggestions]
    method = suggestions[0].method if suggestions else DispatchMethod.RULES.value
    model_id = suggestions[0].model_id if suggestions else None
    return Evaluation(method=method, model_id=model_id,
                      accuracy=accuracy(ranked, [s.department for s in samples]))
