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
    help = ("Run a benchmark from bench/ (`onevisit bench intake`, `onevisit bench pages`, "
            "`onevisit bench seal`, `onevisit bench exchange`, `onevisit bench hotline`) "
            "against the database "
            "DATABASE_URL names; it adds demo data, filings and (pages) a grown data set to "
            "that database: use a scratch database.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=["intake", "pages", "seal", "exchange", "hotline"])
        parser.add_argument("--clients", type=int, default=None,
                            help="concurrent clients (intake: 16, pages: 50)")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                            help="gunicorn worker processes, or (seal) the process pool's "
                                 "workers (default: one per CPU)")
        parser.add_argument("--threads", type=int, default=1,
                            help="threads per worker (1: sync workers; more: gthread)")
        engines = parser.add_argument_group(
            "distributed engines (intake, pages): also measure the server on them, same run")
        engines.add_argument("--redis-url", default="", metavar="URL",
                             help="Redis for sessions, cache and the RQ queue (databases 4, 5)")
        engines.add_argument("--s3-url", default="", metavar="URL",
                             help="an S3 server's endpoint; the run makes a bucket there")
        engines.add_argument("--replica-url", default="", metavar="URL",
                             help="a streaming replica of DATABASE_URL's database")
        intake = parser.add_argument_group("intake")
        intake.add_argument("--requests", type=int, default=100,
                            help="measured filings (exchange: fetches) per client")
        intake.add_argument("--warmup", type=int, default=10,
                            help="unmeasured filings per client")
        intake.add_argument("--profile", type=int, default=0, metavar="FILINGS",
                            help="instead of the load: this many filings in-process, with "
                                 "their CPU time (run under py-spy: bench/stacks.py)")
        pages = parser.add_argument_group("pages")
        pages.add_argument("--items", type=int, default=1000,
                           help="published service items in the data set")
        pages.add_argument("--applications", type=int, default=100_000,
                           help="applications in the data set")
        pages.add_argument("--province", action="store_true",
                           help="applications after the first 100,000 (西湖区's) spread over "
                                "29 more counties of 3 cities, each with its own departments")
        pages.add_argument("--seconds", type=float, default=10.0, help="measured, per page")
        pages.add_argument("--warmup-seconds", type=float, default=2.0,
                           help="unmeasured, per page")
        pages.add_argument("--client-processes", type=int, default=2,
                           help="processes the client threads are spread over")
        pages.add_argument("--pages", default="",
                           help="comma-separated subset of home,guide,guide-read,search,workbench")
        exchange = parser.add_argument_group("exchange")
        exchange.add_argument("--records", type=int, default=100_000,
                              help="people in the registry the server holds")
        seal = parser.add_argument_group("seal")
        seal.add_argument("--count", type=int, default=200,
                          help="documents per measurement (sealed, unsealed, verified)")
        hotline = parser.add_argument_group("hotline")
        hotline.add_argument("--parts", default="",
                             help="comma-separated subset of dispatch,duplicates,knowledge,search")
        hotline.add_argument("--train", type=int, default=20_000,
                             help="generated tickets the dispatch model learns from")
        hotline.add_argument("--folds", type=int, default=5,
                             help="cross-validation folds on the real-style letters (at least 2)")
        hotline.add_argument("--test", type=int, default=5_000,
                             help="held-out generated tickets it is measured on")
        hotline.add_argument("--open-tickets", type=int, default=1_000_000,
                             help="open tickets new ones are matched against")
        hotline.add_argument("--probes", type=int, default=1000,
                             help="new tickets matched (duplicates)")
        hotline.add_argument("--entries", type=int, default=100_000,
                             help="knowledge-base entries beside the catalogue's guides")
        hotline.add_argument("--seed", type=int, default=12345)

    def handle(self, *args: Any, **options: Any) -> None:
        if not (CHECKOUT / "bench" / "__init__.py").is_file():
            raise CommandError("benchmarks run from a source checkout (bench/ not found)")
        logging.getLogger("onevisit").setLevel(logging.WARNING)
        sys.path.insert(0, str(CHECKOUT))
        module = importlib.import_module(f"bench.{options['name']}")
        engines_configure = importlib.import_module("bench.engines").engines_configure
        if options["name"] == "hotline":
            if options["folds"] < 2:
                raise CommandError("--folds: at least 2 (each fold is measured on the others)")
            module.run(out=self.stdout, parts=[p for p in options["parts"].split(",") if p],
                       train=options["train"], test=options["test"], folds=options["folds"],
                       open_tickets=options["open_tickets"], probes=options["probes"],
                       entries=options["entries"], seed=options["seed"])
            return
        if options["name"] == "seal":
            module.run(count=options["count"], workers=options["workers"], out=self.stdout)
            return
        if options["name"] == "exchange":
            module.run(records=options["records"], requests=options["requests"],
                       clients=options["clients"] or 8, out=self.stdout)
            return
        if options["name"] == "intake" and options["profile"]:
            module.profile(filings=options["profile"], out=self.stdout)
            return
        try:
            engines = engines_configure(redis_url=options["redis_url"],
                                        s3_url=options["s3_url"],
                                        replica_url=options["replica_url"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["name"] == "intake":
            module.run(clients=options["clients"] or 16, per_client=options["requests"],
                       warmup=options["warmup"], workers=options["workers"],
                       threads=options["threads"], out=self.stdout, engines=engines)
            return
        samples = module.run(engines=engines,
            items=options["items"], applications=options["applications"],
            province=options["province"],
            clients=options["clients"] or 50, processes=options["client_processes"],
            seconds=options["seconds"], warmup=options["warmup_seconds"],
            workers=options["workers"], threads=options["threads"],
            only=[key for key in options["pages"].split(",") if key], out=self.stdout,
        )
        failed = [key for key, sample in samples.items() if sample.errors]
        if failed:
            raise CommandError(f"requests failed on: {', '.join(failed)} (see above)")
