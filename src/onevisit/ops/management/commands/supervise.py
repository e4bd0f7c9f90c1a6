from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onevisit.supervision.rules import rules_scan
from onevisit.workflow.services import deadline_scan


class Command(BaseCommand):
    help = ("Electronic supervision: raise yellow (near the deadline) and red (overdue) "
            "alerts for running cases, and run the scheduled rules (clock paused too long, "
            "idle cases, personal data read without a case). Run it from cron, e.g. every "
            "ten minutes.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deadline_scan()
        self.stdout.write(f"yellow alerts raised: {counts['yellow']}; red: {counts['red']}")
        for rule, raised in rules_scan().items():
            self.stdout.write(f"{rule}: {raised}")
