from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run background work from the queue the configuration names: the database's "
        "(django-tasks-db, as `onevisit db_worker`) or, with ONEVISIT_TASK_QUEUE_URL, the "
        "Redis queue (as `onevisit rqworker --with-scheduler default`; docs/deploy.md). Any "
        "number may run, on any machines; each finishes its current task on SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default=None,
                            help="this worker's name in logs and results (unique; the "
                                 "default is generated)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        if apps.is_installed("django_rq"):
            call_command("rqworker", "default", with_scheduler=True,
                         **({"name": name} if name else {}))
        else:
            call_command("db_worker", reload=False, startup_delay=False,
                         **({"worker_id": name} if name else {}))
