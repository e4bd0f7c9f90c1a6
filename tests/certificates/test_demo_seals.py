"""The demo sets up the seal PKI, and its 新生儿出生一件事 gets each department's result
sealed by that department's own seal."""

from __future__ import annotations

from random import Random

import pytest

from onevisit.accounts.models import Department
from onevisit.applications.constants import DeliveryMethod
from onevisit.applications.services import DeliveryChoice, subject_resolve
from onevisit.certificates.models import Certificate, SealCertificate
from onevisit.certificates.services import certificate_pdf
from onevisit.certificates.verification import pdf_verify
from onevisit.demo.forms import FormFiller
from onevisit.ops.demo_setup import demo_approve_all, demo_file, demo_world_load

pytestmark = pytest.mark.django_db


def test_the_demo_seals_every_result_of_the_newborn_bundle_by_its_department():
    world = demo_world_load(people=60, companies=5)
    demo_world_load(people=60, companies=5)  # idempotent: no second CA, no second seal
    subject = subject_resolve(life_event_code="newborn")
    filler = FormFiller(world.population, Random(5))
    filing = demo_file(subject=subject, filler=filler, staff=world.staff,
                       filer=filler.filer_for(fields=subject.fields, materials=subject.materials),
                       delivery=DeliveryChoice(method=DeliveryMethod.DOWNLOAD))
    demo_approve_all(application=filing.application, staff=world.staff)

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
