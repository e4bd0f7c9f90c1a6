"""The life events in the catalogue's CPSV-AP graph (cv:LifeEvent grouping services)."""

from __future__ import annotations

from rdflib import DCTERMS, RDF, Literal, URIRef

from onevisit.catalogue.cpsv import CV, GraphBuilder
from onevisit.lifeevents.selectors import life_events_published


def life_events_graph(*, builder: GraphBuilder, services: dict[str, URIRef]) -> None:
    """Each published life event that groups a service of the export (a region's export
    leaves out the bundles of other regions' items)."""
    graph = builder.graph
    for life_event in life_events_published():
        related = [services[stage.item_code] for stage in life_event.stages.all()
                   if stage.item_code in services]
        if not related:
            continue
        node = builder.uri("life-event", life_event.code)
        graph.add((node, RDF.type, CV.LifeEvent))
        # No reasoning runs during validation: the superclass that cv:isGroupedBy asks for
        # is stated explicitly.
        graph.add((node, RDF.type, CV.Event))
        graph.add((node, DCTERMS.identifier, Literal(life_event.code)))
        builder.texts(node, DCTERMS.title, life_event, "name")
        if life_event.description:
            builder.texts(node, DCTERMS.description, life_event, "description")
        for service in related:
            graph.add((node, CV.hasRelatedService, service))
            graph.add((service, CV.isGroupedBy, node))
