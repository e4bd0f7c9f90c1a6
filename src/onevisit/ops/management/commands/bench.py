from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

# Benchmarks live in the source checkout's bench/ folder, beside src/.
CHECKOUT = Path(__file__).resolve().parents[5]


class Command(BaseCommand):
    help = ("Run a benchmark from bench/ (e.g. `onevisit bench intake`) against the database "
            "DATABASE_URL names; it adds demo data and filings to that database.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=["intake"])
        parser.add_argument("--clients", type=int, default=16)
        parser.add_argument("--requests", type=int, default=100,
                            help="measured filings per client")
        parser.add_argument("--warmup", type=int, default=10, help="unmeasured, per client")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                            help="gunicorn worker processes (default: one per CPU)")
        parser.add_argument("--threads", type=int, default=1, help="threads per worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (CHECKOUT / "bench" / "__init__.py").is_file():
            raise CommandError("benchmarks run from a source checkout (bench/ not found)")
        logging.getLogger("onevisit").setLevel(logging.WARNING)
        sys.path.insert(0, str(CHECKOUT))
        module = importlib.import_module(f"bench.{options['name']}")
        module.run(clients=options["clients"], per_client=options["requests"],
                   warmup=options["warmup"], workers=options["workers"],
                   threads=options["threads"], out=self.stdout)
