"""Dispatch suggestion (派单): accuracy on held-out synthetic tickets and suggestions/s.

Tickets of `onevisit.demo.tickets` (19 departments of 西湖区, some matters handled now by
one department and now by another, as in reality) are split by seed into a training set
and a held-out set with no text in common; a second held-out set is also told only in
phrasings the training set never uses. The model is trained and stored through the real
service, then measured beside, from the same run:

- the keyword rules that serve an instance with no history, and a majority-class guess;
- the ceiling the data allows: the share of tickets handled by their matter's usual
  department (the rest went elsewhere, which no text can tell);
- for speed, jieba tokenisation alone (every suggestion tokenises the ticket first).

Texts only (no titles), one `dispatch_suggest` call per ticket, and `dispatch_suggest_many`
for a batch.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TextIO

from django.core.management import call_command

from onevisit.accounts.models import Region
from onevisit.accounts.services import regions_load
from onevisit.demo.tickets import GeneratedTicket, hotline_departments_ensure, tickets_split
from onevisit.hotline.dispatch import (
    Accuracy,
    DispatchClassifier,
    Sample,
    accuracy,
    dispatch_cache_clear,
    dispatch_evaluate,
    dispatch_rules_suggest,
    dispatch_suggest,
    dispatch_suggest_many,
    dispatch_train,
    features,
)
from onevisit.search.text import index_tokens, segmenter_warm

TARGET_PER_SECOND = 1000.0


def _samples(tickets: Sequence[GeneratedTicket]) -> list[Sample]:
    return [Sample(text=t.text, department=t.department_code, region_code=t.region_code)
            for t in tickets]


def _majority(train: Sequence[Sample], test: Sequence[Sample]) -> Accuracy:
    common = [code for code, _ in Counter(s.department for s in train).most_common(3)]
    return accuracy([common] * len(test), [s.department for s in test])


def _ceiling(tickets: Sequence[GeneratedTicket]) -> float:
    usual = sum(1 for t in tickets if t.department_code == t.case.matter.department)
    return usual / len(tickets)


def _rules(test: Sequence[Sample]) -> Accuracy:
    ranked = [[c.department_code for c in dispatch_rules_suggest(text=s.text).choices]
              for s in test]
    return accuracy(ranked, [s.department for s in test])


def _alone(payload: bytes, test: Sequence[Sample]) -> Accuracy:
    """The learnt model without the keyword rules weighed in."""
    classifier = replace(DispatchClassifier.from_bytes(bytes(payload)), rules_weight=0.0)
    ranked = [[code for code, _ in classifier.top(features(s.text, s.region_code))]
              for s in test]
    return accuracy(ranked, [s.department for s in test])


def _rate(work: Callable[[], Any], count: int) -> float:
    started = time.perf_counter()
    work()
    return count / (time.perf_counter() - started)


def run(*, out: TextIO, train: int, test: int, seed: int) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    region = Region.objects.filter(code="330106").first()
    if region is None:
        regions_load()
        region = Region.objects.get(code="330106")
    departments = hotline_departments_ensure(region=region)
    segmenter_warm()
    split = tickets_split(train=train, test=test, seed=seed)
    unseen = tickets_split(train=train, test=test, seed=seed, unseen_wording=True)
    training, held, held_unseen = (_samples(split.train), _samples(split.test),
                                   _samples(unseen.test))
    training_unseen = _samples(unseen.train)

    rules, rules_unseen = _rules(held), _rules(held_unseen)
    majority = _majority(training, held)
    stored_unseen = dispatch_train(samples=training_unseen, source="bench (unseen wording)")
    dispatch_cache_clear()
    model_unseen = dispatch_evaluate(samples=held_unseen).accuracy
    started = time.perf_counter()
    stored = dispatch_train(samples=training, source="bench")
    fit_seconds = time.perf_counter() - started
    dispatch_cache_clear()
    model = dispatch_evaluate(samples=held).accuracy  # and the model stays the current one
    alone = _alone(stored.payload, held)
    alone_unseen = _alone(stored_unseen.payload, held_unseen)

    texts = [s.text for s in held]
    regions = [s.region_code for s in held]
    tokenise = _rate(lambda: [index_tokens(text) for text in texts], len(texts))
    single = _rate(lambda: [dispatch_suggest(text=s.text, region_code=s.region_code)
                            for s in held], len(held))
    batch = _rate(lambda: dispatch_suggest_many(texts=texts, region_codes=regions), len(texts))
    rules_rate = _rate(lambda: [dispatch_rules_suggest(text=text) for text in texts],
                       len(texts))

    ceiling, ceiling_unseen = _ceiling(split.test), _ceiling(unseen.test)
    out.write(f"onevisit bench hotline_dispatch — {len(departments)} departments, "
              f"{train} training and {test} held-out tickets (seed {seed}), texts only\n")
    out.write(f"held-out texts that were training texts: {split.exact_overlap} of "
              f"{split.drawn} drawn ({split.exact_overlap_rate:.2%}), replaced; "
              f"unseen wording: {unseen.exact_overlap} of {unseen.drawn}\n")
    out.write(f"model {stored.pk}: trained in {fit_seconds:.1f} s (tokenising included), "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n\n")
    out.write(f"rules weight chosen at training: {stored.metrics['rules_weight']} "
              f"(unseen wording: {stored_unseen.metrics['rules_weight']})\n")
    out.write(f"{'accuracy':46}{'top-1':>8}{'top-3':>8}{'onevisit top-1 ÷ this':>23}\n")
    rows = (
        ("learnt model + rules (onevisit)", model, model),
        ("learnt model alone", alone, model),
        ("keyword rules alone (baseline)", rules, model),
        ("majority class (baseline)", majority, model),
        ("learnt model + rules, unseen wording", model_unseen, model_unseen),
        ("learnt model alone, unseen wording", alone_unseen, model_unseen),
        ("keyword rules alone, unseen wording", rules_unseen, model_unseen),
    )
    for label, result, reference in rows:
        ratio = reference.top1 / result.top1 if result.top1 else float("inf")
        out.write(f"{label:46}{result.top1:>8.1%}{result.top3:>8.1%}{ratio:>22.2f}×\n")
    out.write(f"{'ceiling: usual department of the matter':46}{ceiling:>8.1%}\n")
    out.write(f"{'ceiling, unseen wording':46}{ceiling_unseen:>8.1%}\n\n")
    out.write(f"{'speed':46}{'per second':>12}{'ratio':>9}\n")
    for label, rate in (("dispatch_suggest, one ticket a call (onevisit)", single),
                        ("dispatch_suggest_many, one batch", batch),
                        ("keyword rules, one ticket a call", rules_rate),
                        ("jieba tokenisation alone (baseline)", tokenise)):
        out.write(f"{label:46}{rate:>12,.0f}{rate / tokenise:>8.2f}×\n")
    verdict = "met" if single >= TARGET_PER_SECOND else "NOT met"
    out.write(f"\ntarget ≥ {TARGET_PER_SECOND:,.0f} suggestions/s (one ticket a call): "
              f"{verdict}\n")
    return {
        "model": model.as_json(), "rules": rules.as_json(), "majority": majority.as_json(),
        "model_unseen": model_unseen.as_json(), "rules_unseen": rules_unseen.as_json(),
        "model_alone": alone.as_json(), "model_alone_unseen": alone_unseen.as_json(),
        "ceiling": ceiling, "ceiling_unseen": ceiling_unseen,
        "exact_overlap_rate": split.exact_overlap_rate, "fit_seconds": fit_seconds,
        "per_second": {"single": single, "batch": batch, "rules": rules_rate,
                       "tokenise": tokenise},
        "model_id": stored.pk, "model_unseen_id": stored_unseen.pk,
    }
