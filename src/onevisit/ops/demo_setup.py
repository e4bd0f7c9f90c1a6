"""Loading the demo world: catalogue, synthetic population and staff accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onevisit.certificates.seals import seals_ensure
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.hall import demo_hall_ensure
from onevisit.demo.population import Population, population_seed
from onevisit.demo.staff import Staff, demo_staff_ensure
from onevisit.search.services import search_reindex

DEMO_PEOPLE = 2000
DEMO_COMPANIES = 200


@dataclass(frozen=True)
class DemoWorld:
    population: Population
    staff: Staff


def demo_world_load(*, people: int = DEMO_PEOPLE, companies: int = DEMO_COMPANIES) -> DemoWorld:
    """Idempotent: a second call rewrites the same records and creates nothing new."""
    if not settings.ONEVISIT["DEMO_ALLOWED"]:
        raise ImproperlyConfigured(
            "the demo data and accounts are for demo mode only (ONEVISIT_DEBUG=1)"
        )
    demo_catalogue_load()
    demo_hall_ensure()
    search_reindex()  # publishing indexes; this also covers a catalogue loaded before search
    population = population_seed(people=people, companies=companies)
    citizen = next(p for p in population.people if p.property_certificate_numbers)
    staff = demo_staff_ensure(citizen_id_number=citizen.id_number, citizen_name=citizen.name)
    # The seal PKI: a local CA and every department's seal, so results are sealed PDFs.
    seals_ensure(actor=None)
    return DemoWorld(population=population, staff=staff)
