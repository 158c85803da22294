"""The registry: reference code trees, accounts, organisations, natural persons and the four shared databases
(专家人才库, 高层次人才库, 高校毕业生信息库, 人才需求库), with an audit record of every change."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import domain, identifiers
from .choices import (
    DEGREE_CHOICES,
    DEMAND_KIND_CHOICES,
    ORGANISATION_TYPE_CHOICES,
    REGION_CHOICES,
    SEEKING_STATUS_CHOICES,
    TALENT_TEAM_CHOICES,
    TALENT_TIER_CHOICES,
    TITLE_LEVEL_CHOICES,
    TITLE_SERIES_CHOICES,
    URGENCY_CHOICES,
    ConsentScope,
    Gender,
    Source,
    Status,
)
from .fields import EncryptedTextField, ModeSetField

# ---------------------------------------------------------------------------------------------
# Reference code trees. Each row keeps its materialised path ("13/1306/130629") so that
# "all descendants of X" is one indexed prefix query, and its root (province / section).
# ---------------------------------------------------------------------------------------------


class CodeTreeQuerySet(models.QuerySet):
    def descendants_of(self, code: str, *, include_self: bool = True):
        node = self.model.objects.only("path").get(code=code)
        qs = self.filter(path__startswith=node.path + "/")
        if include_self:
            qs = qs | self.filter(code=code)
        return qs

    def ancestors_of(self, code: str, *, include_self: bool = True):
        node = self.model.objects.only("path").get(code=code)
        codes = node.path.split("/")
        if not include_self:
            codes = codes[:-1]
        return self.filter(code__in=codes)


class CodeTree(models.Model):
    code = models.CharField(_("代码"), max_length=16, primary_key=True)
    name = models.CharField(_("名称"), max_length=200)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    depth = models.PositiveSmallIntegerField(_("层级"))
    path = models.CharField(_("路径"), max_length=100, db_index=True)

    objects = CodeTreeQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Division(CodeTree):
    """GB/T 2260 administrative division of Beijing, Tianjin or Hebei."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")

    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    pinyin = models.CharField(_("拼音"), max_length=100, blank=True)
    region = models.CharField(_("所属省市"), max_length=2, choices=REGION_CHOICES, db_index=True)
    lng = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    coord_approx = models.BooleanField(_("坐标取自上级"), default=False)

    class Meta(CodeTree.Meta):
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    @property
    def prefecture_code(self) -> str:
        """The prefecture this division belongs to (itself for a prefecture; the municipality row for BJ/TJ)."""
        if self.level == self.Level.PROVINCE:
            return self.code[:2] + "0100" if self.code[:2] in ("11", "12") else self.code
        return self.code[:4] + "00"


class DivisionGroup(models.Model):
    """A named group of divisions with no code of its own: 雄安新区, 通武廊, …"""

    slug = models.SlugField(primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名"), max_length=100, blank=True)
    members = models.ManyToManyField(Division, verbose_name=_("组成区划"), related_name="groups")

    class Meta:
        verbose_name = _("区划组合")
        verbose_name_plural = _("区划组合")

    def __str__(self) -> str:
        return self.name


class Industry(CodeTree):
    """GB/T 4754-2017 国民经济行业分类: 门类 → 大类 → 中类 → 小类."""

    class Level(models.TextChoices):
        SECTION = "section", _("门类")
        DIVISION = "division", _("大类")
        GROUP = "group", _("中类")
        CLASS = "class", _("小类")

    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    section = models.CharField(_("门类"), max_length=1, db_index=True)

    class Meta(CodeTree.Meta):
        verbose_name = _("行业")
        verbose_name_plural = _("行业（GB/T 4754-2017）")


class Discipline(CodeTree):
    """NSFC application-code discipline (e.g. F02 计算机科学)."""

    name_en = models.CharField(_("英文名"), max_length=200, blank=True)
    is_leaf = models.BooleanField(_("末级"), default=False)

    class Meta(CodeTree.Meta):
        verbose_name = _("学科")
        verbose_name_plural = _("学科（国家自然科学基金申请代码）")


class Occupation(CodeTree):
    """中华人民共和国职业分类大典 (2022)."""

    gbm = models.CharField(_("GBM代码"), max_length=10, blank=True)

    class Meta(CodeTree.Meta):
        verbose_name = _("职业")
        verbose_name_plural = _("职业（职业分类大典2022）")


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


class User(AbstractUser):
    """An account. Staff belong to one region: they read everything and change only their region's records."""

    region = models.CharField(_("所属地区"), max_length=2, choices=REGION_CHOICES, blank=True, help_text=_("工作人员所属省市；只能修改本地区的记录"))

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [
            ("view_personal_data", _("可查看未脱敏的个人信息（每次查看均被记录）")),
        ]


# ---------------------------------------------------------------------------------------------
# Shared machinery
# ---------------------------------------------------------------------------------------------


def sync_index(prefix: str, include: tuple[str, ...] = ()) -> models.Index:
    """The lists' and sync feeds' order (``-updated_at, -id``) within one status: a filtered page (status plus
    division, industry, title, …) is read backwards along this index and stops after one page, instead of
    sorting every matching row (100,000 experts: 0.7 ms instead of 67 ms, see docs/api.md). ``include``: columns
    the usual filters test, carried in the index so it answers them without reading the rows."""
    return models.Index(fields=["status", "updated_at", "id"], include=list(include), name=f"{prefix}_status_sync")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class RegionScoped(models.Model):
    """A record that belongs to one region (derived from its division), for staff scoping."""

    region = models.CharField(_("所属地区"), max_length=2, choices=REGION_CHOICES, db_index=True, editable=False)

    class Meta:
        abstract = True


class ExternalSourced(models.Model):
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.SELF)
    source_partner = models.CharField(_("来源系统"), max_length=64, blank=True)
    external_id = models.CharField(_("外部编号"), max_length=64, blank=True)

    class Meta:
        abstract = True


