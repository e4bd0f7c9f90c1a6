"""Loading the demo world (catalogue, synthetic population and staff accounts) and filing
and approving applications in it through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onevisit.accounts.models import Region
from onevisit.accounts.services import grassroots_platforms_ensure
from onevisit.applications.constants import (
    OPEN_CASE_STATUSES,
    ApplicationStatus,
    CaseStatus,
    Channel,
)
from onevisit.applications.models import Application, Case
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Filing,
    Subject,
    Upload,
    application_submit,
    subject_for_form,
)
from onevisit.certificates.seals import seals_ensure
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.catalogue.reference import DISTRICT
from onevisit.demo.catalogue.standards import YUHANG, demo_second_county_load
from onevisit.demo.credit import demo_credit_load
from onevisit.demo.forms import SAMPLE_PDF, Filer, FormFiller
from onevisit.demo.hall import demo_hall_ensure
from onevisit.demo.population import Population, population_seed
from onevisit.demo.staff import (
    Staff,
    demo_account_for,
    demo_binding_ensure,
    demo_staff_ensure,
)
from onevisit.demo.tickets import hotline_departments_ensure
from onevisit.payments.providers import provider_get
from onevisit.payments.reference.gateway import notifications_deliver, trade_pay
from onevisit.payments.services import notice_receive, order_checkout, order_open
from onevisit.search.services import search_reindex
from onevisit.workflow.joint import joint_opinion_record, joint_review_state
from onevisit.workflow.models import OpinionVerdict, WorkItemOutcome
from onevisit.workflow.services import (
    case_approve,
    case_claim,
    remedy_bodies_set,
)

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
    # 余杭区's implementation list of some demo items: the standardisation report compares.
    demo_second_county_load()
    demo_hall_ensure()
    search_reindex()  # publishing indexes; this also covers a catalogue loaded before search
    # The departments the 12345 centre dispatches to, beyond those with catalogue items.
    hotline_departments_ensure(region=Region.objects.get(code=DISTRICT))
    # Each township of the district hosts its four grassroots platforms (四个平台).
    grassroots_platforms_ensure(region_code=DISTRICT, actor=None)
    population = population_seed(people=people, companies=companies)
    citizen = next(p for p in population.people if p.property_certificate_numbers)
    staff = demo_staff_ensure(citizen_id_number=citizen.id_number, citizen_name=citizen.name)
    # The demo citizen also acts for a company: the one she represents, or else as the agent
    # of the first, so the portal shows filing for a company too.
    own = [c for c in population.companies if c.legal_rep_id_number == citizen.id_number]
    for company in own or population.companies[:1]:
        demo_binding_ensure(user=staff.citizen, company=(company.uscc, company.name),
                            legal_representative=bool(own))
    demo_credit_load(population=population, citizen=staff.citizen)  # three credit tiers
    # The seal PKI: a local CA and every department's seal, so results are sealed PDFs.
    seals_ensure(actor=None)
    # Where refusal decisions send applicants: the district's government and court, and
    # for the vertically led tax bureau the bureau one level up (行政复议法 第二十七条).
    remedy_bodies_set(region_code=DISTRICT, review_body="杭州市西湖区人民政府",
                      court="杭州市西湖区人民法院", actor=None)
    remedy_bodies_set(region_code=YUHANG, review_body="杭州市余杭区人民政府",
                      court="杭州市余杭区人民法院", actor=None)
    remedy_bodies_set(department_code="xh-sw", review_body="国家税务总局杭州市税务局",
                      court="杭州市西湖区人民法院", actor=None)
    return DemoWorld(population=population, staff=staff)


def demo_file(*, subject: Subject, filler: FormFiller, filer: Filer, staff: Staff,
              channel: str = Channel.ONLINE, delivery: DeliveryChoice | None = None,
              leave_out: int = 0) -> Filing:
    """File the subject for a demo applicant as she would: her form filled from her
    registry records, every material uploaded but `leave_out` of them, consent given —
    online by her own account (a company by its legal representative's), at the window by
    the clerk."""
    if channel == Channel.WINDOW:
        actor = staff.clerk
    elif filer.person.id_number == staff.citizen.id_number and filer.company is None:
        actor = staff.citizen
    else:
        actor = demo_account_for(
            id_number=filer.person.id_number, name=filer.person.name, phone=filer.person.phone,
            company=(filer.company.uscc, filer.company.name) if filer.company else None)
    data = filler.data(fields=subject.fields, filer=filer)
    # The materials of a stage her form makes unnecessary (区域环评) are not asked for.
    materials = subject_for_form(subject, data).materials
    return application_submit(
        subject=subject,
        applicant=Applicant(kind=filer.kind, name=filer.name, id_number=filer.id_number),
        data=data, channel=channel, actor=actor,
        uploads=[Upload(key=key, filename="scan.pdf", content=SAMPLE_PDF)
                 for key in filler.uploads(materials=materials, leave_out=leave_out)],
        delivery=delivery, consent=True,
    )


def demo_charges_pay(*, application: Application, actor: Any = None) -> None:
    """The demo applicant pays every tax and fee her accepted application owes, as she
    would online: the payment order, the reference gateway's trade, her confirmation at
    its cashier, and the gateway's signed notification — handed to the platform in the
    process (the demo's history is made before any web server listens) and applied as the
    notify endpoint applies it: cases in 待缴费 go on, a tax declaration completes, the
    electronic receipt is issued."""
    owed = application.cases.filter(charges_yuan__gt=0, paid_at__isnull=True,
                                    status__in=OPEN_CASE_STATUSES)
    if application.status != ApplicationStatus.ACCEPTED or not owed.exists():
        return
    payer = actor or application.applicant
    order = order_checkout(order=order_open(application=application, actor=payer),
                           actor=payer)
    trade_pay(trade_no=order.trade_number)
    notifications_deliver(transport=httpx.MockTransport(_notify_in_process))


def _notify_in_process(request: httpx.Request) -> httpx.Response:
    """The notify endpoint's work for a notification that never left the process."""
    provider = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    notice_receive(provider=provider, body=request.content, headers=dict(request.headers))
    return httpx.Response(200, text=provider_get(provider).acknowledgement)


def demo_approve_all(*, application: Application, staff: Staff) -> None:
    """Every charge paid and every case of the application approved by its department's
    demo reviewer, stage after stage, until none is pending."""
    demo_charges_pay(application=application)
    while pending := list(Case.objects.filter(application=application,
                                              status=CaseStatus.PENDING)):
        for case in pending:
            # A bad-credit applicant's case is signed off by a second reviewer (复核).
            second = case.work_items.filter(outcome=WorkItemOutcome.FIRST_APPROVED).exists()
            reviewer = (staff.leads if second else staff.reviewers)[case.department.code]
            demo_joint_opinions_give(case=case, staff=staff)
            case_claim(case_id=case.pk, actor=reviewer)
            case_approve(case_id=case.pk, actor=reviewer)


def demo_joint_opinions_give(*, case: Case, staff: Staff) -> None:
    """施工图 多审合一: each participating department whose opinion is still missing agrees,
    by its demo reviewer, so the lead can decide."""
    state = joint_review_state(case=case)
    for department in state.missing if state is not None else []:
        joint_opinion_record(case_id=case.pk, actor=staff.reviewers[department.code],
                             verdict=OpinionVerdict.AGREE, text="")
