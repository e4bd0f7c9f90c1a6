from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onevisit.workflow.services import deadline_scan


class Command(BaseCommand):
    help = ("Electronic supervision: raise yellow (80% of the time used) and red (overdue) "
            "alerts for running cases. Run it from cron, e.g. every ten minutes.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deadline_scan()
        self.stdout.write(f"yellow alerts raised: {counts['yellow']}; red: {counts['red']}")
