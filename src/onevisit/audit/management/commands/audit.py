from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.audit.models import AuditEvent
from onevisit.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `onevisit audit verify` checks the hash chain for tampering."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify()
        total = AuditEvent.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(f"row {problem.seq}: {problem.reason}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {total} rows")
        self.stdout.write(f"audit chain intact: {total} rows verified")
