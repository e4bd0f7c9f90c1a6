"""Back office: queues, claims, decisions, stage order, corrections, completion, delivery."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.applications.models import Application, Case, OneTimeNotice
from onevisit.certificates.models import Certificate
from onevisit.delivery.models import Delivery
from onevisit.workflow.models import WorkItem
from tests.conftest import PDF, World, b64

pytestmark = pytest.mark.django_db


def _file(world: World, api) -> dict:
    response = api["citizen"].post("/applications", world.house_payload())
    assert response.status_code == 201, response.json()
    return response.json()


def _case(body: dict, stage: str) -> int:
    return next(c["id"] for c in body["cases"] if c["stage_key"] == stage)


def test_each_reviewer_sees_only_her_department_queue(world, api):
    body = _file(world, api)

    housing = api["reviewer:xh-zjj"].get("/queue").json()
    registry = api["reviewer:xh-bdc"].get("/queue").json()

    assert [(q["application_number"], q["item_name"]) for q in housing] == [
        (body["number"], "存量房交易合同网签备案"),
    ]
    assert registry == []  # the transfer waits for filing and tax
    assert api["clerk"].get("/queue").status_code == 403


def test_a_reviewer_cannot_decide_another_departments_case(world, api):
    body = _file(world, api)

    response = api["reviewer:xh-sw"].post(f"/cases/{_case(body, 'filing')}/approve")

    assert response.status_code == 403
    assert Case.objects.get(pk=_case(body, "filing")).status == "pending"
    assert not WorkItem.objects.exists()


def test_a_clerk_or_citizen_cannot_decide(world, api):
    body = _file(world, api)
    for role in ("clerk", "citizen", "supervisor", "courier"):
        response = api[role].post(f"/cases/{_case(body, 'filing')}/approve")
        assert response.status_code == 403, role
    assert Case.objects.get(pk=_case(body, "filing")).status == "pending"


def test_the_whole_life_event_completes_with_one_delivery_and_zero_visits(world, api):
    body = _file(world, api)

    api["reviewer:xh-zjj"].decide(_case(body, 'filing'))
    after_one = api["citizen"].get(f"/applications/{body['number']}").json()
    assert {c["stage_key"]: c["status"] for c in after_one["cases"]} == {
        "filing": "approved", "tax": "pending", "transfer": "waiting",
    }
    api["reviewer:xh-sw"].decide(_case(body, 'tax'))
    started = Case.objects.get(pk=_case(body, "transfer"))
    assert started.status == "pending"
    assert started.due_at == started.started_at + dt.timedelta(minutes=20)
    response = api["reviewer:xh-bdc"].decide(_case(body, 'transfer'), "approve",
                                           {"note": "材料齐全，准予登记"})

    assert response.json() == {"case_id": _case(body, "transfer"), "status": "approved",
                                "application_status": "completed"}
    final = api["citizen"].get(f"/applications/{body['number']}").json()
    assert final["visits"] == []
    assert [c["title"] for c in final["certificates"]] == ["不动产权证书"]
    assert final["delivery"]["method"] == "courier"
    assert final["delivery"]["status"] == "ready"
    tracking = final["delivery"]["tracking_number"]
    assert tracking.startswith("OVP")
    early = api["courier"].post(f"/deliveries/{tracking}/delivered", {"note": "本人签收"})
    assert early.status_code == 409  # not handed to the courier yet
    dispatched = api["clerk"].post(f"/deliveries/{tracking}/dispatched")
    assert dispatched.json()["status"] == "dispatched"

    delivered = api["courier"].post(f"/deliveries/{tracking}/delivered", {"note": "本人签收"})
    again = api["courier"].post(f"/deliveries/{tracking}/delivered", {"note": "本人签收"})

    assert delivered.json()["status"] == again.json()["status"] == "delivered"
    assert Delivery.objects.get().events.filter(kind="delivered").count() == 1


def test_certificate_is_verifiable_by_code(world, api):
    body = _file(world, api)
    for stage, role in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        api[f"reviewer:{role}"].decide(_case(body, stage))
    certificate = Certificate.objects.get()

    from django.test import Client

    public = Client().get(f"/api/v1/certificates/verify/{certificate.verification_code}")
    unknown = Client().get("/api/v1/certificates/verify/AAAAAAAAAAAA")

    assert public.json()["status"] == "valid"
    assert public.json()["department"] == "西湖区不动产登记中心"
    assert public.json()["holder"] == "王**"
    assert unknown.json() == {"status": "unknown", "number": None, "title": None,
                              "department": None, "issued_at": None, "holder": None,
                              "seal_serial": None, "seal_status": None,
                              "revocation_reason": None, "revocation_code": None}


def test_rejection_needs_reason_and_legal_basis_and_ends_the_other_cases(world, api):
    body = _file(world, api)
    filing = _case(body, "filing")

    incomplete = api["reviewer:xh-zjj"].decide(filing, "reject",
                                              {"reason": "", "legal_basis": ""})
    assert incomplete.status_code == 422
    assert set(incomplete.json()["errors"]) == {"reason", "legal_basis"}
    assert Case.objects.get(pk=filing).status == "in_review"  # claimed, nothing decided
    assert not Certificate.objects.exists()

    response = api["reviewer:xh-zjj"].decide(filing, "reject", {
        "reason": "房屋已被司法查封", "legal_basis": "《不动产登记暂行条例》第二十二条",
    })

    assert response.json()["application_status"] == "rejected"
    statuses = dict(Case.objects.filter(application__number=body["number"])
                    .values_list("stage_key", "status"))
    assert statuses == {"filing": "rejected", "tax": "cancelled", "transfer": "cancelled"}


def test_a_claimed_case_belongs_to_its_claimant(world, api):
    from tests.conftest import Api
    from tests.factories import UserFactory

    body = _file(world, api)
    filing = _case(body, "filing")
    colleague = Api(UserFactory(username="colleague", reviewer=True, department=world.housing))

    assert api["reviewer:xh-zjj"].post(f"/cases/{filing}/claim").status_code == 200
    second_claim = colleague.post(f"/cases/{filing}/claim")
    decision = colleague.post(f"/cases/{filing}/approve")

    assert second_claim.status_code == 409
    assert decision.status_code == 409
    assert "认领" in decision.json()["message"]
    assert Case.objects.get(pk=filing).status == "in_review"


def test_correction_pauses_the_clock_and_resumes_with_the_time_left(world, api):
    body = api["citizen"].post("/applications", world.licence_payload()).json()
    case_id = body["cases"][0]["id"]
    reviewer = api["reviewer:xh-zjj"]
    monday = dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC)  # 18:00 in Hangzhou
    Case.objects.filter(pk=case_id).update(
        started_at=monday, due_at=dt.datetime(2026, 11, 23, 15, 59, 59, tzinfo=dt.UTC)
    )

    with clock.frozen_at(dt.datetime(2026, 11, 18, 2, tzinfo=dt.UTC)):  # Wednesday
        response = reviewer.decide(case_id, "corrections", {"entries": [
            {"key": "upload:330106-ZJ-009:drawings", "problem": "缺少第3页审查意见"},
        ]})
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=case_id)
    assert case.status == "correction"
    assert case.remaining == 3  # Thu, Fri, Mon were left

    # The applicant supplies it the next Wednesday; three working days remain from there.
    with clock.frozen_at(dt.datetime(2026, 11, 25, 2, tzinfo=dt.UTC)):
        resumed = api["citizen"].post(f"/applications/{body['number']}/supplements", {
            "materials": [{"key": "upload:330106-ZJ-009:drawings", "content_base64": b64(PDF)}],
        })
    assert resumed.status_code == 200, resumed.json()
    case.refresh_from_db()
    assert case.status == "pending"
    assert case.due_at == dt.datetime(2026, 11, 30, 15, 59, 59, tzinfo=dt.UTC)  # Monday
    assert OneTimeNotice.objects.get(case=case).resolved_at is not None


def test_a_second_correction_may_not_name_what_the_first_could_have(world, api):
    body = _file(world, api)
    transfer_form = "upload:330106-BDC-001:application-form"
    contract = "upload:330106-FW-001:sales-contract"
    filing = _case(body, "filing")
    reviewer = api["reviewer:xh-zjj"]
    first = reviewer.decide(filing, "corrections",
                          {"entries": [{"key": contract, "problem": "缺少买受人签字"}]})
    assert first.status_code == 201
    api["citizen"].post(f"/applications/{body['number']}/supplements",
                        {"materials": [{"key": contract, "content_base64": b64(PDF)}]})

    # The form belongs to another department's item: not this reviewer's to name.
    foreign = reviewer.decide(filing, "corrections",
                            {"entries": [{"key": transfer_form, "problem": "x"}]})
    assert foreign.status_code == 422
    # The evidence was there at the first notice: naming it now is the forbidden second ask.
    late = reviewer.decide(filing, "corrections", {"entries": [
        {"key": "evidence:property-certificate", "problem": "证书信息不符"},
    ]})
    assert late.status_code == 409
    assert "一并告知" in late.json()["message"]
    # What was re-supplied after the first notice may still be found wanting.
    again = reviewer.decide(filing, "corrections",
                          {"entries": [{"key": contract, "problem": "签字页模糊"}]})
    assert again.status_code == 201
    assert OneTimeNotice.objects.filter(case_id=filing).count() == 2


def test_window_pickup_on_the_day_of_intake_is_the_same_trip(world, api):
    payload = world.house_payload(channel="window", delivery={"method": "pickup"})
    body = api["clerk"].post("/applications", payload).json()
    for stage, role in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        api[f"reviewer:{role}"].decide(_case(body, stage))

    response = api["clerk"].post(f"/applications/{body['number']}/pickup", {})

    assert response.json()["status"] == "delivered"
    final = api["clerk"].get(f"/applications/{body['number']}").json()
    assert [v["purposes"] for v in final["visits"]] == [["intake", "pickup"]]
    assert Application.objects.get().status == "completed"


def test_a_retried_decision_gets_the_first_answer(world, api):
    body = _file(world, api)
    reviewer = api["reviewer:xh-zjj"]
    path = f"/cases/{_case(body, 'filing')}/approve"
    reviewer.post(f"/cases/{_case(body, 'filing')}/claim")

    first = reviewer.post(path, {"note": "同意"}, **{"Idempotency-Key": "decide-1"})
    retry = reviewer.post(path, {"note": "同意"}, **{"Idempotency-Key": "decide-1"})
    without_key = reviewer.post(path, {"note": "同意"})

    assert first.status_code == retry.status_code == 200
    assert first.json() == retry.json()
    assert without_key.status_code == 409
    assert WorkItem.objects.filter(case_id=_case(body, "filing")).count() == 1
