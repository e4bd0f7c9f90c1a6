from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.certificates.constants import CRL_REASON_NAMES, RevocationReason
from onevisit.certificates.seals import (
    crl_publish,
    department_by_code,
    key_dir,
    pki_dir,
    seal_ca_init,
    seal_issue,
    seal_revoke,
    seal_rotate,
    seals_list,
)
from onevisit.errors import DomainError

REASON_CODE_HELP = "the reason code in the CRL: " + ", ".join(
    f"{value} ({CRL_REASON_NAMES[value]}, {label})" for value, label in RevocationReason.choices)


class Command(BaseCommand):
    help = (
        "The seal PKI (电子印章). `onevisit seal init-ca` creates the issuing CA; "
        "`issue DEPT_CODE` a department's seal; `list`; `rotate DEPT_CODE` a new key and "
        "certificate (the old seal is retired, what it sealed stays valid); "
        "`revoke SERIAL --reason TEXT --code CODE` (what it sealed reports revoked; CODE is "
        "the RFC 5280 reason code carried in the CRL); `crl` publishes the certificate "
        "revocation list. Keys stay in ONEVISIT_KEY_DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        init = actions.add_parser("init-ca", help="create the issuing CA (once)")
        init.add_argument("--name", default=None, help="the CA's name (subject)")
        issue = actions.add_parser("issue", help="issue a department's seal")
        issue.add_argument("department")
        actions.add_parser("list", help="list the CA and the seals")
        rotate = actions.add_parser("rotate", help="replace a department's seal")
        rotate.add_argument("department")
        revoke = actions.add_parser("revoke", help="revoke a seal and publish the CRL")
        revoke.add_argument("serial")
        revoke.add_argument("--reason", required=True)
        revoke.add_argument("--code", required=True, choices=RevocationReason.values,
                            help=REASON_CODE_HELP)
        actions.add_parser("crl", help="publish the certificate revocation list")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._run(options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _run(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "init-ca":
            extra = {"name": options["name"]} if options["name"] else {}
            row = seal_ca_init(actor=None, **extra)
            self.stdout.write(f"CA created: {row.subject} serial {row.serial}\n"
                              f"  key: {key_dir() / (row.serial + '.key')}\n"
                              f"  certificate: {pki_dir() / 'ca.pem'}")
        elif action in ("issue", "rotate"):
            department = department_by_code(options["department"])
            service = seal_issue if action == "issue" else seal_rotate
            row = service(department=department, actor=None)
            self.stdout.write(f"seal {'issued' if action == 'issue' else 'rotated'}: "
                              f"{department.code} {row.subject} serial {row.serial}, "
                              f"valid until {row.not_after:%Y-%m-%d}")
        elif action == "revoke":
            row = seal_revoke(serial=options["serial"], reason=options["reason"],
                              code=options["code"], actor=None)
            self.stdout.write(f"seal revoked: {row.serial} ({row.subject}); "
                              f"CRL published: {pki_dir() / 'ca.crl'}")
        elif action == "crl":
            published = crl_publish(actor=None)
            self.stdout.write(f"CRL published: {pki_dir() / 'ca.crl'} and ca.crl.pem, "
                              f"{len(list(published.crl))} revoked, next update "
                              f"{published.crl.next_update_utc:%Y-%m-%d %H:%M} UTC")
        else:
            self._list()

    def _list(self) -> None:
        rows = seals_list()
        if not rows:
            self.stdout.write("no CA yet: run `onevisit seal init-ca`")
            return
        self.stdout.write(f"{'kind':5} {'department':12} {'serial':17} {'status':8} "
                          f"{'valid until':11} subject")
        for row in rows:
            department = row.department.code if row.department else "-"
            self.stdout.write(f"{row.kind:5} {department:12} {row.serial:17} {row.status:8} "
                              f"{row.not_after:%Y-%m-%d}  {row.subject}"
                              + (f"  (revoked: {row.reason}"
                                 + (f"; {CRL_REASON_NAMES[row.reason_code]}"
                                    if row.reason_code else "") + ")"
                                 if row.reason else ""))
