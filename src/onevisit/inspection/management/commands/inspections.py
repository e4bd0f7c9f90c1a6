from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.inspection.models import Plan
from onevisit.inspection.selectors import draw_verify
from onevisit.inspection.services import targets_refresh


class Command(BaseCommand):
    help = (
        "双随机一公开 tools. `redraw PLAN` re-runs a plan's draw from its seed and published "
        "parameters and reports whether it is identical to what was drawn (exit 1 if not: "
        "the seed does not match its commitment, the parameters changed since publication, "
        "or the targets or inspector pairs differ). `targets` refreshes the target register "
        "from the enterprise registry and the issued certificates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["redraw", "targets"])
        parser.add_argument("plan", nargs="?", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "targets":
            self.stdout.write(f"inspection targets: {targets_refresh()}")
            return
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"no inspection plan {options['plan']!r}")
        result = draw_verify(plan)
        if not result.checked:
            # Nothing was drawn: there is nothing to compare, so no check passed or failed.
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{plan.code}: not drawn yet, nothing to redraw")
        for drawn in result.redrawn:
            self.stdout.write(f"{drawn.tier} {drawn.target} {' + '.join(drawn.inspectors)}")
        checks = (("seed matches its commitment", result.seed_matches),
                  ("parameters as published", result.parameters_match),
                  ("targets and pairs as drawn", result.outcome_matches))
        for label, ok in checks:
            self.stdout.write(f"{'ok  ' if ok else 'FAIL'} {label}")
        if not result.identical:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{plan.code}: redraw differs")
        self.stdout.write(self.style.SUCCESS(
            f"{plan.code}: identical ({len(result.redrawn)} targets)"))
