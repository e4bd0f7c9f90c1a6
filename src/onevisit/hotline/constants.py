"""The 12345 hotline's vocabulary: ticket types and channels, the ticket's states and the
transitions between them, and the default limits."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class TicketType(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    HELP = "help", _("求助")
    PRAISE = "praise", _("表扬")


class TicketChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    WEB = "web", _("网站")
    MOBILE = "mobile", _("移动端")
    EMAIL = "email", _("电子邮件")


class TicketStatus(models.TextChoices):
    NEW = "new", _("待派单")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("办理中")
    RETURNED = "returned", _("已退单")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已并单")


# Every allowed (from, to) pair and the rule it serves. Anything else is refused.
ALLOWED_TRANSITIONS: dict[tuple[str, str], str] = {
    # 直接办结: the agent answers on the call from the knowledge base.
    (TicketStatus.NEW, TicketStatus.CLOSED): "closed in one contact",
    # 派单: the dispatcher confirms the lead department (and co-handlers).
    (TicketStatus.NEW, TicketStatus.DISPATCHED): "dispatched",
    (TicketStatus.RETURNED, TicketStatus.DISPATCHED): "re-dispatched after a return",
    # 签收 or 退单 by the lead department.
    (TicketStatus.DISPATCHED, TicketStatus.ACCEPTED): "accepted by the department",
    (TicketStatus.DISPATCHED, TicketStatus.RETURNED): "returned to the dispatcher",
    (TicketStatus.ACCEPTED, TicketStatus.RETURNED): "returned after accepting",
    # 答复, then the centre closes it and the reply goes to the caller.
    (TicketStatus.ACCEPTED, TicketStatus.REPLIED): "replied",
    (TicketStatus.REPLIED, TicketStatus.CLOSED): "closed, reply sent",
    # 重办: an unsatisfied caller at the follow-up sends it back to the department.
    (TicketStatus.CLOSED, TicketStatus.DISPATCHED): "reopened",
    # 并单: many callers, one matter — answered through the master ticket.
    (TicketStatus.NEW, TicketStatus.MERGED): "merged",
    (TicketStatus.DISPATCHED, TicketStatus.MERGED): "merged",
    (TicketStatus.ACCEPTED, TicketStatus.MERGED): "merged",
    (TicketStatus.RETURNED, TicketStatus.MERGED): "merged",
    # 拆单: a wrong merge split off again, back to the dispatcher.
    (TicketStatus.MERGED, TicketStatus.NEW): "split from its master",
}

OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.DISPATCHED, TicketStatus.ACCEPTED,
                 TicketStatus.RETURNED, TicketStatus.REPLIED)

# Working days to close a ticket, by type (configurable per instance: TicketTypeRule).
DEFAULT_LIMIT_DAYS: dict[str, int] = {
    TicketType.CONSULTATION: 1,
    TicketType.HELP: 3,
    TicketType.COMPLAINT: 5,
    TicketType.SUGGESTION: 10,
    TicketType.PRAISE: 5,
    TicketType.REPORT: 15,
}


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不批准")


class KnowledgeKind(models.TextChoices):
    FAQ = "faq", _("常见问题")
    ANSWER = "answer", _("历史答复")


class DispatchMethod(models.TextChoices):
    MODEL = "model", _("模型")
    RULES = "rules", _("关键词规则")


# The notes the system writes in a ticket's history, by action, made of the event's data.
EVENT_NOTES: dict[str, Promise] = {
    "merged_in": _("并入工单 %(number)s"),
    "repeat_escalated": _("同一来电人再次反映：%(number)s"),
    "split_off": _("拆出工单 %(number)s：%(note)s"),
    "extension_requested": _("申请延期 %(days)d 个工作日：%(reason)s"),
    "escalated": _("重办次数已达上限（%(reopens)d 次），转督办"),
    "answered_with_master": _("主工单 %(number)s"),
}

# What each history entry says, by its action.
EVENT_ACTIONS: dict[str, Promise] = {
    "created": _("登记"),
    "answered_on_call": _("直接办结"),
    "merged": _("并单"),
    "merged_in": _("并入来电"),
    "linked_as_repeat": _("重复来电，关联首次工单"),
    "repeat_escalated": _("重复反映，督办"),
    "split": _("拆单"),
    "split_off": _("拆出来电"),
    "dispatched": _("派单"),
    "accepted": _("签收"),
    "returned": _("退单"),
    "extension_requested": _("申请延期"),
    "extension_approved": _("批准延期"),
    "extension_refused": _("不批准延期"),
    "replied": _("答复"),
    "co_opinion": _("协办意见"),
    "closed": _("办结"),
    "answered_with_master": _("随主工单答复"),
    "reply_sent": _("答复已发送来电人"),
    "followed_up": _("回访"),
    "reopened": _("重办"),
    "escalated": _("转督办"),
    "open311_received": _("经 Open311 提交"),
}
