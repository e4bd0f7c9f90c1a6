"""The periodic jobs' page (后台作业) for supervisors and administrators: what the
scheduler ran, when each job last succeeded, and every failure with its error."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.ops.selectors import scheduler_state

# What each periodic job does, in words (settings.SCHEDULE names them).
JOB_LABELS = {
    "deadline_scan": gettext_lazy("办理时限预警（黄牌、红牌）"),
    "rollups": gettext_lazy("改革指标汇总"),
    "appointments_missed": gettext_lazy("预约未到标记"),
    "dispatch_learn": gettext_lazy("12345 派单模型学习"),
    "archive_pending": gettext_lazy("办结件归档"),
    "crl_publish": gettext_lazy("证书吊销列表发布"),
    "files_sweep": gettext_lazy("未提交文件清理"),
    "audit_checkpoint": gettext_lazy("审计日志检查点"),
    "audit_verify": gettext_lazy("审计日志校验"),
    "archive_verify": gettext_lazy("归档包固定性检查"),
    "runs_prune": gettext_lazy("清理过期运行记录"),
    "tolerated_overdue": gettext_lazy("容缺材料逾期预警"),
    "tolerated_reminders": gettext_lazy("容缺材料补交提醒"),
    "follow_ups_due": gettext_lazy("督办逾期检查"),
    "supervision_rules": gettext_lazy("电子监察规则扫描（暂停超时、无人办理、无办件查阅）"),
    "notifications_retry": gettext_lazy("通知重发"),
    "inspection_targets": gettext_lazy("双随机检查对象名录更新"),
    "inspection_rectifications": gettext_lazy("抽查整改逾期检查"),
    "rectifications_due": gettext_lazy("差评整改逾期检查"),
    "paygate_notify": gettext_lazy("支付平台到账通知投递"),
    "payments_query": gettext_lazy("未收到通知的缴费订单查询"),
    "refunds_retry": gettext_lazy("未确认退款重试"),
    "reconcile": gettext_lazy("缴费对账"),
}


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "role", None) != Role.SUPERVISOR and not user.is_superuser:
        raise PermissionDenied(_("只有电子监察人员和管理员能查看后台作业"))
    state = scheduler_state(now=clock.now())
    return render(request, "web/jobs.html", {
        "state": state,
        "rows": [(JOB_LABELS.get(row.job.name, row.job.name), row) for row in state.jobs],
        "failures": [(JOB_LABELS.get(run.job, run.job), run) for run in state.failures],
    })
