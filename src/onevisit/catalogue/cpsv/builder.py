"""The CPSV-AP graph of the catalogue, object by object."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from modeltranslation.utils import build_localized_fieldname
from rdflib import DCAT, DCTERMS, FOAF, ORG, RDF, SKOS, TIME, XSD, BNode, Graph, Literal, URIRef

from onevisit.accounts.models import Department, Region
from onevisit.catalogue.constants import MINUTES_PER_WORKING_DAY, ItemKind, LimitUnit
from onevisit.catalogue.cpsv.vocabulary import (
    CHANNEL_FIELDS,
    CPSV,
    CURRENCY_CNY,
    CV,
    ELI,
    HOTLINE,
    LOCN,
    PREFIXES,
    legal_citations,
    visits_label,
    zh,
)
from onevisit.catalogue.models import EvidenceType, MaterialRequirement, ServiceItem
from onevisit.workdays.calendar import limit_text


@dataclass(frozen=True)
class ServicePlace:
    """Where a region's people apply in person (a service hall), for a guide that names no
    place or opening hours of its own."""

    name: str
    address: str
    opens_at: dt.time
    closes_at: dt.time
    hours: str


class PlaceFinder(Protocol):
    """What an app above the catalogue tells it of a region's place (hall: its service
    centre, or the one of the nearest region above)."""

    def __call__(self, *, region_code: str) -> ServicePlace | None: ...


class GraphBuilder:
    """Adds catalogue objects to a graph under stable URIs below `base`."""

    def __init__(self, base: str, finders: Iterable[PlaceFinder] = ()) -> None:
        self.base = base.rstrip("/") + "/"
        self.graph = Graph(bind_namespaces="core")
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace, override=True, replace=True)
        self.finders = list(finders)
        self.places: dict[str, ServicePlace | None] = {}

    def uri(self, *segments: str) -> URIRef:
        return URIRef(self.base + "/".join(quote(segment, safe="") for segment in segments))

    def page(self, path: str) -> URIRef:
        """A page of the portal, as a foaf:Document."""
        node = URIRef(f"{settings.ONEVISIT['PUBLIC_URL']}{path}")
        self.graph.add((node, RDF.type, FOAF.Document))
        return node

    def texts(self, node: URIRef, predicate: URIRef, instance: Any, field: str,
              fallback: str = "") -> None:
        """A translated field in Chinese, and in English where the catalogue has it; the
        `fallback` field in both when the field is empty."""
        if fallback and not getattr(instance, field):
            field = fallback
        self.graph.add((node, predicate, zh(getattr(instance, field))))
        english = getattr(instance, build_localized_fieldname(field, "en"), "")
        if english:
            self.graph.add((node, predicate, Literal(english, lang="en")))

    def concept(self, scheme: str, code: str, label: str, definition: str = "") -> URIRef:
        scheme_uri = self.uri("concept-scheme", scheme)
        concept = self.uri("concept", scheme, code)
        self.graph.add((scheme_uri, RDF.type, SKOS.ConceptScheme))
        self.graph.add((concept, RDF.type, SKOS.Concept))
        self.graph.add((concept, SKOS.prefLabel, zh(label)))
        self.graph.add((concept, SKOS.inScheme, scheme_uri))
        if definition:
            self.graph.add((concept, SKOS.definition, zh(definition)))
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
        # No reasoning runs during validation: the superclass that cv:ownedBy and
        # cv:isDefinedBy ask for is stated explicitly.
        self.graph.add((node, RDF.type, ORG.Organization))
        self.graph.add((node, DCTERMS.identifier, Literal(department.code)))
        self.texts(node, SKOS.prefLabel, department, "name")
        self.graph.add((node, DCTERMS.spatial, self.region(department.region)))
        return node

    def evidence_type(self, evidence_type: EvidenceType) -> URIRef:
        node = self.uri("evidence-type", evidence_type.code)
        self.graph.add((node, RDF.type, CV.EvidenceType))
        self.graph.add((node, DCTERMS.identifier, Literal(evidence_type.code)))
        self.texts(node, DCTERMS.title, evidence_type, "name")
        subject = self.concept("evidence-subject", evidence_type.subject_kind,
                               str(evidence_type.get_subject_kind_display()))
        self.graph.add((node, CV.evidenceTypeClassification, subject))
        return node

    def legal_resource(self, title: str, number: str) -> URIRef:
        """A law or a normative document, one node however many services cite it: its
        document number (文号) as identifier when it has one, else its title."""
        node = self.uri("legal-resource", title)
        self.graph.add((node, RDF.type, ELI.LegalResource))
        self.graph.add((node, DCTERMS.identifier, Literal(number or f"《{title}》")))
        self.graph.add((node, DCTERMS.title, zh(title)))
        return node

    def place(self, region_code: str) -> ServicePlace | None:
        if region_code not in self.places:
            self.places[region_code] = next(
                (place for finder in self.finders
                 if (place := finder(region_code=region_code)) is not None), None)
        return self.places[region_code]

    def part(self, kind: URIRef, code: str, *segments: str) -> URIRef:
        """A node owned by one service, identified by its path below the service."""
        node = self.uri("service", code, *segments)
        self.graph.add((node, RDF.type, kind))
        self.graph.add((node, DCTERMS.identifier, Literal("/".join((code, *segments)))))
        return node

    def rule(self, service: URIRef, item: ServiceItem, key: str, title: str,
             description: str) -> URIRef:
        node = self.part(CPSV.Rule, item.code, "rule", key)
        self.graph.add((node, DCTERMS.title, zh(title)))
        self.graph.add((node, DCTERMS.description, zh(description)))
        self.graph.add((service, CPSV.follows, node))
        return node

    # -- the service ------------------------------------------------------------------

    def service(self, item: ServiceItem) -> URIRef:
        graph = self.graph
        node = self.uri("service", item.code)
        graph.add((node, RDF.type, CPSV.PublicService))
        graph.add((node, DCTERMS.identifier, Literal(item.code)))
        self.texts(node, DCTERMS.title, item, "name")
        # CPSV-AP requires a description; an item without one repeats its name.
        self.texts(node, DCTERMS.description, item, "description", fallback="name")
        kind = self.concept("item-kind", item.kind, str(ItemKind(item.kind).label))
        graph.add((node, DCTERMS.type, kind))
        authority = self.organisation(item.department)
        graph.add((node, CV.hasCompetentAuthority, authority))
        graph.add((node, DCTERMS.spatial, self.region(item.region)))
        if item.topic:
            graph.add((node, DCAT.keyword, zh(item.topic)))
        self.time_limit(node, item)
        self.visits(node, item)
        contact_point = self.contact_point(item)
        graph.add((node, CV.contactPoint, contact_point))
        self.channels(node, item, authority, contact_point)
        self.cost(node, item, authority)
        self.requirements(node, item)
        self.legal_basis(node, item)
        self.output(node, item)
        return node

    def time_limit(self, service: URIRef, item: ServiceItem) -> None:
        """The committed limit as the processing time: working days as days (P5D), working
        minutes as minutes (PT15M). xsd:duration has no working day, so a rule of the
        service says how the figure is counted, typed by its unit."""
        minutes = item.limit_unit == LimitUnit.MINUTES
        duration = f"PT{item.committed_limit}M" if minutes else f"P{item.committed_limit}D"
        self.graph.add((service, CV.processingTime, Literal(duration, datatype=XSD.duration)))
        statutory = item.statutory_limit
        if minutes and statutory % MINUTES_PER_WORKING_DAY == 0:
            statutory_text = limit_text(limit=statutory // MINUTES_PER_WORKING_DAY,
                                        unit=LimitUnit.WORKING_DAYS)
        else:
            statutory_text = limit_text(limit=statutory, unit=item.limit_unit)
        if minutes:
            unit = self.concept(
                "limit-unit", "working-minutes", "工作分钟",
                "工作日办公时间内的分钟；办公时间以外和非工作日不计。")
            counted = ("按工作时间计算：只计工作日办公时间内的分钟。processingTime 中的分钟数"
                       "（PT…M）为工作分钟。")
        else:
            unit = self.concept(
                "limit-unit", "working-days", "工作日",
                "国家规定的工作日：不含周六、周日和法定节假日，按国务院办公厅公布的节假日安排调休。")
            counted = ("按工作日计算，不含周六、周日和法定节假日（按国家公布的调休安排）。"
                       "processingTime 中的天数（P…D）为工作日。")
        committed_text = limit_text(limit=item.committed_limit, unit=item.limit_unit)
        rule = self.rule(service, item, "time-limit", "办理时限",
                         f"承诺时限：{committed_text}；法定时限：{statutory_text}。{counted}")
        self.graph.add((rule, DCTERMS.type, unit))

    def visits(self, service: URIRef, item: ServiceItem) -> None:
        """The promised visits (承诺跑动次数): a classification, and a rule that says it."""
        label = visits_label(item.promised_visits)
        concept = self.concept("promised-visits", str(item.promised_visits), label)
        self.graph.add((service, CV.isClassifiedBy, concept))
        if item.promised_visits == 0:
            said = "申请人无需到现场（跑零次）。"
        else:
            said = f"申请人到现场最多 {item.promised_visits} 次（{label}）。"
        self.graph.add((self.rule(service, item, "visits", "承诺跑动次数", said),
                        DCTERMS.type, concept))

    def contact_point(self, item: ServiceItem) -> URIRef:
        """Whom to ask and where to go: the guide's telephone (or the 12345 hotline), its
        place and opening hours, or else those of the region's service hall."""
        graph = self.graph
        node = self.part(CV.ContactPoint, item.code, "contact-point")
        graph.add((node, CV.telephone, Literal(item.enquiry_phone or HOTLINE)))
        graph.add((node, CV.contactPage, self.page(reverse("web:item", args=[item.code]))))
        place = self.place(item.region_id)
        if item.service_location:
            location = item.service_location
        elif place is not None:
            location = f"{place.name}（{place.address}）" if place.address else place.name
        else:
            location = ""
        if location:
            address = self.part(LOCN.Address, item.code, "address")
            graph.add((address, LOCN.fullAddress, zh(location)))
            graph.add((node, LOCN.address, address))
        hours = self.opening_hours(item, place)
        if hours is not None:
            graph.add((node, CV.openingHours, hours))
        return node

    def opening_hours(self, item: ServiceItem, place: ServicePlace | None) -> URIRef | None:
        """The guide's opening hours as it words them, or else the hall's, with its opening
        and closing times on every working day (as OWL-Time instants)."""
        graph = self.graph
        if item.service_hours:
            node = self.part(TIME.TemporalEntity, item.code, "opening-hours")
            self.texts(node, DCTERMS.description, item, "service_hours")
            return node
        if place is None:
            return None
        node = self.part(TIME.TemporalEntity, item.code, "opening-hours")
        graph.add((node, DCTERMS.description, zh(place.hours)))
        graph.add((node, CV.frequency, self.concept("frequency", "working-day", "每个工作日")))
        for moment, link in ((place.opens_at, TIME.hasBeginning), (place.closes_at, TIME.hasEnd)):
            instant, described = BNode(), BNode()
            graph.add((instant, RDF.type, TIME.Instant))
            graph.add((instant, TIME.inDateTime, described))
            graph.add((described, RDF.type, TIME.DateTimeDescription))
            graph.add((described, TIME.hour,
                       Literal(moment.hour, datatype=XSD.nonNegativeInteger)))
            graph.add((described, TIME.minute,
                       Literal(moment.minute, datatype=XSD.nonNegativeInteger)))
            graph.add((described, TIME.unitType, TIME.unitMinute))
            graph.add((node, link, instant))
        closed = self.part(TIME.TemporalEntity, item.code, "closed")
        graph.add((closed, DCTERMS.description,
                   zh("周六、周日和法定节假日不办公（按国家公布的调休安排）")))
        graph.add((node, CV.specialOpeningHoursSpecification, closed))
        return node

    def channels(self, service: URIRef, item: ServiceItem, authority: URIRef,
                 contact_point: URIRef) -> None:
        graph = self.graph
        for channel, flag in CHANNEL_FIELDS.items():
            if not getattr(item, flag.attname):
                continue
            kind = self.concept("channel-type", channel, str(flag.verbose_name))
            node = self.part(CV.Channel, item.code, "channel", channel)
            graph.add((node, DCTERMS.type, kind))
            graph.add((node, CV.ownedBy, authority))
            graph.add((node, CV.contactPoint, contact_point))
            hours = graph.value(contact_point, CV.openingHours)
            if channel == "window" and hours is not None:
                graph.add((node, CV.openingHours, hours))
            graph.add((service, CV.hasChannel, node))

    def cost(self, service: URIRef, item: ServiceItem, authority: URIRef) -> None:
        graph = self.graph
        node = self.part(CV.Cost, item.code, "cost")
        graph.add((node, CV.hasValue, Literal(float(item.fee_yuan), datatype=XSD.double)))
        graph.add((node, CV.currency, CURRENCY_CNY))
        graph.add((CURRENCY_CNY, RDF.type, SKOS.Concept))
        if item.fee_note:
            self.texts(node, DCTERMS.description, item, "fee_note")
        elif not item.fee_yuan:
            graph.add((node, DCTERMS.description, zh("不收费")))
        graph.add((node, CV.isDefinedBy, authority))
        graph.add((service, CV.hasCost, node))

    def requirements(self, service: URIRef, item: ServiceItem) -> None:
        """The conditions and one requirement per material, each with its evidence: the
        materials together are what proves the conditions."""
        graph = self.graph
        conditions = self.part(CV.Requirement, item.code, "conditions")
        graph.add((conditions, DCTERMS.title, zh(str(ServiceItem.conditions.field.verbose_name))))
        self.texts(conditions, DCTERMS.description, item, "conditions")
        graph.add((service, CV.holdsRequirement, conditions))
        for material in item.materials.all():
            requirement = self.part(CV.Requirement, item.code, "material", material.code)
            self.texts(requirement, DCTERMS.title, material, "name")
            if material.note:
                self.texts(requirement, DCTERMS.description, material, "note")
            graph.add((service, CV.holdsRequirement, requirement))
            evidence = self.evidence(item, material)
            graph.add((service, CPSV.hasInput, evidence))
            for proved in (requirement, conditions):
                graph.add((proved, CV.hasSupportingEvidence, evidence))
                graph.add((evidence, CV.supportsRequirement, proved))
            if material.evidence_type is not None:
                graph.add((service, CV.hasInputType, self.evidence_type(material.evidence_type)))

    def evidence(self, item: ServiceItem, material: MaterialRequirement) -> URIRef:
        graph = self.graph
        node = self.part(CV.Evidence, item.code, "evidence", material.code)
        self.texts(node, DCTERMS.title, material, "name")
        said = ["必需材料" if material.required else "视情况提供"]
        if material.evidence_type is not None:
            graph.add((node, DCTERMS.conformsTo, self.evidence_type(material.evidence_type)))
            said.append("经申请人同意由政府部门共享获取，申请人无需提交")
        if material.original:
            said.append("需提供原件")
        if material.copies:
            said.append(f"复印件 {material.copies} 份")
        if material.tolerated_missing:
            said.append("可容缺受理：先受理，限期补交")
        graph.add((node, DCTERMS.description, zh("；".join(said) + "。")))
        if material.blank_form:
            form = reverse("web:blank_form", kwargs={"requirement_id": material.pk})
            graph.add((node, FOAF.page, self.page(form)))
        return node

    def legal_basis(self, service: URIRef, item: ServiceItem) -> None:
        """The laws cited, each a legal resource, and the citation with its articles as a
        rule implementing them."""
        if not item.legal_basis.strip():
            return
        rule = self.rule(service, item, "legal-basis",
                         str(ServiceItem.legal_basis.field.verbose_name), item.legal_basis)
        for title, number in legal_citations(item.legal_basis):
            law = self.legal_resource(title, number)
            self.graph.add((service, CV.hasLegalResource, law))
            self.graph.add((rule, CPSV.implements, law))

    def output(self, service: URIRef, item: ServiceItem) -> None:
        """The result, as a sealed electronic certificate that conforms to the evidence
        type it proves, so a consumer sees which later services take it as evidence."""
        if not item.result_name:
            return
        graph = self.graph
        node = self.part(CV.Output, item.code, "output")
        self.texts(node, DCTERMS.title, item, "result_name")
        graph.add((node, DCTERMS.description, zh(
            f"加盖{item.department.name}电子印章的电子文件，可凭核验码在 "
            f"{settings.ONEVISIT['PUBLIC_URL']}{reverse('web:verify')} 核验。")))
        if item.result_evidence_type is not None:
            graph.add((node, DCTERMS.conformsTo, self.evidence_type(item.result_evidence_type)))
        graph.add((service, CPSV.produces, node))


