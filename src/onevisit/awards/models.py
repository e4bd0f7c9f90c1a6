"""The innovation-case award (公共管理创新案例评选): a call for entries and its organisers,
the submitted cases, the expert pool and its conflicts of interest, the committed draw of
the preliminary review and its score sheets, the site visits, the selection panel's
votes, the stored result and the sealed notice (docs/awards.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department, Region
from onevisit.awards.constants import (
    EXPERTS_PER_CASE_MIN,
    SCORE_MAX,
    SCORE_MIN,
    CallStatus,
    ConflictReason,
    Recommendation,
    Tier,
)


class AwardCall(models.Model):
    """A call for entries (评选活动), e.g. 第四届 (2016). Its criteria weights, quotas and
    round sizes are frozen once it opens."""

    edition = models.PositiveSmallIntegerField(_("届次"), unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    # The field of innovation the call sums up (the notice: 基层治理领域).
    theme = models.CharField(_("评选领域"), max_length=100, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("评选范围"))
    organisers = models.ManyToManyField(Department, through="CallOrganiser",
                                        related_name="+", verbose_name=_("主办单位"))
    guidance_units = models.TextField(_("指导单位"), blank=True, help_text=_("每行一个"))
    # The notice's preamble in the call's own words: what the call is for (the notice:
    # 推动我省基层治理能力的提升) and who answered it (the notice: 评选活动得到了…支持).
    purpose = models.CharField(_("评选目的"), max_length=200, blank=True)
    acknowledgement = models.CharField(_("致谢"), max_length=500, blank=True)
    # {criterion: weight}, every criterion of constants.CRITERIA, summing to 100.
    weights = models.JSONField(_("评审标准权重"))
    opens_at = models.DateTimeField(_("申报开始"))
    closes_at = models.DateTimeField(_("申报截止"))
    experts_per_case = models.PositiveSmallIntegerField(_("每个案例的初评专家数"), default=3)
    shortlist_size = models.PositiveSmallIntegerField(_("实地考察入围数"))
    # {tier: count} for every Tier.
    quotas = models.JSONField(_("各奖项名额"))
    status = models.CharField(_("状态"), max_length=16, choices=CallStatus.choices,
                              default=CallStatus.DRAFT)
    # The comprehensive selection (综合评选): when the panel met and who sat on it.
    panel_date = models.DateField(_("综合评选日期"), null=True, blank=True)
    panel_members = models.TextField(_("评选委员会成员"), blank=True, help_text=_("每行一个"))
    # The date printed on the notice (通报), set when it is published.
    notice_date = models.DateField(_("通报日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("评选活动")
        verbose_name_plural = _("评选活动")
        ordering = ["-edition"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="award_call_window_ordered"),
            models.CheckConstraint(
                condition=models.Q(experts_per_case__gte=EXPERTS_PER_CASE_MIN),
                name="award_call_three_experts"),
        ]

    def __str__(self) -> str:
        return self.title


class CallOrganiser(models.Model):
    """An organising department of a call (主办单位), in the notice's order; the first
    one's seal seals the notice."""

    call = models.ForeignKey(AwardCall, on_delete=models.CASCADE,
                             related_name="organiser_links")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["call", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "department"], name="award_organiser_once"),
            models.UniqueConstraint(fields=["call", "position"],
                                    name="award_organiser_position"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}#{self.position} {self.department_id}"


