"""Decision kinds and the periods a refusal decision states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RefusalKind(models.TextChoices):
    """What a refusal decides, and so the title of its written decision."""

    # The application is examined and the licence refused (行政许可法 第三十八条).
    NOT_PERMITTED = "not_permitted", _("不予许可")
    # The application is not one the department may take up (行政许可法 第三十二条).
    NOT_ACCEPTED = "not_accepted", _("不予受理")


DECISION_TITLES = {
    RefusalKind.NOT_PERMITTED: _("不予许可决定书"),
    RefusalKind.NOT_ACCEPTED: _("不予受理决定书"),
}

# 行政复议法 第二十条: within sixty days of knowing of the decision.
REVIEW_DAYS = 60
# 行政诉讼法 第四十六条: within six months of knowing of the decision.
LITIGATION_MONTHS = 6
