"""The published catalogue as CPSV-AP 3.2.0 RDF, checked against the official SHACL shapes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import pyshacl
from django.utils import translation
from rdflib import DCAT, DCTERMS, RDF, SKOS, XSD, Graph, Literal, Namespace, URIRef

from onevisit.accounts.models import Department, Region
from onevisit.catalogue.constants import ItemKind, LimitUnit
from onevisit.catalogue.models import EvidenceType, ServiceItem
from onevisit.catalogue.selectors import items_published, items_with_details

CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
LOCN = Namespace("http://www.w3.org/ns/locn#")

DEFAULT_BASE = "https://onevisit.example/id/"
SHAPES_PATH = Path(__file__).parent / "data" / "cpsv-ap-SHACL-3.2.0.ttl"
CURRENCY_CNY = URIRef("http://publications.europa.eu/resource/authority/currency/CNY")
LANG = "zh"

PREFIXES: dict[str, Namespace] = {
    "cpsv": CPSV, "cv": CV, "dct": Namespace(str(DCTERMS)), "skos": Namespace(str(SKOS)),
    "eli": ELI, "locn": LOCN, "dcat": Namespace(str(DCAT)), "xsd": Namespace(str(XSD)),
}
# The JSON-LD context: the prefixes, plus a typed term for the one xsd:double property so
# its value stays a string ("0.0") rather than a JSON number that reads back as an integer.
JSONLD_CONTEXT: dict[str, object] = {
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
    "cv:hasValue": {"@type": "xsd:double"},
}
FORMATS = ("turtle", "json-ld")
CHANNEL_FIELDS = {
    "window": ServiceItem.channel_window.field,
    "online": ServiceItem.channel_online.field,
    "courier": ServiceItem.channel_courier.field,
}


def zh(text: str) -> Literal:
    return Literal(text, lang=LANG)


class GraphBuilder:
    """Adds catalogue objects to a graph under stable URIs below `base`."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/") + "/"
        self.graph = Graph(bind_namespaces="core")
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace, override=True, replace=True)

    def uri(self, *segments: str) -> URIRef:
        return URIRef(self.base + "/".join(quote(segment, safe="") for segment in segments))

    def concept(self, scheme: str, code: str, label: str) -> URIRef:
        scheme_uri = self.uri("concept-scheme", scheme)
        concept = self.uri("concept", scheme, code)
        self.graph.add((scheme_uri, RDF.type, SKOS.ConceptScheme))
        self.graph.add((concept, RDF.type, SKOS.Concept))
        self.graph.add((concept, SKOS.prefLabel, zh(label)))
        self.graph.add((concept, SKOS.inScheme, scheme_uri))
        return concept

    def region(self, region: Region) -> URIRef:
        node = self.uri("region", region.code)
        self.graph.add((node, RDF.type, DCTERMS.Location))
        self.graph.add((node, DCTERMS.identifier, Literal(region.code)))
        self.graph.add((node, LOCN.geographicName, zh(region.name)))
        return node

    def organisation(self, department: Department) -> URIRef:
        node = self.uri("organisation", department.code)
        self.graph.add((node, RDF.type, CV.PublicOrganisation))
        self.graph.add((node, DCTERMS.identifier, Literal(department.code)))
        self.graph.add((node, SKOS.prefLabel, zh(department.name)))
        self.graph.add((node, DCTERMS.spatial, self.region(department.region)))
        return node

    def evidence_type(self, evidence_type: EvidenceType) -> URIRef:
        node = self.uri("evidence-type", evidence_type.code)
        self.graph.add((node, RDF.type, CV.EvidenceType))
        self.graph.add((node, DCTERMS.identifier, Literal(evidence_type.code)))
        self.graph.add((node, DCTERMS.title, zh(evidence_type.name)))
        return node

    def part(self, kind: URIRef, code: str, *segments: str) -> URIRef:
        """A node owned by one service, identified by its path below the service."""
        node = self.uri("service", code, *segments)
        self.graph.add((node, RDF.type, kind))
        self.graph.add((node, DCTERMS.identifier, Literal("/".join((code, *segments)))))
        return node

    def service(self, item: ServiceItem) -> URIRef:
        graph = self.graph
        node = self.uri("service", item.code)
        graph.add((node, RDF.type, CPSV.PublicService))
        graph.add((node, DCTERMS.identifier, Literal(item.code)))
        graph.add((node, DCTERMS.title, zh(item.name)))
        # CPSV-AP requires a description; an item without one repeats its name.
        graph.add((node, DCTERMS.description, zh(item.description or item.name)))
        kind = self.concept("item-kind", item.kind, str(ItemKind(item.kind).label))
        graph.add((node, DCTERMS.type, kind))
        graph.add((node, CV.hasCompetentAuthority, self.organisation(item.department)))
        graph.add((node, DCTERMS.spatial, self.region(item.region)))
        if item.topic:
            graph.add((node, DCAT.keyword, zh(item.topic)))
        # xsd:duration has no unit for working days, so only minute limits are exported.
        if item.limit_unit == LimitUnit.MINUTES:
            duration = Literal(f"PT{item.committed_limit}M", datatype=XSD.duration)
            graph.add((node, CV.processingTime, duration))
        self.channels(node, item)
        self.cost(node, item)
        self.requirements(node, item)
        if item.legal_basis:
            legal = self.part(ELI.LegalResource, item.code, "legal-basis")
            graph.add((legal, DCTERMS.description, zh(item.legal_basis)))
            graph.add((node, CV.hasLegalResource, legal))
        if item.result_name:
            output = self.part(CV.Output, item.code, "output")
            graph.add((output, DCTERMS.title, zh(item.result_name)))
            graph.add((node, CPSV.produces, output))
        return node

    def channels(self, service: URIRef, item: ServiceItem) -> None:
        for channel, flag in CHANNEL_FIELDS.items():
            if not getattr(item, flag.attname):
                continue
            kind = self.concept("channel-type", channel, str(flag.verbose_name))
            node = self.part(CV.Channel, item.code, "channel", channel)
            self.graph.add((node, DCTERMS.type, kind))
            self.graph.add((service, CV.hasChannel, node))

    def cost(self, service: URIRef, item: ServiceItem) -> None:
        node = self.part(CV.Cost, item.code, "cost")
        self.graph.add((node, CV.hasValue, Literal(float(item.fee_yuan), datatype=XSD.double)))
        self.graph.add((node, CV.currency, CURRENCY_CNY))
        self.graph.add((CURRENCY_CNY, RDF.type, SKOS.Concept))
        if item.fee_note:
            self.graph.add((node, DCTERMS.description, zh(item.fee_note)))
        self.graph.add((service, CV.hasCost, node))

    def requirements(self, service: URIRef, item: ServiceItem) -> None:
        graph = self.graph
        conditions = self.part(CV.Requirement, item.code, "conditions")
        graph.add((conditions, DCTERMS.title, zh(str(ServiceItem.conditions.field.verbose_name))))
        graph.add((conditions, DCTERMS.description, zh(item.conditions)))
        graph.add((service, CV.holdsRequirement, conditions))
        for material in item.materials.all():
            node = self.part(CV.Requirement, item.code, "material", material.code)
            graph.add((node, DCTERMS.title, zh(material.name)))
            if material.note:
                graph.add((node, DCTERMS.description, zh(material.note)))
            graph.add((service, CV.holdsRequirement, node))
            if material.evidence_type is not None:
                evidence_type = self.evidence_type(material.evidence_type)
                graph.add((service, CV.hasInputType, evidence_type))


