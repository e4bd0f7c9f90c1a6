"""Once-only fetches during intake: consent, a registry outage, purpose limitation, the
access log and the supervisor's report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from onevisit import clock
from onevisit.applications.models import Application
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Upload,
    application_evidence_retry,
    draft_save,
    draft_submit,
    subject_resolve,
)
from onevisit.errors import Conflict
from onevisit.exchange.models import AccessLog
from onevisit.exchange.sources import Evidence, EvidenceSource
from tests.conftest import PDF, b64
from tests.exchange.conftest import free_port, http_source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _materials(body: dict) -> dict[str, dict]:
    return {m["key"]: m for m in body["materials"]}


class RecordingSource(EvidenceSource):
    """A source that remembers what it was asked."""

    code = "population"
    name = "人口库（公安）"

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def fetch(self, *, evidence_type: str, subject: str, purpose: str = "") -> Evidence | None:
        self.asked.append((evidence_type, subject))
        return Evidence(source=self.code, evidence_type=evidence_type, subject=subject,
                        data={"name": "王小明"})


# ------------------------------------------------------------------------ consent


def test_without_consent_nothing_is_fetched_and_the_notice_asks_for_it(world, api):
    payload = world.licence_payload() | {"consent_to_fetch": False}

    body = api["citizen"].post("/applications", payload).json()

    id_card = _materials(body)["evidence:resident-id-card"]
    assert id_card["status"] == "missing"
    assert "未同意" in id_card["problem"]
    assert body["status"] == "needs_supplement"
    assert not AccessLog.objects.exists()
    assert Application.objects.get(number=body["number"]).consent_at is None


def test_with_consent_the_fetch_is_logged_and_the_applicant_sees_it(world, api):
    body = api["citizen"].post("/applications", world.licence_payload()).json()

    assert _materials(body)["evidence:resident-id-card"]["status"] == "fetched"
    application = Application.objects.get(number=body["number"])
    assert application.consent_at is not None
    assert application.consent_recorded_by == world.citizen
    log = api["citizen"].get("/me/access-log").json()
    assert [(row["application_number"], row["evidence_type"], row["outcome"]) for row in log] \
        == [(body["number"], "resident-id-card", "found")]
    assert "建筑工程施工许可" in log[0]["purpose"]


def test_the_fetch_preview_names_what_where_and_why(world, api):
    rows = api["citizen"].get("/fetch-preview?life_event_code=house").json()

    assert {(r["material"], r["source"]) for r in rows} == {
        ("不动产权证书", "不动产登记库（自然资源）"), ("居民身份证", "人口库（公安）"),
    }
    assert all(r["purpose"] for r in rows)


# ------------------------------------------------------------------------ outage


def test_a_registry_outage_keeps_the_application_and_says_why(world, api, swap_source):
    swap_source(http_source("population", f"http://127.0.0.1:{free_port()}"))

    response = api["citizen"].post("/applications", world.licence_payload())

    assert response.status_code == 201
    body = response.json()
    id_card = _materials(body)["evidence:resident-id-card"]
    assert body["status"] == "submitted"
    assert id_card["status"] == "awaiting_source"
    assert "人口库" in id_card["problem"]
    assert "自动重试" in id_card["problem"]
    assert body["notices"] == []
    assert body["cases"] == []
    assert AccessLog.objects.get(application_number=body["number"]).outcome == "error"
    # The applicant's page shows the reason too.
    api["citizen"].client.force_login(world.citizen)
    page = api["citizen"].client.get(f"/me/applications/{body['number']}/")
    assert "自动重试" in page.content.decode()


def test_the_background_retry_accepts_once_the_registry_answers(world, api, swap_source,
                                                                 registry_process):
    swap_source(http_source("population", f"http://127.0.0.1:{free_port()}"))
    number = api["citizen"].post("/applications", world.licence_payload()).json()["number"]

    swap_source(http_source("population", registry_process.url))
    application = application_evidence_retry(number=number)

    assert application.status == "accepted"
    assert application.receipt_number
    material = application.materials.get(key="evidence:resident-id-card")
    assert (material.status, material.evidence["name"]) == ("fetched", "王小明")
    assert list(AccessLog.objects.filter(application_number=number)
                .order_by("id").values_list("outcome", flat=True)) == ["error", "found"]


def test_after_the_last_retry_the_applicant_is_asked_to_upload(world, api, swap_source):
    swap_source(http_source("population", f"http://127.0.0.1:{free_port()}"))
    number = api["citizen"].post("/applications", world.licence_payload()).json()["number"]

    assert application_evidence_retry(number=number).status == "submitted"
    application = application_evidence_retry(number=number, final=True)

    assert application.status == "needs_supplement"
    notice = application.notices.get()
    assert [e["key"] for e in notice.entries] == ["evidence:resident-id-card"]
    assert "长时间无法访问" in application.materials.get(key="evidence:resident-id-card").problem


def test_while_waiting_the_applicant_may_upload_instead(world, api, swap_source):
    swap_source(http_source("population", f"http://127.0.0.1:{free_port()}"))
    number = api["citizen"].post("/applications", world.licence_payload()).json()["number"]

    response = api["citizen"].post(f"/applications/{number}/supplements", {
        "materials": [{"key": "evidence:resident-id-card", "content_base64": b64(PDF)}]})

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    material = Application.objects.get(number=number).materials.get(
        key="evidence:resident-id-card")
    assert (material.status, material.source) == ("uploaded", "")


# ------------------------------------------------------------------------ purpose


def _filing_case(world, api) -> int:
    body = api["citizen"].post("/applications", world.house_payload()).json()
    return next(c["id"] for c in body["cases"] if c["stage_key"] == "filing")


def test_a_reviewer_may_fetch_what_her_item_names(world, api):
    case_id = _filing_case(world, api)

    response = api["reviewer:xh-zjj"].post(f"/cases/{case_id}/evidence",
                                           {"evidence_type": "property-certificate"})

    assert response.status_code == 200
    assert response.json()["outcome"] == "found"
    row = AccessLog.objects.filter(case_id=case_id).get()
    assert (row.actor, row.evidence_type) == (world.reviewer(world.housing), "property-certificate")


def test_an_undeclared_evidence_type_is_refused_logged_and_not_fetched(world, api, swap_source):
    case_id = _filing_case(world, api)
    recording = swap_source(RecordingSource())

    # The contract filing (网签备案) names the property certificate, not the ID card.
    response = api["reviewer:xh-zjj"].post(f"/cases/{case_id}/evidence",
                                           {"evidence_type": "resident-id-card"})

    assert response.status_code == 403
    assert "不包含" in response.json()["message"]
    assert recording.asked == []
    refused = AccessLog.objects.get(case_id=case_id)
    assert (refused.outcome, refused.evidence_type, refused.actor) == (
        "refused", "resident-id-card", world.reviewer(world.housing))


def test_another_departments_reviewer_cannot_fetch_for_the_case(world, api):
    case_id = _filing_case(world, api)

    response = api["reviewer:xh-sw"].post(f"/cases/{case_id}/evidence",
                                          {"evidence_type": "property-certificate"})

    assert response.status_code == 403
    assert not AccessLog.objects.filter(case_id=case_id).exists()


# ------------------------------------------------------------------------ report


def test_the_supervisor_report_flags_staff_reading_people_without_cases(world, api):
    snoop = UserFactory(username="snoop", clerk=True, first_name="李")
    from onevisit.exchange.services import personal_data_read_log

    people = [f"33010619900101{n:04d}" for n in range(3)]
    for person in people:
        personal_data_read_log(actor=snoop, subject=person, application_number="",
                               purpose="窗口查询")
    api["citizen"].post("/applications", world.house_payload())  # a reviewer's normal reads
    case_id = Application.objects.get().cases.get(stage_key="filing").pk
    api["reviewer:xh-zjj"].post(f"/cases/{case_id}/evidence",
                                {"evidence_type": "property-certificate"})

    report = api["supervisor"].get("/supervision/access-report?days=7&threshold=3").json()

    by_name = {row["name"]: row for row in report}
    assert report[0]["name"] == "李"
    assert (by_name["李"]["unmatched_people"], by_name["李"]["flagged"]) == (3, True)
    reviewer = next(r for r in report if r["actor_id"] == world.reviewer(world.housing).pk)
    assert (reviewer["unmatched_reads"], reviewer["flagged"]) == (0, False)
    assert api["clerk"].get("/supervision/access-report").status_code == 403


def test_a_clerks_preview_read_is_explained_by_her_filing(world, api):
    from onevisit.exchange.services import personal_data_read_log

    personal_data_read_log(actor=world.clerk, subject=world.citizen_id, application_number="",
                           purpose="窗口受理预填")
    payload = world.licence_payload() | {"channel": "window"}
    assert api["clerk"].post("/applications", payload).status_code == 201

    now = clock.now()
    from onevisit.supervision.selectors import staff_access_report

    [row] = staff_access_report(since=now - dt.timedelta(days=1), until=now, threshold=1)
    assert (row.reads, row.unmatched_reads, row.flagged) == (2, 0, False)


def test_the_catch_up_command_retries_what_a_stopped_worker_left_waiting(world, api, swap_source,
                                                                         registry_process):
    swap_source(http_source("population", f"http://127.0.0.1:{free_port()}"))
    with clock.frozen_at(clock.now() - dt.timedelta(hours=6)):
        old = api["citizen"].post("/applications", world.licence_payload()).json()["number"]
    recent = api["citizen"].post("/applications", world.licence_payload()).json()["number"]
    queued = DBTaskResult.objects.filter(task_path="onevisit.applications.tasks.evidence_retry")
    queued.delete()  # the worker was down: what it had to run is as good as gone
    out = io.StringIO()

    call_command("evidence", "retry", "--pending", stdout=out)

    assert "2 application(s) asked again: 1 decided, 1 still waiting" in out.getvalue()
    # Filed before the whole retry schedule: the applicant is asked to upload.
    assert Application.objects.get(number=old).status == "needs_supplement"
    # Still within it: it waits, and background retries start again.
    assert Application.objects.get(number=recent).status == "submitted"
    assert [task.args_kwargs["args"] for task in queued] == [[recent, 0]]

    swap_source(http_source("population", registry_process.url))
    call_command("evidence", "retry", recent, stdout=out)

    assert Application.objects.get(number=recent).status == "accepted"


def test_the_catch_up_command_wants_numbers_or_pending():
    with pytest.raises(CommandError, match="--pending"):
        call_command("evidence", "retry")


# ------------------------------------------------------------------------ drafts


class _SlowSource(RecordingSource):
    """A source that notes whether it was asked inside a database transaction, and lets
    something happen while the question is out (another tab saving the draft)."""

    def __init__(self, meanwhile=None) -> None:
        super().__init__()
        self.meanwhile = meanwhile
        self.in_transaction: list[bool] = []

    def fetch(self, *, evidence_type: str, subject: str, purpose: str = "") -> Evidence | None:
        self.in_transaction.append(connection.in_atomic_block)
        if self.meanwhile:
            self.meanwhile()
        return super().fetch(evidence_type=evidence_type, subject=subject, purpose=purpose)


def _licence_draft(world):
    subject = subject_resolve(item_code=world.licence.code)
    payload = world.licence_payload()
    return subject, draft_save(
        actor=world.citizen, subject=subject, data=payload["data"],
        applicant=Applicant(**payload["applicant"]), delivery=DeliveryChoice(),
        uploads=[Upload(key=m["key"], filename="图纸.pdf", content=PDF)
                 for m in payload["materials"]])


@pytest.mark.django_db(transaction=True)
def test_a_draft_is_filed_with_its_evidence_fetched_outside_the_transaction(world, swap_source):
    source = _SlowSource()
    swap_source(source)
    _subject, draft = _licence_draft(world)

    filing = draft_submit(draft_id=draft.pk, actor=world.citizen, consent=True)

    assert source.in_transaction == [False]
    material = filing.application.materials.get(key="evidence:resident-id-card")
    assert material.status == "fetched"
    assert draft_submit(draft_id=draft.pk, actor=world.citizen, consent=True) is None
    assert Application.objects.count() == 1


def test_a_draft_changed_while_its_evidence_is_fetched_is_not_filed_in_its_old_form(
        world, swap_source):
    subject, draft = _licence_draft(world)

    def another_tab_saves() -> None:
        draft_save(actor=world.citizen, subject=subject, draft_id=draft.pk,
                   data={**draft.data, "phone": "13900000000"},
                   applicant=Applicant(**draft.applicant), delivery=DeliveryChoice())

    swap_source(_SlowSource(meanwhile=another_tab_saves))

    with pytest.raises(Conflict, match="草稿刚刚被修改"):
        draft_submit(draft_id=draft.pk, actor=world.citizen, consent=True)

    assert not Application.objects.exists()
    draft.refresh_from_db()
    assert draft.application is None
    assert draft.data["phone"] == "13900000000"


def test_a_name_the_registry_disagrees_with_once_it_answers_is_named_in_the_notice(
        world, api, swap_source, registry_process):
    swap_source(http_source("population", f"http://127.0.0.1:{free_port()}"))
    payload = world.licence_payload()
    payload["applicant"]["name"] = "李四"
    number = api["citizen"].post("/applications", payload).json()["number"]

    swap_source(http_source("population", registry_process.url))
    application = application_evidence_retry(number=number)

    assert application.status == "needs_supplement"
    material = application.materials.get(key="evidence:resident-id-card")
    assert material.status == "invalid"
    assert material.problem == "申请人姓名或名称与居民身份证登记的不一致，请核对"
    notice = application.notices.get()
    assert [entry["key"] for entry in notice.entries] == ["evidence:resident-id-card"]
