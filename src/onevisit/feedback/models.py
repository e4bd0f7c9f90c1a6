"""好差评: the applicant's rating of a finished application."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.applications.models import Application


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
