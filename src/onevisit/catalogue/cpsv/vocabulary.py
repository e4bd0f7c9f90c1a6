"""The vocabularies of the CPSV-AP export, and how the catalogue's texts read in it."""

from __future__ import annotations

import re

from django.conf import settings
from rdflib import DCAT, DCTERMS, FOAF, ORG, SKOS, TIME, XSD, Literal, Namespace, URIRef

from onevisit.catalogue.models import ServiceItem

CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
LOCN = Namespace("http://www.w3.org/ns/locn#")

CURRENCY_CNY = URIRef("http://publications.europa.eu/resource/authority/currency/CNY")
LANG = "zh"

PREFIXES: dict[str, Namespace] = {
    "cpsv": CPSV, "cv": CV, "dct": Namespace(str(DCTERMS)), "skos": Namespace(str(SKOS)),
    "eli": ELI, "locn": LOCN, "dcat": Namespace(str(DCAT)), "xsd": Namespace(str(XSD)),
    "org": Namespace(str(ORG)), "foaf": Namespace(str(FOAF)), "time": Namespace(str(TIME)),
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
# The government hotline answers where a guide names no telephone of its own.
HOTLINE = "12345"
# 《法规名称》, and a document number in brackets after it: 《…决定》（国发〔2020〕13号）.
CITATION = re.compile(r"《(?P<title>[^《》]+)》(?:（(?P<number>[^（）]*〔\d{4}〕[^（）]*号)）)?")


def zh(text: str) -> Literal:
    return Literal(text, lang=LANG)


def base_url() -> str:
    """Where the export's IRIs live: below the instance's public address."""
    return f"{settings.ONEVISIT['PUBLIC_URL']}/id/"


def legal_citations(text: str) -> list[tuple[str, str]]:
    """The laws a legal basis cites, once each in order of citation: (title, document
    number or ""). A line that names no law in 《》 is taken whole as its title."""
    laws: dict[str, str] = {}
    for line in filter(None, (line.strip() for line in text.splitlines())):
        matches = list(CITATION.finditer(line))
        if not matches:
            laws.setdefault(line, "")
        for match in matches:
            laws.setdefault(match["title"], match["number"] or "")
    return list(laws.items())


def visits_label(visits: int) -> str:
    if visits == 0:
        return "跑零次"
    if visits == 1:
        return "最多跑一次"
    return f"最多跑 {visits} 次"


