"""Matching and the engagement lifecycle: recommendations kept as data, invitations and applications
answered by people, engagements, ratings both ways, review panels, and the change log that keeps every
process's matching index fresh."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.choices import SHARING_MODE_CHOICES, TITLE_LEVEL_CHOICES
from registry.models import Demand, Discipline, Expert, Graduate, Industry, Organisation

from . import lifecycle

DECLINE_REASON_CHOICES = [(code, _(zh)) for code, zh, _en in lifecycle.DECLINE_REASONS]


class AssignmentRun(models.Model):
    """One batch assignment of open demands to experts: proposals for people to confirm."""

    created_at = models.DateTimeField(_("运行时间"), auto_now_add=True, db_index=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    engine_version = models.CharField(_("引擎版本"), max_length=20)
    params = models.JSONField(_("参数"), default=dict)
    summary = models.JSONField(_("结果摘要"), default=dict, help_text=_("求解器与贪心基线的总分、覆盖率"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("批量匹配")
        verbose_name_plural = _("批量匹配")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"批量匹配 {self.created_at:%Y-%m-%d %H:%M}"


class Recommendation(models.Model):
    """A proposal the engine made, kept as it was shown (score, components, explanation, engine version)."""

    class Direction(models.TextChoices):
        EXPERTS_FOR_DEMAND = "experts_for_demand", _("为需求推荐专家")
        DEMANDS_FOR_EXPERT = "demands_for_expert", _("为专家推荐需求")
        GRADUATES_FOR_POSITION = "graduates_for_position", _("为岗位推荐毕业生")
        POSITIONS_FOR_GRADUATE = "positions_for_graduate", _("为毕业生推荐岗位")
        BATCH = "batch", _("批量匹配方案")

    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True, db_index=True)
    direction = models.CharField(_("方向"), max_length=24, choices=Direction.choices)
    demand = models.ForeignKey(Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="recommendations")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), null=True, blank=True, on_delete=models.CASCADE, related_name="recommendations")
    graduate = models.ForeignKey(Graduate, verbose_name=_("毕业生"), null=True, blank=True, on_delete=models.CASCADE, related_name="recommendations")
    rank = models.PositiveSmallIntegerField(_("名次"))
    score = models.FloatField(_("匹配度"))
    components = models.JSONField(_("分项得分"), default=dict)
    matched = models.JSONField(_("匹配依据"), default=dict, help_text=_("关键词、行业和学科代码、距离、合作方式"))
    explanation_zh = models.TextField(_("推荐理由"))
    explanation_en = models.TextField(_("推荐理由（英文）"), blank=True)
    engine_version = models.CharField(_("引擎版本"), max_length=20)
    run = models.ForeignKey(AssignmentRun, verbose_name=_("批量匹配"), null=True, blank=True, on_delete=models.CASCADE, related_name="proposals")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("请求人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("推荐记录")
        verbose_name_plural = _("推荐记录")
        ordering = ["-created_at", "rank"]
        indexes = [models.Index(fields=["demand", "expert"]), models.Index(fields=["expert", "created_at"])]

    def __str__(self) -> str:
        who = self.expert or self.graduate
        return f"{self.demand} ← {who}（{self.score:.2f}）"


class Invitation(models.Model):
    """An enterprise invites an expert to a demand (the enterprise's yes); the expert answers."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待答复")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已谢绝")
        WITHDRAWN = "withdrawn", _("已撤回")
        EXPIRED = "expired", _("已过期")

    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True, db_index=True)
    demand = models.ForeignKey(Demand, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="invitations")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="invitations")
    recommendation = models.ForeignKey(Recommendation, verbose_name=_("来自推荐"), null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("邀请人"), null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField(_("邀请说明"), blank=True)
    proposed_mode = models.CharField(_("拟合作方式"), max_length=20, choices=SHARING_MODE_CHOICES, blank=True)
    proposed_terms = models.TextField(_("拟合作条件"), blank=True)
    expires_on = models.DateField(_("答复截止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.CharField(_("谢绝原因"), max_length=20, choices=DECLINE_REASON_CHOICES, blank=True)
    decline_note = models.TextField(_("谢绝说明"), blank=True)
    features = models.JSONField(_("邀请时的分项得分"), default=dict, help_text=_("用于学习专家接受邀请的可能性"))

    class Meta:
        verbose_name = _("邀请")
        verbose_name_plural = _("邀请")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["demand", "expert"], condition=models.Q(status="pending"), name="uniq_pending_invitation")]

    def __str__(self) -> str:
        return f"邀请 {self.expert} → {self.demand}"


class Application(models.Model):
    """An expert (or a team of experts, 组团服务) applies to a published demand, with a proposal for an
    open challenge (揭榜挂帅); the enterprise answers."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待答复")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已谢绝")
        WITHDRAWN = "withdrawn", _("已撤回")

    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True, db_index=True)
    demand = models.ForeignKey(Demand, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="applications")
    expert = models.ForeignKey(Expert, verbose_name=_("申请人（牵头专家）"), on_delete=models.PROTECT, related_name="applications")
    members = models.ManyToManyField(Expert, through="ApplicationMember", verbose_name=_("团队成员"), related_name="team_applications")
    proposal = models.TextField(_("揭榜方案 / 申请说明"), blank=True)
    proposed_mode = models.CharField(_("拟合作方式"), max_length=20, choices=SHARING_MODE_CHOICES, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decline_reason = models.CharField(_("谢绝原因"), max_length=20, choices=DECLINE_REASON_CHOICES, blank=True)
    decline_note = models.TextField(_("谢绝说明"), blank=True)

    class Meta:
        verbose_name = _("申请 / 揭榜")
        verbose_name_plural = _("申请 / 揭榜")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["demand", "expert"], condition=models.Q(status="submitted"), name="uniq_open_application")]

    def __str__(self) -> str:
        return f"申请 {self.expert} → {self.demand}"

    @property
    def is_team(self) -> bool:
        return self.team.count() > 1


class ApplicationMember(models.Model):
    """A member of an applying team; each member confirms and declares for themselves."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头人")
        MEMBER = "member", _("成员")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    coi_declaration = models.TextField(_("利益冲突声明"), blank=True)
    confidentiality_undertaking = models.BooleanField(_("保密承诺"), default=False)

    class Meta:
        verbose_name = _("团队成员")
        verbose_name_plural = _("团队成员")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="uniq_application_member")]