class Lifecycle(models.Model):
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        abstract = True


# ---------------------------------------------------------------------------------------------
# Organisations (用人单位)
# ---------------------------------------------------------------------------------------------


class Organisation(TimeStamped, RegionScoped, ExternalSourced):
    name = models.CharField(_("单位名称"), max_length=200, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    org_type = models.CharField(_("单位类型"), max_length=12, choices=ORGANISATION_TYPE_CHOICES)
    division = models.ForeignKey(Division, verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, verbose_name=_("所属行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    description = models.TextField(_("单位简介"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="OrganisationMembership", related_name="organisations", blank=True)

    PERSONAL_FIELDS = ("contact_phone",)

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name"]
        indexes = [sync_index("organisation")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.division_id:
            self.region = self.division_id[:2]
        super().save(*args, **kwargs)


class OrganisationMembership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("管理员")
        MEMBER = "member", _("成员")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="uniq_org_member")]


# ---------------------------------------------------------------------------------------------
# Natural persons: one identity across the databases
# ---------------------------------------------------------------------------------------------


class Person(TimeStamped):
    """One natural person. ID number and mobile are encrypted; their keyed hashes identify the person."""

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    id_number = EncryptedTextField(_("居民身份证号"), blank=True)
    id_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    mobile = EncryptedTextField(_("手机号"), blank=True)
    mobile_hash = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    email = models.EmailField(_("电子邮箱"), blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="person")
    erased_at = models.DateTimeField(_("已删除个人信息"), null=True, blank=True)

    PERSONAL_FIELDS = ("id_number", "mobile", "email")

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return identifiers.mask_id_number(self.id_number)

    @property
    def masked_mobile(self) -> str:
        return identifiers.mask_mobile(self.mobile)

    @property
    def masked_email(self) -> str:
        return identifiers.mask_email(self.email)


class Consent(models.Model):
    """A person's consent (PIPL 单独同意) for one scope: when, to what text, revocable."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("同意范围"), max_length=32, choices=ConsentScope.choices)
    text_version = models.CharField(_("告知文本版本"), max_length=20, default="2026-1")
    channel = models.CharField(_("渠道"), max_length=20, default="web")
    granted_at = models.DateTimeField(_("同意时间"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息同意记录")
        verbose_name_plural = _("个人信息同意记录")
        indexes = [models.Index(fields=["person", "scope"])]

    @property
    def active(self) -> bool:
        return self.revoked_at is None


# ---------------------------------------------------------------------------------------------
# The four databases
# ---------------------------------------------------------------------------------------------


class Expert(TimeStamped, RegionScoped, ExternalSourced, Lifecycle):
    """专家人才库: an expert of Beijing or Tianjin willing to serve Hebei."""

    person = models.OneToOneField(Person, verbose_name=_("自然人"), on_delete=models.PROTECT, related_name="expert")
    employer = models.ForeignKey(Organisation, verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="experts")
    employer_name = models.CharField(_("工作单位名称"), max_length=200, db_index=True)
    home_division = models.ForeignKey(Division, verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+")
    outside_region = models.BooleanField(_("非京津专家"), default=False, help_text=_("所在地不在北京、天津：可登记，但不进入京津→河北共享流程"))
    talent_team = models.CharField(_("人才类别"), max_length=24, choices=TALENT_TEAM_CHOICES, default="professional_technical")
    title_series = models.CharField(_("职称系列"), max_length=20, choices=TITLE_SERIES_CHOICES, blank=True)
    title_level = models.CharField(_("职称级别"), max_length=20, choices=TITLE_LEVEL_CHOICES, default="none", db_index=True)
    title_rank = models.PositiveSmallIntegerField(default=0, editable=False, db_index=True)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    disciplines = models.ManyToManyField(Discipline, verbose_name=_("学科"), related_name="experts", blank=True)
    industries = models.ManyToManyField(Industry, verbose_name=_("行业"), related_name="experts", blank=True)
    skills = models.JSONField(_("专业技能"), default=list, blank=True)
    research_areas = models.TextField(_("研究方向"), blank=True)
    achievements = models.TextField(_("主要成果"), blank=True)
    sharing_modes = ModeSetField(_("接受的合作方式"))
    serves_all_hebei = models.BooleanField(_("服务河北全省"), default=False)
    served_cities = models.ManyToManyField(Division, verbose_name=_("服务的河北城市"), related_name="served_by_experts", blank=True, limit_choices_to={"region": "13", "level": "prefecture"})
    max_engagements = models.PositiveSmallIntegerField(_("可同时承担的合作数"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)])
    days_per_month = models.PositiveSmallIntegerField(_("每月可投入天数"), default=4, validators=[MinValueValidator(1), MaxValueValidator(31)])
    available_from = models.DateField(_("可服务起始日期"), null=True, blank=True)
    available_until = models.DateField(_("可服务截止日期"), null=True, blank=True)
    rating_avg = models.FloatField(_("平均评分"), default=0.0, editable=False)
    rating_count = models.PositiveIntegerField(_("评价数"), default=0, editable=False)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家人才库")
        constraints = [
            models.UniqueConstraint(fields=["source_partner", "external_id"], condition=~models.Q(external_id=""), name="uniq_expert_external"),
            models.CheckConstraint(condition=models.Q(available_until__isnull=True) | models.Q(available_from__isnull=True) | models.Q(available_until__gte=models.F("available_from")), name="expert_window_order"),
        ]
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["status", "title_rank"]), sync_index("expert", include=("home_division", "title_rank", "region", "sharing_modes"))]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.employer_name}）"

    @property
    def name(self) -> str:
        return self.person.name

    def set_derived(self) -> None:
        """The fields derived from others (also for writes that bypass save(): bulk_create / bulk_update)."""
        if self.home_division_id:
            self.region = self.home_division_id[:2]
            self.outside_region = self.region not in domain.SHARING_REGIONS
        self.title_rank = domain.TITLE_LEVEL_RANK.get(self.title_level, 0)

    def save(self, *args, **kwargs):
        self.set_derived()
        super().save(*args, **kwargs)


class ExpertListDocument(models.Model):
    """The expert as the API's list renders it (``ExpertOut`` without personal fields), as JSON text: a read model
    kept by PostgreSQL triggers in the same transaction as every change of the expert, its person or its code
    lists (``registry.documents``), so a page of the list is read, not rebuilt. Unused (and empty) elsewhere."""

    expert = models.OneToOneField(Expert, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    body = models.TextField()

    class Meta:
        verbose_name = _("专家列表文档")
        verbose_name_plural = _("专家列表文档")
        default_permissions = ()


class HighLevelTalent(TimeStamped, RegionScoped, ExternalSourced, Lifecycle):
    """高层次人才库: talent jointly recognised by the three regions (共同认定)."""

    person = models.ForeignKey(Person, verbose_name=_("自然人"), on_delete=models.PROTECT, related_name="talent_recognitions")
    tier = models.CharField(_("层次"), max_length=1, choices=TALENT_TIER_CHOICES)
    programme = models.CharField(_("认定项目"), max_length=100)
    recognised_on = models.DateField(_("认定日期"))
    field = models.ForeignKey(Discipline, verbose_name=_("领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    employer_name = models.CharField(_("工作单位名称"), max_length=200, blank=True)
    home_division = models.ForeignKey(Division, verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("高层次人才")
        verbose_name_plural = _("高层次人才库")
        constraints = [
            models.UniqueConstraint(fields=["person", "programme"], name="uniq_talent_programme"),
            models.UniqueConstraint(fields=["source_partner", "external_id"], condition=~models.Q(external_id=""), name="uniq_talent_external"),
        ]
        indexes = [sync_index("talent")]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_tier_display()}）"

    def save(self, *args, **kwargs):
        if self.home_division_id:
            self.region = self.home_division_id[:2]
        super().save(*args, **kwargs)


class Graduate(TimeStamped, RegionScoped, ExternalSourced, Lifecycle):
    """高校毕业生信息库, for 高校毕业生就业河北计划."""

    person = models.OneToOneField(Person, verbose_name=_("自然人"), on_delete=models.PROTECT, related_name="graduate")
    school = models.CharField(_("毕业院校"), max_length=100, db_index=True)
    school_division = models.ForeignKey(Division, verbose_name=_("院校所在地"), on_delete=models.PROTECT, related_name="+")
    degree = models.CharField(_("学历学位"), max_length=10, choices=DEGREE_CHOICES)
    major = models.CharField(_("专业"), max_length=100)
    major_discipline = models.ForeignKey(Discipline, verbose_name=_("专业所属学科"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    graduation_year = models.PositiveSmallIntegerField(_("毕业年份"), validators=[MinValueValidator(1980), MaxValueValidator(2035)])
    preferred_cities = models.ManyToManyField(Division, verbose_name=_("意向城市"), related_name="+", blank=True, limit_choices_to={"region": "13", "level": "prefecture"})
    intended_industries = models.ManyToManyField(Industry, verbose_name=_("意向行业"), related_name="+", blank=True)
    intended_occupations = models.ManyToManyField(Occupation, verbose_name=_("意向职业"), related_name="+", blank=True)
    job_intentions = models.TextField(_("求职意向"), blank=True)
    seeking_status = models.CharField(_("求职状态"), max_length=10, choices=SEEKING_STATUS_CHOICES, default="seeking")

    class Meta:
        verbose_name = _("高校毕业生")
        verbose_name_plural = _("高校毕业生信息库")
        constraints = [
            models.UniqueConstraint(fields=["source_partner", "external_id"], condition=~models.Q(external_id=""), name="uniq_graduate_external"),
        ]
        indexes = [sync_index("graduate")]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.school} {self.major}）"

    def set_derived(self) -> None:
        """The fields derived from others (also for writes that bypass save(): bulk_create / bulk_update)."""
        if self.school_division_id:
            self.region = self.school_division_id[:2]

    def save(self, *args, **kwargs):
        self.set_derived()
        super().save(*args, **kwargs)


class Demand(TimeStamped, RegionScoped, ExternalSourced, Lifecycle):
    """人才需求库: what an organisation needs. Published demand is the 人才需求目录."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("需求单位"), on_delete=models.PROTECT, related_name="demands")
    kind = models.CharField(_("需求类型"), max_length=20, choices=DEMAND_KIND_CHOICES)
    title = models.CharField(_("需求名称"), max_length=200)
    description = models.TextField(_("需求描述"))
    industry = models.ForeignKey(Industry, verbose_name=_("所属行业"), on_delete=models.PROTECT, related_name="demands")
    disciplines = models.ManyToManyField(Discipline, verbose_name=_("相关学科"), related_name="demands", blank=True)
    occupation = models.ForeignKey(Occupation, verbose_name=_("岗位职业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    required_skills = models.JSONField(_("所需技能"), default=list, blank=True)
    min_title_level = models.CharField(_("最低职称要求"), max_length=20, choices=TITLE_LEVEL_CHOICES, default="none")
    min_title_rank = models.PositiveSmallIntegerField(default=0, editable=False)
    sharing_modes = ModeSetField(_("可接受的合作方式"))
    city = models.ForeignKey(Division, verbose_name=_("需求所在地"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    headcount = models.PositiveSmallIntegerField(_("需求人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)])
    budget_min = models.DecimalField(_("预算下限（万元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(_("预算上限（万元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=URGENCY_CHOICES, default="normal")
    challenge_reward = models.DecimalField(_("揭榜奖金（万元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    challenge_deadline = models.DateField(_("揭榜截止日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    expires_at = models.DateField(_("有效期至"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("人才需求")
        verbose_name_plural = _("人才需求库")
        constraints = [
            models.UniqueConstraint(fields=["source_partner", "external_id"], condition=~models.Q(external_id=""), name="uniq_demand_external"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="demand_period_order"),
        ]
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["status", "published_at"]), sync_index("demand")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.city_id:
            self.region = self.city_id[:2]
        self.min_title_rank = domain.TITLE_LEVEL_RANK.get(self.min_title_level, 0)
        super().save(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Data quality, privacy and audit
# ---------------------------------------------------------------------------------------------


class DuplicateCandidate(TimeStamped):
    """A suspected duplicate (same name and employer, different ID number) from an import: staff merge or dismiss."""

    class Resolution(models.TextChoices):
        OPEN = "open", _("待处理")
        MERGED = "merged", _("已合并")
        DISMISSED = "dismissed", _("非同一人")

    existing = models.ForeignKey(Person, verbose_name=_("已有人员"), on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Person, verbose_name=_("疑似重复"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("原因"), max_length=200)
    resolution = models.CharField(_("处理结果"), max_length=10, choices=Resolution.choices, default=Resolution.OPEN, db_index=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("疑似重复人员")
        verbose_name_plural = _("疑似重复人员复核")


class PersonalDataAccess(models.Model):
    """Every reveal of unmasked personal data: who, whose, which field, when, why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    partner = models.CharField(_("合作系统"), max_length=64, blank=True)
    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    fields = models.CharField(_("字段"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")


class DataRequest(TimeStamped):
    """A person's request to export or delete their data (PIPL arts. 45 and 47)."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("导出个人信息")
        DELETE = "delete", _("删除个人信息")

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("不予处理")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="data_requests")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    note = models.TextField(_("说明"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息权利请求")
        verbose_name_plural = _("个人信息权利请求")


class ObjectChange(models.Model):
    """The audit record of one change (after NetBox's ObjectChange): who, when, from which request,
    before and after, with personal fields masked."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        TRANSITION = "transition", _("状态变更")

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    user_name = models.CharField(max_length=150, blank=True)
    request_id = models.CharField(max_length=36, blank=True, db_index=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=200)
    prechange_data = models.JSONField(null=True, blank=True)
    postchange_data = models.JSONField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"




class ImportJob(TimeStamped):
    """One bulk import (admin upload or command): its file until processed, its progress and its per-row report.
    The report holds row numbers, columns and reasons only — never cell values or personal data."""

    class State(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("数据类型"), max_length=12, choices=[("expert", _("专家")), ("graduate", _("高校毕业生")), ("talent", _("高层次人才")), ("demand", _("人才需求"))])
    mode = models.CharField(_("导入模式"), max_length=16, choices=[("all-or-nothing", _("有错误则全部不导入")), ("good-rows", _("导入正确的行"))])
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    partner = models.CharField(_("来源系统"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    imported_rows = models.PositiveIntegerField(_("已导入行数"), default=0)
    failed_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    duplicate_candidates = models.PositiveIntegerField(_("疑似重复"), default=0)
    report = models.JSONField(_("导入报告"), default=dict, blank=True)
    error = models.CharField(_("文件错误"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)  # set when a worker starts it; then in the cache
    requeues = models.PositiveSmallIntegerField(_("重新排队次数"), default=0)  # also the attempt a worker owns (registry.jobs)
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)  # last put on the queue (created, requeued, re-sent)
    resends = models.PositiveSmallIntegerField(_("重发次数"), default=0)  # messages re-sent for a job left pending (registry.jobs)

    class Meta:
        verbose_name = _("批量导入任务")
        verbose_name_plural = _("批量导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name or self.pk}"

    @property
    def progress(self) -> int:
        """Percent done (0–100), from the live counter of a running job when there is one."""
        if self.state in (self.State.DONE, self.State.FAILED):
            return 100
        from django.core.cache import cache

        live = cache.get(self.progress_key)
        done, total = live if live else (self.processed_rows, self.total_rows)
        return min(99, int(100 * done / total)) if total else 0

    @property
    def progress_key(self) -> str:
        return f"registry:import-job:{self.pk}:progress"

    @property
    def heartbeat_key(self) -> str:
        return f"registry:import-job:{self.pk}:heartbeat"


# Partner API keys and idempotent requests (the partner API, issue 6)
from .api_models import IdempotencyRecord, PartnerApiKey  # noqa: E402,F401