class CallStatusChange(models.Model):
    """The append-only history of a call's status."""

    call = models.ForeignKey(AwardCall, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=CallStatus.choices)
    to_status = models.CharField(max_length=16, choices=CallStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["call", "at", "id"]

    def __str__(self) -> str:
        return f"{self.call_id} {self.from_status} → {self.to_status}"


class AwardCase(models.Model):
    """A case a department or local government submitted (参评案例). The unit's name,
    department and region are hidden from the experts (blind review)."""

    call = models.ForeignKey(AwardCall, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("案例编号"), max_length=16)
    title = models.CharField(_("案例名称"), max_length=200)
    unit_name = models.CharField(_("申报单位"), max_length=200,
                                 help_text=_("如：中共金华市委、金华市人民政府"))
    unit_department = models.ForeignKey(Department, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("申报部门"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在地区"))
    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("案例材料"))
    submitted_at = models.DateTimeField(_("申报时间"))
    # Fixed when the preliminary review closes (call_transition → site_visit).
    preliminary_score = models.DecimalField(_("初评得分"), max_digits=7, decimal_places=3,
                                            null=True, blank=True)
    preliminary_rank = models.PositiveIntegerField(_("初评排名"), null=True, blank=True)
    shortlisted = models.BooleanField(_("入围实地考察"), default=False)

    class Meta:
        verbose_name = _("参评案例")
        verbose_name_plural = _("参评案例")
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="award_case_number"),
            models.UniqueConstraint(fields=["call", "unit_name", "title"],
                                    name="award_case_title_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CaseAttachment(models.Model):
    """A file submitted with a case (its content sniffed; stored by files.file_store)."""

    case = models.ForeignKey(AwardCase, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=64)
    file = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    """A member of the expert pool (专家库). An expert outside the province (省外专家) has
    no region; a local official's own county is a conflict for its cases."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="award_expert", verbose_name=_("账户"))
    name = models.CharField(_("姓名"), max_length=64)
    affiliation = models.CharField(_("工作单位"), max_length=200)
    # The government department the expert works in, if any (a case it submits is the
    # expert's own unit's).
    department = models.ForeignKey(Department, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("任职部门"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("所在地区"),
                               help_text=_("留空：省外专家"))
    local_official = models.BooleanField(
        _("地方干部"), default=False,
        help_text=_("在县（市、区）或乡镇任职：回避本县（市、区）申报的全部案例"))
    field = models.CharField(_("研究领域"), max_length=100, blank=True)
    active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("专家库")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DeclaredConflict(models.Model):
    """A conflict of interest declared by an expert or recorded by the organisers: with
    one case, or with a unit (every case whose unit name or department matches).
    Conflicts by the expert's own unit and county are derived, not stored."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="conflicts")
    case = models.ForeignKey(AwardCase, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    reason = models.CharField(_("回避原因"), max_length=16, choices=ConflictReason.choices)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        ordering = ["expert", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(case__isnull=False) | models.Q(department__isnull=False)
                           | ~models.Q(unit_name="")),
                name="award_conflict_names_something"),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} {self.reason}"


class ReviewDraw(models.Model):
    """The committed draw of a call's preliminary review: the parameters (canonical JSON:
    cases, experts, conflicts, experts per case), their SHA-256 and the SHA-256 of a secret
    seed are fixed first; the draw runs from the seed, then the seed is revealed so anyone
    can re-run it (awards/draw.py)."""

    call = models.OneToOneField(AwardCall, on_delete=models.PROTECT, related_name="draw")
    algorithm = models.CharField(max_length=32)
    parameters = models.JSONField()
    parameters_sha256 = models.CharField(max_length=64)
    commitment = models.CharField(_("种子承诺值（SHA-256）"), max_length=64)
    # Secret until revealed_at: never shown before.
    seed = models.CharField(max_length=64)
    committed_at = models.DateTimeField()
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("初评专家抽取记录")
        verbose_name_plural = _("初评专家抽取记录")

    def __str__(self) -> str:
        return f"{self.call_id} {self.commitment[:12]}…"


class ReviewAssignment(models.Model):
    """One drawn expert for one case; the expert's score sheet hangs on it."""

    draw = models.ForeignKey(ReviewDraw, on_delete=models.PROTECT, related_name="assignments")
    case = models.ForeignKey(AwardCase, on_delete=models.PROTECT, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "expert"], name="award_assignment_once"),
            models.UniqueConstraint(fields=["draw", "position"],
                                    name="award_assignment_position"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.expert_id}"


def _score_range(field: str) -> models.Q:
    return models.Q(**{f"{field}__gte": SCORE_MIN, f"{field}__lte": SCORE_MAX})


