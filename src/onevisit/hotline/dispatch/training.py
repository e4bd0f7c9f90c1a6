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
from onevisit.hotline.dispatch.baseline import CharSvmBaseline
from onevisit.hotline.dispatch.model import (
    DEFAULT_UNCERTAIN_BELOW,
    REGULARISATION,
    Accuracy,
    DispatchClassifier,
    Sample,
    TooFewSamples,
    accuracy,
    classifier_fit,
    features,
    folds_split,
    holdout_split,
)
from onevisit.hotline.dispatch.platforms import platform_label
from onevisit.hotline.dispatch.rules import RuleSet, simplified
from onevisit.hotline.dispatch.suggest import (
    dispatch_cache_clear,
    dispatch_departments,
    dispatch_rules_suggest,
    dispatch_suggest_many,
)
from onevisit.hotline.models import DispatchModel, Ticket, TicketAssignment

HISTORY_LIMIT = 50_000  # the newest tickets learnt from
HOLDOUT_FRACTION = 0.15
HOLDOUT_MIN_SAMPLES = 200
CROSS_BELOW = 3000  # fewer samples than this: choose by cross-validation
CHOICE_FOLDS = 4
RULES_WEIGHTS = (0.0, 0.1, 0.2, 0.3)
REGULARISATIONS = (1.0, 2.0, 5.0)  # C of the SVM, chosen among these on held-out samples
DEFAULT_RULES_WEIGHT = 0.1
# A suggestion is "certain" from the lowest confidence at which, on held-out samples, the
# first choices at least that confident were right this often.
CERTAIN_PRECISION = 0.9


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
    """A classifier fitted on all `samples`, and its metrics. With enough samples, models
    fitted on 85 % of them with each of REGULARISATIONS are first measured on the other
    15 % (or, under CROSS_BELOW samples, on each of CHOICE_FOLDS parts fitted on the
    others), with the keyword rules weighed in at each of RULES_WEIGHTS: the best pair is kept
    (the simplest of equals), so rules that do not fit this instance's departments are left
    out, and the confidence below which a suggestion is uncertain is calibrated there. With
    fewer, the defaults. A platform is learnt as its kind (`platform_labels`).
    Raises TooFewSamples."""
    samples = platform_labels(samples)
    metrics: dict[str, Any] = {"samples": len(samples),
                               "departments": len({s.department for s in samples})}
    _names, every_rule = dispatch_departments()
    learnt = {s.department for s in samples}
    rules = {code: rule for code, rule in every_rule.items() if code in learnt}
    ready = RuleSet(rules)
    said = {sample.text: ready.score(simplified(sample.text)) for sample in samples}
    tokens = {sample.text: features(sample.text, sample.region_code, said[sample.text])
              for sample in samples}
    weight, uncertain_below = DEFAULT_RULES_WEIGHT, DEFAULT_UNCERTAIN_BELOW
    regularisation = REGULARISATION
    if len(samples) >= HOLDOUT_MIN_SAMPLES:
        # Few samples: every one held out once (cross-validation), as one 15 % is too few
        # to choose by; many: one 15 % held out.
        splits = (folds_split(samples, folds=CHOICE_FOLDS) if len(samples) < CROSS_BELOW
                  else [holdout_split(samples, fraction=HOLDOUT_FRACTION)])
        splits = [(fit_on, held) for fit_on, held in splits
                  if held and len({s.department for s in fit_on}) >= 2]
        if splits:
            regularisation, weight, uncertain_below, metrics["holdout"] = _holdout(
                splits, tokens, said)
    classifier = classifier_fit(tokens=[tokens[s.text] for s in samples],
                                labels=[s.department for s in samples],
                                regularisation=regularisation)
    metrics.update(regularisation=regularisation, rules_weight=weight,
                   uncertain_below=uncertain_below)
    return replace(classifier, rules_weight=weight, uncertain_below=uncertain_below), metrics


