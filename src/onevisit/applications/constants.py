"""Application and case states, and the transitions the reform allows between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import SubjectKind


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口受理")


# An applicant is a person or a company: the subjects an account may act for.
ApplicantKind = SubjectKind


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    NEEDS_SUPPLEMENT = "needs_supplement", _("待补齐材料")
    ACCEPTED = "accepted", _("已受理")
    COMPLETED = "completed", _("已办结")
    REJECTED = "rejected", _("不予许可")


ALLOWED_APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    # Intake either finds everything (accept) or lists every gap in one notice.
    ApplicationStatus.SUBMITTED: {ApplicationStatus.ACCEPTED, ApplicationStatus.NEEDS_SUPPLEMENT},
    # A supplement is checked again: accepted, or a notice naming only what was re-supplied.
    ApplicationStatus.NEEDS_SUPPLEMENT: {
        ApplicationStatus.ACCEPTED, ApplicationStatus.NEEDS_SUPPLEMENT,
    },
    # Departments decide: all approve → completed; one refuses → rejected, unless its
    # stage's refusal ends only that stage and another stage's result is granted: then
    # completed, in part (docs/bundles.md).
    ApplicationStatus.ACCEPTED: {ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED},
    ApplicationStatus.COMPLETED: set(),
    ApplicationStatus.REJECTED: set(),
}


class CaseStatus(models.TextChoices):
    WAITING = "waiting", _("等待前置环节")
    PENDING = "pending", _("待审批")
    IN_REVIEW = "in_review", _("审批中")
    CORRECTION = "correction", _("待补正")
    # Its taxes or fees are computed and wait for the applicant to pay (docs/payments.md).
    AWAITING_PAYMENT = "awaiting_payment", _("待缴费")
    APPROVED = "approved", _("已准予")
    REJECTED = "rejected", _("不予许可")
    CANCELLED = "cancelled", _("已终止")


ALLOWED_CASE_TRANSITIONS: dict[str, set[str]] = {
    # A stage that depends on others starts when they are all approved.
    CaseStatus.WAITING: {CaseStatus.PENDING, CaseStatus.AWAITING_PAYMENT, CaseStatus.CANCELLED},
    # A reviewer claims a case from the department queue; a record stage (多证合一:
    # 信息共享直接登记) is approved by the system as it starts, its record made from the
    # one filing (`case_record`).
    CaseStatus.PENDING: {CaseStatus.IN_REVIEW, CaseStatus.APPROVED, CaseStatus.CANCELLED},
    # The reviewer decides, or asks for a correction (the clock pauses); a first
    # approval of a bad-credit applicant's case returns it to the queue for a second
    # reviewer's sign-off (复核, docs/credit.md).
    CaseStatus.IN_REVIEW: {
        CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.CORRECTION, CaseStatus.CANCELLED,
        CaseStatus.PENDING,
    },
    # The applicant supplies the correction: back to the queue, the clock resumes.
    CaseStatus.CORRECTION: {CaseStatus.PENDING, CaseStatus.CANCELLED},
    # The applicant pays (the clock paused meanwhile): to the queue, or, for an item that
    # completes on payment (a tax declaration), approved at once.
    CaseStatus.AWAITING_PAYMENT: {CaseStatus.PENDING, CaseStatus.APPROVED, CaseStatus.CANCELLED},
    CaseStatus.APPROVED: set(),
    CaseStatus.REJECTED: set(),
    CaseStatus.CANCELLED: set(),
}

# The case clock runs (and the department queue holds the case) only in these.
RUNNING_CASE_STATUSES = (CaseStatus.PENDING, CaseStatus.IN_REVIEW)

OPEN_CASE_STATUSES = (
    CaseStatus.WAITING, CaseStatus.PENDING, CaseStatus.IN_REVIEW, CaseStatus.CORRECTION,
    CaseStatus.AWAITING_PAYMENT,
)

# The case waits for the applicant: its clock is paused.
PAUSED_CASE_STATUSES = (CaseStatus.CORRECTION, CaseStatus.AWAITING_PAYMENT)


class MaterialStatus(models.TextChoices):
    FETCHED = "fetched", _("已共享获取")
    UPLOADED = "uploaded", _("已提交")
    TOLERATED = "tolerated", _("容缺后补")
    # Replaced by the applicant's written commitment (告知承诺制): nothing to supply.
    COMMITTED = "committed", _("告知承诺代替")
    MISSING = "missing", _("缺少")
    INVALID = "invalid", _("不符合要求")
    OPTIONAL = "optional", _("非必需")
    # The source holding it did not answer; retried in the background, or uploaded.
    AWAITING_SOURCE = "awaiting_source", _("等待部门数据")


PROBLEM_MATERIAL_STATUSES = (MaterialStatus.MISSING, MaterialStatus.INVALID)


class NoticeKind(models.TextChoices):
    INTAKE = "intake", _("受理一次性告知")
    CORRECTION = "correction", _("补正一次性告知")


class VisitPurpose(models.TextChoices):
    INTAKE = "intake", _("窗口受理")
    SUPPLEMENT = "supplement", _("补交材料")
    PICKUP = "pickup", _("窗口取件")
    OTHER = "other", _("其他")


class VisitCause(models.TextChoices):
    """Why the applicant came to the hall (跑次的原因), recorded by the clerk. A trip the
    applicant chose is not a broken promise; one the government caused is."""

    # Chosen by the applicant: the matter could have been done without this trip.
    WALK_IN = "walk_in", _("申请人自愿到窗口办理（本可网上办理）")
    PREFERS_WINDOW = "prefers_window", _("申请人选择到窗口当面办理或领取")
    # Caused by the government: counted against the item's promise.
    REQUIRED = "required", _("事项规定须本人到场")
    MISSING_NOTICE = "missing_notice", _("此前未一次性告知所需材料")
    SYSTEM_DOWN = "system_down", _("系统故障，无法网上办理或送达")
    SECOND_TRIP_DEMANDED = "second_trip_demanded", _("部门要求再次到场")
    # Trips recorded before causes were, or by a caller that named none.
    UNRECORDED = "unrecorded", _("未记录原因")


# The causes of trips the applicant chose; every other cause counts against the promise.
CITIZEN_CHOSEN_VISIT_CAUSES = frozenset({VisitCause.WALK_IN, VisitCause.PREFERS_WINDOW})
# What a clerk may choose at the window (UNRECORDED is for old rows only).
CLERK_VISIT_CAUSES = tuple(c for c in VisitCause if c != VisitCause.UNRECORDED)


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("窗口领取")
    COURIER = "courier", _("快递送达")
    DOWNLOAD = "download", _("网上下载")
