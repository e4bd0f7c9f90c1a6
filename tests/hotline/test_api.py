"""The hotline's JSON API: a ticket through its whole life, with every role tried."""

from __future__ import annotations

import pytest

from onevisit.hotline.models import Ticket
from tests.conftest import PDF, Api, b64

pytestmark = pytest.mark.django_db

COMPLAINT = {
    "type": "complaint", "channel": "phone",
    "text": "蒋村街道紫金港路口的井盖松动，车开过去哐哐响，晚上吵得睡不着，还怕有人踩空。",
    "caller_name": "陈先生", "caller_phone": "13600000001", "address": "紫金港路口",
}


@pytest.fixture
def clients(hw) -> dict[str, Api]:
    return {"agent": Api(hw.agent), "dispatcher": Api(hw.dispatcher),
            "urban": Api(hw.urban_reviewer), "tax": Api(hw.world.reviewers["xh-sw"]),
            "citizen": Api(hw.world.citizen), "supervisor": Api(hw.world.supervisor)}


def test_a_ticket_through_the_api_from_the_call_to_the_follow_up(hw, clients):
    created = clients["agent"].post("/tickets", {
        **COMPLAINT, "region_code": hw.jiangcun.code,
        "attachments": [{"filename": "井盖.pdf", "content_base64": b64(PDF)}]})
    assert created.status_code == 201, created.json()
    number = created.json()["ticket"]["number"]
    assert created.json()["outcome"] == "new"

    queue = clients["dispatcher"].get("/hotline/dispatch-queue").json()
    assert [row["number"] for row in queue] == [number]
    steps = [
        ("dispatcher", "dispatch", {"lead": hw.urban.code, "co": []}, "dispatched"),
        ("urban", "accept", {}, "accepted"),
        ("urban", "reply", {"reply": "已加固井盖。"}, "replied"),
        ("agent", "close", {}, "closed"),
        ("agent", "follow-up", {"satisfaction": 5}, "closed"),
    ]
    for who, action, body, status in steps:
        response = clients[who].post(f"/tickets/{number}/{action}", body)
        assert response.status_code == 200, (action, response.json())
        assert response.json()["status"] == status
    final = clients["supervisor"].get(f"/tickets/{number}").json()
    assert final["satisfaction"] == 5
    assert [e["action"] for e in final["events"]][:2] == ["created", "dispatched"]
    assert Ticket.objects.get(number=number).attachments.count() == 1


def test_roles_outside_a_step_are_refused_and_change_nothing(hw, clients):
    number = clients["agent"].post("/tickets", COMPLAINT).json()["ticket"]["number"]

    refused = [
        clients["agent"].post(f"/tickets/{number}/dispatch", {"lead": hw.urban.code}),
        clients["urban"].post(f"/tickets/{number}/accept"),
        clients["citizen"].post(f"/tickets/{number}/close"),
        clients["tax"].get("/hotline/dispatch-queue"),
        clients["urban"].post("/tickets", COMPLAINT),
    ]

    assert [r.status_code for r in refused] == [403, 403, 403, 403, 403]
    assert Ticket.objects.get(number=number).status == "new"
    assert Ticket.objects.count() == 1


def test_a_department_never_reads_a_reports_caller_through_the_api(hw, clients):
    body = clients["agent"].post("/tickets", {**COMPLAINT, "type": "report",
                                              "text": "紫金港路某工地夜间违规施工"}).json()
    number = body["ticket"]["number"]
    clients["dispatcher"].post(f"/tickets/{number}/dispatch", {"lead": hw.urban.code})

    seen = clients["urban"].get(f"/tickets/{number}").json()

    assert seen["caller"] is None
    assert "13600000001" not in str(seen)
    assert clients["agent"].get(f"/tickets/{number}").json()["caller"]["phone"] == "13600000001"
    assert clients["tax"].get(f"/tickets/{number}").status_code == 404


def test_a_retried_creation_files_once(hw, clients):
    first = clients["agent"].post("/tickets", COMPLAINT, **{"Idempotency-Key": "call-1"})
    again = clients["agent"].post("/tickets", COMPLAINT, **{"Idempotency-Key": "call-1"})

    assert first.status_code == again.status_code == 201
    assert first.json()["ticket"]["number"] == again.json()["ticket"]["number"]
    assert Ticket.objects.count() == 1


def test_bad_input_names_each_field(hw, clients):
    response = clients["agent"].post("/tickets", {**COMPLAINT, "text": "", "region_code": "1",
                                                  "attachments": [{"content_base64": "@@"}]})

    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_the_caller_history_is_for_the_centre(hw, clients):
    clients["agent"].post("/tickets", COMPLAINT)

    history = clients["agent"].get("/hotline/caller-history?phone=13600000001").json()

    assert len(history["tickets"]) == 1
    assert clients["urban"].get("/hotline/caller-history?phone=13600000001").status_code == 403
