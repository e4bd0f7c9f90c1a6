"""12345 tickets (工单), their handling by departments, the knowledge base and the data
the hotline learns from (dispatch models) and matches against (duplicate bands)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department, Region
from onevisit.applications.models import Application
from onevisit.feedback.models import Score
from onevisit.hotline.constants import (
    AssignmentRole,
    DispatchMethod,
    ExtensionStatus,
    KnowledgeKind,
    TicketChannel,
    TicketStatus,
    TicketType,
)


class Ticket(models.Model):
    number = models.CharField(max_length=32, unique=True)
    type = models.CharField(_("类型"), max_length=16, choices=TicketType.choices)
    channel = models.CharField(_("渠道"), max_length=16, choices=TicketChannel.choices)
    status = models.CharField(max_length=16, choices=TicketStatus.choices,
                              default=TicketStatus.NEW)
    # The caller, all optional. A report (举报) hides her from the handling department:
    # selectors blank these for department staff; no log line carries them.
    caller = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="tickets")
    caller_name = models.CharField(_("来电人"), max_length=64, blank=True)
    caller_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # A keyed digest of the caller's phone: finds her earlier tickets and repeats
    # without reading or showing the number.
    caller_digest = models.CharField(max_length=64, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("诉求内容"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    # The region whose 12345 the ticket belongs to (the county of its place when known):
    # hotline staff see their region's subtree. `region` above is where the matter is.
    jurisdiction = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("所属地区"))
    address = models.CharField(_("地点"), max_length=200, blank=True)
    # What a map-based client (Open311) sends beside the text: the place as WGS84
    # coordinates and a link to a photo or video of it; and, like the name and phone
    # above, how to reach the caller (e-mail) and who she is in the client's app.
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    media_url = models.URLField(_("图片或视频链接"), max_length=500, blank=True)
    caller_email = models.EmailField(_("电子邮箱"), blank=True)
    caller_device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    caller_account_id = models.CharField(_("客户端账号"), max_length=100, blank=True)
    application = models.ForeignKey(Application, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="tickets")
    lead_department = models.ForeignKey(Department, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    limit_days = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    dispatched_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_first_contact = models.BooleanField(default=False)
    reply = models.TextField(_("答复"), blank=True)
    # 并单 and repeats: a merged ticket is answered through its master; a repeat by the
    # same caller is linked to her first ticket, which it escalates.
    master = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="merged")
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="repeats")
    match_reason = models.JSONField(default=dict, blank=True)
    # Open tickets it may be about, found at filing under the merge threshold (可能重复):
    # [{"number", "score", "reasons"}], shown to the centre, merged only by hand.
    possible_duplicates = models.JSONField(default=list, blank=True)
    return_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    escalated = models.BooleanField(default=False)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True,
                                                    choices=Score.choices)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    # What dispatch suggested (top-3 departments with confidence, and how), kept to learn
    # from the dispatcher's choice.
    suggestion = models.JSONField(default=dict, blank=True)
    # jieba tokens of title and text, for duplicate matching and its stated reasons.
    tokens = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True, longitude__isnull=True)
                           | models.Q(latitude__gte=-90, latitude__lte=90,
                                      longitude__gte=-180, longitude__lte=180)),
                name="ticket_coordinates_wgs84",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["lead_department", "status"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class TicketAssignment(models.Model):
    """A department handling a ticket: the lead (主办) or a co-handler (协办)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=AssignmentRole.choices)
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "department"],
                                    condition=models.Q(active=True),
                                    name="ticket_assignment_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.department_id}:{self.role}"


class TicketEvent(models.Model):
    """The ticket's history, append-only: who did what, when, and the status after."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=TicketStatus.choices)
    department = models.ForeignKey(Department, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)  # in the language of record
    # What a note the system writes is made of (the other ticket's number, the reasons of a
    # match, …): shown in the reader's language (`selectors.ticket_history`).
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.action}"


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    file = models.CharField(max_length=255, help_text="path under MEDIA_ROOT")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    added_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.filename


class TicketExtension(models.Model):
    """延期: a department asks for more working days; the dispatcher decides."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="extensions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField()
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.ticket_id}:+{self.days}"


class TicketTypeRule(models.Model):
    """The instance's limit for a ticket type, in working days (defaults in constants)."""

    type = models.CharField(max_length=16, choices=TicketType.choices, primary_key=True)
    limit_days = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.type}: {self.limit_days}"


class DuplicateBand(models.Model):
    """One locality-sensitive hash band of an open ticket's text: tickets sharing a band
    are candidates for 并单. Rows exist only while the ticket is open."""

    band = models.BigIntegerField(db_index=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.band}:{self.ticket_id}"


class KnowledgeEntry(models.Model):
    """A knowledge-base entry beyond the catalogue's guides: an FAQ written by staff or a
    past answer taken from a closed ticket; each linked to the items it is about."""

    kind = models.CharField(max_length=16, choices=KnowledgeKind.choices)
    title = models.CharField(_("问题"), max_length=200)
    body = models.TextField(_("答案"))
    item_codes = models.JSONField(default=list, blank=True)
    department = models.ForeignKey(Department, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    source_ticket = models.ForeignKey(Ticket, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.title


class DispatchModel(models.Model):
    """A trained dispatch classifier, stored in the database so every process uses the
    same one; the newest active one is used."""

    created_at = models.DateTimeField()
    method = models.CharField(max_length=16, choices=DispatchMethod.choices)
    samples = models.PositiveIntegerField()
    departments = models.JSONField(default=list)
    payload = models.BinaryField()
    metrics = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.method} {self.created_at:%Y-%m-%d %H:%M} ({self.samples})"


class Open311Key(models.Model):
    """An Open311 client's API key; only its SHA-256 is stored."""

    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name
