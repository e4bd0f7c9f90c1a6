"""Filling the demo catalogue's merged forms for synthetic applicants.

Used by `onevisit simulate` (through the services), and by the intake benchmark and the
topology test (through the HTTP API: `api_filing`), so all file what a real applicant of
that kind would."""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from onevisit import clock
from onevisit.applications.constants import ApplicantKind, DeliveryMethod
from onevisit.applications.services.facts import YEARS_HELD, years_after
from onevisit.catalogue.constants import FieldType
from onevisit.catalogue.selectors import MergedField, MergedMaterial
from onevisit.demo.population import Birth, Company, Person, Population

# A tiny but real PDF (with its cross-reference table, so intake's check can open it):
# what an applicant's scanned material is, as far as intake can tell.
SAMPLE_PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n% demo material\n"
    b"1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
    b"2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n"
    b"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000031 00000 n \n0000000076 00000 n \n"
    b"0000000127 00000 n \ntrailer\n<</Size 4/Root 1 0 R>>\nstartxref\n192\n%%EOF\n"
)
SAMPLE_PDF_BASE64 = base64.b64encode(SAMPLE_PDF).decode()

# Optional fields the demo's applicants leave empty: its buyers and mortgagors are people,
# so no enterprise size (which would waive the registration fee).
LEFT_BLANK = ("enterprise_size",)


@dataclass(frozen=True)
class Filer:
    """Who files: a person, for a company (existing or being founded) or a newborn."""

    kind: str
    name: str
    id_number: str
    person: Person
    company: Company | None = None
    birth: Birth | None = None
    counterpart: Person | None = None