class ScoreSheet(models.Model):
    """An expert's scores of one case, one integer 0–100 per criterion, with a comment;
    editable until the preliminary review closes."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.PROTECT,
                                      related_name="sheet")
    innovation = models.PositiveSmallIntegerField(_("创新性"))
    performance = models.PositiveSmallIntegerField(_("绩效性"))
    replicability = models.PositiveSmallIntegerField(_("推广性"))
    importance = models.PositiveSmallIntegerField(_("重要性"))
    comment = models.TextField(_("评语"), blank=True)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["assignment"]
        constraints = [
            models.CheckConstraint(
                condition=(_score_range("innovation") & _score_range("performance")
                           & _score_range("replicability") & _score_range("importance")),
                name="award_scores_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}"


class SiteVisit(models.Model):
    """The report of the site visit (实地考察) of a shortlisted case."""

    case = models.OneToOneField(AwardCase, on_delete=models.PROTECT, related_name="visit")
    visited_on = models.DateField(_("考察日期"))
    members = models.TextField(_("考察组成员"), help_text=_("每行一个"))
    findings = models.TextField(_("考察情况"))
    recommendation = models.CharField(_("考察意见"), max_length=16,
                                      choices=Recommendation.choices)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("实地考察报告")
        verbose_name_plural = _("实地考察报告")
        ordering = ["case"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"


class PanelVote(models.Model):
    """The selection panel's vote (综合评选) on one proposal: a shortlisted case for a
    case tier, or an organising unit for the organising award (组织奖). One vote per case
    and per organising unit."""

    call = models.ForeignKey(AwardCall, on_delete=models.PROTECT, related_name="votes")
    case = models.OneToOneField(AwardCase, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="vote")
    # The organising unit (组织奖) when `case` is empty.
    unit_name = models.CharField(_("组织单位"), max_length=200, blank=True)
    tier = models.CharField(_("拟评奖项"), max_length=16, choices=Tier.choices)
    votes_for = models.PositiveSmallIntegerField(_("赞成"))
    votes_against = models.PositiveSmallIntegerField(_("反对"))
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("综合评选表决")
        verbose_name_plural = _("综合评选表决")
        ordering = ["call", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(tier=Tier.ORGANISING, case__isnull=True)
                           & ~models.Q(unit_name=""))
                | (~models.Q(tier=Tier.ORGANISING) & models.Q(case__isnull=False,
                                                              unit_name="")),
                name="award_vote_case_or_unit"),
            models.UniqueConstraint(fields=["call", "unit_name"],
                                    condition=~models.Q(unit_name=""),
                                    name="award_vote_unit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.case_id or self.unit_name} {self.tier}"


class Award(models.Model):
    """The stored result: one placed case or organising unit, by tier and position in
    the tier (the notice's lists). `call_result_check` recomputes it from the scores and
    votes."""

    call = models.ForeignKey(AwardCall, on_delete=models.PROTECT, related_name="awards")
    tier = models.CharField(_("奖项"), max_length=16, choices=Tier.choices)
    position = models.PositiveSmallIntegerField(_("序号"))
    case = models.OneToOneField(AwardCase, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="award")
    unit_name = models.CharField(_("单位"), max_length=200)

    class Meta:
        verbose_name = _("获奖名单")
        verbose_name_plural = _("获奖名单")
        ordering = ["call", "tier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "tier", "position"],
                                    name="award_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.tier}#{self.position} {self.unit_name}"


class Notice(models.Model):
    """The sealed notice (通报) of a call's result, stored in the default storage with its
    digest; anyone checks it offline (the signature) or online by its code."""

    call = models.OneToOneField(AwardCall, on_delete=models.PROTECT, related_name="notice")
    number = models.CharField(_("文号"), max_length=40, unique=True)
    issued_at = models.DateTimeField()
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("用印单位"))
    verification_code = models.CharField(max_length=16, unique=True)
    pdf = models.CharField(max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    seal_serial = models.CharField(max_length=40, blank=True)
    signer_serial = models.CharField(max_length=40, blank=True)
    signer_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("评选结果通报")
        verbose_name_plural = _("评选结果通报")

    def __str__(self) -> str:
        return self.number
