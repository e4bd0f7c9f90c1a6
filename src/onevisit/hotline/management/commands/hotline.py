from __future__ import annotations

from pathlib import Path
from statistics import mean
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.accounts.services import regions_missing_hint
from onevisit.errors import InvalidInput
from onevisit.hotline.dispatch import (
    Comparison,
    SampleFile,
    SampleFileError,
    TooFewSamples,
    accuracy,
    departments_create,
    dispatch_compare,
    dispatch_cross_validate,
    dispatch_evaluate,
    dispatch_rules_suggest,
    dispatch_train,
    dispatch_train_from_history,
    samples_read,
)
from onevisit.hotline.dispatch.model import MIN_DEPARTMENTS, MIN_SAMPLES
from onevisit.hotline.models import DispatchModel


def _departments(count: int) -> str:
    return "1 department" if count == 1 else f"{count} departments"


class Command(BaseCommand):
    help = (
        "The 12345 hotline. `train FILE` learns dispatch (派单) from a CSV (UTF-8 or GBK) or "
        ".xlsx export of past tickets — a text column (诉求内容/工单内容/内容/text) and a "
        "department column (承办单位/主办单位/处理部门/department, by code or name) — and "
        "makes it the model every process uses; a department the instance does not have "
        "is refused by name, unless --create-departments (with --region) creates them or "
        "--skip-unknown leaves their rows out. `evaluate FILE` prints the top-1/top-3 "
        "accuracy of dispatch on tickets it was not trained on, beside a character n-gram "
        "TF-IDF + linear SVM baseline trained on the same training file (--train FILE, or "
        "--folds K for cross-validation within FILE); `learn` learns from this instance's "
        "own handled tickets (the department that accepted and replied, after the "
        "dispatcher's corrections and the departments' returns) — the scheduler runs it "
        "nightly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        train = actions.add_parser("train", help="learn dispatch from past tickets")
        train.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx")
        evaluate = actions.add_parser("evaluate", help="measure dispatch on past tickets")
        evaluate.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx")
        evaluate.add_argument(
            "--train", type=Path, metavar="TRAIN", dest="train_file",
            help="train the dispatcher and the baseline on TRAIN (nothing stored) and "
                 "measure both on FILE")
        evaluate.add_argument(
            "--folds", type=int, metavar="K",
            help="K-fold cross-validation within FILE: the dispatcher and the baseline "
                 "trained on K-1 parts and measured on the other, K times (nothing stored)")
        evaluate.add_argument("--seed", type=int, default=0, help="of the folds (default 0)")
        for action in (train, evaluate):
            action.add_argument(
                "--create-departments", action="store_true",
                help="create the departments the file names that the instance does not "
                     "have (listed first), under --region")
            action.add_argument("--region", metavar="CODE",
                                help="the region code of the created departments")
            action.add_argument("--skip-unknown", action="store_true",
                                help="leave out the rows of unknown departments")
        actions.add_parser("learn", help="learn dispatch from this instance's handled tickets")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "learn":
            self._learn()
            return
        if options["create_departments"] and not options["region"]:
            raise CommandError("--create-departments needs --region CODE: the region the "
                               "new departments belong to")
        if options["action"] == "train":
            self._train(options["file"], options)
        else:
            self._evaluate(options["file"], options)

    def _learn(self) -> None:
        stored = dispatch_train_from_history()
        if stored is None:
            self.stdout.write("too few handled tickets to learn from yet (fewer than the "
                              "current model learnt from, or too few for a model); dispatch "
                              "keeps its current model or the keyword rules")
            return
        self.stdout.write(f"dispatch model {stored.pk} stored and active: {stored.samples} "
                          f"handled tickets, {len(stored.departments)} departments")

    def _read(self, path: Path, options: dict[str, Any]) -> SampleFile:
        try:
            read = samples_read(path)
        except SampleFileError as error:
            raise CommandError(f"{path}: {error}") from error
        columns = ", ".join(f"{role}={header}" for role, header in read.columns.items())
        self.stdout.write(f"{path.name}: {read.rows} rows ({columns})")
        if read.skipped_unknown:
            read = self._unknown(path, read, options)
        self.stdout.write(f"  {len(read.samples)} used, {read.skipped} skipped")
        if read.skipped_empty:
            self.stdout.write(f"  skipped, empty text or department: {read.skipped_empty}")
        if not read.samples:
            raise CommandError(f"{path}: no usable rows")
        return read

    def _unknown(self, path: Path, read: SampleFile, options: dict[str, Any]) -> SampleFile:
        """The file names departments the instance does not have: all of them listed,
        then created (--create-departments), their rows left out (--skip-unknown), or
        the file refused."""
        unknown = read.skipped_unknown
        self.stdout.write(f"  {_departments(len(unknown))} this instance does not have "
                          f"({sum(unknown.values())} rows):")
        for name, count in sorted(unknown.items(), key=lambda pair: (-pair[1], pair[0])):
            self.stdout.write(f"    {name}: {count}")
        if options["create_departments"]:
            rows = len(read.samples) + sum(unknown.values())
            departments = len({s.department for s in read.samples}) + len(unknown)
            if rows < MIN_SAMPLES or departments < MIN_DEPARTMENTS:
                raise CommandError(
                    f"{path}: {rows} rows of {_departments(departments)}: a model needs at "
                    f"least {MIN_SAMPLES} rows of at least {MIN_DEPARTMENTS} departments; "
                    "nothing created, nothing stored")
            try:
                created = departments_create(names=sorted(unknown), region_code=options["region"])
            except InvalidInput as error:
                raise CommandError(f"--region {options['region']}: {error.message}"
                                   f"{regions_missing_hint()}") from error
            for department in created:
                self.stdout.write(f"  created {department.code} {department.name}")
            return self._read_again(path)
        if options["skip_unknown"]:
            self.stdout.write("  their rows are left out (--skip-unknown)")
            return read
        raise CommandError(
            f"{path}: {_departments(len(unknown))} {'is' if len(unknown) == 1 else 'are'} "
            "unknown (listed above); nothing done. "
            "Create them with --create-departments --region CODE, or leave their rows out "
            "with --skip-unknown")

    def _read_again(self, path: Path) -> SampleFile:
        try:
            return samples_read(path)
        except SampleFileError as error:
            raise CommandError(f"{path}: {error}") from error

    def _train(self, path: Path, options: dict[str, Any]) -> None:
        read = self._read(path, options)
        try:
            stored = dispatch_train(samples=read.samples, source=path.name)
        except TooFewSamples as error:
            raise CommandError(f"{path}: {error}; nothing stored") from error
        self.stdout.write(f"dispatch model {stored.pk} stored and active: {stored.samples} "
                          f"samples, {len(stored.departments)} departments")
        holdout = stored.metrics.get("holdout")
        if holdout:
            how = ("by cross-validation within the file" if holdout["count"] == stored.samples
                   else f"on {holdout['count']} tickets held out of the file")
            self.stdout.write(f"  {how}: top-1 {holdout['top1']:.1%}, "
                              f"top-3 {holdout['top3']:.1%}")
        self.stdout.write(f"  suggestions under {stored.metrics['uncertain_below']:.0%} "
                          "confidence are shown as uncertain: the dispatcher decides")

    def _evaluate(self, path: Path, options: dict[str, Any]) -> None:
        if options["folds"] is not None and options["train_file"] is not None:
            raise CommandError("give either --train or --folds, not both")
        read = self._read(path, options)
        if options["folds"] is not None:
            self._cross_validate(read, folds=options["folds"], seed=options["seed"])
        elif options["train_file"] is not None:
            train = self._read(options["train_file"], options)
            try:
                comparison = dispatch_compare(train=train.samples, test=read.samples)
            except TooFewSamples as error:
                raise CommandError(f"{options['train_file']}: {error}") from error
            self.stdout.write(f"trained on {comparison.train_count} tickets of "
                              f"{options['train_file'].name}, measured on {len(read.samples)} "
                              f"of {path.name} (no model stored):")
            self._comparison([comparison])
        else:
            self._current(read, path)

    def _current(self, read: SampleFile, path: Path) -> None:
        evaluation = dispatch_evaluate(samples=read.samples)
        source = (DispatchModel.objects.filter(pk=evaluation.model_id)
                  .values_list("metrics__source", flat=True).first()
                  if evaluation.model_id is not None else None)
        if source == path.name:
            self.stdout.write(f"warning: model {evaluation.model_id} was trained on a file "
                              f"named {path.name}: its figures on the tickets it learnt "
                              "from say nothing of new ones")
        which = (f"model {evaluation.model_id}" if evaluation.model_id is not None
                 else "keyword rules (no trained model yet)")
        result = evaluation.accuracy
        self.stdout.write(f"dispatch by {which} on {result.count} tickets: "
                          f"top-1 {result.top1:.1%}, top-3 {result.top3:.1%}")
        if evaluation.model_id is not None:
            ranked = [[choice.department_code
                       for choice in dispatch_rules_suggest(text=sample.text).choices]
                      for sample in read.samples]
            rules = accuracy(ranked, [sample.department for sample in read.samples])
            self.stdout.write(f"keyword rules alone: top-1 {rules.top1:.1%}, "
                              f"top-3 {rules.top3:.1%}")
        self.stdout.write("for the baseline beside it (a character n-gram TF-IDF + linear "
                          "SVM trained on the same tickets), give --train FILE or --folds K")

    def _cross_validate(self, read: SampleFile, *, folds: int, seed: int) -> None:
        try:
            comparisons = dispatch_cross_validate(samples=read.samples, folds=folds, seed=seed)
        except (ValueError, TooFewSamples) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{folds}-fold cross-validation on {len(read.samples)} tickets "
                          f"(seed {seed}, no model stored):")
        self._comparison(comparisons)

    def _comparison(self, comparisons: list[Comparison]) -> None:
        rows = (("dispatcher (onevisit)", [c.dispatcher for c in comparisons]),
                ("baseline: char 1-3-gram TF-IDF + linear SVM",
                 [c.baseline for c in comparisons]),
                ("keyword rules alone", [c.rules for c in comparisons]))
        self.stdout.write(f"  {'':44}{'top-1':>8}{'top-3':>8}")
        for label, results in rows:
            top1 = mean(r.top1 for r in results)
            top3 = mean(r.top3 for r in results)
            spread = (f"  (folds {min(r.top1 for r in results):.1%}–"
                      f"{max(r.top1 for r in results):.1%})" if len(results) > 1 else "")
            self.stdout.write(f"  {label:44}{top1:>8.1%}{top3:>8.1%}{spread}")
        dispatcher = mean(c.dispatcher.top1 for c in comparisons)
        baseline = mean(c.baseline.top1 for c in comparisons)
        self.stdout.write(f"  dispatcher − baseline, top-1: "
                          f"{(dispatcher - baseline) * 100:+.1f} percentage points")
        self.stdout.write(
            f"  certain suggestions: {mean(c.certain_share for c in comparisons):.1%} of "
            f"tickets, top-1 {mean(c.certain_top1 for c in comparisons):.1%} on them; "
            "the rest are shown as uncertain")
