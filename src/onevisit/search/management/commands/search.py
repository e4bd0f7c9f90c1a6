from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.search.services import SOURCES, search_reindex


class Command(BaseCommand):
    help = (
        "Search index tools. `onevisit search reindex` rebuilds the documents of every kind "
        "(or of --kind …) from their sources — the published catalogue, the hotline's "
        "knowledge base: after loading data from elsewhere or changing the search vocabulary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reindex"])
        parser.add_argument("--kind", action="append", dest="kinds", metavar="KIND",
                            help="only this kind of document (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = options["kinds"]
        unknown = sorted(set(kinds or ()) - set(SOURCES))
        if unknown:
            raise CommandError(
                f"unknown kind(s): {', '.join(unknown)}; known: {', '.join(sorted(SOURCES))}"
            )
        counts = search_reindex(kinds=kinds)
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count} documents indexed")
