"""The committed OpenAPI document matches the API (regenerate with
`onevisit openapi --output docs/openapi.json`)."""

from __future__ import annotations

import json
from pathlib import Path

from django.test import Client

from onevisit.ops.management.commands.openapi import openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_committed_openapi_document_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_document(), (
        "the API changed: run `onevisit openapi --output docs/openapi.json` and commit it"
    )


def test_the_docs_page_and_schema_are_served(db):
    client = Client()

    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/applications" in schema["paths"]
    assert json.loads(COMMITTED.read_text(encoding="utf-8"))["info"]["title"] == "onevisit API"
