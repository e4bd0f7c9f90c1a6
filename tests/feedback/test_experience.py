"""体验办事: an official files as an ordinary citizen, marks it, and her report lands in
the supervisors' inbox with the report as evidence."""

from __future__ import annotations

import pytest
from django.test import Client

from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.feedback.models import Experience
from onevisit.feedback.services import experience_mark, experience_report
from onevisit.supervision.models import Alert
from tests.conftest import Api
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db

LEAD_ID = resident_id(seq="455")


@pytest.fixture
def lead(world):
    """The housing bureau's head, with her own staff account and her citizen account."""
    return UserFactory(username="lead", lead=True, department=world.housing,
                       id_number=LEAD_ID, first_name="张局长")


@pytest.fixture
def filed(world, lead):
    as_citizen = Api(UserFactory(username="zhang", id_number=LEAD_ID, first_name="张"))
    payload = world.licence_payload()
    payload["applicant"] = {"kind": "person", "name": "张丽", "id_number": LEAD_ID}
    payload["data"] = {"applicant_id_number": LEAD_ID, "phone": "13700001111"}
    return as_citizen.post("/applications", payload).json()["number"]


def test_the_report_lands_in_the_supervisors_inbox_with_the_report_as_evidence(
        world, lead, filed):
    official = Client()
    official.force_login(lead)
    official.post("/workbench/experience/", {"number": filed})
    experience = Experience.objects.get()
    assert experience.application.number == filed
    official.post(f"/workbench/experience/{experience.pk}/report/",
                  {"report": "网上申报顺畅，但施工图审查合格书上传提示不清楚。"})

    alert = Alert.objects.get(kind="experience_report")
    assert alert.application_number == filed
    assert alert.evidence["report"] == "网上申报顺畅，但施工图审查合格书上传提示不清楚。"
    assert alert.evidence["official"] == "张局长"
    assert alert.region_id == "330106"
    inbox = Client()
    inbox.force_login(world.supervisor)
    page = inbox.get("/dashboard/alerts/?kind=experience_report").content.decode()
    assert filed in page
    page = inbox.get(f"/dashboard/alerts/{alert.pk}/").content.decode()
    assert "施工图审查合格书上传提示不清楚" in page
    # The evidence is in words: no recorded keys, no ISO timestamps, no event codes.
    for raw in (">official<", ">submitted_at<", "experience.marked", "experience.reported"):
        assert raw not in page
    for words in ("体验人", "登记为体验办事", "提交体验办事报告"):
        assert words in page
    # The handling department is not told: its workbench does not mark the case.
    reviewer = Client()
    reviewer.force_login(world.reviewer(world.housing))
    assert "体验" not in reviewer.get("/workbench/").content.decode()


def test_refusals_change_nothing(world, lead, filed, finish):
    with pytest.raises(NotAllowed):  # a citizen account is not an official
        experience_mark(number=filed, actor=world.citizen)
    with pytest.raises(NotFound):  # someone else's application
        experience_mark(number=finish(), actor=lead)
    assert not Experience.objects.exists()

    experience = experience_mark(number=filed, actor=lead)
    with pytest.raises(Conflict):
        experience_mark(number=filed, actor=lead)
    with pytest.raises(InvalidInput):
        experience_report(experience_id=experience.pk, actor=lead, report="  ")
    other = UserFactory(username="other-lead", lead=True, department=world.tax,
                        id_number=resident_id(seq="466"))
    with pytest.raises(NotFound):
        experience_report(experience_id=experience.pk, actor=other, report="看过了")
    assert not Alert.objects.filter(kind="experience_report").exists()
    experience_report(experience_id=experience.pk, actor=lead, report="很好")
    with pytest.raises(Conflict):
        experience_report(experience_id=experience.pk, actor=lead, report="再报一次")
    assert Alert.objects.filter(kind="experience_report").count() == 1
    experience.refresh_from_db()
    assert experience.report == "很好"
