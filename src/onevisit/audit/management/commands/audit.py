from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.audit.services import (
    audit_checkpoint_write,
    audit_key_rotate,
    audit_verify_report,
)
from onevisit.errors import DomainError


def _chains(count: int) -> str:
    return f"{count} chain" if count == 1 else f"{count} chains"


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify` checks every hash chain, its signed head and the signed "
        "checkpoints for tampering, and states its rate; `checkpoint` writes a signed "
        "checkpoint of every chain's head outside the database; `rotate-key` replaces the "
        "audit signing key (retired public keys stay trusted) and writes a checkpoint signed "
        "by the new key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "rotate-key"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "checkpoint":
                checkpoint = audit_checkpoint_write()
                self.stdout.write(f"audit checkpoint written: {checkpoint.rows} rows in "
                                  f"{_chains(len(checkpoint.heads))}, key {checkpoint.key_id}, "
                                  f"{checkpoint.name}")
                return
            if options["action"] == "rotate-key":
                checkpoint = audit_key_rotate(actor=None)
                self.stdout.write(f"audit signing key rotated: new key {checkpoint.key_id}; "
                                  f"checkpoint written: {checkpoint.rows} rows, "
                                  f"{checkpoint.name}")
                return
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        started = time.monotonic()
        report = audit_verify_report()
        seconds = time.monotonic() - started
        rate = f", {report.rows / seconds:,.0f} rows/s" if report.rows and seconds else ""
        if report.problems:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"audit log broken: {len(report.problems)} problem(s) in "
                               f"{report.rows} rows (checked in {seconds:.1f} s{rate})")
        self.stdout.write(f"audit log intact: {report.rows} rows in {_chains(report.chains)} "
                          f"verified in {seconds:.1f} s{rate}")
