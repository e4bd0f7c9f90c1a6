"""Intake: validation, once-only fetch, one-time notice, receipt, visits, idempotency."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from onevisit import clock
from onevisit.applications.models import Application, Case, OneTimeNotice, Visit
from onevisit.audit.models import AuditEvent
from onevisit.exchange.models import AccessLog
from onevisit.supervision.models import Alert
from tests.conftest import PDF, b64
from tests.factories import resident_id
from tests.files.builders import pdf

pytestmark = pytest.mark.django_db

FORM_KEY = "upload:330106-SW-001:tax-form"


def _counts() -> tuple[int, ...]:
    return (Application.objects.count(), Case.objects.count(), AccessLog.objects.count(),
            AuditEvent.objects.count(), Visit.objects.count())


def test_online_life_event_is_accepted_with_one_receipt_and_a_case_per_department(world, api):
    response = api["citizen"].post("/applications", world.house_payload())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "accepted"
    assert body["receipt_number"].startswith("SL")
    assert body["visits"] == []
    assert [(c["stage_key"], c["department"], c["status"]) for c in body["cases"]] == [
        ("filing", "西湖区住房和城乡建设局", "pending"),
        ("tax", "国家税务总局杭州市西湖区税务局", "pending"),
        ("transfer", "西湖区不动产登记中心", "waiting"),
    ]
    materials = {m["key"]: (m["status"], m["source"]) for m in body["materials"]}
    # Once-only: what the government holds is fetched, each evidence type once.
    assert materials == {
        "evidence:property-certificate": ("fetched", "property"),
        "upload:330106-FW-001:sales-contract": ("uploaded", ""),
        "evidence:resident-id-card": ("fetched", "population"),
        FORM_KEY: ("uploaded", ""),
        "upload:330106-BDC-001:application-form": ("uploaded", ""),
    }
    application = Application.objects.get(number=body["number"])
    assert application.due_at == application.accepted_at + dt.timedelta(minutes=50)
    log = list(AccessLog.objects.filter(application_number=body["number"]).order_by("id"))
    assert [(row.evidence_type, row.outcome) for row in log] == [
        ("property-certificate", "found"), ("resident-id-card", "found"),
    ]
    assert "存量房交易合同网签备案" in log[0].purpose
    assert log[0].subject_masked == world.citizen_id[:4] + "*" * 10 + world.citizen_id[-4:]


def test_the_applicant_reads_who_fetched_her_data(world, api):
    number = api["citizen"].post("/applications", world.house_payload()).json()["number"]

    rows = api["citizen"].get("/me/access-log").json()

    assert {(r["application_number"], r["evidence_type"]) for r in rows} == {
        (number, "property-certificate"), (number, "resident-id-card"),
    }
    assert all(world.citizen_id not in r["subject"] for r in rows)


def test_invalid_fields_are_all_named_and_nothing_is_stored(world, api):
    before = _counts()
    payload = world.house_payload()
    payload["data"] = {**payload["data"], "applicant_id_number": world.citizen_id[:-1] + "0",
                       "phone": "12345", "price": "-3", "contract_date": "2026-13-01",
                       "property_use": "工业", "shoe_size": "42"}
    response = api["citizen"].post("/applications", payload)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"applicant_id_number", "phone", "price", "contract_date",
                           "property_use", "shoe_size"}
    assert "校验位" in errors["applicant_id_number"]
    assert "住宅" in errors["property_use"]
    assert _counts() == before
    assert not any((Path(settings.MEDIA_ROOT)).rglob("*.pdf"))


def test_bad_applicant_id_is_refused(world, api):
    payload = world.house_payload(
        applicant={"kind": "person", "name": "王小明", "id_number": "330106198503120000"}
    )
    response = api["clerk"].post("/applications", {**payload, "channel": "window"})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"applicant.id_number"}
    assert Application.objects.count() == 0


def test_id_born_in_a_district_newer_than_stdnum_is_valid(world, api):
    linping = resident_id(region="330113", birth="19900101", seq="123")
    payload = world.house_payload(
        applicant={"kind": "person", "name": "李临平", "id_number": linping},
        channel="window",
    )
    payload["data"]["applicant_id_number"] = linping

    response = api["clerk"].post("/applications", payload)

    assert response.status_code == 201, response.json()


def test_every_missing_material_is_named_in_one_notice(world, api):
    payload = world.house_payload(materials=[])
    other = resident_id(seq="777")
    payload["applicant"]["id_number"] = other
    payload["data"]["applicant_id_number"] = other

    response = api["clerk"].post("/applications", {**payload, "channel": "window"})

    body = response.json()
    assert response.status_code == 201
    assert body["status"] == "needs_supplement"
    assert body["receipt_number"] is None
    assert body["cases"] == []
    [notice] = body["notices"]
    # Nothing held for this person: the held evidence and every upload are missing, and
    # all five appear in the single notice.
    assert sorted(e["key"] for e in notice["entries"]) == sorted([
        "evidence:property-certificate", "upload:330106-FW-001:sales-contract",
        "evidence:resident-id-card", FORM_KEY, "upload:330106-BDC-001:application-form",
    ])
    assert len(body["visits"]) == 1


def test_tolerated_missing_material_is_accepted_with_a_promise(world, api):
    payload = world.house_payload(tolerated_missing=[FORM_KEY])
    payload["materials"] = [m for m in payload["materials"] if m["key"] != FORM_KEY]

    body = api["citizen"].post("/applications", payload).json()

    assert body["status"] == "accepted"
    assert {m["key"]: m["status"] for m in body["materials"]}[FORM_KEY] == "tolerated"


def test_tolerated_missing_is_refused_where_the_item_does_not_allow_it(world, api):
    key = "upload:330106-FW-001:sales-contract"
    payload = world.house_payload(tolerated_missing=[key])

    response = api["citizen"].post("/applications", payload)

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {key}
    assert Application.objects.count() == 0


def test_supplement_after_notice_leads_to_acceptance(world, api):
    payload = world.house_payload()
    payload["materials"] = payload["materials"][:1]
    body = api["citizen"].post("/applications", payload).json()
    assert body["status"] == "needs_supplement"
    missing = sorted(e["key"] for e in body["notices"][0]["entries"])
    assert missing == sorted([FORM_KEY, "upload:330106-BDC-001:application-form"])

    response = api["citizen"].post(f"/applications/{body['number']}/supplements", {
        "materials": [{"key": key, "content_base64": b64(PDF)} for key in missing],
    })

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    assert response.json()["visits"] == []


def test_the_intake_notice_is_resolved_when_its_materials_arrive(world, api):
    """A later correction asks only for what the reviewer named: the answered intake
    notice no longer counts as asking for anything."""
    payload = world.house_payload()
    payload["materials"] = payload["materials"][:1]
    body = api["citizen"].post("/applications", payload).json()
    missing = sorted(e["key"] for e in body["notices"][0]["entries"])

    supplied = api["citizen"].post(f"/applications/{body['number']}/supplements", {
        "materials": [{"key": key, "content_base64": b64(PDF)} for key in missing],
    }).json()

    [notice] = supplied["notices"]
    assert notice["resolved_at"] is not None
    assert not OneTimeNotice.objects.filter(application__number=body["number"],
                                            resolved_at__isnull=True).exists()
    filing = next(c["id"] for c in supplied["cases"] if c["stage_key"] == "filing")
    key = "upload:330106-FW-001:sales-contract"
    asked = api["reviewer:xh-zjj"].decide(filing, "corrections", {"entries": [
        {"key": key, "problem": "合同缺少第2页"}]})
    assert asked.status_code == 201, asked.json()
    [open_notice] = OneTimeNotice.objects.filter(application__number=body["number"],
                                                 resolved_at__isnull=True)
    assert [e["key"] for e in open_notice.entries] == [key]

    corrected = api["citizen"].post(f"/applications/{body['number']}/supplements", {
        "materials": [{"key": key, "content_base64": b64(PDF)}],
    })

    assert corrected.status_code == 200, corrected.json()
    assert Case.objects.get(pk=filing).status == "pending"
    assert not OneTimeNotice.objects.filter(application__number=body["number"],
                                            resolved_at__isnull=True).exists()


def test_partial_supplement_names_only_what_is_still_missing(world, api):
    payload = world.house_payload()
    payload["materials"] = payload["materials"][:1]
    number = api["citizen"].post("/applications", payload).json()["number"]

    body = api["citizen"].post(f"/applications/{number}/supplements", {
        "materials": [{"key": FORM_KEY, "content_base64": b64(PDF)}],
    }).json()

    assert body["status"] == "needs_supplement"
    first, second = body["notices"]
    assert first["resolved_at"] is not None
    assert [e["key"] for e in second["entries"]] == ["upload:330106-BDC-001:application-form"]


def test_supplying_something_not_asked_for_is_refused(world, api):
    number = api["citizen"].post("/applications", world.house_payload()).json()["number"]
    before = _counts()

    response = api["citizen"].post(f"/applications/{number}/supplements", {
        "materials": [{"key": FORM_KEY, "content_base64": b64(PDF)}],
    })

    assert response.status_code == 409
    assert _counts() == before


def test_an_upload_that_is_not_a_document_is_refused(world, api):
    payload = world.house_payload()
    payload["materials"][0]["content_base64"] = b64(b"MZ\x90\x00 an executable")

    response = api["citizen"].post("/applications", payload)

    assert response.status_code == 422
    assert "PDF" in response.json()["errors"]["upload:330106-FW-001:sales-contract"]
    assert Application.objects.count() == 0


def test_a_retried_submission_files_once(world, api):
    payload = world.house_payload()
    first = api["citizen"].post("/applications", payload, **{"Idempotency-Key": "k-1"})
    second = api["citizen"].post("/applications", payload, **{"Idempotency-Key": "k-1"})

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Application.objects.count() == 1
    assert AccessLog.objects.count() == 2


def test_an_idempotency_key_reused_for_another_request_is_refused(world, api):
    api["citizen"].post("/applications", world.house_payload(), **{"Idempotency-Key": "k-2"})
    other = world.house_payload()
    other["data"]["price"] = "990000"

    response = api["citizen"].post("/applications", other, **{"Idempotency-Key": "k-2"})

    assert response.status_code == 409
    assert Application.objects.count() == 1


def test_window_intake_counts_one_visit_and_a_second_trip_is_flagged(world, api):
    payload = world.house_payload(channel="window")
    payload["materials"] = payload["materials"][:2]
    body = api["clerk"].post("/applications", payload).json()
    assert len(body["visits"]) == 1
    assert body["visits"][0]["purposes"] == ["intake"]

    tomorrow = clock.now() + dt.timedelta(days=1)
    with clock.frozen_at(tomorrow):
        response = api["clerk"].post(f"/applications/{body['number']}/supplements", {
            "materials": [{"key": FORM_KEY, "content_base64": b64(PDF)}], "at_window": True,
        })

    assert response.json()["status"] == "accepted"
    assert len(response.json()["visits"]) == 2
    alert = Alert.objects.get(application_number=body["number"])
    assert alert.kind == "visits_exceeded"
    assert "2" in alert.message


def test_things_done_in_the_same_trip_count_once(world, api):
    payload = world.house_payload(channel="window")
    payload["materials"] = payload["materials"][:2]
    number = api["clerk"].post("/applications", payload).json()["number"]

    body = api["clerk"].post(f"/applications/{number}/supplements", {
        "materials": [{"key": FORM_KEY, "content_base64": b64(PDF)}], "at_window": True,
    }).json()

    assert [v["purposes"] for v in body["visits"]] == [["intake", "supplement"]]
    assert not Alert.objects.exists()


def test_a_citizen_cannot_file_for_someone_else_or_at_a_window(world, api):
    other = world.house_payload()
    other["applicant"]["id_number"] = resident_id(seq="555")

    assert api["citizen"].post("/applications", other).status_code == 403
    assert api["citizen"].post("/applications",
                               world.house_payload(channel="window")).status_code == 403
    assert api["clerk"].post("/applications", world.house_payload()).status_code == 403
    assert api["supervisor"].post("/applications", world.house_payload()).status_code == 403
    assert Application.objects.count() == 0


def test_application_pins_the_item_version_it_was_filed_under(world, api):
    from onevisit.catalogue.services import item_new_version, item_publish

    payload = world.licence_payload()
    number = api["citizen"].post("/applications", payload).json()["number"]
    draft = item_new_version(item=world.licence, actor=None)
    draft.name = "建筑工程施工许可（新版）"
    draft.save()
    item_publish(item=draft, actor=None)

    case = Case.objects.get(application__number=number)
    assert case.item_id == world.licence.pk
    assert case.item.version == 1
    assert api["citizen"].get(f"/items/{world.licence.code}").json()["version"] == 2


def test_notices_print_as_pdf(world, api):
    payload = world.house_payload(materials=[])
    number = api["citizen"].post("/applications", payload).json()["number"]
    notice = OneTimeNotice.objects.get(application__number=number)

    response = api["citizen"].client.get(
        f"/api/v1/applications/{number}/notices/{notice.number}.pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_document_numbers_are_unique_and_dated(world, api):
    numbers = [api["citizen"].post("/applications", world.house_payload()).json()
               for _ in range(3)]

    assert len({n["number"] for n in numbers}) == 3
    assert len({n["receipt_number"] for n in numbers}) == 3
    for body in numbers:
        assert re.fullmatch(r"OV\d{8}\d{8,}", body["number"])
        assert body["receipt_number"][2:] == body["number"][2:]


def test_id_numbers_are_masked_for_reviewers_and_unmasked_reads_are_logged(world, api):
    number = api["citizen"].post("/applications", world.house_payload()).json()["number"]

    reviewer_view = api["reviewer:xh-zjj"].get(f"/applications/{number}").json()
    own_view = api["citizen"].get(f"/applications/{number}").json()
    clerk_view = api["clerk"].get(f"/applications/{number}").json()
    log = api["citizen"].get("/me/access-log").json()

    masked = world.citizen_id[:4] + "*" * 10 + world.citizen_id[-4:]
    assert reviewer_view["applicant_id_number"] == masked
    assert own_view["applicant_id_number"] == clerk_view["applicant_id_number"] == world.citizen_id
    reads = [row for row in log if row["evidence_type"] == "id_number"]
    assert [(row["application_number"], row["actor"]) for row in reads] == [(number, "测试")]


def test_a_new_version_is_used_by_the_next_filing_at_once(world, api):
    from onevisit.catalogue.services import item_new_version, item_publish

    payload = world.licence_payload()
    api["citizen"].post("/applications", payload)  # resolves, and keeps, version 1
    draft = item_new_version(item=world.licence, actor=None)
    item_publish(item=draft, actor=None)

    number = api["citizen"].post("/applications", payload).json()["number"]

    assert Case.objects.get(application__number=number).item.version == 2


def test_errors_come_in_the_callers_language(world, api):
    payload = world.house_payload()
    payload["data"]["phone"] = "12345"

    response = api["citizen"].client.post(
        "/api/v1/applications", data=json.dumps(payload), content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json()["errors"]["phone"].isascii()
    assert "phone" in response.json()["errors"]["phone"].lower()


def test_a_scan_of_several_megabytes_is_taken_and_one_over_the_cap_is_refused(world, api):
    payload = world.house_payload()
    payload["materials"][0]["content_base64"] = b64(pdf(padding=4 * 1024 * 1024))

    assert api["citizen"].post("/applications", payload).status_code == 201

    payload["materials"][0]["content_base64"] = b64(pdf(padding=10 * 1024 * 1024))
    response = api["citizen"].post("/applications", payload)

    assert response.status_code == 422
    assert "10 MB" in response.json()["errors"]["upload:330106-FW-001:sales-contract"]
    assert Application.objects.count() == 1


def test_a_malformed_request_names_each_field(world, api):
    response = api["citizen"].post(
        "/applications", {"life_event_code": "house", "applicant": {"kind": "alien"}}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "applicant.kind": "不是允许的值", "applicant.name": "必填",
        "applicant.id_number": "必填",
    }
    assert Application.objects.count() == 0
