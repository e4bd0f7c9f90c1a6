"""The verdict through the API: the rectification loop with idempotent retries, every
role tried on the department's answer, the public rates and suggestions."""

from __future__ import annotations

import pytest

from onevisit import clock
from onevisit.feedback.models import Rectification, Suggestion
from onevisit.feedback.services import rating_submit, suggestion_moderate

pytestmark = pytest.mark.django_db



def _answer() -> dict[str, str]:
    """The department's answer, called back just now (after the rating, not in the future)."""
    return {"called_at": clock.now().isoformat(), "called_person": "王小明",
            "call_summary": "电话回访，致歉", "measures": "简化材料"}


@pytest.fixture
def rectification(world, finish) -> Rectification:
    rating_submit(number=finish(), score=1, reasons=["materials"], actor=world.citizen)
    return Rectification.objects.get()


def test_the_loop_through_the_api_with_retries(api, world, rectification):
    housing = api[f"reviewer:{world.housing.code}"]
    [listed] = housing.get("/rectifications").json()
    assert (listed["id"], listed["status"], listed["reasons"]) == (
        rectification.pk, "open", ["materials"])

    body = _answer()
    first = housing.post(f"/rectifications/{rectification.pk}/answer", body,
                         **{"Idempotency-Key": "a-1"})
    again = housing.post(f"/rectifications/{rectification.pk}/answer", body,
                         **{"Idempotency-Key": "a-1"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["status"] == "answered"

    [mine] = api["citizen"].get("/rectifications").json()
    assert mine["measures"] == "简化材料"
    verdict = api["citizen"].post(f"/rectifications/{rectification.pk}/second-verdict",
                                  {"score": 5, "comment": "满意"})
    assert verdict.json()["status"] == "satisfied"
    [rate] = api["citizen"].client.get("/api/v1/verdict/rates").json()
    assert (rate["bad"], rate["rectified"], rate["rectified_rate"]) == (1, 1, 1.0)


def test_every_other_role_is_refused_the_answer_and_nothing_changes(api, rectification):
    for role in ("citizen", "clerk", "supervisor", "courier", "reviewer:xh-sw",
                 "reviewer:xh-bdc"):
        response = api[role].post(f"/rectifications/{rectification.pk}/answer", _answer())
        assert response.status_code == 403, role
    for role in ("clerk", "supervisor", "courier"):
        assert api[role].get("/rectifications").status_code == 403, role
    bad = api["reviewer:xh-zjj"].post(f"/rectifications/{rectification.pk}/answer",
                                      _answer() | {"measures": " "})
    assert bad.status_code == 422
    rectification.refresh_from_db()
    assert (rectification.status, rectification.measures) == ("open", "")


def test_suggestions_through_the_api(api, world):
    created = api["citizen"].post("/suggestions", {"region": "330106", "title": "增加停车位",
                                                   "body": "中心停车难", "author_name": "王小明",
                                                   "contact": "13812345678"})
    assert created.status_code == 201
    assert created.json()["author"] == "王**"
    assert "contact" not in created.json()
    public = api["citizen"].client.get("/api/v1/suggestions")
    assert public.json() == []
    suggestion_moderate(suggestion_id=Suggestion.objects.get().pk, actor=world.supervisor,
                        publish=True)
    assert [s["title"] for s in api["citizen"].client.get("/api/v1/suggestions").json()] == [
        "增加停车位"]
    refused = api["citizen"].post("/suggestions", {"region": "999999", "title": "x",
                                                   "body": "y"})
    assert refused.status_code == 422
    assert Suggestion.objects.count() == 1
