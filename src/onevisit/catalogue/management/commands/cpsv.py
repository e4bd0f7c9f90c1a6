from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rdflib import RDF

from onevisit.catalogue.cpsv import (
    CPSV,
    FORMATS,
    catalogue_graph,
    catalogue_rdf,
    catalogue_validate,
)
from onevisit.errors import DomainError


class Command(BaseCommand):
    help = (
        "The published catalogue as CPSV-AP 3.2.0 open data. "
        "`export [--region CODE] [--format turtle|json-ld] [--output FILE]` writes one "
        "region's services (and those of the regions below it; all without --region); "
        "`check [--region CODE]` validates that export against the official SHACL shapes "
        "and counts violations and warnings (exit status 1 when it does not conform)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser("export", help="write the export")
        export.add_argument("--region", default="", metavar="CODE",
                            help="GB/T 2260 code of the region (default: the whole catalogue)")
        export.add_argument("--format", default="turtle", choices=FORMATS, dest="fmt")
        export.add_argument("--output", default="", metavar="FILE",
                            help="write to FILE rather than to standard output")
        check = actions.add_parser("check", help="validate the export against the shapes")
        check.add_argument("--region", default="", metavar="CODE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "export":
                document = catalogue_rdf(fmt=options["fmt"], region_code=options["region"])
                if options["output"]:
                    Path(options["output"]).write_text(document, encoding="utf-8")
                else:
                    self.stdout.write(document, ending="")
                return
            graph = catalogue_graph(region_code=options["region"])
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        result = catalogue_validate(graph)
        services = len(set(graph.subjects(RDF.type, CPSV.PublicService)))
        self.stdout.write(_("%(services)d 项服务，%(triples)d 个三元组：%(verdict)s；"
                            "违规 %(violations)d，警告 %(warnings)d，提示 %(infos)d")
                          % {"services": services, "triples": len(graph),
                             "verdict": _("符合 CPSV-AP 3.2.0") if result.conforms
                             else _("不符合 CPSV-AP 3.2.0"),
                             "violations": result.violations, "warnings": result.warnings,
                             "infos": result.infos})
        if not result.conforms:
            self.stderr.write(result.text)
            raise CommandError(_("导出数据不符合 CPSV-AP 3.2.0 的 SHACL 约束"))
