from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.accounts.services import grassroots_platforms_ensure, regions_missing_hint
from onevisit.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create the grassroots platforms (四个平台: 综治工作, 市场监管, 综合执法, 便民服务) of a "
        "township, or of every township under a county, city or province, as departments of "
        "their township coded <township code>-<kind>. Idempotent: existing platforms are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("region_code", metavar="REGION",
                            help="GB/T 2260 code: 330106005 (a township), 330106 (a county) …")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            platforms = grassroots_platforms_ensure(region_code=options["region_code"],
                                                    actor=None)
        except DomainError as exc:
            raise CommandError(f"{exc.message}{regions_missing_hint()}") from exc
        townships = len({department.region_id for department in platforms})
        self.stdout.write(f"{len(platforms)} grassroots platforms in {townships} townships")
