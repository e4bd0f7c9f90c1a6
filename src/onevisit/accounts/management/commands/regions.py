from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onevisit.accounts.models import Region
from onevisit.accounts.services import regions_load


class Command(BaseCommand):
    help = (
        "The administrative divisions (行政区划, GB/T 2260) departments, catalogues and tickets "
        "belong to. `onevisit regions load` loads the bundled codes: every province, city and "
        "county, and Zhejiang's townships (idempotent: existing regions are kept as they are)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("load", help="load the bundled region codes")

    def handle(self, *args: Any, **options: Any) -> None:
        before = Region.objects.count()
        bundled = regions_load()
        added = Region.objects.count() - before
        self.stdout.write(f"{bundled} bundled regions: {added} added, {bundled - added} "
                          "already there")
