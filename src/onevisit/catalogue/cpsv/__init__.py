"""The published catalogue as CPSV-AP 3.2.0 RDF, one export per region, checked against the
official SHACL shapes.

Every IRI the export mints lies under the instance's public address
(`ONEVISIT_PUBLIC_URL/id/…`). A service carries what a consumer needs to use it: its
processing time (the committed limit, in working days or working minutes, with a rule that
says how they are counted), its cost, its channels with their contact point (telephone,
address, opening hours), its legal resources, a requirement and a piece of evidence per
material, its output linked to the evidence type it proves, and the promised visits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol, cast

import pyshacl
from django.utils import translation
from django.utils.translation import gettext as _
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from onevisit.accounts.models import Region
from onevisit.catalogue.cpsv.builder import GraphBuilder, PlaceFinder, ServicePlace
from onevisit.catalogue.cpsv.vocabulary import (
    CPSV,
    CURRENCY_CNY,
    CV,
    ELI,
    FORMATS,
    JSONLD_CONTEXT,
    LOCN,
    base_url,
    legal_citations,
)
from onevisit.catalogue.selectors import items_published, items_with_details
from onevisit.errors import NotFound

__all__ = [
    "CPSV", "CURRENCY_CNY", "CV", "ELI", "FORMATS", "LOCN", "GraphBuilder", "GraphPart",
    "PlaceFinder", "ServicePlace", "Validation", "catalogue_graph", "catalogue_rdf",
    "catalogue_validate", "cpsv_part_register", "cpsv_place_register", "legal_citations",
]

SHAPES_PATH = Path(__file__).parent.parent / "data" / "cpsv-ap-SHACL-3.2.0.ttl"


class GraphPart(Protocol):
    """What an app above the catalogue adds to its graph, given the exported services by
    item code (lifeevents: the life events grouping them)."""

    def __call__(self, *, builder: GraphBuilder, services: dict[str, URIRef]) -> None: ...


_parts: list[GraphPart] = []
_finders: list[PlaceFinder] = []


def cpsv_part_register(part: GraphPart) -> None:
    if part not in _parts:
        _parts.append(part)


def cpsv_place_register(finder: PlaceFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def catalogue_graph(*, region_code: str = "", base: str = "") -> Graph:
    """The published items of a region and of the regions below it (all of them without
    a region; an unknown region is NotFound), and what registered parts add (the life
    events), as CPSV-AP public services and life events, under `base` (the instance's
    `/id/` by default)."""
    builder = GraphBuilder(base or base_url(), _finders)
    items = items_published().select_related("department__region", "result_evidence_type")
    if region_code:
        if not Region.objects.filter(code=region_code).exists():
            raise NotFound(_("行政区划代码不存在"))
        items = items.filter(region__code__startswith=region_code)
    with translation.override("zh-hans"):
        services = {item.code: builder.service(item) for item in items_with_details(items)}
        for part in _parts:
            part(builder=builder, services=services)
    return builder.graph


def catalogue_rdf(*, fmt: str, region_code: str = "", base: str = "") -> str:
    """The catalogue serialised as "turtle" or "json-ld" (with a compact @context)."""
    if fmt not in FORMATS:
        raise ValueError(f"unsupported RDF format {fmt!r}; expected one of {FORMATS}")
    graph = catalogue_graph(region_code=region_code, base=base)
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=JSONLD_CONTEXT)
    return graph.serialize(format="turtle")


@cache
def _shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


@dataclass(frozen=True)
class Validation:
    """A graph checked against the shapes: the results counted by severity."""

    conforms: bool
    violations: int
    warnings: int
    infos: int
    text: str


def catalogue_validate(graph: Graph) -> Validation:
    """Validate a graph against the bundled CPSV-AP 3.2.0 shapes."""
    conforms, results, text = pyshacl.validate(graph, shacl_graph=_shapes(), inference="none")
    severities = Counter(cast(Graph, results).objects(None, SH.resultSeverity))
    return Validation(conforms=bool(conforms), violations=severities[SH.Violation],
                      warnings=severities[SH.Warning], infos=severities[SH.Info],
                      text=str(text))
