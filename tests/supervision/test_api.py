"""The inbox over the JSON API: filters, evidence, the whole 督办 round, refusals."""

from __future__ import annotations

import pytest

from onevisit.audit.models import AuditEvent
from onevisit.supervision.models import Alert, AlertKind, FollowUpOrder
from onevisit.supervision.services import alert_raise

pytestmark = pytest.mark.django_db


def _state() -> tuple:
    return (list(Alert.objects.order_by("id").values_list("status", "close_reason")),
            list(FollowUpOrder.objects.order_by("id").values_list("status", "answer")),
            AuditEvent.objects.count())


def test_list_filters_by_kind_status_department_and_age(raised, api, world):
    rated = alert_raise(kind=AlertKind.BAD_RATING,
                        application_number=raised.alert.application_number, message="差评")
    supervisor = api["supervisor"]

    every = supervisor.get("/supervision/alerts").json()
    assert [a["kind"] for a in every] == ["bad_rating", "overdue"]
    assert [a["id"] for a in supervisor.get("/supervision/alerts?kind=overdue").json()] == [
        raised.alert.pk]
    housing = supervisor.get(f"/supervision/alerts?department={world.housing.code}").json()
    # The rating is about the whole application, which has a housing case.
    assert [a["id"] for a in housing] == [rated.pk, raised.alert.pk]
    assert supervisor.get("/supervision/alerts?status=closed").json() == []
    assert supervisor.get("/supervision/alerts?older_than_days=1").json() == []
    page = supervisor.get(f"/supervision/alerts?before={every[0]['id']}").json()
    assert [a["id"] for a in page] == [raised.alert.pk]
    assert supervisor.get("/supervision/alerts?status=gone").status_code == 422


def test_detail_holds_the_evidence(raised, api, world):
    body = api["supervisor"].get(f"/supervision/alerts/{raised.alert.pk}").json()

    assert body["rule"].startswith("办理时限")
    assert body["application_status"] == "accepted"
    assert raised.case.pk in [c["id"] for c in body["cases"]]
    assert body["case_id"] == raised.case.pk
    assert "application.accepted" in [e["action"] for e in body["events"]]
    assert body["follow_ups"] == []
    assert api["supervisor"].get("/supervision/alerts/999999").status_code == 404


def test_acknowledge_follow_up_answer_close_over_the_api(raised, api, world):
    supervisor, reviewer = api["supervisor"], api[f"reviewer:{world.housing.code}"]
    alert = f"/supervision/alerts/{raised.alert.pk}"

    assert supervisor.post(f"{alert}/acknowledge").json()["status"] == "acknowledged"
    sent = supervisor.post(f"{alert}/follow-ups", {"department": world.housing.code,
                                                   "question": "请说明", "days": 3})
    assert sent.status_code == 201
    order = sent.json()
    listed = reviewer.get("/supervision/follow-ups").json()
    assert [o["id"] for o in listed] == [order["id"]]
    assert api[f"reviewer:{world.tax.code}"].get("/supervision/follow-ups").json() == []
    answered = reviewer.post(f"/supervision/follow-ups/{order['id']}/answer", {"answer": "已办"})
    assert answered.json()["status"] == "answered"
    closed = supervisor.post(f"{alert}/close", {"reason": "说明合理"}).json()
    assert (closed["status"], closed["close_reason"]) == ("closed", "说明合理")


def test_refusals_have_the_error_shape_and_change_nothing(raised, api, world):
    supervisor = api["supervisor"]
    alert = f"/supervision/alerts/{raised.alert.pk}"
    order = supervisor.post(f"{alert}/follow-ups", {"department": world.housing.code,
                                                    "question": "请说明"}).json()
    before = _state()

    refused = [
        (supervisor.post(f"{alert}/close", {"reason": "r"}), 409),
        (supervisor.post(f"{alert}/acknowledge"), 409),
        (supervisor.post(f"{alert}/close", {"reason": " "}), 422),
        (supervisor.post(f"{alert}/follow-ups", {"department": "x", "question": "q",
                                                 "days": 99}), 422),
        (api[f"reviewer:{world.tax.code}"].post(
            f"/supervision/follow-ups/{order['id']}/answer", {"answer": "a"}), 403),
        (supervisor.post(f"/supervision/follow-ups/{order['id']}/answer", {"answer": "a"}), 403),
    ]
    for role in ("citizen", "clerk", "courier", f"reviewer:{world.housing.code}"):
        refused += [(api[role].get("/supervision/alerts"), 403),
                    (api[role].post(f"{alert}/acknowledge"), 403),
                    (api[role].post(f"{alert}/close", {"reason": "r"}), 403)]
    for role in ("citizen", "clerk", "supervisor"):
        refused.append((api[role].get("/supervision/follow-ups"), 403))

    assert [(r.status_code, sorted(r.json())) for r, _s in refused] == [
        (status, ["errors", "message"]) for _r, status in refused]
    assert _state() == before


def test_an_idempotent_retry_acknowledges_once(raised, api):
    path = f"/supervision/alerts/{raised.alert.pk}/acknowledge"
    first = api["supervisor"].post(path, **{"Idempotency-Key": "k1"})
    again = api["supervisor"].post(path, **{"Idempotency-Key": "k1"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert AuditEvent.objects.filter(action="alert.acknowledged").count() == 1


def test_out_of_range_query_values_are_refused(raised, api):
    for query in ("older_than_days=-1", "limit=0", "limit=201", "before=-5"):
        assert api["supervisor"].get(f"/supervision/alerts?{query}").status_code == 422
