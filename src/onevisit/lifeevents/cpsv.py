"""The life events in the catalogue's CPSV-AP graph (cv:LifeEvent grouping services)."""

from __future__ import annotations

from rdflib import DCTERMS, RDF, Literal, URIRef

from onevisit.catalogue.cpsv import CV, GraphBuilder, zh
from onevisit.lifeevents.selectors import life_events_published


def life_events_graph(*, builder: GraphBuilder, services: dict[str, URIRef]) -> None:
    graph = builder.graph
    for life_event in life_events_published():
        node = builder.uri("life-event", life_event.code)
        graph.add((node, RDF.type, CV.LifeEvent))
        # No reasoning runs during validation: the superclass that cv:isGroupedBy asks for
        # is stated explicitly.
        graph.add((node, RDF.type, CV.Event))
        graph.add((node, DCTERMS.identifier, Literal(life_event.code)))
        graph.add((node, DCTERMS.title, zh(life_event.name)))
        if life_event.description:
            graph.add((node, DCTERMS.description, zh(life_event.description)))
        for stage in life_event.stages.all():
            service = services.get(stage.item_code)
            if service is not None:
                graph.add((node, CV.hasRelatedService, service))
                graph.add((service, CV.isGroupedBy, node))
