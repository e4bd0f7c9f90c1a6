"""The CPSV-AP 3.2.0 export of the published catalogue conforms to the official shapes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rdflib import DCTERMS, RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from onevisit.catalogue.cpsv import (
    CPSV,
    CV,
    DEFAULT_BASE,
    catalogue_graph,
    catalogue_rdf,
    catalogue_validate,
)
from onevisit.catalogue.models import MaterialRequirement, ServiceItem
from onevisit.catalogue.services import item_new_version
from tests.factories import MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

# Spelled out: pytest's collection probes the attributes of an imported rdflib XSD and warns.
XSD_DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")


def service(code: str, base: str = DEFAULT_BASE) -> URIRef:
    return URIRef(f"{base}service/{code}")


@pytest.fixture
def catalogue(world: Any) -> Any:
    """The shared catalogue, with the optional fields of one item filled in."""
    ServiceItem.objects.filter(pk=world.licence.pk).update(
        description="新建、改建、扩建建筑工程开工前申领施工许可证", topic="工程建设",
        fee_yuan="12.50", fee_note="工本费", channel_courier=False,
    )
    MaterialRequirement.objects.filter(item=world.licence, code="drawings").update(
        note="加盖审图机构印章"
    )
    world.licence.refresh_from_db()
    return world


def test_the_turtle_export_conforms(catalogue: Any) -> None:
    graph = Graph().parse(data=catalogue_rdf(fmt="turtle"), format="turtle")

    conforms, text = catalogue_validate(graph)

    assert conforms is True, text
    published = (catalogue.filing, catalogue.tax_item, catalogue.transfer, catalogue.licence)
    assert set(graph.subjects(RDF.type, CPSV.PublicService)) == {
        service(item.code) for item in published
    }


def test_the_json_ld_export_is_the_turtle_graph_and_conforms(catalogue: Any) -> None:
    turtle = Graph().parse(data=catalogue_rdf(fmt="turtle"), format="turtle")
    document = catalogue_rdf(fmt="json-ld")

    graph = Graph().parse(data=document, format="json-ld")

    assert json.loads(document)["@context"]["cpsv"] == str(CPSV)
    assert '"cv:hasValue": "0.0"' in document  # a JSON 0.0 would read back as an integer
    assert len(graph) == len(turtle)
    assert isomorphic(graph, turtle)
    conforms, text = catalogue_validate(graph)
    assert conforms is True, text


def test_items_and_life_events_map_to_cpsv(catalogue: Any) -> None:
    graph = catalogue_graph()
    filing, transfer, licence = (
        service(item.code) for item in (catalogue.filing, catalogue.transfer, catalogue.licence)
    )
    house = URIRef(f"{DEFAULT_BASE}life-event/house")

    assert graph.value(filing, DCTERMS.title) == Literal(catalogue.filing.name, lang="zh")
    assert (filing, CV.isGroupedBy, house) in graph
    assert (house, CV.hasRelatedService, transfer) in graph
    assert (licence, CV.isGroupedBy, None) not in graph
    assert graph.value(filing, CV.processingTime) == Literal("PT15M", datatype=XSD_DURATION)
    assert graph.value(licence, CV.processingTime) is None  # working days are no xsd:duration
    evidence_type = URIRef(f"{DEFAULT_BASE}evidence-type/property-certificate")
    assert (filing, CV.hasInputType, evidence_type) in graph
    assert len(set(graph.objects(transfer, CV.holdsRequirement))) == 4  # 3 materials + conditions
    output = graph.value(transfer, CPSV.produces)
    assert graph.value(output, DCTERMS.title) == Literal("不动产权证书", lang="zh")
    assert graph.value(graph.value(filing, CV.hasCost), CV.hasValue) == Literal(0.0)
    licence_cost = graph.value(licence, CV.hasCost)
    assert graph.value(licence_cost, CV.hasValue) == Literal(12.5)  # xsd:double
    assert graph.value(licence_cost, DCTERMS.description) == Literal("工本费", lang="zh")
    assert len(set(graph.objects(licence, CV.hasChannel))) == 2
    assert graph.value(licence, DCTERMS.description) == Literal(
        catalogue.licence.description, lang="zh"
    )


def test_drafts_are_not_exported(catalogue: Any) -> None:
    revision = item_new_version(item=catalogue.filing, actor=None)
    revision.name = "存量房交易合同网签备案（修订草案）"
    revision.save(update_fields=["name"])
    draft = ServiceItemFactory(code="330106-T-DRAFT", name="尚未发布的事项",
                               department=catalogue.housing)
    MaterialFactory(item=draft, code="draft-only-material")

    graph = catalogue_graph()

    assert not any(draft.code in str(term) for triple in graph for term in triple)
    assert Literal(revision.name, lang="zh") not in set(graph.objects())
    assert graph.value(service(catalogue.filing.code), DCTERMS.title) == Literal(
        catalogue.filing.name, lang="zh"
    )


def test_a_service_without_its_title_does_not_conform(catalogue: Any) -> None:
    graph = catalogue_graph()
    filing = service(catalogue.filing.code)
    graph.remove((filing, DCTERMS.title, None))

    conforms, text = catalogue_validate(graph)

    assert conforms is False
    assert "MinCountConstraintComponent" in text
    assert str(filing) in text


def test_a_title_without_a_language_tag_does_not_conform(catalogue: Any) -> None:
    graph = catalogue_graph()
    filing = service(catalogue.filing.code)
    graph.set((filing, DCTERMS.title, Literal(catalogue.filing.name)))

    conforms, text = catalogue_validate(graph)

    assert conforms is False
    assert "DatatypeConstraintComponent" in text


def test_the_base_is_configurable(catalogue: Any) -> None:
    base = "https://zwfw.example.gov.cn/id/"

    graph = catalogue_graph(base=base.rstrip("/"))

    assert (service(catalogue.filing.code, base), RDF.type, CPSV.PublicService) in graph
    assert not any(DEFAULT_BASE in str(term) for triple in graph for term in triple)


def test_an_unknown_format_is_refused(catalogue: Any) -> None:
    with pytest.raises(ValueError, match="unsupported RDF format"):
        catalogue_rdf(fmt="rdf/xml")
