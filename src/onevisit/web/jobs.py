"""The periodic jobs' page (后台作业) for supervisors and administrators: what the
scheduler ran, when each job last succeeded, and every failure with its error."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.ops.selectors import scheduler_state


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "role", None) != Role.SUPERVISOR and not user.is_superuser:
        raise PermissionDenied(_("只有电子监察人员和管理员能查看后台作业"))
    return render(request, "web/jobs.html", {"state": scheduler_state(now=clock.now())})
