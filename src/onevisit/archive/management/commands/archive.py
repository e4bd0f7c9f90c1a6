from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from onevisit.accounts.models import User
from onevisit.archive.selectors import disposal_list_packages
from onevisit.archive.services import (
    disposal_approve,
    disposal_execute,
    disposal_propose,
    package_create,
    packages_create_pending,
    packages_verify,
)
from onevisit.errors import DomainError


class Command(BaseCommand):
    help = (
        "The electronic archive (电子文件归档). "
        "`create --pending` archives every closed application without a package "
        "(or `create NUMBER …` those applications); "
        "`verify [NUMBER …]` checks every package's fixity and exits non-zero if one is "
        "damaged; `disposal propose` lists the packages past retention, "
        "`disposal approve LIST_ID --by USERNAME` approves a list (supervisor or "
        "administrator), `disposal execute LIST_ID` destroys an approved list's packages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="archive closed applications")
        create.add_argument("numbers", nargs="*", metavar="NUMBER",
                            help="application numbers to archive")
        create.add_argument("--pending", action="store_true",
                            help="every completed or rejected application without a package")
        verify = actions.add_parser("verify", help="check the fixity of the packages")
        verify.add_argument("numbers", nargs="*", metavar="NUMBER",
                            help="only these applications' packages")
        disposal = actions.add_parser("disposal", help="disposal lists of expired packages")
        steps = disposal.add_subparsers(dest="step", required=True, metavar="STEP")
        steps.add_parser("propose", help="list the packages past retention")
        approve = steps.add_parser("approve", help="approve a pending list")
        approve.add_argument("list_id", type=int, metavar="LIST_ID")
        approve.add_argument("--by", required=True, metavar="USERNAME",
                             help="the approving supervisor or administrator")
        execute = steps.add_parser("execute", help="destroy an approved list's packages")
        execute.add_argument("list_id", type=int, metavar="LIST_ID")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options["numbers"], pending=options["pending"])
            elif options["action"] == "verify":
                self._verify(options["numbers"] or None)
            elif options["step"] == "propose":
                self._propose()
            elif options["step"] == "approve":
                self._approve(options["list_id"], options["by"])
            else:
                self._execute(options["list_id"])
        except DomainError as error:
            raise CommandError(str(error.message)) from error

    def _create(self, numbers: list[str], *, pending: bool) -> None:
        if pending == bool(numbers):
            raise CommandError(
                _("请给出办件编号，或用 --pending 归档所有已办结而未归档的办件（二者选一）")
            )
        if not pending:
            for number in numbers:
                package = package_create(application_number=number)
                self.stdout.write(_("%(number)s：已归档于 %(path)s")
                                  % {"number": number, "path": package.path})
            return
        result = packages_create_pending()
        for package in result.created:
            self.stdout.write(_("%(number)s：已归档于 %(path)s")
                              % {"number": package.application.number, "path": package.path})
        for number, reason in result.failed:
            self.stderr.write(_("%(number)s：未能归档：%(reason)s")
                              % {"number": number, "reason": reason})
        self.stdout.write(_("新归档 %(count)s 件") % {"count": len(result.created)})
        if result.failed:
            raise CommandError(_("%(count)s 件未能归档") % {"count": len(result.failed)})

    def _verify(self, numbers: list[str] | None) -> None:
        results = packages_verify(numbers=numbers)
        damaged = [result for result in results if result.problems]
        for result in damaged:
            self.stderr.write(_("%(number)s（%(path)s）：已损坏")
                              % {"number": result.package.application.number,
                                 "path": result.package.path})
            for problem in result.problems:
                self.stderr.write(f"  - {problem.describe()}")
        if damaged:
            raise CommandError(_("%(damaged)s 个档案包已损坏（共校验 %(total)s 个）")
                               % {"damaged": len(damaged), "total": len(results)})
        self.stdout.write(_("%(total)s 个档案包校验完好") % {"total": len(results)})

    def _propose(self) -> None:
        disposal_list = disposal_propose()
        if disposal_list is None:
            self.stdout.write(_("没有超过保管期限的档案包"))
            return
        self.stdout.write(_("销毁清单 %(id)s（待审批）：") % {"id": disposal_list.pk})
        for package in disposal_list_packages(disposal_list=disposal_list):
            self.stdout.write(_("  %(number)s %(path)s 保管至 %(until)s（%(status)s）")
                              % {"number": package.application.number, "path": package.path,
                                 "until": package.retain_until,
                                 "status": package.get_status_display()})

    def _approve(self, list_id: int, username: str) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("用户 %(username)s 不存在或已停用") % {"username": username})
        disposal_list = disposal_approve(disposal_list_id=list_id, actor=user)
        self.stdout.write(_("销毁清单 %(id)s 已由 %(username)s 批准")
                          % {"id": disposal_list.pk, "username": username})

    def _execute(self, list_id: int) -> None:
        disposal_list = disposal_execute(disposal_list_id=list_id)
        count = disposal_list.packages.count()
        self.stdout.write(_("销毁清单 %(id)s 已执行：%(count)s 个档案包已销毁，登记保留")
                          % {"id": disposal_list.pk, "count": count})
