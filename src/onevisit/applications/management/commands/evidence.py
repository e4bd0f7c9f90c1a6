from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.applications.services import evidence_retry_pending


class Command(BaseCommand):
    help = (
        "Once-only evidence (数据共享). `retry --pending` asks the sources again, now, for "
        "every application still waiting on one (or `retry NUMBER …` for those): run it "
        "after the task worker was down. Past the whole retry schedule, the materials are "
        "asked for in the one-time notice; still waiting, background retries start again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        retry = actions.add_parser("retry", help="fetch again what applications wait for")
        retry.add_argument("numbers", nargs="*", metavar="NUMBER",
                           help="only these applications")
        retry.add_argument("--pending", action="store_true",
                           help="every application waiting on a source")

    def handle(self, *args: Any, **options: Any) -> None:
        numbers = options["numbers"]
        if bool(numbers) == options["pending"]:
            raise CommandError("name application numbers or give --pending, not both")
        done = evidence_retry_pending(numbers=numbers)
        self.stdout.write(f"{done.retried} application(s) asked again: {done.decided} "
                          f"decided, {done.waiting} still waiting on a source")
