"""The CPSV-AP 3.2.0 export: one per region, its IRIs under the site's public address, every
service with what a consumer needs to use it, conforming to the official shapes."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rdflib import DCAT, DCTERMS, FOAF, RDF, SKOS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.catalogue.cpsv import (
    CPSV,
    CURRENCY_CNY,
    CV,
    ELI,
    LOCN,
    catalogue_graph,
    catalogue_rdf,
    catalogue_validate,
    legal_citations,
)
from onevisit.catalogue.models import EvidenceType, MaterialRequirement, ServiceItem
from onevisit.catalogue.services import item_new_version, item_publish
from onevisit.demo.catalogue import ITEMS as DEMO_ITEMS
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.catalogue.reference import DISTRICT
from onevisit.demo.hall import demo_hall_ensure
from onevisit.hall.models import Hall
from onevisit.lifeevents.services import life_event_define
from tests.factories import MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

# Spelled out: pytest's collection probes the attributes of an imported rdflib namespace
# (XSD, TIME) and warns.
XSD_DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")
TIME = "http://www.w3.org/2006/time#"
BASE = "http://127.0.0.1:8000/id/"


def service(code: str, base: str = BASE) -> URIRef:
    return URIRef(f"{base}service/{code}")


def one(graph: Graph, subject: Any, predicate: Any) -> Any:
    [value] = list(graph.objects(subject, predicate))
    return value


def texts(graph: Graph, subject: Any, predicate: Any) -> set[str]:
    return {str(value) for value in graph.objects(subject, predicate)}


@pytest.fixture
def catalogue(world: Any) -> Any:
    """The shared catalogue, one item with its guide's place, hours and telephone and the
    optional fields filled in; the others fall back on the county's service hall."""
    ServiceItem.objects.filter(pk=world.licence.pk).update(
        description="新建、改建、扩建建筑工程开工前申领施工许可证", topic="工程建设",
        fee_yuan="12.50", fee_note="工本费", channel_courier=False,
        service_location="西湖区政务服务中心 5 号窗口", service_hours="工作日 8:30–12:00",
        enquiry_phone="0571-87001005", promised_visits=0,
        legal_basis="《建筑工程施工许可管理办法》第二条、第四条\n"
                    "《国务院关于取消和下放一批行政许可事项的决定》（国发〔2020〕13号）",
    )
    MaterialRequirement.objects.filter(item=world.licence, code="drawings").update(
        note="加盖审图机构印章"
    )
    property_certificate = EvidenceType.objects.get(code="property-certificate")
    ServiceItem.objects.filter(pk=world.transfer.pk).update(
        result_evidence_type=property_certificate)
    Hall.objects.create(code="xihu", name="西湖区政务服务中心",
                        region=Region.objects.get(code="330106"), address="杭州市西湖区文三路 1 号",
                        opens_at=dt.time(9), closes_at=dt.time(17))
    world.licence.refresh_from_db()
    return world


@pytest.fixture
def elsewhere(catalogue: Any) -> Any:
    """An item of another county of Hangzhou (余杭区), in a life event of its own."""
    yuhang = Region.objects.create(code="330110", name="余杭区", level=RegionLevel.COUNTY,
                                   parent_id="3301")
    department = Department.objects.create(code="yh-sj", name="余杭区市场监督管理局",
                                           region=yuhang)
    item = ServiceItemFactory(code="330110-SJ-001", name="个体工商户设立登记",
                              department=department, region=yuhang)
    MaterialFactory(item=item, code="id-card", name="经营者身份证",
                    evidence_type=EvidenceType.objects.get(code="resident-id-card"))
    item_publish(item=item, actor=None)
    life_event_define(code="shop", name="开小店一件事", region_code="330110",
                      committed_limit=1, limit_unit="working_days", promised_visits=0,
                      actor=None, stages=[{"key": "licence", "name": "登记",
                                           "item_code": item.code}])
    return item