def _holdout(splits: Sequence[tuple[Sequence[Sample], Sequence[Sample]]],
             tokens: dict[str, list[str]], said: dict[str, list[tuple[str, float]]],
             ) -> tuple[float, float, float, dict[str, Any]]:
    """The regularisation and the rules' weight that did best on the held-out samples of
    `splits` (fitted on the others; `tokens` and `said`: each text's features and what the
    rules say of it), the confidence below which the first choice is then uncertain, and
    the accuracy there."""
    labels = [s.department for _fit_on, held in splits for s in held]
    results: dict[tuple[float, float], tuple[Accuracy, list[tuple[float, bool]]]] = {}
    for regularisation in REGULARISATIONS:
        ranked: dict[float, list[list[str]]] = {weight: [] for weight in RULES_WEIGHTS}
        firsts: dict[float, list[tuple[float, bool]]] = {weight: [] for weight in RULES_WEIGHTS}
        for fit_on, held in splits:
            trial = classifier_fit(tokens=[tokens[s.text] for s in fit_on],
                                   labels=[s.department for s in fit_on],
                                   regularisation=regularisation)
            for sample in held:
                probabilities = trial.probabilities(tokens[sample.text])
                for weight in RULES_WEIGHTS:
                    blended = trial.blend(probabilities, said[sample.text], weight)
                    order = np.argsort(-blended, kind="stable")[:3]
                    ranked[weight].append([trial.departments[i] for i in order])
                    firsts[weight].append((float(blended[order[0]]),
                                           trial.departments[order[0]] == sample.department))
        for weight in RULES_WEIGHTS:
            results[regularisation, weight] = (accuracy(ranked[weight], labels), firsts[weight])
    best = max(results, key=lambda key: (results[key][0].top1, results[key][0].top3,
                                         -key[1], -key[0]))
    found, chosen = results[best]
    uncertain_below = certain_from(chosen)
    certain = [right for confidence, right in chosen if confidence >= uncertain_below]
    return best[0], best[1], uncertain_below, {
        **found.as_json(), "model_alone": results[best[0], 0.0][0].as_json(),
        "certain_share": round(len(certain) / len(chosen), 4),
        "certain_top1": round(sum(certain) / len(certain), 4) if certain else None,
    }


def certain_from(firsts: Sequence[tuple[float, bool]],
                 precision: float = CERTAIN_PRECISION) -> float:
    """The lowest confidence (rounded up to 0.05) from which the first choices at least
    that confident were right at least `precision` of the time; 1.0 when none were."""
    for step in range(21):
        threshold = step / 20
        right = [ok for confidence, ok in firsts if confidence >= threshold]
        if right and sum(right) / len(right) >= precision:
            return threshold
    return 1.0


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
    None, and nothing stored, while there are too few of them — or fewer than the current
    model learnt from (a model trained on a file of past tickets is not replaced by one of
    the first weeks' history)."""
    samples = dispatch_samples_from_history(limit=limit)
    current = (DispatchModel.objects.filter(active=True, method=DispatchMethod.MODEL)
               .order_by("-created_at", "-id").values_list("samples", flat=True).first())
    if current is not None and len(samples) < current:
        return None
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


@dataclass(frozen=True)
class Comparison:
    """The dispatcher and its baselines trained on the same samples and measured on the
    same held-out ones: `dispatcher` (the learnt model with the keyword rules weighed in,
    as dispatch uses it), `baseline` (`CharSvmBaseline`), `rules` (the keyword rules
    alone). `certain_share`: the held-out tickets whose suggestion was not uncertain, and
    `certain_top1` the dispatcher's top-1 on those."""

    dispatcher: Accuracy
    baseline: Accuracy
    rules: Accuracy
    certain_share: float
    certain_top1: float
    train_count: int


def dispatch_compare(*, train: Sequence[Sample], test: Sequence[Sample]) -> Comparison:
    """Train the dispatcher and the baseline on `train` (nothing is stored) and measure
    both, and the keyword rules, on `test`. Raises TooFewSamples."""
    classifier, _metrics = dispatch_model_train(samples=train)
    suggestions = dispatch_suggest_many(texts=[s.text for s in test],
                                        region_codes=[s.region_code for s in test],
                                        classifier=classifier)
    labels = [s.department for s in test]
    ranked = [[choice.department_code for choice in suggestion.choices]
              for suggestion in suggestions]
    baseline = CharSvmBaseline(train).ranked([s.text for s in test])
    learnt = {s.department for s in train}
    keyword = [[c.department_code
                for c in dispatch_rules_suggest(text=s.text, departments=learnt).choices]
               for s in test]
    certain = [codes[0] == label if codes else False
               for suggestion, codes, label in zip(suggestions, ranked, labels, strict=True)
               if not suggestion.uncertain]
    return Comparison(
        dispatcher=accuracy(ranked, labels), baseline=accuracy(baseline, labels),
        rules=accuracy(keyword, labels),
        certain_share=len(certain) / len(test) if test else 0.0,
        certain_top1=sum(certain) / len(certain) if certain else 0.0,
        train_count=len(train),
    )


def dispatch_cross_validate(*, samples: Sequence[Sample], folds: int,
                            seed: int = 0) -> list[Comparison]:
    """`dispatch_compare` on each of `folds` folds of `samples` (a text on one side only),
    trained on the others."""
    return [dispatch_compare(train=train, test=test)
            for train, test in folds_split(samples, folds=folds, seed=seed)]
