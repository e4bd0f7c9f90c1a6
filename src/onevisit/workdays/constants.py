"""The units a time limit (承诺时限 / 法定时限) is counted in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    # Minutes of working time: inside the working hours of working days.
    MINUTES = "minutes", _("分钟")