def consumer_check(graph: Graph) -> list[str]:
    """What a consumer needs of every service, as a list of what is missing (empty when
    nothing is): a processing time with the rule saying how it is counted, a cost with
    its currency, channels with a contact point that has a telephone, a legal resource
    with an identifier, supporting evidence for every requirement, an evidence type for
    every output the catalogue links to one, and the promised visits."""
    missing = []
    for node in sorted(graph.subjects(RDF.type, CPSV.PublicService), key=str):
        name = str(node).rsplit("/", 1)[-1]
        if graph.value(node, CV.processingTime) is None:
            missing.append(f"{name}: processing time")
        rules = {str(graph.value(rule, DCTERMS.title)): rule
                 for rule in graph.objects(node, CPSV.follows)}
        if graph.value(rules.get("办理时限"), DCTERMS.type) is None:
            missing.append(f"{name}: time-limit rule and unit")
        if graph.value(rules.get("承诺跑动次数"), DCTERMS.type) is None:
            missing.append(f"{name}: promised visits")
        cost = graph.value(node, CV.hasCost)
        if (graph.value(cost, CV.hasValue) is None
                or graph.value(cost, CV.currency) != CURRENCY_CNY
                or graph.value(cost, DCTERMS.description) is None):
            missing.append(f"{name}: cost")
        channels = list(graph.objects(node, CV.hasChannel))
        if not channels:
            missing.append(f"{name}: channel")
        for channel in channels:
            contact = graph.value(channel, CV.contactPoint)
            if graph.value(contact, CV.telephone) is None:
                missing.append(f"{name}: contact point of {channel}")
        laws = list(graph.objects(node, CV.hasLegalResource))
        if not laws or any(graph.value(law, DCTERMS.identifier) is None for law in laws):
            missing.append(f"{name}: legal resource")
        missing.extend(f"{name}: evidence of {requirement}"
                       for requirement in graph.objects(node, CV.holdsRequirement)
                       if graph.value(requirement, CV.hasSupportingEvidence) is None)
        missing.extend(f"{name}: output title" for output in graph.objects(node, CPSV.produces)
                       if graph.value(output, DCTERMS.title) is None)
    return missing


def test_the_turtle_export_conforms(catalogue: Any) -> None:
    graph = Graph().parse(data=catalogue_rdf(fmt="turtle"), format="turtle")

    result = catalogue_validate(graph)

    assert result.conforms is True, result.text
    assert (result.violations, result.warnings, result.infos) == (0, 0, 0)
    published = (catalogue.filing, catalogue.tax_item, catalogue.transfer, catalogue.licence)
    assert set(graph.subjects(RDF.type, CPSV.PublicService)) == {
        service(item.code) for item in published
    }
    assert consumer_check(graph) == []


def test_the_json_ld_export_is_the_turtle_graph_and_conforms(catalogue: Any) -> None:
    turtle = Graph().parse(data=catalogue_rdf(fmt="turtle"), format="turtle")
    document = catalogue_rdf(fmt="json-ld")

    graph = Graph().parse(data=document, format="json-ld")

    assert json.loads(document)["@context"]["cpsv"] == str(CPSV)
    assert '"cv:hasValue": "0.0"' in document  # a JSON 0.0 would read back as an integer
    assert len(graph) == len(turtle)
    assert isomorphic(graph, turtle)
    assert catalogue_validate(graph).violations == 0


def test_the_demo_catalogue_conforms_and_every_service_is_complete() -> None:
    demo_catalogue_load()
    demo_hall_ensure()

    graph = catalogue_graph(region_code=DISTRICT)
    result = catalogue_validate(graph)
    items = [item for item in DEMO_ITEMS if item.region == DISTRICT]  # not the city's

    assert result.conforms is True, result.text
    assert (result.violations, result.warnings) == (0, 0)
    services = set(graph.subjects(RDF.type, CPSV.PublicService))
    assert services == {service(item.code) for item in items}
    assert len({s for s in services if graph.value(s, CV.processingTime)}) == len(items)
    assert consumer_check(graph) == []
    linked = {str(s).rsplit("/", 1)[-1] for s in services
              if graph.value(graph.value(s, CPSV.produces), DCTERMS.conformsTo) is not None}
    assert linked == {item.code for item in items if item.result_evidence}


def test_working_days_and_minutes_are_both_exported_and_said_to_be_working_time(
    catalogue: Any,
) -> None:
    graph = catalogue_graph()
    filing, licence = service(catalogue.filing.code), service(catalogue.licence.code)

    assert graph.value(filing, CV.processingTime) == Literal("PT15M", datatype=XSD_DURATION)
    assert graph.value(licence, CV.processingTime) == Literal("P5D", datatype=XSD_DURATION)
    rule = URIRef(f"{licence}/rule/time-limit")
    assert (licence, CPSV.follows, rule) in graph
    assert str(graph.value(rule, DCTERMS.description)).startswith(
        "承诺时限：5 个工作日；法定时限：15 个工作日。按工作日计算，不含周六、周日和法定节假日")
    unit = graph.value(rule, DCTERMS.type)
    assert unit == URIRef(f"{BASE}concept/limit-unit/working-days")
    assert graph.value(unit, SKOS.prefLabel) == Literal("工作日", lang="zh")
    minutes_rule = URIRef(f"{filing}/rule/time-limit")
    assert graph.value(minutes_rule, DCTERMS.type) == URIRef(
        f"{BASE}concept/limit-unit/working-minutes")
    assert str(graph.value(minutes_rule, DCTERMS.description)).startswith(
        "承诺时限：15 分钟（按工作时间计算）；法定时限：60 分钟（按工作时间计算）。")


