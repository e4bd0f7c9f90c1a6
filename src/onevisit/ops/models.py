"""The scheduler's records: one row per run of a periodic job, and the lease that lets
only one scheduler enqueue at a time."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.ops.constants import JobRunStatus


class JobRun(models.Model):
    """A periodic job's run for one period (`due_at`, the period's start): at most one per
    job and period, whichever scheduler enqueued it, and kept after it ends so an operator
    sees what ran, what failed and why."""

    job = models.CharField(_("作业"), max_length=64)
    task = models.CharField(_("任务"), max_length=255, help_text="dotted path of the task run")
    due_at = models.DateTimeField(_("计划时间"))
    status = models.CharField(_("状态"), max_length=16, choices=JobRunStatus.choices,
                              default=JobRunStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    scheduler = models.CharField(_("调度进程"), max_length=64)
    enqueued_at = models.DateTimeField(_("排队时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True,
                             help_text="the exception and its message, then the traceback")

    class Meta:
        verbose_name = _("定时作业运行")
        verbose_name_plural = _("定时作业运行")
        ordering = ("-due_at", "job")
        constraints = [
            models.UniqueConstraint(fields=["job", "due_at"], name="ops_jobrun_once_per_period"),
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="ops_jobrun_status")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.due_at:%Y-%m-%d %H:%M:%S}"

    @property
    def error_summary(self) -> str:
        """The error's first line: the exception and its message, or why the run was lost."""
        return self.error.split("\n", 1)[0]


class SchedulerLease(models.Model):
    """Who schedules: the owner holds the lease until `expires_at` and renews it; another
    scheduler takes it only once it has expired (a conditional UPDATE, on SQLite and
    PostgreSQL alike)."""

    name = models.CharField(max_length=32, primary_key=True)
    owner = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.owner} until {self.expires_at:%H:%M:%S}"
