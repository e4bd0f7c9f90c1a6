"""调查评估: a supervisor builds a short questionnaire, sends it to a reproducible random
sample of completed applications through the notification plugin (SMS, e-mail, in-site),
and the respondent answers by the link's token, without signing in."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.regions import covers, scope_of
from onevisit.applications.models import Application
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotFound
from onevisit.feedback.constants import (
    ALLOWED_SURVEY_TRANSITIONS,
    SAMPLE_MAX,
    SURVEY_CHOICES_MAX,
    SURVEY_QUESTIONS_MAX,
    QuestionKind,
    SurveyStatus,
)
from onevisit.feedback.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion
from onevisit.feedback.services.common import (
    actor_region,
    completed_numbers,
    draw,
    new_seed,
    require_supervisor,
    sample_window,
    text_clean,
)
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.services import notification_send

ANSWER_TEXT_MAX = 1000


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    text: str
    choices: Sequence[str] = field(default_factory=tuple)


def _questions_clean(questions: Sequence[QuestionInput], errors: dict[str, Any]) -> None:
    if not questions:
        errors["questions"] = _("请至少设置一个问题")
    elif len(questions) > SURVEY_QUESTIONS_MAX:
        errors["questions"] = _("问题最多 %(max)d 个") % {"max": SURVEY_QUESTIONS_MAX}
    for n, question in enumerate(questions, start=1):
        key = f"questions.{n}"
        if question.kind not in QuestionKind.values:
            errors[key] = _("第 %(n)d 题：请选择题型") % {"n": n}
            continue
        if not question.text.strip() or len(question.text.strip()) > 200:
            errors[key] = _("第 %(n)d 题：请填写题目（最多200字）") % {"n": n}
            continue
        choices = [c.strip() for c in question.choices if c.strip()]
        if question.kind == QuestionKind.CHOICE and not (
                2 <= len(choices) <= SURVEY_CHOICES_MAX and len(set(choices)) == len(choices)
                and all(len(c) <= 100 for c in choices)):
            errors[key] = _("第 %(n)d 题：单选题需要 2 至 %(max)d 个互不相同的选项") % {
                "n": n, "max": SURVEY_CHOICES_MAX}


@atomic_audited
def survey_create(*, title: str, intro: str = "", questions: Sequence[QuestionInput],
                  actor: Any, region_code: str = "") -> Survey:
    """A draft questionnaire for the supervisor's region (questions: single choice,
    scale 1–5, free text)."""
    require_supervisor(actor, _("设置调查问卷"))
    errors: dict[str, Any] = {}
    name = text_clean(title, field="title", label=_("标题"), limit=120, errors=errors)
    about = text_clean(intro, field="intro", label=_("说明"), limit=2000, errors=errors,
                       required=False)
    _questions_clean(questions, errors)
    if errors:
        raise InvalidInput(_("问卷有误"), errors)
    region = actor_region(actor, region_code)
    survey = Survey.objects.create(title=name, intro=about, region=region, created_by=actor,
                                   created_at=clock.now())
    SurveyQuestion.objects.bulk_create([
        SurveyQuestion(survey=survey, position=n, kind=q.kind, text=q.text.strip(),
                       choices=[c.strip() for c in q.choices if c.strip()]
                       if q.kind == QuestionKind.CHOICE else [])
        for n, q in enumerate(questions, start=1)])
    audit_record(actor=actor, action="survey.created", entity="survey", entity_id=survey.pk,
                 data={"title": name, "questions": len(questions), "region": region.code})
    return survey


def survey_link(token: str) -> str:
    return f"{settings.ONEVISIT['PUBLIC_URL']}/s/{token}/"


@atomic_audited
def survey_send(*, survey_id: int, actor: Any, size: int, completed_from: dt.date | None,
                completed_until: dt.date | None, seed: str = "") -> Survey:
    """Draw the sample and send the link. The sample is the region's applications
    completed in the period, drawn with the seed (a fresh one when none is given); the
    seed is stored, and the same seed over the same period draws the same sample. Each
    sampled applicant gets a link of her own by SMS, e-mail and in-site message."""
    require_supervisor(actor, _("发放调查问卷"))
    errors: dict[str, Any] = {}
    first, last = sample_window(size, completed_from, completed_until, errors, SAMPLE_MAX)
    seed = (seed or "").strip()
    if len(seed) > 64:
        errors["seed"] = _("随机种子最多64个字符")
    if errors:
        raise InvalidInput(_("抽样设置有误"), errors)
    survey = (Survey.objects.select_for_update().select_related("region")
              .filter(pk=survey_id).first())
    if survey is None or not covers(scope_of(actor), survey.region_id):
        raise NotFound(_("问卷不存在"))
    if SurveyStatus.SENT not in ALLOWED_SURVEY_TRANSITIONS[survey.status]:
        raise Conflict(_("问卷已经发放过"))
    population = completed_numbers(region=survey.region, completed_from=first,
                                   completed_until=last)
    if not population:
        raise InvalidInput(_("抽样设置有误"),
                           {"completed_from": _("这段时间没有办结的办件")})
    seed = seed or new_seed()
    numbers = draw(population, size=size, seed=seed)
    now = clock.now()
    survey.status = SurveyStatus.SENT
    survey.seed, survey.size = seed, size
    survey.completed_from, survey.completed_until = first, last
    survey.sent_at = now
    survey.save(update_fields=["status", "seed", "size", "completed_from", "completed_until",
                               "sent_at"])
    applications = Application.objects.select_related("applicant").in_bulk(
        numbers, field_name="number")
    for number in numbers:
        application = applications[number]
        invitation = SurveyInvitation.objects.create(
            survey=survey, application=application, token=secrets.token_urlsafe(24))
        notification_send(
            event=NotifyEvent.SURVEY, key=f"survey:{survey.pk}:{number}",
            user=application.applicant, phone=str(application.data.get("phone", "") or ""),
            context={"title": application.title, "number": number, "survey": survey.title,
                     "link": survey_link(invitation.token)},
            link=f"/s/{invitation.token}/")
    audit_record(actor=actor, action="survey.sent", entity="survey", entity_id=survey.pk,
                 data={"seed": seed, "size": size, "population": len(population),
                       "sampled": numbers, "from": first.isoformat(),
                       "until": last.isoformat()})
    return survey


def _answer_clean(question: SurveyQuestion, raw: str, errors: dict[str, Any]) -> SurveyAnswer:
    value = (raw or "").strip()
    key = f"q{question.pk}"
    answer = SurveyAnswer(question=question)
    if question.kind == QuestionKind.CHOICE:
        if value not in question.choices:
            errors[key] = _("“%(q)s”：请选择一项") % {"q": question.text}
        answer.choice = value
    elif question.kind == QuestionKind.SCALE:
        if value not in {"1", "2", "3", "4", "5"}:
            errors[key] = _("“%(q)s”：请打 1 至 5 分") % {"q": question.text}
        else:
            answer.score = int(value)
    else:
        if len(value) > ANSWER_TEXT_MAX:
            errors[key] = _("“%(q)s”：最多 %(max)d 个字") % {"q": question.text,
                                                        "max": ANSWER_TEXT_MAX}
        answer.text = value
    return answer


@atomic_audited
def survey_answer(*, token: str, answers: Mapping[str, str]) -> SurveyInvitation:
    """The respondent's answers by her link, all at once and once (`answers` by question
    id). Choice and scale questions must be answered; text ones may be left blank."""
    invitation = (SurveyInvitation.objects.select_for_update().select_related("survey")
                  .filter(token=token).first()) if token else None
    if invitation is None:
        raise NotFound(_("调查链接无效"))
    if invitation.answered_at is not None:
        raise Conflict(_("您已经提交过这份问卷，谢谢"))
    errors: dict[str, Any] = {}
    rows = [_answer_clean(q, answers.get(str(q.pk), ""), errors)
            for q in invitation.survey.questions.all()]
    if errors:
        raise InvalidInput(_("问卷有未完成的题目"), errors)
    for row in rows:
        row.invitation = invitation
    SurveyAnswer.objects.bulk_create(rows)
    invitation.answered_at = clock.now()
    invitation.save(update_fields=["answered_at"])
    audit_record(actor=None, action="survey.answered", entity="survey",
                 entity_id=invitation.survey_id, data={"invitation": invitation.pk})
    return invitation