def test_the_promised_visits_are_a_classification_and_a_rule(catalogue: Any) -> None:
    graph = catalogue_graph()
    licence, transfer = service(catalogue.licence.code), service(catalogue.transfer.code)

    assert graph.value(licence, CV.isClassifiedBy) == URIRef(f"{BASE}concept/promised-visits/0")
    assert graph.value(transfer, CV.isClassifiedBy) == URIRef(f"{BASE}concept/promised-visits/1")
    assert graph.value(URIRef(f"{BASE}concept/promised-visits/1"), SKOS.prefLabel) == Literal(
        "最多跑一次", lang="zh")
    assert graph.value(URIRef(f"{transfer}/rule/visits"), DCTERMS.description) == Literal(
        "申请人到现场最多 1 次（最多跑一次）。", lang="zh")


def test_the_cost_says_its_currency_note_and_who_sets_it(catalogue: Any) -> None:
    graph = catalogue_graph()
    licence_cost = graph.value(service(catalogue.licence.code), CV.hasCost)
    filing_cost = graph.value(service(catalogue.filing.code), CV.hasCost)

    assert graph.value(licence_cost, CV.hasValue) == Literal(12.5)  # xsd:double
    assert graph.value(licence_cost, CV.currency) == CURRENCY_CNY
    assert graph.value(licence_cost, DCTERMS.description) == Literal("工本费", lang="zh")
    assert graph.value(licence_cost, CV.isDefinedBy) == URIRef(f"{BASE}organisation/xh-zjj")
    assert graph.value(filing_cost, CV.hasValue) == Literal(0.0)
    assert graph.value(filing_cost, DCTERMS.description) == Literal("不收费", lang="zh")


def test_a_guides_own_place_hours_and_telephone_make_its_contact_point(catalogue: Any) -> None:
    graph = catalogue_graph()
    licence = service(catalogue.licence.code)

    channels = set(graph.objects(licence, CV.hasChannel))
    assert channels == {URIRef(f"{licence}/channel/window"), URIRef(f"{licence}/channel/online")}
    contact = graph.value(licence, CV.contactPoint)
    assert {graph.value(channel, CV.contactPoint) for channel in channels} == {contact}
    assert graph.value(contact, CV.telephone) == Literal("0571-87001005")
    assert graph.value(contact, CV.contactPage) == URIRef(
        f"http://127.0.0.1:8000/items/{catalogue.licence.code}/")
    assert graph.value(graph.value(contact, LOCN.address), LOCN.fullAddress) == Literal(
        "西湖区政务服务中心 5 号窗口", lang="zh")
    hours = graph.value(contact, CV.openingHours)
    assert graph.value(hours, DCTERMS.description) == Literal("工作日 8:30–12:00", lang="zh")
    assert graph.value(URIRef(f"{licence}/channel/window"), CV.openingHours) == hours
    assert graph.value(URIRef(f"{licence}/channel/online"), CV.openingHours) is None
    assert graph.value(URIRef(f"{licence}/channel/window"), CV.ownedBy) == URIRef(
        f"{BASE}organisation/xh-zjj")


def test_without_its_own_a_guide_takes_the_halls_place_and_opening_times(
    catalogue: Any,
) -> None:
    graph = catalogue_graph()
    contact = graph.value(service(catalogue.filing.code), CV.contactPoint)

    assert graph.value(contact, CV.telephone) == Literal("12345")
    assert graph.value(graph.value(contact, LOCN.address), LOCN.fullAddress) == Literal(
        "西湖区政务服务中心（杭州市西湖区文三路 1 号）", lang="zh")
    hours = graph.value(contact, CV.openingHours)
    assert graph.value(hours, DCTERMS.description) == Literal(
        "工作日 09:00–17:00（法定节假日除外）", lang="zh")
    assert graph.value(hours, CV.frequency) == URIRef(f"{BASE}concept/frequency/working-day")
    times = {}
    for link in ("hasBeginning", "hasEnd"):
        moment = graph.value(graph.value(hours, URIRef(TIME + link)), URIRef(TIME + "inDateTime"))
        times[link] = (str(graph.value(moment, URIRef(TIME + "hour"))),
                       str(graph.value(moment, URIRef(TIME + "minute"))))
    assert times == {"hasBeginning": ("9", "0"), "hasEnd": ("17", "0")}
    closed = graph.value(hours, CV.specialOpeningHoursSpecification)
    assert "法定节假日" in str(graph.value(closed, DCTERMS.description))


