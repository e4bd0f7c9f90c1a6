"""调查评估: a questionnaire sent to a reproducible random sample of completed
applications through the notifications, answered by a tokenised link without signing in,
with results per question, item and department."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.feedback.models import Survey, SurveyAnswer, SurveyInvitation
from onevisit.feedback.selectors import survey_results
from onevisit.feedback.services import QuestionInput, survey_answer, survey_create, survey_send
from onevisit.feedback.services.common import draw
from onevisit.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 8)
QUESTIONS = [
    QuestionInput(kind="scale", text="您对办理速度的评分"),
    QuestionInput(kind="choice", text="您到现场跑了几次", choices=["0次", "1次", "2次及以上"]),
    QuestionInput(kind="text", text="您的意见和建议"),
]


def _survey(world) -> Survey:
    return survey_create(title="二手房交易满意度调查", intro="占用您一分钟", questions=QUESTIONS,
                         actor=world.supervisor)


def test_the_same_seed_draws_the_same_sample_and_another_seed_another():
    population = [f"A{n:04d}" for n in range(200)]
    first = draw(population, size=10, seed="2026-12")
    assert draw(list(reversed(population)), size=10, seed="2026-12") == first
    assert draw(population, size=10, seed="2027-01") != first
    assert len(set(first)) == 10
    # A sample larger than the population is the whole population.
    assert sorted(draw(population[:3], size=10, seed="x")) == population[:3]


def test_a_survey_samples_reproducibly_sends_links_and_shows_results(
        world, finish, django_capture_on_commit_callbacks):
    numbers = [finish() for _ in range(4)]
    survey = _survey(world)
    with django_capture_on_commit_callbacks(execute=True):  # sent after the commit
        survey_send(survey_id=survey.pk, actor=world.supervisor, size=3, completed_from=DAY,
                    completed_until=DAY, seed="verdict-2026")

    survey.refresh_from_db()
    assert (survey.status, survey.seed, survey.size) == ("sent", "verdict-2026", 3)
    sampled = list(survey.invitations.order_by("id")
                   .values_list("application__number", flat=True))
    assert sampled == draw(numbers, size=3, seed="verdict-2026")
    # The same seed over the same period draws the same sample for another survey.
    again = _survey(world)
    survey_send(survey_id=again.pk, actor=world.supervisor, size=3, completed_from=DAY,
                completed_until=DAY, seed="verdict-2026")
    assert list(again.invitations.order_by("id")
                .values_list("application__number", flat=True)) == sampled

    # Each sampled applicant gets her own link, by SMS (the outbox) and in-site.
    invitation = survey.invitations.order_by("id").first()
    sms = Notification.objects.get(event="survey", channel="sms",
                                   key=f"survey:{survey.pk}:{invitation.application.number}")
    assert f"/s/{invitation.token}/" in sms.context["link"]
    assert sms.status == "sent"
    assert OutboxMessage.objects.filter(body__contains=invitation.token).exists()

    page = Client().get(f"/s/{invitation.token}/").content.decode()
    assert "您对办理速度的评分" in page
    questions = {q.position: q.pk for q in survey.questions.all()}
    answered = Client().post(f"/s/{invitation.token}/", {
        f"q{questions[1]}": "4", f"q{questions[2]}": "1次", f"q{questions[3]}": "很好"})
    assert "感谢" in answered.content.decode()
    second = survey.invitations.order_by("id")[1]
    survey_answer(token=second.token, answers={str(questions[1]): "2",
                                               str(questions[2]): "0次"})

    results = survey_results(survey=survey)
    assert (results.invited, results.answered) == (3, 2)
    scale, choice, text = results.questions
    assert scale.average == 3.0
    assert scale.counts == [("5", 0), ("4", 1), ("3", 0), ("2", 1), ("1", 0)]
    assert choice.counts == [("0次", 1), ("1次", 1), ("2次及以上", 0)]
    assert text.texts == ["很好"]
    assert results.by_item == [("建筑工程施工许可", 2, 3.0)]
    assert results.by_department == [(world.housing.name, 2, 3.0)]
    world.housing.name_en = "Housing Bureau"
    world.housing.save(update_fields=["name_en"])
    with translation.override("en"):  # the board read in English names it in English
        assert survey_results(survey=survey).by_department == [("Housing Bureau", 2, 3.0)]
    board = Client()
    board.force_login(world.supervisor)
    page = board.get(f"/dashboard/surveys/{survey.pk}/").content.decode()
    assert "verdict-2026" in page
    assert "很好" in page


def test_an_answer_is_validated_whole_and_given_once(world, finish):
    finish()
    survey = _survey(world)
    survey_send(survey_id=survey.pk, actor=world.supervisor, size=1, completed_from=DAY,
                completed_until=DAY)
    assert len(Survey.objects.get().seed) == 32  # a fresh seed, stored
    invitation = SurveyInvitation.objects.get()
    questions = {q.position: str(q.pk) for q in survey.questions.all()}

    with pytest.raises(InvalidInput) as refused:
        survey_answer(token=invitation.token, answers={questions[1]: "7",
                                                       questions[2]: "3次"})
    assert set(refused.value.errors) == {f"q{questions[1]}", f"q{questions[2]}"}
    with pytest.raises(NotFound):
        survey_answer(token="not-a-token", answers={})
    assert not SurveyAnswer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None

    survey_answer(token=invitation.token, answers={questions[1]: "5", questions[2]: "0次"})
    with pytest.raises(Conflict):
        survey_answer(token=invitation.token, answers={questions[1]: "1",
                                                       questions[2]: "0次"})
    assert SurveyAnswer.objects.filter(score=5).count() == 1
    assert SurveyAnswer.objects.count() == 3


def test_building_and_sending_refusals_change_nothing(world, finish):
    finish()
    with pytest.raises(NotAllowed):
        survey_create(title="x", questions=QUESTIONS, actor=world.citizen)
    with pytest.raises(InvalidInput) as refused:
        survey_create(title="", actor=world.supervisor, questions=[
            QuestionInput(kind="choice", text="只有一个选项", choices=["是"]),
            QuestionInput(kind="essay", text="?")])
    assert set(refused.value.errors) == {"title", "questions.1", "questions.2"}
    assert not Survey.objects.exists()

    survey = _survey(world)
    with pytest.raises(InvalidInput):  # nothing completed in that period
        survey_send(survey_id=survey.pk, actor=world.supervisor, size=5,
                    completed_from=dt.date(2025, 1, 1), completed_until=dt.date(2025, 1, 31))
    with pytest.raises(InvalidInput):
        survey_send(survey_id=survey.pk, actor=world.supervisor, size=0, completed_from=DAY,
                    completed_until=DAY - dt.timedelta(days=1))
    survey.refresh_from_db()
    assert (survey.status, survey.seed) == ("draft", "")
    assert not SurveyInvitation.objects.exists()
    assert not Notification.objects.filter(event="survey").exists()
    survey_send(survey_id=survey.pk, actor=world.supervisor, size=5, completed_from=DAY,
                completed_until=DAY, seed="s")
    with pytest.raises(Conflict):
        survey_send(survey_id=survey.pk, actor=world.supervisor, size=5, completed_from=DAY,
                    completed_until=DAY, seed="t")
    assert SurveyInvitation.objects.count() == 1
