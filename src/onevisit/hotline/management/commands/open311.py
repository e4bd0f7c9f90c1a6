from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.errors import DomainError
from onevisit.hotline.open311 import open311_key_create, open311_key_revoke, open311_keys


class Command(BaseCommand):
    help = (
        "Open311 GeoReport v2 clients of the 12345 hotline. "
        "`key create NAME` issues an API key and prints it once (only its SHA-256 is kept); "
        "`key list` shows the keys; `key revoke ID` stops a key from filing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subjects = parser.add_subparsers(dest="subject", required=True, metavar="SUBJECT")
        key = subjects.add_parser("key", help="API keys of Open311 clients")
        actions = key.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="issue a key and print it once")
        create.add_argument("name", metavar="NAME", help="who the client is (an app, a site)")
        actions.add_parser("list", help="list the keys")
        revoke = actions.add_parser("revoke", help="stop a key from filing")
        revoke.add_argument("key_id", type=int, metavar="ID")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                row, key = open311_key_create(name=options["name"])
                self.stderr.write(_("已为“%(name)s”签发密钥 %(id)s，仅显示这一次：")
                                  % {"name": row.name, "id": row.pk})
                self.stdout.write(key)
            elif options["action"] == "list":
                for row in open311_keys():
                    state = _("有效") if row.active else _("已停用")
                    self.stdout.write(f"{row.pk}\t{row.name}\t"
                                      f"{timezone.localtime(row.created_at):%Y-%m-%d %H:%M}\t"
                                      f"{state}")
            else:
                row = open311_key_revoke(key_id=options["key_id"])
                self.stdout.write(_("密钥 %(id)s（%(name)s）已停用")
                                  % {"id": row.pk, "name": row.name})
        except DomainError as error:
            raise CommandError(str(error.message)) from error