def test_a_townships_item_takes_the_hall_of_the_nearest_region_above(catalogue: Any,
                                                                     elsewhere: Any) -> None:
    township = Region.objects.create(code="330106005", name="翠苑街道",
                                     level=RegionLevel.TOWNSHIP, parent_id="330106")
    item = ServiceItemFactory(code="330106005-MZ-001", name="临时救助", region=township,
                              department=catalogue.housing)
    MaterialFactory(item=item, code="application", name="临时救助申请书")
    item_publish(item=item, actor=None)

    graph = catalogue_graph()

    def place(code: str) -> Any:
        contact = graph.value(service(code), CV.contactPoint)
        return graph.value(graph.value(contact, LOCN.address), LOCN.fullAddress)

    assert place(item.code) == Literal("西湖区政务服务中心（杭州市西湖区文三路 1 号）", lang="zh")
    assert place(elsewhere.code) is None  # 余杭区 has no hall here, nor 杭州市 or 浙江省


def test_without_a_hall_a_contact_point_has_the_hotline_and_no_place(world: Any) -> None:
    graph = catalogue_graph()
    contact = graph.value(service(world.filing.code), CV.contactPoint)

    assert graph.value(contact, CV.telephone) == Literal("12345")
    assert graph.value(contact, LOCN.address) is None
    assert graph.value(contact, CV.openingHours) is None
    assert catalogue_validate(graph).violations == 0


def test_each_cited_law_is_a_legal_resource_with_an_identifier(catalogue: Any) -> None:
    graph = catalogue_graph()
    licence, filing = service(catalogue.licence.code), service(catalogue.filing.code)

    laws = {str(graph.value(law, DCTERMS.identifier)): str(graph.value(law, DCTERMS.title))
            for law in graph.objects(licence, CV.hasLegalResource)}
    assert laws == {"《建筑工程施工许可管理办法》": "建筑工程施工许可管理办法",
                    "国发〔2020〕13号": "国务院关于取消和下放一批行政许可事项的决定"}
    rule = URIRef(f"{licence}/rule/legal-basis")
    assert set(graph.objects(rule, CPSV.implements)) == set(
        graph.objects(licence, CV.hasLegalResource))
    assert str(graph.value(rule, DCTERMS.description)).startswith(
        "《建筑工程施工许可管理办法》第二条、第四条")
    shared = URIRef(f"{BASE}legal-resource/%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1"
                    "%E5%92%8C%E5%9B%BD%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF%E6%B3%95")
    assert (filing, CV.hasLegalResource, shared) in graph  # the factory's 《行政许可法》
    assert (shared, RDF.type, ELI.LegalResource) in graph


def test_legal_citations_name_each_law_once() -> None:
    assert legal_citations(
        "《中华人民共和国社会保险法》第五十八条\n《社会保险费征缴暂行条例》第七条、"
        "《中华人民共和国社会保险法》第六十条\n\n"
        "《国务院关于取消和下放一批行政许可事项的决定》（国发〔2020〕13号）\n"
        "省政府有关规定"
    ) == [("中华人民共和国社会保险法", ""), ("社会保险费征缴暂行条例", ""),
          ("国务院关于取消和下放一批行政许可事项的决定", "国发〔2020〕13号"),
          ("省政府有关规定", "")]


