"""The citizens' verdict: 好差评 and the rectification (整改) a bad rating opens, surveys
(调查评估), the suggestions column (改革建言), third-party evaluation (第三方评估) and
officials' experience of filing (体验办事)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department, Region
from onevisit.applications.models import Application
from onevisit.feedback.constants import (
    QuestionKind,
    RectificationStatus,
    SuggestionStatus,
    SurveyStatus,
)


class Score(models.IntegerChoices):
    """The five grades of the national 好差评 system."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    FAIRLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# A rating at or below this grade is bad (差评): it needs reasons and opens a follow-up.
BAD_SCORE_MAX = Score.DISSATISFIED


class Reason(models.TextChoices):
    SLOW = "slow", _("办理时间长")
    VISITS = "visits", _("跑了不止一次")
    MATERIALS = "materials", _("材料要求多或重复提交")
    GUIDE = "guide", _("办事指南不清楚")
    ONLINE = "online", _("网上办理不好用")
    ATTITUDE = "attitude", _("服务态度不好")
    RESULT = "result", _("对办理结果不满意")
    OTHER = "other", _("其他")


class Rating(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(_("评价"), choices=Score.choices)
    reasons = models.JSONField(_("差评原因"), default=list, blank=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField()
    # Who served: the departments of the application's cases, and the hall window that
    # accepted it ("" : filed online), as they were when it was rated.
    departments = models.ManyToManyField(Department, blank=True, related_name="+")
    window = models.CharField(_("受理窗口"), max_length=160, blank=True, default="")

    class Meta:
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                   name="rating_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.score}"

    @property
    def bad(self) -> bool:
        return self.score <= BAD_SCORE_MAX

    def reason_labels(self) -> list[str]:
        labels = dict(Reason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]


class Rectification(models.Model):
    """整改: the work a bad rating opens for one department of the application. The
    department calls the citizen back (回访) and records what was said and what it changed,
    by a deadline in working days; the citizen then gives a second verdict."""

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="rectifications")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=RectificationStatus.choices,
                              default=RectificationStatus.OPEN)
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField()
    due_provisional = models.BooleanField(default=False)
    # Set once by the scan when the deadline passed unanswered (an alert was raised).
    overdue_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    called_person = models.CharField(_("回访对象"), max_length=64, blank=True)
    call_summary = models.TextField(_("回访情况"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    second_score = models.PositiveSmallIntegerField(_("复评"), null=True, blank=True,
                                                    choices=Score.choices)
    second_comment = models.CharField(_("复评意见"), max_length=500, blank=True)
    second_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["department", "status"]),
                   models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(fields=["rating", "department"],
                                    name="one_rectification_per_department"),
        ]

    def __str__(self) -> str:
        return f"整改 {self.pk} → {self.department_id}"

    @property
    def subject(self) -> str:
        """What its overdue alert names (the alert is about this rectification)."""
        return f"rectification:{self.pk}"


class Survey(models.Model):
    """调查评估: a short questionnaire sent to a reproducible random sample of completed
    applications of a region."""

    title = models.CharField(_("标题"), max_length=120)
    intro = models.TextField(_("说明"), blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=SurveyStatus.choices,
                              default=SurveyStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    # The sample: completed in [completed_from, completed_until], `size` drawn with `seed`.
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    completed_from = models.DateField(null=True, blank=True)
    completed_until = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=QuestionKind.choices)
    text = models.CharField(_("问题"), max_length=200)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"],
                                               name="survey_question_position")]

    def __str__(self) -> str:
        return self.text


class SurveyInvitation(models.Model):
    """One sampled application's invitation: the link carries `token` (no sign-in)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "application"],
                                               name="one_invitation_per_application")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.application_id}"


class SurveyAnswer(models.Model):
    invitation = models.ForeignKey(SurveyInvitation, on_delete=models.CASCADE,
                                   related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    choice = models.CharField(max_length=100, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invitation", "question"],
                                               name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.invitation_id} {self.question_id}"


class Suggestion(models.Model):
    """改革建言: anyone's suggestion, public once a supervisor publishes it, with the
    government's public reply. The contact is never shown; the name only masked."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("建议内容"))
    author_name = models.CharField(_("署名"), max_length=64, blank=True)
    contact = models.CharField(_("联系方式"), max_length=64, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=SuggestionStatus.choices,
                              default=SuggestionStatus.PENDING)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(_("不予公开理由"), max_length=500, blank=True)
    reply = models.TextField(_("答复"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return self.title


class EvaluationSample(models.Model):
    """第三方评估: a reproducible random sample of completed applications handed to an
    outside evaluator for phone interviews; its results come back as a file."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=120)
    seed = models.CharField(_("随机种子"), max_length=64)
    size = models.PositiveIntegerField()
    completed_from = models.DateField()
    completed_until = models.DateField()
    # The drawn application numbers, in the order drawn.
    numbers = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class EvaluationExport(models.Model):
    """Each export of a sample with the phone numbers: who, when, for what purpose."""

    sample = models.ForeignKey(EvaluationSample, on_delete=models.PROTECT,
                               related_name="exports")
    purpose = models.CharField(_("用途"), max_length=200)
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    exported_at = models.DateTimeField()
    rows = models.PositiveIntegerField()

    class Meta:
        ordering = ["-exported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.exported_at}"


class EvaluationResult(models.Model):
    """One interview of the evaluator's results file."""

    sample = models.ForeignKey(EvaluationSample, on_delete=models.CASCADE,
                               related_name="results")
    application_number = models.CharField(max_length=32)
    reached = models.BooleanField(_("已接通"))
    score = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True,
                                             choices=Score.choices)
    visits = models.PositiveSmallIntegerField(_("自述跑动次数"), null=True, blank=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    interviewed_on = models.DateField(_("访谈日期"), null=True, blank=True)

    class Meta:
        ordering = ["sample", "id"]
        constraints = [models.UniqueConstraint(fields=["sample", "application_number"],
                                               name="one_result_per_sampled_application")]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.application_number}"


class Experience(models.Model):
    """体验办事: an official filed this application as an ordinary citizen (with her own
    identity, through the ordinary channels). The handling departments are not told;
    her report goes to the supervisors' inbox."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT,
                                       related_name="+")
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    marked_at = models.DateTimeField()
    report = models.TextField(_("体验报告"), blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-marked_at", "-id"]

    def __str__(self) -> str:
        return f"体验 {self.application_id}"

    @property
    def subject(self) -> str:
        return f"experience:{self.pk}"
