from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.audit.models import AuditEvent
from onevisit.audit.services import (
    audit_checkpoint_write,
    audit_key_rotate,
    audit_verify,
)
from onevisit.errors import DomainError


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify` checks the hash chain, the signed head and the signed "
        "checkpoints for tampering; `checkpoint` writes a signed checkpoint of the chain's "
        "tip outside the database; `rotate-key` replaces the audit signing key (retired "
        "public keys stay trusted) and writes a checkpoint signed by the new key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "rotate-key"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "checkpoint":
                checkpoint = audit_checkpoint_write()
                self.stdout.write(f"audit checkpoint written: row {checkpoint.seq}, "
                                  f"key {checkpoint.key_id}, {checkpoint.name}")
                return
            if options["action"] == "rotate-key":
                checkpoint = audit_key_rotate(actor=None)
                self.stdout.write(f"audit signing key rotated: new key {checkpoint.key_id}; "
                                  f"checkpoint written: row {checkpoint.seq}, "
                                  f"{checkpoint.name}")
                return
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        problems = audit_verify()
        total = AuditEvent.objects.count()
        if problems:
            for problem in problems:
                where = f"row {problem.seq}: " if problem.seq else ""
                self.stderr.write(f"{where}{problem.reason}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {total} rows")
        self.stdout.write(f"audit chain intact: {total} rows verified")