class Engagement(models.Model):
    """A service relationship both sides agreed to: mode, dates, terms, the expert's conflict-of-interest
    declaration and confidentiality undertaking."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("进行中")
        COMPLETED = "completed", _("已完成")
        TERMINATED = "terminated", _("已终止")

    created_at = models.DateTimeField(_("建立时间"), auto_now_add=True, db_index=True)
    demand = models.ForeignKey(Demand, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="engagements")
    organisation = models.ForeignKey(Organisation, verbose_name=_("需求单位"), on_delete=models.PROTECT, related_name="engagements")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="engagements")
    invitation = models.ForeignKey(Invitation, verbose_name=_("来自邀请"), null=True, blank=True, on_delete=models.PROTECT, related_name="engagements")
    application = models.ForeignKey(Application, verbose_name=_("来自申请"), null=True, blank=True, on_delete=models.PROTECT, related_name="engagements")
    mode = models.CharField(_("合作方式"), max_length=20, choices=SHARING_MODE_CHOICES)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    terms = models.TextField(_("合作条件"), blank=True)
    coi_declaration = models.TextField(_("利益冲突声明"))
    confidentiality_undertaking = models.BooleanField(_("保密承诺"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    completed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    completion_note = models.TextField(_("完成情况 / 终止原因"), blank=True)

    class Meta:
        verbose_name = _("合作")
        verbose_name_plural = _("合作")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "expert"], condition=models.Q(status="active"), name="uniq_active_engagement"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="engagement_dates_order"),
            models.CheckConstraint(condition=models.Q(invitation__isnull=False) | models.Q(application__isnull=False), name="engagement_has_both_yes"),
        ]
        indexes = [models.Index(fields=["expert", "status"]), models.Index(fields=["demand", "status"])]

    def __str__(self) -> str:
        return f"{self.expert} · {self.demand}"


class Rating(models.Model):
    """A rating of a finished engagement, 1–5 with a comment, once per side."""

    class Side(models.TextChoices):
        ENTERPRISE = "enterprise", _("需求单位评价专家")
        EXPERT = "expert", _("专家评价需求单位")

    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    engagement = models.ForeignKey(Engagement, verbose_name=_("合作"), on_delete=models.CASCADE, related_name="ratings")
    side = models.CharField(_("评价方"), max_length=12, choices=Side.choices)
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("评语"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "side"], name="uniq_rating_per_side"),
            models.CheckConstraint(condition=models.Q(score__gte=1) & models.Q(score__lte=5), name="rating_score_range"),
        ]


class LifecycleEvent(models.Model):
    """The history of every invitation, application and engagement: one row per change."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    engagement = models.ForeignKey(Engagement, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"


class ReviewPanel(models.Model):
    """A title-review panel (职称评审专家组) drawn from the shared pool, reproducible from its seed."""

    created_at = models.DateTimeField(_("抽取时间"), auto_now_add=True, db_index=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("抽取事由"))
    discipline = models.ForeignKey(Discipline, verbose_name=_("学科"), on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    min_title_level = models.CharField(_("最低职称"), max_length=20, choices=TITLE_LEVEL_CHOICES, default="associate_senior")
    size = models.PositiveSmallIntegerField(_("人数"), validators=[MinValueValidator(1), MaxValueValidator(50)])
    seed = models.BigIntegerField(_("随机种子"))
    algorithm = models.CharField(_("抽取算法"), max_length=20)
    excluded_employers = models.JSONField(_("回避单位"), default=list, help_text=_("参评人员的工作单位：其专家回避"))
    pool = models.JSONField(_("候选专家池"), default=list, help_text=_("抽取时符合条件的专家（编号、地区），用于复核"))
    region_counts = models.JSONField(_("各地区人数"), default=dict)
    members = models.ManyToManyField(Expert, through="ReviewPanelMember", related_name="review_panels", verbose_name=_("评审专家"))

    class Meta:
        verbose_name = _("评审专家组")
        verbose_name_plural = _("职称评审专家抽取")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.discipline} 评审专家组（{self.size}人）"


class ReviewPanelMember(models.Model):
    panel = models.ForeignKey(ReviewPanel, on_delete=models.CASCADE, related_name="seats")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="+")
    region = models.CharField(_("地区"), max_length=2)
    position = models.PositiveSmallIntegerField(_("抽取顺序"))

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["panel", "expert"], name="uniq_panel_member")]


class IndexChange(models.Model):
    """Append-only log of records whose matching data changed. Every process keeps the sequence number it
    has applied and catches up before answering, so all web processes and workers see the same state."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("专家")
        DEMAND = "demand", _("需求")
        GRADUATE = "graduate", _("毕业生")
        ALL = "all", _("全部重建")

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("匹配索引变更")
        verbose_name_plural = _("匹配索引变更")
