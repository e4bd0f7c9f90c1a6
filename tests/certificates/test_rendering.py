"""Issued results are rendered after commit by a background task."""

from __future__ import annotations

import pytest

from onevisit.certificates.models import Certificate

pytestmark = pytest.mark.django_db


def test_the_certificate_pdf_is_rendered_after_the_decision_commits(
    world, api, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    body = api["citizen"].post("/applications", world.house_payload()).json()
    cases = {c["stage_key"]: c["id"] for c in body["cases"]}
    api["reviewer:xh-zjj"].decide(cases['filing'])
    api["reviewer:xh-sw"].decide(cases['tax'])

    with django_capture_on_commit_callbacks(execute=True):
        api["reviewer:xh-bdc"].decide(cases['transfer'])

    certificate = Certificate.objects.get()
    assert certificate.pdf == f"certificates/{certificate.number}.pdf"
    assert (settings.MEDIA_ROOT / certificate.pdf).read_bytes().startswith(b"%PDF")
