"""Materials and their files: a filing that does not commit leaves no file behind, one
that commits has every file it names, and concurrent duplicates store one set."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from onevisit.applications.models import Application, ApplicationMaterial
from onevisit.applications.services import intake
from onevisit.files.models import StoredFile
from tests.concurrency import race
from tests.conftest import PDF, b64
from tests.files.media import media_files

FORM_KEY = "upload:330106-SW-001:tax-form"


class Boom(Exception):
    pass


def _material_files() -> list[str]:
    return sorted(ApplicationMaterial.objects.exclude(file="").values_list("file", flat=True))


@pytest.mark.django_db
def test_a_filing_that_fails_after_its_materials_are_written_leaves_no_file(
    world, api, monkeypatch
):
    def fail(**kwargs: Any) -> None:
        assert len(media_files()) == 6  # three materials and their marks were written
        raise Boom

    monkeypatch.setattr(intake, "_check_and_decide", fail)

    with pytest.raises(Boom):
        api["citizen"].post("/applications", world.house_payload())

    assert media_files() == []
    assert Application.objects.count() == 0
    assert StoredFile.objects.count() == 0


@pytest.mark.django_db
def test_a_supplement_that_fails_leaves_no_file(world, api, monkeypatch):
    payload = world.house_payload()
    payload["materials"] = payload["materials"][:1]
    number = api["citizen"].post("/applications", payload).json()["number"]
    before = media_files()

    def fail(**kwargs: Any) -> None:
        raise Boom

    monkeypatch.setattr(intake, "_check_and_decide", fail)

    with pytest.raises(Boom):
        api["citizen"].post(f"/applications/{number}/supplements", {
            "materials": [{"key": FORM_KEY, "content_base64": b64(PDF)}]})

    assert media_files() == before
    assert ApplicationMaterial.objects.get(key=FORM_KEY).status == "missing"


@pytest.mark.django_db
def test_a_committed_filing_has_every_file_and_nothing_else(
    world, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api["citizen"].post("/applications", world.house_payload())

    assert response.status_code == 201
    files = _material_files()
    assert len(files) == 3
    assert media_files() == files  # no pending mark left once the filing committed
    for material in ApplicationMaterial.objects.exclude(file=""):
        content = (Path(settings.MEDIA_ROOT) / material.file).read_bytes()
        assert hashlib.sha256(content).hexdigest() == material.sha256
        assert len(content) == material.size


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_concurrent_duplicates_with_one_idempotency_key_store_one_set_of_files(world, api):
    payload = world.house_payload()
    client = api["citizen"]

    results = race(*[
        (lambda: client.post("/applications", payload, **{"Idempotency-Key": "same"}))
        for _ in range(3)
    ])

    assert [r.status_code for r in results] == [201, 201, 201]
    assert Application.objects.count() == 1
    files = _material_files()
    assert len(files) == 3
    assert media_files() == files
    assert sorted(StoredFile.objects.values_list("name", flat=True)) == files
