"""The supervisors' alert inbox (电子监察): alerts with their evidence, acknowledge,
督办 and close; the supervisor's view of an application; and the department's side of
督办 on the workbench. Every write goes through the supervision services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onevisit import clock
from onevisit.accounts.models import Department, Role
from onevisit.accounts.regions import scope_of, within
from onevisit.accounts.selectors import regions_below
from onevisit.applications.selectors import applications_visible_to
from onevisit.metrics.evidence import application_evidence
from onevisit.supervision.constants import (
    FOLLOW_UP_DAYS_DEFAULT,
    FOLLOW_UP_DAYS_MAX,
    AlertStatus,
)
from onevisit.supervision.models import AlertKind
from onevisit.supervision.selectors import (
    AGE_DAYS,
    PAGE,
    InboxFilter,
    alert_close_reason,
    alert_evidence_rows,
    alert_get,
    alert_status_counts,
    alerts_inbox,
    follow_ups_for_department,
    follow_ups_of_alert,
    rules_overview,
)
from onevisit.supervision.services import (
    alert_acknowledge,
    alert_close,
    follow_up_answer,
    follow_up_order_send,
)
from onevisit.web.outcomes import action_report


def _supervisor(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.SUPERVISOR and not user.is_superuser:
        raise PermissionDenied(_("只有电子监察人员能处理预警"))
    return user


def _inbox_filter(request: HttpRequest) -> InboxFilter:
    """The filters from the query string; a value the form does not offer is ignored."""
    get = request.GET
    status = get.get("status", AlertStatus.OPEN)
    age = get.get("age", "")
    return InboxFilter(
        status=status if status in AlertStatus.values else "",
        kind=k if (k := get.get("kind", "")) in AlertKind.values else "",
        department=d if _departments(request).filter(code=(d := get.get("department", "")))
        .exists() else "",
        older_than_days=int(age) if age.isdigit() and int(age) in AGE_DAYS else 0,
        mine=get.get("mine") == "1",
        region=r if (r := get.get("region", "")) and any(
            region.code == r for region in regions_below(scope_of(request.user))) else "",
    )


def _departments(request: HttpRequest) -> QuerySet[Department]:
    """The departments of the supervisor's region."""
    return Department.objects.filter(within("region", scope_of(request.user))).order_by("code")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    supervisor = _supervisor(request)
    where = _inbox_filter(request)
    before = request.GET.get("before", "")
    alerts = list(alerts_inbox(actor=supervisor, now=clock.now(), where=where,
                               before_id=int(before) if before.isdigit() else None)[:PAGE + 1])
    query = request.GET.copy()
    query.pop("before", None)
    return render(request, "web/supervision/inbox.html", {
        "alerts": alerts[:PAGE], "where": where,
        "counts": alert_status_counts(actor=supervisor, region=where.region),
        "statuses": AlertStatus.choices, "kinds": AlertKind.choices, "ages": AGE_DAYS,
        "departments": _departments(request),
        "regions": regions_below(scope_of(supervisor)),
        "next_before": alerts[PAGE - 1].pk if len(alerts) > PAGE else None,
        "query": query.urlencode(),
    })


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    supervisor = _supervisor(request)
    alert = alert_get(alert_id=alert_id, actor=supervisor)
    if alert is None:
        raise Http404(_("预警不存在"))
    follow_ups = follow_ups_of_alert(alert=alert)
    evidence = application_evidence(number=alert.application_number, alert=alert)
    return render(request, "web/supervision/alert.html", {
        "alert": alert, "evidence": evidence, "follow_ups": follow_ups,
        "evidence_rows": alert_evidence_rows(alert=alert),
        "close_reason": alert_close_reason(alert),
        "open_follow_up": any(f.status == "open" for f in follow_ups),
        "departments": evidence.departments or _departments(request),
        "days_default": FOLLOW_UP_DAYS_DEFAULT, "days_max": FOLLOW_UP_DAYS_MAX,
    })


def _days(value: str) -> int:
    return int(value) if value.strip().isdigit() else 0


@require_POST
@login_required
def alert_action(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    supervisor = _supervisor(request)
    post = request.POST
    if action == "acknowledge":
        action_report(request, lambda: alert_acknowledge(alert_id=alert_id, actor=supervisor),
                      _("已确认预警"))
    elif action == "follow-up":
        action_report(request, lambda: follow_up_order_send(
            alert_id=alert_id, actor=supervisor, department_code=post.get("department", ""),
            question=post.get("question", ""), days=_days(post.get("days", ""))),
            _("已发出督办"))
    elif action == "close":
        action_report(request, lambda: alert_close(
            alert_id=alert_id, actor=supervisor, reason=post.get("reason", "")), _("已关闭预警"))
    else:
        raise Http404(_("未知的操作"))
    return redirect("web:alert", alert_id=alert_id)


@login_required
def application_view(request: HttpRequest, number: str) -> HttpResponse:
    """An application as supervision sees it: its cases, trips, rating, tickets, alerts
    and history. No ID numbers, so no personal-data read to log."""
    supervisor = _supervisor(request)
    if not applications_visible_to(user=supervisor).filter(number=number).exists():
        raise Http404(_("办件 %(number)s 不存在") % {"number": number})
    evidence = application_evidence(number=number)
    if evidence.application is None:
        raise Http404(_("办件 %(number)s 不存在") % {"number": number})
    alerts = alerts_inbox(actor=request.user, now=clock.now(), where=InboxFilter()).filter(
        application_number=number)
    return render(request, "web/supervision/application.html",
                  {"evidence": evidence, "alerts": alerts})


def _department_staff(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.REVIEWER or user.department_id is None:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有部门人员能答复督办"))
    return user


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """The department's 督办 list: what supervision asked, by when, and the answers."""
    staff = _department_staff(request)
    return render(request, "web/workbench/follow_ups.html", {
        "department": staff.department,
        "orders": list(follow_ups_for_department(department_id=staff.department_id)[:200]),
        "now": clock.now(),
    })


@require_POST
@login_required
def follow_up_answer_view(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    staff = _department_staff(request)
    action_report(request, lambda: follow_up_answer(
        follow_up_id=follow_up_id, actor=staff, answer=request.POST.get("answer", "")),
        _("已答复督办"))
    return redirect("web:follow_ups")


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The rules of electronic supervision as they are set (administrators change them in
    the admin site's 监察规则)."""
    _supervisor(request)
    return render(request, "web/supervision/rules.html", {"rules": rules_overview()})
