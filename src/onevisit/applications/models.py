"""Applications (办件), their materials, one-time notices, visits and department cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department, Region
from onevisit.applications.constants import (
    CITIZEN_CHOSEN_VISIT_CAUSES,
    RUNNING_CASE_STATUSES,
    ApplicantKind,
    ApplicationStatus,
    CaseStatus,
    Channel,
    DeliveryMethod,
    MaterialStatus,
    NoticeKind,
    VisitCause,
    VisitPurpose,
)
from onevisit.catalogue.constants import LimitUnit
from onevisit.catalogue.models import ServiceItem
from onevisit.credit.constants import SECOND_REVIEW_TIERS
from onevisit.lifeevents.models import LifeEvent


class Application(models.Model):
    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    item = models.ForeignKey(
        ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    life_event = models.ForeignKey(
        LifeEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    title = models.CharField(max_length=255)
    # The region that handles it (its item's or life event's region), and the region of
    # the window that accepted it when that is another one (收受分离 / 跨域通办).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("办理地"))
    intake_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("受理地"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant_kind = models.CharField(max_length=16, choices=ApplicantKind.choices)
    applicant_name = models.CharField(max_length=128)
    applicant_id_number = models.CharField(_("证件号码"), max_length=32, db_index=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=32, choices=ApplicationStatus.choices)
    data = models.JSONField(default=dict)
    stages = models.JSONField(
        default=list,
        help_text=_("the stages as filed: key, item version (pk) and the stages it depends on"),
    )
    promised_visits = models.PositiveSmallIntegerField()
    committed_limit = models.PositiveIntegerField()
    limit_unit = models.CharField(max_length=16, choices=LimitUnit.choices)
    submitted_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    receipt_number = models.CharField(max_length=32, null=True, blank=True, unique=True)
    # 查询码: printed on the receipt; with the receipt number anyone holding the receipt can
    # look up the progress (办件进度查询) without signing in.
    query_code = models.CharField(_("查询码"), max_length=8, blank=True)
    delivery_method = models.CharField(max_length=16, choices=DeliveryMethod.choices)
    delivery_contact = models.JSONField(default=dict, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The applicant's consent to fetch the evidence the government holds about her
    # (online: given on the form; at a window: recorded by the clerk). Without it nothing
    # is fetched and those materials are asked for as uploads.
    consent_at = models.DateTimeField(_("同意共享获取时间"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The applicant's credit tier when filed (docs/credit.md): what intake offered her
    # (容缺, 告知承诺) and whether her cases need a second reviewer (复核).
    credit_tier = models.CharField(_("受理时信用等级"), max_length=1, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=True) ^ models.Q(life_event__isnull=True),
                name="application_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def second_review_required(self) -> bool:
        """Filed in a bad credit tier (C, D): each approval needs a second reviewer (复核)."""
        return self.credit_tier in SECOND_REVIEW_TIERS

    @property
    def accepted_elsewhere(self) -> bool:
        """Accepted at a window of another region than the one handling it (跨域通办)."""
        return self.intake_region_id is not None and self.intake_region_id != self.region_id


class ApplicationStatusChange(models.Model):
    """Append-only history of an application's status."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(max_length=32, choices=ApplicationStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.status}"