def test_every_requirement_has_its_evidence_and_typed_evidence_its_type(catalogue: Any) -> None:
    graph = catalogue_graph()
    transfer = service(catalogue.transfer.code)
    certificate = URIRef(f"{transfer}/evidence/property-certificate")
    form = URIRef(f"{transfer}/evidence/application-form")

    requirement = URIRef(f"{transfer}/material/property-certificate")
    assert set(graph.objects(requirement, CV.hasSupportingEvidence)) == {certificate}
    conditions = URIRef(f"{transfer}/conditions")
    assert len(set(graph.objects(conditions, CV.hasSupportingEvidence))) == 3
    assert len(set(graph.objects(transfer, CPSV.hasInput))) == 3
    assert graph.value(certificate, DCTERMS.conformsTo) == URIRef(
        f"{BASE}evidence-type/property-certificate")
    assert graph.value(certificate, DCTERMS.description) == Literal(
        "必需材料；经申请人同意由政府部门共享获取，申请人无需提交；需提供原件。", lang="zh")
    assert graph.value(form, DCTERMS.conformsTo) is None
    assert (certificate, CV.supportsRequirement, requirement) in graph
    tax_form = URIRef(f"{service(catalogue.tax_item.code)}/evidence/tax-form")
    assert "可容缺受理" in str(graph.value(tax_form, DCTERMS.description))


def test_a_blank_form_is_the_evidences_page(catalogue: Any) -> None:
    material = MaterialRequirement.objects.get(item=catalogue.licence, code="drawings")
    MaterialRequirement.objects.filter(pk=material.pk).update(blank_form="blank-forms/x.pdf")

    graph = catalogue_graph()

    evidence = URIRef(f"{service(catalogue.licence.code)}/evidence/drawings")
    page = URIRef(f"http://127.0.0.1:8000/forms/{material.pk}.pdf")
    assert graph.value(evidence, FOAF.page) == page
    assert (page, RDF.type, FOAF.Document) in graph


def test_an_output_conforms_to_the_evidence_type_it_proves(catalogue: Any) -> None:
    graph = catalogue_graph()

    output = graph.value(service(catalogue.transfer.code), CPSV.produces)
    evidence_type = URIRef(f"{BASE}evidence-type/property-certificate")
    assert graph.value(output, DCTERMS.title) == Literal("不动产权证书", lang="zh")
    assert graph.value(output, DCTERMS.conformsTo) == evidence_type
    assert (service(catalogue.filing.code), CV.hasInputType, evidence_type) in graph
    licence_output = graph.value(service(catalogue.licence.code), CPSV.produces)
    assert graph.value(licence_output, DCTERMS.conformsTo) is None
    assert graph.value(service(catalogue.filing.code), CPSV.produces) is None


def test_english_names_come_beside_the_chinese(catalogue: Any) -> None:
    ServiceItem.objects.filter(pk=catalogue.licence.pk).update(name_en="Construction permit")
    ServiceItem.objects.filter(pk=catalogue.filing.pk).update(name_en="Contract filing")

    graph = catalogue_graph()

    licence, filing = service(catalogue.licence.code), service(catalogue.filing.code)
    assert set(graph.objects(licence, DCTERMS.title)) == {
        Literal("建筑工程施工许可", lang="zh"), Literal("Construction permit", lang="en")}
    # An English description only where there is one; a name stands in for a description
    # in both languages only where the item has none.
    assert texts(graph, licence, DCTERMS.description) == {
        "新建、改建、扩建建筑工程开工前申领施工许可证"}
    assert texts(graph, filing, DCTERMS.description) == {"存量房交易合同网签备案",
                                                         "Contract filing"}


def test_the_iris_are_under_the_sites_public_address(catalogue: Any, settings: Any) -> None:
    settings.ONEVISIT = {**settings.ONEVISIT, "PUBLIC_URL": "https://zwfw.example.gov.cn"}

    graph = catalogue_graph()

    minted = {term for triple in graph for term in triple
              if isinstance(term, URIRef) and not any(
                  str(term).startswith(str(namespace)) for namespace in (
                      CPSV, CV, DCTERMS, DCAT, RDF, SKOS, ELI, LOCN, FOAF, TIME,
                      "http://www.w3.org/ns/org#", "http://www.w3.org/2001/XMLSchema#"))}
    assert minted
    assert {str(term) for term in minted if not str(term).startswith(
        "https://zwfw.example.gov.cn/")} == {str(CURRENCY_CNY)}
    assert (service(catalogue.filing.code, "https://zwfw.example.gov.cn/id/"), RDF.type,
            CPSV.PublicService) in graph
    assert not any("onevisit.example" in str(term) or "127.0.0.1" in str(term)
                   for triple in graph for term in triple)


