"""The citizens' verdict in the demo: more completed applications rated good and bad, a
bad rating whose rectification is under way (one department has called back and waits for
the second verdict, another has not yet), a survey sent to a seeded sample with answers, a
third-party evaluation sample, the suggestions column with a reply, and one official's
experience report in the supervisors' inbox. All through the real services.

Filing and approving are the demo's own (`ops.demo_setup`, a layer above): the entry point
passes them in."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from onevisit import clock
from onevisit.applications.constants import ApplicantKind, ApplicationStatus
from onevisit.applications.models import Application
from onevisit.applications.services import subject_resolve
from onevisit.demo.forms import FormFiller
from onevisit.demo.population import Population
from onevisit.demo.staff import DEMO_COUNTY, Staff
from onevisit.feedback.constants import QuestionKind
from onevisit.feedback.models import Rating, Rectification, Survey
from onevisit.feedback.services import (
    QuestionInput,
    evaluation_sample_draw,
    experience_mark,
    experience_report,
    rating_submit,
    rectification_answer,
    rectification_second_verdict,
    suggestion_moderate,
    suggestion_reply,
    suggestion_submit,
    survey_answer,
    survey_create,
    survey_send,
)

# demo_file(subject=, filler=, filer=, staff=) -> Filing; demo_approve_all(application=, staff=)
File = Callable[..., Any]
Approve = Callable[..., None]
SEED = 1414
TZ = ZoneInfo("Asia/Shanghai")
SURVEY_TITLE = "办事群众满意度调查"
# Items the demo's residents file and have decided (each a single department's).
ITEMS = ("330106-RS-002", "330106-GA-004", "330106-YB-002", "330106-WJ-002")
FILINGS = 12
QUESTIONS = [
    QuestionInput(kind=QuestionKind.SCALE, text="您对本次办事的总体评分"),
    QuestionInput(kind=QuestionKind.CHOICE, text="您为这件事到现场跑了几次",
                  choices=["0次（全程网办）", "1次", "2次及以上"]),
    QuestionInput(kind=QuestionKind.SCALE, text="您对办事指南清楚程度的评分"),
    QuestionInput(kind=QuestionKind.TEXT, text="您对改进政务服务的意见和建议"),
]
REMARKS = ("网上办很方便，不用请假跑大厅", "希望短信通知再及时一些", "", "材料清单写得很清楚",
           "")
SUGGESTIONS = (
    ("大厅增设母婴室", "带孩子来办事时没有地方喂奶，建议在政务服务中心增设母婴室。", "陈女士",
     "已在中心二楼东侧增设母婴室，配备哺乳椅和尿布台，感谢您的建议。"),
    ("周六上午开放综合窗口", "上班族工作日很难请假，建议周六上午开放部分综合受理窗口。", "周先生",
     ""),
    ("自助机增加社保证明打印", "希望自助终端能打印参保证明，不用排队取号。", "", ""),
)


def _completed(population: Population, staff: Staff, rng: random.Random, file: File,
               approve: Approve) -> list[Application]:
    filler = FormFiller(population, rng)
    ten = clock.now().astimezone(TZ).replace(hour=10, minute=0, second=0, microsecond=0)
    done = []
    for n in range(FILINGS):
        subject = subject_resolve(item_code=ITEMS[n % len(ITEMS)])
        filer = filler.filer_for(fields=subject.fields, materials=subject.materials)
        at = ten - dt.timedelta(days=FILINGS + 2 - n)
        with clock.frozen_at(at):
            application = file(subject=subject, filler=filler, filer=filer,
                               staff=staff).application
        if application.status == ApplicationStatus.ACCEPTED:
            with clock.frozen_at(at + dt.timedelta(days=1, hours=3)):
                approve(application=application, staff=staff)
        application.refresh_from_db()
        if application.status == ApplicationStatus.COMPLETED:
            done.append(application)
    return done


def _ratings(done: list[Application], staff: Staff) -> None:
    """Good ratings, one bad rating rectified to the citizen's satisfaction, and one
    under way: called back, waiting for the second verdict."""
    for application in done[2:8]:
        rating_submit(number=application.number, score=5 if len(application.number) % 2
                      else 4, comment="办事效率高", actor=application.applicant)
    for application, reasons, comment in (
            (done[0], ["slow", "materials"], "等了好几天，还要重复提交身份证复印件"),
            (done[1], ["guide"], "办事指南写得不清楚，不知道要准备什么")):
        rating_submit(number=application.number, score=2, reasons=reasons, comment=comment,
                      actor=application.applicant)
    first = Rectification.objects.filter(rating__application=done[0]).first()
    if first is not None:
        rectification_answer(
            rectification_id=first.pk, actor=staff.reviewers[first.department.code],
            called_at=clock.now(), called_person=done[0].applicant_name,
            call_summary="电话回访申请人，致歉并说明了办理进度",
            measures="身份证改由数据共享获取，不再要求复印件；窗口增加一名审核人员")
        rectification_second_verdict(rectification_id=first.pk, actor=done[0].applicant,
                                     score=4, comment="整改及时")
    second = Rectification.objects.filter(rating__application=done[1]).first()
    if second is not None:
        rectification_answer(
            rectification_id=second.pk, actor=staff.reviewers[second.department.code],
            called_at=clock.now(), called_person=done[1].applicant_name,
            call_summary="电话回访申请人，了解指南中不清楚的地方",
            measures="重写办事指南的材料说明，增加填写示例")


def _survey(done: list[Application], staff: Staff, rng: random.Random) -> None:
    survey = survey_create(title=SURVEY_TITLE, intro="占用您一分钟，帮助我们改进服务。",
                           questions=QUESTIONS, actor=staff.supervisor)
    days = [a.completed_at.astimezone(TZ).date() for a in done if a.completed_at]
    survey_send(survey_id=survey.pk, actor=staff.supervisor, size=8, completed_from=min(days),
                completed_until=max(days), seed="demo-2026")
    questions = list(survey.questions.all())
    for invitation in list(survey.invitations.order_by("id"))[:6]:
        answers = {}
        for question in questions:
            if question.kind == QuestionKind.SCALE:
                answers[str(question.pk)] = str(rng.choice((3, 4, 4, 5, 5)))
            elif question.kind == QuestionKind.CHOICE:
                answers[str(question.pk)] = rng.choice(question.choices[:2])
            else:
                answers[str(question.pk)] = rng.choice(REMARKS)
        survey_answer(token=invitation.token, answers=answers)
    evaluation_sample_draw(actor=staff.supervisor, title="第三方满意度评估（电话访谈）", size=5,
                           completed_from=min(days), completed_until=max(days),
                           seed="demo-evaluation")


def _suggestions(staff: Staff) -> None:
    for n, (title, body, name, reply) in enumerate(SUGGESTIONS):
        suggestion = suggestion_submit(region_code=DEMO_COUNTY, title=title, body=body,
                                       author_name=name)
        if n < 2:
            suggestion_moderate(suggestion_id=suggestion.pk, actor=staff.supervisor,
                                publish=True)
        if reply:
            suggestion_reply(suggestion_id=suggestion.pk, actor=staff.supervisor, reply=reply)


def _experience(population: Population, staff: Staff, rng: random.Random, file: File) -> None:
    """The first department lead files as an ordinary resident (she is one), then marks
    the application and reports."""
    lead = next(iter(staff.leads.values()))
    filler = FormFiller(population, rng)
    subject = subject_resolve(item_code=ITEMS[0])
    filer = filler.filer_for(fields=subject.fields, materials=subject.materials)
    if filer.kind != ApplicantKind.PERSON:
        return
    if not lead.id_number:
        lead.id_number = filer.person.id_number
        lead.save(update_fields=["id_number"])
    filer = type(filer)(kind=filer.kind, name=filer.name, id_number=lead.id_number,
                        person=filer.person)
    application = file(subject=subject, filler=filler, filer=filer, staff=staff).application
    experience = experience_mark(number=application.number, actor=lead)
    experience_report(experience_id=experience.pk, actor=lead, report=(
        "以普通群众身份在网上申报，全程未到现场。材料上传顺畅，数据共享自动带出了身份证信息；"
        "但“办事指南”中对照片规格的说明与上传页面的提示不一致，建议统一。"))


def demo_verdict_load(*, population: Population, staff: Staff, file: File,
                      approve: Approve) -> None:
    """Idempotent: once the demo survey exists, nothing is added."""
    if Survey.objects.filter(title=SURVEY_TITLE).exists():
        return
    rng = random.Random(SEED)
    done = [a for a in _completed(population, staff, rng, file, approve) if a.applicant_id]
    if len(done) >= 8 and not Rating.objects.filter(application__in=done).exists():
        _ratings(done, staff)
    if done:
        _survey(done, staff, rng)
    _suggestions(staff)
    _experience(population, staff, rng, file)
