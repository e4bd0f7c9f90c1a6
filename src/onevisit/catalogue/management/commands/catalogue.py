from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.accounts.services import regions_missing_hint
from onevisit.catalogue.importing import COLUMNS, FileRejected, catalogue_import


class Command(BaseCommand):
    help = (
        "The service catalogue. `onevisit catalogue import FILE --region CODE` imports a "
        "region's implementation list (实施清单) from a .csv (UTF-8 or GBK) or .xlsx file: "
        "every row is checked first and every problem listed (row, column, reason); one bad "
        "row and nothing is imported; importing the same file again changes nothing. "
        "Columns: " + ", ".join(f"{column.headers[0]}/{column.key}" for column in COLUMNS)
        + " (see docs/standards.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser("import", help="import a region's implementation list")
        importing.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx")
        importing.add_argument("--region", required=True, metavar="CODE",
                               help="the GB/T 2260 code of the region whose list it is")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        started = time.monotonic()
        try:
            result = catalogue_import(name=path.name, content=path.read_bytes(),
                                      region_code=options["region"], actor=None)
        except FileRejected as rejected:
            for problem in rejected.problems:
                where = f"row {problem.row}" if problem.row else "file"
                self.stderr.write(f"{where}, {problem.column}: {problem.reason}")
            raise CommandError(f"{path.name}: {len(rejected.problems)} problems; "
                               f"nothing was imported{regions_missing_hint()}") from rejected
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{path.name}: {result.rows} rows in {seconds:.1f} s; "
            f"basic entries created {result.basic_created}, items drafted "
            f"{result.items_created}, items changed {result.items_changed}, pending "
            f"implementations created {result.pending_created} (changed "
            f"{result.pending_changed}), departments created {result.departments_created}, "
            f"unchanged {result.unchanged}")
        if result.local_codes:
            self.stdout.write(f"  {len(result.local_codes)} codes not in the national "
                              f"pattern, each its own provisional basic code: "
                              f"{', '.join(result.local_codes[:10])}")
        if result.ignored_columns:
            self.stdout.write(f"  columns ignored: {', '.join(result.ignored_columns)}")
        if result.pending_created:
            self.stdout.write("  pending implementations are drafted as service items once "
                              "their basic entries state legal basis, limits, visits and fee")