class ApplicationMaterial(models.Model):
    """One line of the application's merged material list and where it stands."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="materials"
    )
    # upload:ITEM_CODE:MATERIAL_CODE or evidence:TYPE: an implementation code in the
    # national pattern is up to 64 characters, a material's code as many.
    key = models.CharField(max_length=160)
    name = models.CharField(max_length=255)
    evidence_type = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=MaterialStatus.choices)
    problem = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=64, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    file = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    tolerated_missing = models.BooleanField(default=False)
    # A material accepted under 容缺: by when it must be supplied (set at acceptance).
    due_at = models.DateTimeField(null=True, blank=True)
    supplied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "key"], name="material_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"


class Case(models.Model):
    """One item of an application, owned by one department (部门办件)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cases")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases")
    stage_key = models.CharField(max_length=64)
    depends_on = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=CaseStatus.choices)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    warn_at = models.DateTimeField(
        null=True, blank=True,
        help_text=_("when 80% of the allowed time is used: the yellow alert (黄牌)"),
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining = models.PositiveIntegerField(
        null=True, blank=True,
        help_text=_("time left when the clock was paused: working days or minutes"),
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True)
    decision_legal_basis = models.TextField(blank=True)
    # The taxes and fees of the case as computed when it was accepted (catalogue.charges:
    # each line's charge, base, rate, amount and legal basis), their sum, and when the
    # applicant paid them (docs/payments.md).
    charges = models.JSONField(default=list, blank=True)
    charges_yuan = models.DecimalField(_("应缴金额（元）"), max_digits=14, decimal_places=2,
                                       default=0)
    paid_at = models.DateTimeField(_("缴款时间"), null=True, blank=True)
    # The unified social credit code this case's approval gave the company it registered
    # (一照一码): the licence issued later carries it, and so does every record and
    # permit of the same application.
    credit_code = models.CharField(_("登记赋予的统一社会信用代码"), max_length=18, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "stage_key"], name="case_stage_once"),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_at"]),
            models.Index(fields=["status", "warn_at"]),
            # The department queue (待办), soonest deadline first, read a page at a time;
            # with warn_at, its red/yellow counts come from the index alone (PostgreSQL).
            models.Index(fields=["department", "due_at", "id"], include=["warn_at"],
                         condition=models.Q(status__in=RUNNING_CASE_STATUSES),
                         name="case_running_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.stage_key}"


class RegistrationRecord(models.Model):
    """A department's record of one registration the business licence stands for (多证
    合一、一照一码): made by the system from the one filing when its record stage starts,
    keyed on the licence's credit code. It is the department's register entry, not a
    result: nothing is sealed or delivered for it."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT,
                                related_name="registration_record")
    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="registration_records")
    department = models.ForeignKey(Department, on_delete=models.PROTECT,
                                   related_name="registration_records")
    name = models.CharField(_("登记事项"), max_length=128)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    company_name = models.CharField(_("企业名称"), max_length=255)
    # The fields of the filing the department's item asks for, as filed.
    data = models.JSONField(default=dict)
    legal_basis = models.TextField(blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["department", "-recorded_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.credit_code}: {self.name}"


class CaseStatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=16, choices=CaseStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.status}"


class OneTimeNotice(models.Model):
    """一次性告知书: every missing or invalid material, named at once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notices")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    number = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entries = models.JSONField(default=list)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return self.number


class Visit(models.Model):
    """One in-person trip by the applicant (跑次): things done in one trip count once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="visits")
    occurred_at = models.DateTimeField()
    purposes = models.JSONField(default=list)
    cause = models.CharField(max_length=32, choices=VisitCause.choices,
                             default=VisitCause.UNRECORDED)
    cause_note = models.CharField(max_length=500, blank=True)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where the applicant went: the region of the window that received her.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.occurred_at:%Y-%m-%d} {','.join(self.purposes)}"

    @property
    def purpose_labels(self) -> list[str]:
        """What was done in the trip, in words (the recorded codes where there are none)."""
        return [str(VisitPurpose(p).label) if p in VisitPurpose.values else str(p)
                for p in self.purposes]

    @property
    def citizen_chose(self) -> bool:
        """A trip the applicant chose: not counted against the promise."""
        return self.cause in CITIZEN_CHOSEN_VISIT_CAUSES


class ApplicationDraft(models.Model):
    """An online application being filled in (草稿): saved as it is typed, uploads kept,
    nothing checked but the files; it becomes an `Application` when submitted."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    item_code = models.CharField(max_length=64, blank=True)
    life_event_code = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=255)
    applicant = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    delivery = models.JSONField(default=dict, blank=True)
    uploads = models.JSONField(
        default=dict, blank=True,
        help_text=_("material key → stored file: path, content type, size, sha256, file name"),
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.title}"


class IntakePrefill(models.Model):
    """What the registries returned for one window intake (a clerk, a subject, an
    applicant): read once, shown on every load of the intake form until the application
    is filed or the intake goes stale."""

    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=80)
    applicant_digest = models.CharField(max_length=64)
    held = models.JSONField(default=list)
    prefill = models.JSONField(default=dict)
    name = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=255, blank=True)
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clerk", "subject", "applicant_digest"],
                                    name="intake_prefill_once_per_intake"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.read_at:%Y-%m-%d %H:%M}"