def test_a_regions_export_holds_only_its_items_and_those_below(elsewhere: Any,
                                                               catalogue: Any) -> None:
    def services(region: str) -> set[str]:  # the item codes exported
        graph = catalogue_graph(region_code=region)
        assert catalogue_validate(graph).violations == 0
        return {str(s).rsplit("/", 1)[-1] for s in graph.subjects(RDF.type, CPSV.PublicService)}

    xihu = {catalogue.filing.code, catalogue.tax_item.code, catalogue.transfer.code,
            catalogue.licence.code}
    assert services("330106") == xihu
    assert services("330110") == {elsewhere.code}
    assert services("3301") == services("33") == services("") == xihu | {elsewhere.code}
    Region.objects.create(code="330106005", name="翠苑街道", level=RegionLevel.TOWNSHIP,
                          parent_id="330106")
    assert services("330106005") == set()  # a township with no items of its own
    yuhang = catalogue_graph(region_code="330110")
    assert set(yuhang.subjects(RDF.type, CV.LifeEvent)) == {URIRef(f"{BASE}life-event/shop")}
    assert not any("330106" in str(term) for triple in yuhang for term in triple)


def test_an_unknown_region_is_not_found(catalogue: Any) -> None:
    from onevisit.errors import NotFound

    with pytest.raises(NotFound):
        catalogue_graph(region_code="990101")


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

    result = catalogue_validate(graph)

    assert result.conforms is False
    assert result.violations == 1
    assert "MinCountConstraintComponent" in result.text
    assert str(filing) in result.text


def test_a_title_without_a_language_tag_does_not_conform(catalogue: Any) -> None:
    graph = catalogue_graph()
    filing = service(catalogue.filing.code)
    graph.set((filing, DCTERMS.title, Literal(catalogue.filing.name)))

    result = catalogue_validate(graph)

    assert result.conforms is False
    assert "DatatypeConstraintComponent" in result.text


def test_an_unknown_format_is_refused(catalogue: Any) -> None:
    with pytest.raises(ValueError, match="unsupported RDF format"):
        catalogue_rdf(fmt="rdf/xml")


# ----------------------------------------------------------------------- API and command


def test_the_api_serves_a_regions_export(elsewhere: Any, catalogue: Any) -> None:
    client = Client()

    turtle = client.get("/api/v1/catalogue/cpsv-ap.ttl", {"region": "330110"})
    jsonld = client.get("/api/v1/catalogue/cpsv-ap.jsonld", {"region": "330110"})
    everything = client.get("/api/v1/catalogue/cpsv-ap.ttl")

    assert turtle.status_code == 200
    assert turtle["Content-Type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=turtle.content.decode(), format="turtle")
    assert set(graph.subjects(RDF.type, CPSV.PublicService)) == {service(elsewhere.code)}
    assert jsonld["Content-Type"] == "application/ld+json"
    assert isomorphic(Graph().parse(data=jsonld.content.decode(), format="json-ld"), graph)
    assert len(set(Graph().parse(data=everything.content.decode(), format="turtle")
                   .subjects(RDF.type, CPSV.PublicService))) == 5


def test_the_api_refuses_an_unknown_or_malformed_region(catalogue: Any) -> None:
    client = Client()

    unknown = client.get("/api/v1/catalogue/cpsv-ap.ttl", {"region": "990101"})
    malformed = client.get("/api/v1/catalogue/cpsv-ap.jsonld", {"region": "33-01"})

    assert unknown.status_code == 404
    assert unknown.json() == {"message": "行政区划代码不存在", "errors": {}}
    assert malformed.status_code == 422
    assert list(malformed.json()["errors"]) == ["query.region"]


def test_the_command_exports_and_checks_a_region(elsewhere: Any, catalogue: Any,
                                                 tmp_path: Any) -> None:
    out = io.StringIO()
    call_command("cpsv", "export", "--region", "330110", stdout=out)
    graph = Graph().parse(data=out.getvalue(), format="turtle")
    assert set(graph.subjects(RDF.type, CPSV.PublicService)) == {service(elsewhere.code)}

    target = tmp_path / "xihu.jsonld"
    call_command("cpsv", "export", "--region", "330106", "--format", "json-ld",
                 "--output", str(target))
    assert len(set(Graph().parse(target, format="json-ld")
                   .subjects(RDF.type, CPSV.PublicService))) == 4

    report = io.StringIO()
    call_command("cpsv", "check", "--region", "330106", stdout=report)
    assert report.getvalue().startswith("4 项服务，")
    assert report.getvalue().rstrip().endswith(
        "符合 CPSV-AP 3.2.0；违规 0，警告 0，提示 0")

    with pytest.raises(CommandError, match="行政区划代码不存在"):
        call_command("cpsv", "check", "--region", "990101", stdout=io.StringIO())
