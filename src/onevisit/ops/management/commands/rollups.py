from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onevisit.metrics.services import rollups_refresh_recent


class Command(BaseCommand):
    help = "Rebuild the dashboard's rollups of today and the days before (run it from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days-back", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        rebuilt = rollups_refresh_recent(days_back=options["days_back"])
        self.stdout.write(f"rollups rebuilt for {rebuilt} days")
