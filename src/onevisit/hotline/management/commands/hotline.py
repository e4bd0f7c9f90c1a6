from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.hotline.dispatch import (
    SampleFile,
    SampleFileError,
    TooFewSamples,
    accuracy,
    dispatch_evaluate,
    dispatch_rules_suggest,
    dispatch_train,
    dispatch_train_from_history,
    samples_read,
)

SHOWN_UNKNOWN = 10


class Command(BaseCommand):
    help = (
        "The 12345 hotline. `train FILE` learns dispatch (派单) from a CSV (UTF-8 or GBK) or "
        ".xlsx export of past tickets — a text column (诉求内容/工单内容/内容/text) and a "
        "department column (承办单位/主办单位/处理部门/department, by code or name) — and "
        "makes it the model every process uses; `evaluate FILE` prints the top-1/top-3 "
        "accuracy of the current dispatch on a file it was not trained on; `learn` "
        "learns from this instance's own handled tickets (the department that accepted and "
        "replied, after the dispatcher's corrections and the departments' returns) — run "
        "it from cron, e.g. nightly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        train = actions.add_parser("train", help="learn dispatch from past tickets")
        train.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx")
        evaluate = actions.add_parser("evaluate", help="measure dispatch on past tickets")
        evaluate.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx")
        actions.add_parser("learn", help="learn dispatch from this instance's handled tickets")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "train":
            self._train(options["file"])
        elif options["action"] == "learn":
            self._learn()
        else:
            self._evaluate(options["file"])

    def _learn(self) -> None:
        stored = dispatch_train_from_history()
        if stored is None:
            self.stdout.write("too few handled tickets to learn from yet; dispatch keeps "
                              "its current model or the keyword rules")
            return
        self.stdout.write(f"dispatch model {stored.pk} stored and active: {stored.samples} "
                          f"handled tickets, {len(stored.departments)} departments")

    def _read(self, path: Path) -> SampleFile:
        try:
            read = samples_read(path)
        except SampleFileError as error:
            raise CommandError(f"{path}: {error}") from error
        columns = ", ".join(f"{role}={header}" for role, header in read.columns.items())
        self.stdout.write(f"{path.name}: {read.rows} rows ({columns}); "
                          f"{len(read.samples)} used, {read.skipped} skipped")
        if read.skipped_empty:
            self.stdout.write(f"  skipped, empty text or department: {read.skipped_empty}")
        if read.skipped_unknown:
            self.stdout.write(f"  skipped, unknown department: "
                              f"{sum(read.skipped_unknown.values())}")
            for name, count in read.skipped_unknown.most_common(SHOWN_UNKNOWN):
                self.stdout.write(f"    {name}: {count}")
            if len(read.skipped_unknown) > SHOWN_UNKNOWN:
                self.stdout.write(f"    … and {len(read.skipped_unknown) - SHOWN_UNKNOWN} "
                                  "other names")
        if not read.samples:
            raise CommandError(f"{path}: no usable rows")
        return read

    def _train(self, path: Path) -> None:
        read = self._read(path)
        try:
            stored = dispatch_train(samples=read.samples, source=path.name)
        except TooFewSamples as error:
            raise CommandError(f"{path}: {error}; nothing stored") from error
        self.stdout.write(f"dispatch model {stored.pk} stored and active: {stored.samples} "
                          f"samples, {len(stored.departments)} departments")
        holdout = stored.metrics.get("holdout")
        if holdout:
            self.stdout.write(f"  on {holdout['count']} tickets held out of the file: "
                              f"top-1 {holdout['top1']:.1%}, top-3 {holdout['top3']:.1%}")

    def _evaluate(self, path: Path) -> None:
        read = self._read(path)
        evaluation = dispatch_evaluate(samples=read.samples)
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
            self.stdout.write(f"keyword rules alone (baseline): top-1 {rules.top1:.1%}, "
                              f"top-3 {rules.top3:.1%}")
