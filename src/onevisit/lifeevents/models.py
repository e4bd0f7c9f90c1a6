"""一件事: a bundle of items across departments, worked in stages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Region
from onevisit.catalogue.constants import LimitUnit


class StageMode(models.TextChoices):
    REVIEW = "review", _("部门审批")
    RECORD = "record", _("信息共享直接登记")


class RefusalScope(models.TextChoices):
    """What a department's refusal of one stage ends (docs/bundles.md)."""

    # All or nothing: the application is refused and every other open case ends (二手房:
    # a sale whose tax is refused cannot be registered).
    APPLICATION = "application", _("整件不予办理")
    # Only this stage and the stages depending on it: the others go on and what they
    # grant is issued (证照联办: a refused sector permit leaves the business licence).
    STAGE = "stage", _("仅本环节不予办理")


class LifeEvent(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(_("一件事名称"), max_length=128)
    description = models.TextField(blank=True)
    topic = models.CharField(max_length=64, blank=True)
    keywords = models.CharField(max_length=255, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="life_events")
    committed_limit = models.PositiveIntegerField(_("承诺时限"))
    limit_unit = models.CharField(max_length=16, choices=LimitUnit.choices)
    promised_visits = models.PositiveSmallIntegerField(_("承诺跑动次数"))
    published = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LifeEventStage(models.Model):
    """One item of a life event. Stages run in parallel unless `depends_on` names others."""

    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="stages")
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=128)
    item_code = models.CharField(max_length=64)
    depends_on = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # How the stage's department works it: a review, or a record it makes from the one
    # filing without a review (多证合一: the registrations the licence stands for).
    mode = models.CharField(_("办理方式"), max_length=8, choices=StageMode.choices,
                            default=StageMode.REVIEW)
    # Form conditions under which the stage is not needed and is skipped at acceptance
    # (a project inside an area with a regional assessment: 区域环评), same shape as a
    # charge rule's conditions (catalogue.charges); empty: always needed.
    skip_when = models.JSONField(_("免于办理的条件"), default=dict, blank=True)
    refusal_scope = models.CharField(_("不予许可的影响范围"), max_length=16,
                                     choices=RefusalScope.choices,
                                     default=RefusalScope.APPLICATION)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["life_event", "key"], name="stage_key_unique"),
            models.UniqueConstraint(fields=["life_event", "item_code"], name="stage_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.life_event_id}:{self.key}"
