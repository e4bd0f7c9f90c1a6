"""The states of an alert and of a follow-up order (督办), and their allowed transitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    CLOSED = "closed", _("已关闭")


ALLOWED_ALERT_TRANSITIONS: dict[str, set[str]] = {
    # A supervisor takes the alert in hand, or closes it at once (with a reason); the
    # alert's own rule also closes it when its cause ends (the case was decided).
    AlertStatus.OPEN: {AlertStatus.ACKNOWLEDGED, AlertStatus.CLOSED},
    AlertStatus.ACKNOWLEDGED: {AlertStatus.CLOSED},
    # Closed is final: a new fact raises a new alert.
    AlertStatus.CLOSED: set(),
}


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")


ALLOWED_FOLLOW_UP_TRANSITIONS: dict[str, set[str]] = {
    # The department answers once; a late answer is still an answer (its lateness stays
    # on the order as its escalation).
    FollowUpStatus.OPEN: {FollowUpStatus.ANSWERED},
    FollowUpStatus.ANSWERED: set(),
}

# Working days a department has to answer a 督办 unless the supervisor sets another limit.
FOLLOW_UP_DAYS_DEFAULT = 3
FOLLOW_UP_DAYS_MAX = 30
