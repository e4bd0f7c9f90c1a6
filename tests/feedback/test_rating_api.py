"""好差评 through the API: once per finished application, reasons for a bad one."""

from __future__ import annotations

import pytest

from onevisit.applications.models import Application
from onevisit.feedback.models import Rating
from onevisit.supervision.models import Alert
from onevisit.workflow.services import case_approve, case_claim
from tests.conftest import Api
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(world, api) -> str:
    number = api["citizen"].post("/applications", world.house_payload()).json()["number"]
    application = Application.objects.get(number=number)
    for department in (world.housing, world.tax, world.registry):
        case = application.cases.get(department=department)
        case_claim(case_id=case.pk, actor=world.reviewer(department))
        case_approve(case_id=case.pk, actor=world.reviewer(department), note="")
    return number


def test_a_rating_is_kept_once_and_a_retry_gets_the_same_answer(api, finished):
    body = {"score": 4, "comment": "很方便"}
    first = api["citizen"].post(f"/applications/{finished}/rating", body,
                                **{"Idempotency-Key": "r-1"})
    again = api["citizen"].post(f"/applications/{finished}/rating", body,
                                **{"Idempotency-Key": "r-2"})
    other = api["citizen"].post(f"/applications/{finished}/rating", {"score": 1,
                                                                     "reasons": ["slow"]})

    assert first.status_code == again.status_code == 200
    assert first.json()["score"] == again.json()["score"] == 4
    assert other.status_code == 409
    assert Rating.objects.get().comment == "很方便"


def test_a_bad_rating_without_reasons_is_refused_and_with_them_opens_a_follow_up(
        api, finished):
    refused = api["citizen"].post(f"/applications/{finished}/rating", {"score": 2})
    assert refused.status_code == 422
    assert "reasons" in refused.json()["errors"]
    assert not Rating.objects.exists()

    api["citizen"].post(f"/applications/{finished}/rating",
                        {"score": 2, "reasons": ["materials", "unknown"]})
    assert not Rating.objects.exists()  # an unknown reason is refused too

    api["citizen"].post(f"/applications/{finished}/rating",
                        {"score": 2, "reasons": ["materials"]})
    assert Alert.objects.get(kind="bad_rating").application_number == finished


def test_only_the_applicant_rates_and_only_when_finished(world, api, finished):
    stranger = Api(UserFactory(username="stranger", id_number=resident_id(seq="377")))
    assert stranger.post(f"/applications/{finished}/rating", {"score": 5}).status_code == 404
    running = api["citizen"].post("/applications", world.licence_payload()).json()["number"]
    assert api["citizen"].post(f"/applications/{running}/rating",
                               {"score": 5}).status_code == 409
    assert not Rating.objects.exists()
