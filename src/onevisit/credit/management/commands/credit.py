from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.credit.importing import COLUMNS, credit_import
from onevisit.files.tables import FileRejected


class Command(BaseCommand):
    help = (
        "Credit records. `onevisit credit import FILE` imports records pushed by courts and "
        "other registries from a .csv (UTF-8 or GBK) or .xlsx file: every row is checked "
        "first and every problem listed (row, column, reason); one bad row and nothing is "
        "imported; importing the same file again changes nothing. Columns: "
        + ", ".join(f"{aliases[0]}/{key}" for key, aliases in COLUMNS.items())
        + " (see docs/credit.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser("import", help="import registry credit records")
        importing.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            result = credit_import(name=path.name, content=path.read_bytes(), actor=None)
        except FileRejected as rejected:
            for problem in rejected.problems:
                where = f"row {problem.row}" if problem.row else "file"
                self.stderr.write(f"{where}, {problem.column}: {problem.reason}")
            raise CommandError(f"{path.name}: {len(rejected.problems)} problems; "
                               "nothing was imported") from rejected
        self.stdout.write(f"{path.name}: {result.rows} rows; {result.created} records "
                          f"created, {result.unchanged} already imported")
