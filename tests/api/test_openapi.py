"""The committed OpenAPI document matches the API (regenerate with
`onevisit openapi --output docs/openapi.json`)."""

from __future__ import annotations

import json
from pathlib import Path

from django.test import Client

from onevisit.api.management.commands.openapi import openapi_document

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


def test_the_document_states_the_constraints_the_server_checks():
    document = json.loads(openapi_document())
    schemas = document["components"]["schemas"]

    days = schemas["ExtensionIn"]["properties"]["days"]
    assert (days["minimum"], days["maximum"]) == (1, 30)
    score = schemas["RatingIn"]["properties"]["score"]
    assert (score["minimum"], score["maximum"]) == (1, 5)
    for schema, field in (("DispatchIn", "lead"), ("ReplyIn", "reply"), ("TicketIn", "text"),
                          ("ReasonIn", "reason"), ("RejectIn", "legal_basis")):
        assert schemas[schema]["properties"][field]["pattern"] == "\\S", (schema, field)
    assert schemas["CorrectionIn"]["properties"]["entries"]["minItems"] == 1


def test_every_operation_documents_its_error_answers():
    document = json.loads(openapi_document())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert "422" in statuses, (method, path)
            if "requestBody" in operation:
                assert {"400", "413"} <= statuses, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= statuses, (method, path)
            for status in statuses - {"200", "201"}:
                content = operation["responses"][status].get("content", {})
                if status >= "400":
                    assert content["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
