"""The demo sets up the seal PKI, and its 新生儿出生一件事 gets each department's result
sealed by that department's own seal."""

from __future__ import annotations

from random import Random

import pytest

from onevisit.accounts.models import Department
from onevisit.applications.constants import CaseStatus, Channel, DeliveryMethod
from onevisit.applications.models import Case
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Upload,
    application_submit,
    subject_resolve,
)
from onevisit.certificates.models import Certificate, SealCertificate
from onevisit.certificates.services import certificate_pdf
from onevisit.certificates.verification import pdf_verify
from onevisit.demo.forms import SAMPLE_PDF, FormFiller
from onevisit.ops.demo_setup import demo_world_load
from onevisit.workflow.services import case_approve

pytestmark = pytest.mark.django_db


def test_the_demo_seals_every_result_of_the_newborn_bundle_by_its_department():
    world = demo_world_load(people=60, companies=5)
    demo_world_load(people=60, companies=5)  # idempotent: no second CA, no second seal
    subject = subject_resolve(life_event_code="newborn")
    filler = FormFiller(world.population, Random(5))
    filer = filler.filer_for(fields=subject.fields, materials=subject.materials)
    filing = application_submit(
        subject=subject,
        applicant=Applicant(kind=filer.kind, name=filer.name, id_number=filer.id_number),
        data=filler.data(fields=subject.fields, filer=filer), channel=Channel.ONLINE,
        actor=world.staff.citizen,
        uploads=[Upload(key=key, filename="scan.pdf", content=SAMPLE_PDF)
                 for key in filler.uploads(materials=subject.materials)],
        delivery=DeliveryChoice(method=DeliveryMethod.DOWNLOAD), consent=True,
    )
    while pending := list(Case.objects.filter(application=filing.application,
                                              status=CaseStatus.PENDING)):
        for case in pending:
            case_approve(case_id=case.pk, actor=world.staff.reviewers[case.department.code])

    certificates = list(Certificate.objects.filter(application=filing.application)
                        .select_related("department").order_by("department__code"))
    checked = [pdf_verify(certificate_pdf(certificate=c)) for c in certificates]

    assert SealCertificate.objects.filter(kind="ca").count() == 1
    active = SealCertificate.objects.filter(kind="seal", status="active")
    assert sorted(s.department_id for s in active) == sorted(
        Department.objects.values_list("pk", flat=True))
    assert [(c.department.code, c.title) for c in certificates] == [
        ("xh-ga", "居民户口簿"), ("xh-rsj", "社会保障卡"), ("xh-wjj", "出生医学证明"),
    ]
    for certificate, result in zip(certificates, checked, strict=True):
        assert result.status == "valid"
        assert result.certificate == certificate
        assert result.seal is not None
        assert result.seal.department == certificate.department
    assert len({result.seal for result in checked}) == 3
