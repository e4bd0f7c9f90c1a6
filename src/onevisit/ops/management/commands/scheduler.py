from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.ops.schedule import jobs_configured, schedule_configured
from onevisit.ops.scheduler import Scheduler


class Command(BaseCommand):
    help = (
        "Run the scheduler: enqueue each periodic job's task once per period (the task "
        "worker, `onevisit worker`, runs them). Start two for a standby: one enqueues, "
        "the other takes over if it dies. `--check` lists the jobs and their periods, and "
        "exits non-zero if one is misconfigured."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="list the jobs and their periods, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            jobs = jobs_configured()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        if options["check"]:
            for job in jobs:
                self.stdout.write(f"{job.name:22} every {job.every:5} {job.task}")
            off = sorted(set(schedule_configured()) - {job.name for job in jobs})
            if off:
                self.stdout.write("off: " + ", ".join(off))
            return
        lease_seconds = cast(int, settings.ONEVISIT["SCHEDULER_LEASE_SECONDS"])
        Scheduler(jobs=jobs, lease_seconds=lease_seconds).run()
