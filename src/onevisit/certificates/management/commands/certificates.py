from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.certificates.constants import RevocationReason
from onevisit.certificates.exports import certificates_export
from onevisit.certificates.management.commands.seal import REASON_CODE_HELP
from onevisit.certificates.services import certificate_revoke
from onevisit.errors import DomainError


class Command(BaseCommand):
    help = (
        "Certificate tools. `onevisit certificates export DIR` writes every issued "
        "certificate's sealed PDF (sealing any not yet rendered), the CA and seal "
        "certificates, the CRL and a manifest, so anyone can verify them offline; it never "
        "writes a key. `onevisit certificates revoke NUMBER --reason TEXT --code CODE` "
        "revokes one certificate and publishes the CRL that lists it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="export sealed PDFs, chain, CRL, manifest")
        export.add_argument("directory", type=Path)
        revoke = actions.add_parser("revoke", help="revoke one certificate")
        revoke.add_argument("number")
        revoke.add_argument("--reason", required=True)
        revoke.add_argument("--code", required=True, choices=RevocationReason.values,
                            help=REASON_CODE_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "revoke":
                certificate = certificate_revoke(number=options["number"],
                                                 reason=options["reason"],
                                                 code=options["code"], actor=None)
                self.stdout.write(f"certificate revoked: {certificate.number} "
                                  f"{certificate.title}")
                return
            report = certificates_export(directory=options["directory"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"exported {report.certificates} certificates ({report.sealed_now} sealed now), "
            f"the CA, {report.seals} seal certificates, the CRL and manifest.json "
            f"to {report.directory}"
        )
