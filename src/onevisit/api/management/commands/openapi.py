from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onevisit.api.urls import api


def openapi_document() -> str:
    """The API's OpenAPI document, rendered stably for committing to docs/openapi.json."""
    schema = api.get_openapi_schema(path_prefix="/api")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Print the OpenAPI document (committed as docs/openapi.json; a test checks drift)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        document = openapi_document()
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(document)
        else:
            self.stdout.write(document, ending="")