class GraphPart(Protocol):
    """What an app above the catalogue adds to its graph, given the published services
    by item code (lifeevents: the life events grouping them)."""

    def __call__(self, *, builder: GraphBuilder, services: dict[str, URIRef]) -> None: ...


_parts: list[GraphPart] = []


def cpsv_part_register(part: GraphPart) -> None:
    if part not in _parts:
        _parts.append(part)


def catalogue_graph(*, base: str = DEFAULT_BASE) -> Graph:
    """The published items, and what registered parts add (the life events), as CPSV-AP
    public services and life events."""
    builder = GraphBuilder(base)
    graph = builder.graph
    items = items_with_details(items_published().select_related("department__region"))
    with translation.override("zh-hans"):
        services = {item.code: builder.service(item) for item in items}
    for part in _parts:
        part(builder=builder, services=services)
    return graph


def catalogue_rdf(*, fmt: str, base: str = DEFAULT_BASE) -> str:
    """The catalogue serialised as "turtle" or "json-ld" (with a compact @context)."""
    if fmt not in FORMATS:
        raise ValueError(f"unsupported RDF format {fmt!r}; expected one of {FORMATS}")
    graph = catalogue_graph(base=base)
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=JSONLD_CONTEXT)
    return graph.serialize(format="turtle")


@cache
def _shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


def catalogue_validate(graph: Graph) -> tuple[bool, str]:
    """Validate a graph against the bundled CPSV-AP 3.2.0 shapes: (conforms, results text)."""
    conforms, _results, text = pyshacl.validate(graph, shacl_graph=_shapes(), inference="none")
    return bool(conforms), str(text)
