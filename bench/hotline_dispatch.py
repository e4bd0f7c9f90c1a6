"""Dispatch suggestion (派单): accuracy and suggestions/s on two data sets, each beside
the baseline of a plain character 1–3-gram TF-IDF + linear SVM trained on the same samples
(`CharSvmBaseline`).

**Real-style letters** (`bench/data/hotline/dispatch-letters.csv`, 469 letters to the
22 departments of 嘉兴市南湖区, written by hand independently of the demo's templates: see
bench/data/hotline/README.md): 5-fold cross-validation, a half/half split, and — when
`dispatch-letters-heldout.csv` is there, written later by another hand — trained on the
first file and measured on that one. The departments are created from the file, as
`onevisit hotline train --create-departments` does. Speed: one letter a call.

**Generated tickets**: tickets of `onevisit.demo.tickets` (19 departments of 西湖区, some
matters handled now by one department and now by another, as in reality) are split by seed
into a training set and a held-out set with no text in common; a second held-out set is
also told only in phrasings the training set never uses. The model is trained and stored
through the real service, then measured beside, from the same run:

- the keyword rules that serve an instance with no history, and a majority-class guess;
- the ceiling the data allows: the share of tickets handled by their matter's usual
  department (the rest went elsewhere, which no text can tell);
- for speed, the baseline's own pipeline, one ticket a call.

Texts only (no titles), one `dispatch_suggest` call per ticket, and `dispatch_suggest_many`
for a batch.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from django.core.management import call_command

from onevisit.accounts.models import Region
from onevisit.accounts.services import regions_load
from onevisit.demo.tickets import (
    HOTLINE_DEPARTMENTS,
    GeneratedTicket,
    hotline_departments_ensure,
    tickets_split,
)
from onevisit.hotline.dispatch import (
    Accuracy,
    CharSvmBaseline,
    Comparison,
    DispatchClassifier,
    Sample,
    accuracy,
    departments_create,
    dispatch_cache_clear,
    dispatch_compare,
    dispatch_cross_validate,
    dispatch_evaluate,
    dispatch_rules_suggest,
    dispatch_suggest,
    dispatch_suggest_many,
    dispatch_train,
    holdout_split,
    samples_read,
)
from onevisit.search.text import segmenter_warm

TARGET_PER_SECOND = 1000.0
DATA = Path(__file__).parent / "data" / "hotline"
LETTERS = DATA / "dispatch-letters.csv"
HELDOUT = DATA / "dispatch-letters-heldout.csv"
LETTERS_REGION = "330402"  # 嘉兴市南湖区
LONG = 350  # the letters whose speed is measured are at least this long


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
    ranked = [[c.department_code for c in dispatch_rules_suggest(
        text=s.text, departments=HOTLINE_DEPARTMENTS).choices] for s in test]
    return accuracy(ranked, [s.department for s in test])


def _alone(payload: bytes, test: Sequence[Sample]) -> Accuracy:
    """The learnt model without the keyword rules weighed in after it (they are still
    among its features)."""
    classifier = replace(DispatchClassifier.from_bytes(bytes(payload)), rules_weight=0.0)
    ranked = [[c.department_code for c in dispatch_suggest_many(
        texts=[s.text], region_codes=[s.region_code], classifier=classifier)[0].choices]
        for s in test]
    return accuracy(ranked, [s.department for s in test])


def _rate(work: Callable[[], Any], count: int) -> float:
    started = time.perf_counter()
    work()
    return count / (time.perf_counter() - started)


def _cpu_rate(work: Callable[[], Any], count: int) -> float:
    """Per second of this process's CPU time: one core's rate, whatever else the machine
    is doing (the wall-clock rate is printed beside it)."""
    started = time.process_time()
    work()
    return count / (time.process_time() - started)


def run(*, out: TextIO, train: int, test: int, folds: int, seed: int) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="330106").exists():
        regions_load()
    segmenter_warm()
    return {"letters": _letters(out=out, folds=folds, seed=seed),
            "generated": _generated(out=out, train=train, test=test, seed=seed)}


def _comparison_rows(out: TextIO, label: str, comparisons: Sequence[Comparison]) -> dict[str, Any]:
    def mean(values: Any) -> float:
        return statistics.fmean(values)

    dispatcher = mean(c.dispatcher.top1 for c in comparisons)
    baseline = mean(c.baseline.top1 for c in comparisons)
    rules = mean(c.rules.top1 for c in comparisons)
    out.write(f"{label}\n")
    for name, results in (("dispatcher (onevisit)", [c.dispatcher for c in comparisons]),
                          ("char 1-3-gram TF-IDF + linear SVM (baseline)",
                           [c.baseline for c in comparisons]),
                          ("keyword rules alone", [c.rules for c in comparisons])):
        top1, top3 = mean(r.top1 for r in results), mean(r.top3 for r in results)
        ratio = dispatcher / top1 if top1 else float("inf")
        out.write(f"  {name:46}{top1:>8.1%}{top3:>8.1%}{ratio:>10.2f}×\n")
    certain = mean(c.certain_share for c in comparisons)
    certain_top1 = mean(c.certain_top1 for c in comparisons)
    out.write(f"  certain (not shown as uncertain): {certain:.1%} of letters, top-1 "
              f"{certain_top1:.1%} on them\n")
    return {"dispatcher": dispatcher, "baseline": baseline, "rules": rules,
            "certain_share": certain, "certain_top1": certain_top1,
            "top3": mean(c.dispatcher.top3 for c in comparisons)}


def _read(path: Path) -> list[Sample]:
    """A file's letters, its departments created first (as `hotline train
    --create-departments` does)."""
    read = samples_read(path)
    if read.skipped_unknown:
        departments_create(names=list(read.skipped_unknown), region_code=LETTERS_REGION)
        dispatch_cache_clear()
        read = samples_read(path)
    return read.samples


def _letters(*, out: TextIO, folds: int, seed: int) -> dict[str, Any]:
    """The real-style letters: cross-validation, a half/half split, the held-out file."""
    letters = _read(LETTERS)
    length = statistics.fmean(len(s.text) for s in letters)
    out.write(f"onevisit bench hotline_dispatch — real-style letters: {len(letters)} letters "
              f"to {len({s.department for s in letters})} departments, mean "
              f"{length:.0f} characters ({LETTERS.name})\n")
    out.write(f"  {'':46}{'top-1':>8}{'top-3':>8}{'onevisit ÷':>11}\n")
    results = {"folds": _comparison_rows(
        out, f"{folds}-fold cross-validation (seed {seed})",
        dispatch_cross_validate(samples=letters, folds=folds, seed=seed))}
    first, second = holdout_split(letters, fraction=0.5, seed=seed)
    results["half"] = _comparison_rows(
        out, f"trained on half ({len(first)}), measured on the other half ({len(second)})",
        [dispatch_compare(train=first, test=second)])
    if HELDOUT.exists():
        heldout = _read(HELDOUT)
        mean_length = statistics.fmean(len(s.text) for s in heldout)
        results["heldout"] = _comparison_rows(
            out, f"trained on all {len(letters)}, measured on {len(heldout)} letters "
                 f"written later by another hand ({HELDOUT.name}, mean {mean_length:.0f} "
                 "characters)",
            [dispatch_compare(train=letters, test=heldout)])
    stored = dispatch_train(samples=letters, source=LETTERS.name)
    dispatch_cache_clear()
    everything = letters + (_read(HELDOUT) if HELDOUT.exists() else [])
    long_ones = [s for s in everything if len(s.text) >= LONG] * 3
    dispatch_suggest(text=long_ones[0].text)  # the model loaded
    wall = _rate(lambda: [dispatch_suggest(text=s.text) for s in long_ones], len(long_ones))
    single = _cpu_rate(lambda: [dispatch_suggest(text=s.text) for s in long_ones],
                       len(long_ones))
    baseline = CharSvmBaseline(letters)
    baseline_rate = _cpu_rate(lambda: [baseline.ranked([s.text]) for s in long_ones],
                              len(long_ones))
    long_mean = statistics.fmean(len(s.text) for s in long_ones)
    verdict = "met" if single >= TARGET_PER_SECOND else "NOT met"
    out.write(f"speed, the {len(long_ones) // 3} letters of ≥ {LONG} characters (mean "
              f"{long_mean:.0f}), one a call, per "
              f"second of CPU (one core): dispatch_suggest {single:,.0f}/s (model {stored.pk}; "
              f"{wall:,.0f}/s by the wall clock, load average {os.getloadavg()[0]:.2f}), the "
              f"baseline's pipeline {baseline_rate:,.0f}/s ({single / baseline_rate:.2f}×); "
              f"target ≥ {TARGET_PER_SECOND:,.0f}/s: {verdict}\n\n")
    results["per_second"] = {"single": single, "wall": wall, "baseline": baseline_rate,
                             "mean_length": long_mean}
    return results


def _generated(*, out: TextIO, train: int, test: int, seed: int) -> dict[str, Any]:
    region = Region.objects.get(code="330106")
    departments = hotline_departments_ensure(region=region)
    dispatch_cache_clear()  # the departments just created, for the keyword rules too
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

    started = time.perf_counter()
    baseline_model = CharSvmBaseline(training)
    baseline_seconds = time.perf_counter() - started
    baseline = accuracy(baseline_model.ranked([s.text for s in held]),
                        [s.department for s in held])
    baseline_unseen = accuracy(CharSvmBaseline(training_unseen).ranked(
        [s.text for s in held_unseen]), [s.department for s in held_unseen])

    texts = [s.text for s in held]
    regions = [s.region_code for s in held]
    tokenise = _cpu_rate(lambda: [baseline_model.ranked([text]) for text in texts],
                         len(texts))
    single = _cpu_rate(lambda: [dispatch_suggest(text=s.text, region_code=s.region_code)
                                for s in held], len(held))
    batch = _cpu_rate(lambda: dispatch_suggest_many(texts=texts, region_codes=regions),
                      len(texts))
    rules_rate = _cpu_rate(lambda: [dispatch_rules_suggest(text=text) for text in texts],
                           len(texts))

    ceiling, ceiling_unseen = _ceiling(split.test), _ceiling(unseen.test)
    out.write(f"onevisit bench hotline_dispatch — generated tickets: {len(departments)} "
              "departments, "
              f"{train} training and {test} held-out tickets (seed {seed}), texts only\n")
    out.write(f"held-out texts that were training texts: {split.exact_overlap} of "
              f"{split.drawn} drawn ({split.exact_overlap_rate:.2%}), replaced; "
              f"unseen wording: {unseen.exact_overlap} of {unseen.drawn}\n")
    out.write(f"model {stored.pk}: trained in {fit_seconds:.1f} s (features included; the "
              f"baseline in {baseline_seconds:.1f} s), {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.2f}\n\n")
    out.write(f"rules weight chosen at training: {stored.metrics['rules_weight']} "
              f"(unseen wording: {stored_unseen.metrics['rules_weight']})\n")
    out.write(f"{'accuracy':46}{'top-1':>8}{'top-3':>8}{'onevisit top-1 ÷ this':>23}\n")
    rows = (
        ("learnt model + rules (onevisit)", model, model),
        ("model, rules not weighed in after it", alone, model),
        ("char 1-3-gram TF-IDF + linear SVM (baseline)", baseline, model),
        ("keyword rules alone (baseline)", rules, model),
        ("majority class (baseline)", majority, model),
        ("learnt model + rules, unseen wording", model_unseen, model_unseen),
        ("model, rules not after it, unseen wording", alone_unseen, model_unseen),
        ("char n-gram SVM, unseen wording (baseline)", baseline_unseen, model_unseen),
        ("keyword rules alone, unseen wording", rules_unseen, model_unseen),
    )
    for label, result, reference in rows:
        ratio = reference.top1 / result.top1 if result.top1 else float("inf")
        out.write(f"{label:46}{result.top1:>8.1%}{result.top3:>8.1%}{ratio:>22.2f}×\n")
    out.write(f"{'ceiling: usual department of the matter':46}{ceiling:>8.1%}\n")
    out.write(f"{'ceiling, unseen wording':46}{ceiling_unseen:>8.1%}\n\n")
    out.write(f"{'speed (per second of CPU: one core)':46}{'per second':>12}{'ratio':>9}\n")
    for label, rate in (("dispatch_suggest, one ticket a call (onevisit)", single),
                        ("dispatch_suggest_many, one batch", batch),
                        ("keyword rules, one ticket a call", rules_rate),
                        ("char n-gram SVM baseline, one a call", tokenise)):
        out.write(f"{label:46}{rate:>12,.0f}{rate / tokenise:>8.2f}×\n")
    verdict = "met" if single >= TARGET_PER_SECOND else "NOT met"
    out.write(f"\ntarget ≥ {TARGET_PER_SECOND:,.0f} suggestions/s (one ticket a call): "
              f"{verdict}\n")
    return {
        "model": model.as_json(), "rules": rules.as_json(), "majority": majority.as_json(),
        "model_unseen": model_unseen.as_json(), "rules_unseen": rules_unseen.as_json(),
        "model_alone": alone.as_json(), "model_alone_unseen": alone_unseen.as_json(),
        "baseline": baseline.as_json(), "baseline_unseen": baseline_unseen.as_json(),
        "ceiling": ceiling, "ceiling_unseen": ceiling_unseen,
        "exact_overlap_rate": split.exact_overlap_rate, "fit_seconds": fit_seconds,
        "per_second": {"single": single, "batch": batch, "rules": rules_rate,
                       "baseline": tokenise},
        "model_id": stored.pk, "model_unseen_id": stored_unseen.pk,
    }