class FormFiller:
    def __init__(self, population: Population, rng: random.Random) -> None:
        self.population = population
        self.rng = rng
        self.people = {p.id_number: p for p in population.people}
        self.owners = [p for p in population.people if p.property_certificate_numbers]
        self.mothers = [b for b in population.births if b.mother_id_number in self.people]

    def filer_for(self, *, fields: list[MergedField],
                  materials: list[MergedMaterial]) -> Filer:
        """Choose an applicant whose registry records fit the subject, so once-only
        fetches find what a real applicant of that kind would have."""
        keys = {f.key for f in fields}
        evidence = {m.evidence_type_code for m in materials if m.evidence_type_code}
        person = self.rng.choice(self.population.people)
        if "company_uscc" in keys and self.population.companies:
            company = self.rng.choice(self.population.companies)
            representative = self.people.get(company.legal_rep_id_number, person)
            return Filer(kind=ApplicantKind.ENTERPRISE, name=company.name, id_number=company.uscc,
                         person=representative, company=company)
        if "birth_medical_certificate" in evidence or "newborn_name" in keys:
            birth = self.rng.choice(self.mothers) if self.mothers else None
            if birth is not None:
                person = self.people[birth.mother_id_number]
                return Filer(kind=ApplicantKind.PERSON, name=person.name,
                             id_number=person.id_number, person=person, birth=birth)
        if "real_estate_certificate" in evidence and self.owners:
            person = self.rng.choice(self.owners)
        counterpart = self.rng.choice(self.population.people)
        return Filer(kind=ApplicantKind.PERSON, name=person.name, id_number=person.id_number,
                     person=person, counterpart=counterpart)

    def data(self, *, fields: list[MergedField], filer: Filer) -> dict[str, Any]:
        values = {f.key: self._value(f, filer) for f in fields}
        if "property_area" in values and "transaction_price" in values:
            # A sale's price from the flat's area at a price a square metre of 西湖区, so
            # the taxes computed from it are of a realistic size.
            price = Decimal(values["property_area"]) * self.rng.randint(30000, 60000)
            values["transaction_price"] = f"{price.quantize(Decimal('1000')):.2f}"
        return values

    def uploads(self, *, materials: list[MergedMaterial], leave_out: int = 0) -> list[str]:
        """Keys of the upload materials to send, leaving out `leave_out` of them."""
        keys = [m.key for m in materials if m.evidence_type_code is None and m.required]
        for _ in range(min(leave_out, len(keys))):
            keys.remove(self.rng.choice(keys))
        return keys

    def _value(self, field: MergedField, filer: Filer) -> Any:
        person, company, birth = filer.person, filer.company, filer.birth
        other = filer.counterpart or person
        spouse = self.people.get(person.spouse_id_number or "")
        today = timezone.localdate(clock.now())
        known: dict[str, Any] = {
            "applicant_name": person.name, "applicant_id_number": person.id_number,
            "applicant_phone": person.phone, "household_address": person.address,
            "residence_address": person.address, "household_region_code": "330106",
            "spouse_name": spouse.name if spouse else None,
            "spouse_id_number": spouse.id_number if spouse else None,
            "legal_rep_name": person.name, "legal_rep_id_number": person.id_number,
            "property_certificate_number": (person.property_certificate_numbers or ("",))[0],
            "property_address": person.address,
            "buyer_name": other.name, "buyer_id_number": other.id_number,
            "buyer_phone": other.phone, "tenant_name": other.name,
            "tenant_id_number": other.id_number,
            "contract_date": today.isoformat(), "lease_start_date": today.isoformat(),
            "project_start_date": today.isoformat(),
            # The registries' flats are all 住宅 (demo.population).
            "property_use": "住宅",
        }
        if person.properties:
            # What the register holds of the flat sold (the first): the filing is checked
            # against it; 满五唯一 is declared (at random) only for a flat held five years.
            held = person.properties[0]
            since = dt.date.fromisoformat(str(held["registered_on"]))
            known |= {"property_use": held["use"], "property_area": held["building_area_m2"],
                      "seller_sole_home_over_five_years":
                          None if years_after(since, YEARS_HELD) <= today else "否"}
        if company is not None:
            known |= {"company_name": company.name, "company_uscc": company.uscc,
                      "business_address": company.address,
                      "registered_capital": str(company.registered_capital)}
        else:
            known |= {"company_name": f"杭州{person.name[:1]}{self.rng.randint(100, 999)}"
                                      f"科技有限公司",
                      "business_address": person.address}
        if birth is not None:
            known |= {"newborn_name": birth.newborn_name, "newborn_gender": birth.gender,
                      "newborn_birth_date": birth.birth_date.isoformat(),
                      "newborn_birth_place": birth.hospital,
                      "mother_name": person.name, "mother_id_number": birth.mother_id_number,
                      "father_id_number": birth.father_id_number,
                      "father_name": self.people[birth.father_id_number].name
                      if birth.father_id_number in self.people else person.name}
        if field.key in LEFT_BLANK:
            return ""
        value = known.get(field.key)
        if value not in (None, ""):
            if field.choices and str(value) not in field.choices:
                return field.choices[0]
            return value
        return self._by_type(field, person)

    def _by_type(self, field: MergedField, person: Person) -> Any:
        if field.choices:
            return self.rng.choice(field.choices)
        by_type: dict[str, Any] = {
            FieldType.MONEY: f"{self.rng.randint(1, 5000) * 100}",
            FieldType.DATE: timezone.localdate(clock.now()).isoformat(),
            FieldType.INTEGER: self.rng.randint(1, 20),
            FieldType.AREA: f"{Decimal(self.rng.randint(4500, 16000)) / 100:.2f}",
            FieldType.ADDRESS: person.address,
            FieldType.REGION: "330106",
            FieldType.RESIDENT_ID: person.id_number,
            FieldType.PHONE: person.phone,
        }
        return by_type.get(field.type, f"{field.label}（{person.name}填报）")


def api_filing(*, filler: FormFiller, subject: Any, filer: Filer,
               code: dict[str, str]) -> dict[str, Any]:
    """The body of POST /api/v1/applications for this filer: the merged form filled, the
    uploads as base64 PDFs, delivery by courier, consent to fetch what the government
    holds. `code` names the subject: {"life_event_code": …} or {"item_code": …}."""
    data = filler.data(fields=subject.fields, filer=filer)
    return {
        **code, "channel": "online",
        "applicant": {"kind": filer.kind, "name": filer.name, "id_number": filer.id_number},
        "data": json.loads(json.dumps(data, default=str)),
        "materials": [{"key": key, "filename": "scan.pdf", "content_base64": SAMPLE_PDF_BASE64}
                      for key in filler.uploads(materials=subject.materials)],
        "delivery": {"method": DeliveryMethod.COURIER.value, "recipient": filer.name,
                     "phone": filer.person.phone, "address": filer.person.address},
        "consent_to_fetch": True,
    }
