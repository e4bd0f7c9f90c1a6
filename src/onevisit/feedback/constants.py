"""The states of the citizens' verdict (整改, surveys, suggestions) and their allowed
transitions, one table each (STYLE.md §3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待回访整改")
    ANSWERED = "answered", _("已回访整改，待群众复评")
    SATISFIED = "satisfied", _("群众复评满意")
    UNSATISFIED = "unsatisfied", _("群众复评仍不满意")


ALLOWED_RECTIFICATION_TRANSITIONS: dict[str, set[str]] = {
    # The department calls the citizen back and records what it changed (once).
    RectificationStatus.OPEN: {RectificationStatus.ANSWERED},
    # The citizen gives a second verdict on the rectification (once); either is final.
    RectificationStatus.ANSWERED: {RectificationStatus.SATISFIED,
                                   RectificationStatus.UNSATISFIED},
    RectificationStatus.SATISFIED: set(),
    RectificationStatus.UNSATISFIED: set(),
}
# Counted as rectified (整改完成) in the published rates.
RECTIFIED_STATUSES = (RectificationStatus.ANSWERED, RectificationStatus.SATISFIED,
                      RectificationStatus.UNSATISFIED)

# Working days a department has to call back and rectify after a bad rating.
RECTIFICATION_DAYS = 5


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("单选")
    SCALE = "scale", _("评分（1至5分）")
    TEXT = "text", _("文字")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已发放")


ALLOWED_SURVEY_TRANSITIONS: dict[str, set[str]] = {
    # A survey is built as a draft, then sampled and sent once; its questions are fixed
    # from then on (the answers refer to them).
    SurveyStatus.DRAFT: {SurveyStatus.SENT},
    SurveyStatus.SENT: set(),
}
SURVEY_QUESTIONS_MAX = 20
SURVEY_CHOICES_MAX = 10
SAMPLE_MAX = 2000


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已公开")
    REJECTED = "rejected", _("不予公开")


ALLOWED_SUGGESTION_TRANSITIONS: dict[str, set[str]] = {
    # A supervisor moderates each suggestion once: publish it or reject it with a reason.
    SuggestionStatus.PENDING: {SuggestionStatus.PUBLISHED, SuggestionStatus.REJECTED},
    # A published suggestion may receive the public reply; it is not taken down again.
    SuggestionStatus.PUBLISHED: set(),
    SuggestionStatus.REJECTED: set(),
}
