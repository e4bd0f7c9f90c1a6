"""`onevisit registry-server`: serve registry records over the exchange protocol."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.exchange.server import RegistryApp, database_lookup, file_lookup, serve


class Command(BaseCommand):
    help = ("Serve a registry over the HTTP/JSON exchange protocol (POST /v1/evidence): the "
            "records of --data FILE (a JSON list of {evidence_type, subject, data, "
            "valid_until}) or of this database's reference registries named by --source.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8701, help="0: any free port")
        parser.add_argument("--data", type=Path, help="JSON file of records to serve")
        parser.add_argument("--source", action="append", default=[],
                            help="reference registry code to serve from the database "
                                 "(repeatable)")
        parser.add_argument("--token", default="", help="bearer token callers must send")
        parser.add_argument("--latency-ms", type=float, default=0.0,
                            help="added to every answer, to stand in for a slow registry")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["data"]) == bool(options["source"]):
            raise CommandError("give either --data FILE or one or more --source CODE")
        if options["data"]:
            try:
                records = json.loads(options["data"].read_text(encoding="utf-8"))
                lookup = file_lookup(records)
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise CommandError(f"{options['data']}: not a JSON list of records "
                                   f"({error})") from error
        else:
            lookup = database_lookup(options["source"])
        app = RegistryApp(lookup=lookup, token=options["token"],
                          latency=options["latency_ms"] / 1000)
        try:
            server = serve(app, host=options["host"], port=options["port"])
        except OSError as error:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: "
                               f"{error}") from error
        # The first line tells a supervisor (or a test) where to connect.
        self.stdout.write(f"registry-server listening on "
                          f"http://{options['host']}:{server.server_port}")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
