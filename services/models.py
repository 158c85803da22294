"""同事同标 services: the catalogue (one standard per item for all three regions, versioned), 区域通办
applications with their history, working-day overrides, ratings, the 京津冀人才卡 and mutual recognition.

The standard elements live only in :class:`ServiceStandardVersion`; a region adds only
:class:`RegionalContact` (department, address, phone, hours), a model with no standard field, so a regional
variant of a standard element cannot be stored. A published version is immutable (``save``/``delete``
refuse it); a change is a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.choices import (
    MUTUAL_RECOGNITION_CHOICES,
    REGION_CHOICES,
    TALENT_TIER_CHOICES,
    TITLE_LEVEL_CHOICES,
    TITLE_SERIES_CHOICES,
)
from registry.fields import EncryptedTextField

from . import standard, workflow

SERVICE_REGIONS = [c for c in REGION_CHOICES if c[0] in ("11", "12", "13")]
CATEGORY_CHOICES = [(c, _(zh)) for c, zh, _en in standard.CATEGORIES]
STATUS_CHOICES = [(c, _(zh)) for c, zh, _en in workflow.STATES]


class PublishedStandardImmutable(ValidationError):
    """An attempt to change or delete a published standard version."""


class ServiceItem(models.Model):
    """A 同事同标 item: identity and classification. Its standard is in its versions."""

    code = models.CharField(_("事项编码"), max_length=32, unique=True)
    category = models.CharField(_("类别"), max_length=20, choices=CATEGORY_CHOICES, db_index=True)
    batch = models.PositiveSmallIntegerField(_("发布批次"), validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("在办"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("同事同标事项")
        verbose_name_plural = _("同事同标事项目录")
        ordering = ["code"]

    def __str__(self) -> str:
        current = self.current_version
        return f"{self.code} {current.name if current else ''}".strip()

    @property
    def current_version(self) -> ServiceStandardVersion | None:
        prefetched = getattr(self, "published_versions", None)  # set by selectors.catalogue()
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.versions.filter(status=ServiceStandardVersion.State.PUBLISHED).order_by("-number").first()


class ServiceStandardVersion(models.Model):
    """One version of an item's standard: the five elements identical in 北京, 天津 and 河北, plus legal basis,
    fee and channels. Drafts are edited; a published version never changes."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    name = models.CharField(_("事项名称"), max_length=100)
    conditions = models.JSONField(_("办理条件"), default=list, blank=True)
    materials = models.JSONField(_("申请材料"), default=list, help_text=_("[{key, name, mandatory, formats, example, notes}]"))
    steps = models.JSONField(_("办事流程"), default=list, help_text=_("[{name, description}]"))
    acceptance_criteria = models.TextField(_("受理标准"))
    time_limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), validators=[MinValueValidator(1), MaxValueValidator(standard.MAX_TIME_LIMIT)])
    legal_basis = models.TextField(_("设定依据"), blank=True)
    fee = models.CharField(_("收费标准"), max_length=200, default="不收费")
    channels = models.JSONField(_("办理渠道"), default=list)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    change_note = models.CharField(_("变更说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事项标准版本")
        verbose_name_plural = _("事项标准版本")
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="uniq_standard_version")]
        permissions = [("publish_standard", _("可发布同事同标事项标准（京津冀三地共同确认）"))]

    def __str__(self) -> str:
        return f"{self.name}（第{self.number}版）"

    @property
    def is_published(self) -> bool:
        return self.status == self.State.PUBLISHED

    def standard(self) -> dict:
        return {f: getattr(self, f) for f in standard.STANDARD_FIELDS}

    def material(self, key: str) -> dict | None:
        return next((m for m in self.materials if m.get("key") == key), None)

    def save(self, *args, **kwargs):
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.State.PUBLISHED:
                raise PublishedStandardImmutable({"status": [ValidationError("已发布的事项标准不能修改，请新建版本", code="published_immutable")]})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if type(self).objects.filter(pk=self.pk, status=self.State.PUBLISHED).exists():
            raise PublishedStandardImmutable({"status": [ValidationError("已发布的事项标准不能删除", code="published_immutable")]})
        return super().delete(*args, **kwargs)


class RegionalContact(models.Model):
    """What a region adds to an item: its local contact data only (no standard element)."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="contacts")
    region = models.CharField(_("地区"), max_length=2, choices=SERVICE_REGIONS, db_index=True)
    department = models.CharField(_("承办部门"), max_length=100)
    address = models.CharField(_("办理地点"), max_length=200)
    phone = models.CharField(_("咨询电话"), max_length=40)
    hours = models.CharField(_("办公时间"), max_length=100)

    class Meta:
        verbose_name = _("地区联系方式")
        verbose_name_plural = _("地区联系方式")
        constraints = [models.UniqueConstraint(fields=["item", "region"], name="uniq_contact_region")]

    def __str__(self) -> str:
        return f"{self.get_region_display()} {self.department}"


class HolidayOverride(models.Model):
    """A staff-entered day for a year ``chinese_calendar`` does not know (or a correction): holiday or
    adjusted working day. Entered for all three regions (the State Council's calendar is national)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选：调休上班日；不勾选：放假"))
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("如：春节、国庆节调休"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("节假日安排（补录）")
        verbose_name_plural = _("节假日安排（补录）")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}"


class Application(models.Model):
    """A 区域通办 application: filed in the 受理地 (``accept_region``) for an item decided in the 办理地
    (``handle_region``), under the standard version in force when it was filed."""

    class Delivery(models.TextChoices):
        DOWNLOAD = "download", _("网上下载")
        MAIL = "mail", _("邮寄送达")

    number = models.CharField(_("申请编号"), max_length=24, unique=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), on_delete=models.PROTECT, related_name="service_applications")
    person = models.ForeignKey("registry.Person", verbose_name=_("申请人"), null=True, blank=True, on_delete=models.PROTECT, related_name="service_applications")
    version = models.ForeignKey(ServiceStandardVersion, verbose_name=_("事项标准版本"), on_delete=models.PROTECT, related_name="applications")
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="applications")
    accept_region = models.CharField(_("受理地"), max_length=2, choices=SERVICE_REGIONS, db_index=True)
    handle_region = models.CharField(_("办理地"), max_length=2, choices=SERVICE_REGIONS, db_index=True)
    status = models.CharField(_("状态"), max_length=14, choices=STATUS_CHOICES, default=workflow.SUBMITTED, db_index=True)
    form_data = models.JSONField(_("申请事项说明"), default=dict, blank=True)
    delivery = models.CharField(_("结果送达方式"), max_length=10, choices=Delivery.choices, default=Delivery.DOWNLOAD)
    mail_recipient = models.CharField(_("收件人"), max_length=50, blank=True)
    mail_phone = EncryptedTextField(_("收件电话"), blank=True)
    mail_address = EncryptedTextField(_("邮寄地址"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_on = models.DateField(_("办理期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("期限为暂定"), default=False, help_text=_("期限所在年份的节假日尚未公布，按周末推算"))
    paused_on = models.DateField(_("补正暂停日期"), null=True, blank=True)
    remaining_workdays = models.PositiveSmallIntegerField(_("暂停时剩余工作日"), null=True, blank=True)
    paused_workdays = models.PositiveSmallIntegerField(_("补正暂停工作日数"), default=0)
    resume_status = models.CharField(max_length=14, blank=True, editable=False)
    completed_on = models.DateField(_("办结日期"), null=True, blank=True)
    handling_workdays = models.PositiveSmallIntegerField(_("办理用时（工作日，不含补正）"), null=True, blank=True)
    decision_reason = models.TextField(_("不予受理/不予办理理由"), blank=True)
    result_file = models.FileField(_("办理结果文件"), upload_to="services/results/%Y/%m/", blank=True)
    mail_tracking_number = models.CharField(_("邮件单号"), max_length=40, blank=True)

    PERSONAL_FIELDS = ("mail_phone", "mail_address")

    class Meta:
        verbose_name = _("通办申请")
        verbose_name_plural = _("通办申请")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["handle_region", "status"]), models.Index(fields=["accept_region", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.version.name}"

    @property
    def is_cross_region(self) -> bool:
        return self.accept_region != self.handle_region


class ApplicationMaterial(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    key = models.CharField(_("材料标识"), max_length=40)
    file = models.FileField(_("文件"), upload_to="services/materials/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    format = models.CharField(_("格式"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    supplement = models.BooleanField(_("补正提交"), default=False)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")


class CorrectionNotice(models.Model):
    """The one-time 补正 notice (一次性告知): everything missing, listed at once; one per application."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="correction")
    items = models.JSONField(_("需补正材料"), help_text=_("[{key, name, reason}]"))
    note = models.TextField(_("说明"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("告知时间"), auto_now_add=True)
    supplemented_at = models.DateTimeField(_("补正时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")


class ApplicationEvent(models.Model):
    """One step of an application's history."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=24)
    from_status = models.CharField(_("原状态"), max_length=14, blank=True)
    to_status = models.CharField(_("新状态"), max_length=14)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_region = models.CharField(_("操作人地区"), max_length=2, blank=True)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]


class ServiceRating(models.Model):
    """好差评: the applicant's rating of a completed service, once."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("评价"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="service_rating_score_range")]


class TalentCard(models.Model):
    """京津冀人才卡 for a jointly recognised high-level talent."""

    class State(models.TextChoices):
        ACTIVE = "active", _("有效")
        SUSPENDED = "suspended", _("暂停")
        REVOKED = "revoked", _("已注销")
        EXPIRED = "expired", _("已过期")

    number = models.CharField(_("卡号"), max_length=16, unique=True)
    talent = models.ForeignKey("registry.HighLevelTalent", verbose_name=_("高层次人才"), on_delete=models.PROTECT, related_name="talent_cards")
    region = models.CharField(_("发卡地区"), max_length=2, choices=SERVICE_REGIONS, db_index=True)
    tier = models.CharField(_("层次"), max_length=1, choices=TALENT_TIER_CHOICES)
    status = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True)
    issued_on = models.DateField(_("发卡日期"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("有效期至"), db_index=True)
    entitled_services = models.ManyToManyField(ServiceItem, verbose_name=_("可享受的定制服务"), related_name="talent_cards", blank=True)
    status_reason = models.CharField(_("状态说明"), max_length=300, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("京津冀人才卡")
        verbose_name_plural = _("京津冀人才卡")
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")), name="card_validity_order"),
            models.UniqueConstraint(fields=["talent"], condition=models.Q(status__in=["active", "suspended"]), name="uniq_live_card_per_talent"),
        ]

    def __str__(self) -> str:
        return self.number


class TalentCardEvent(models.Model):
    card = models.ForeignKey(TalentCard, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=12)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("人才卡记录")
        verbose_name_plural = _("人才卡记录")
        ordering = ["at", "id"]


class Recognition(models.Model):
    """职称互认 (and the other mutual-recognition items): a qualification obtained in one region, to be
    recognised in another; staff of the target region decide and the decision is recorded."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待认定")
        RECOGNISED = "recognised", _("予以认可")
        REJECTED = "rejected", _("不予认可")

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), on_delete=models.PROTECT, related_name="recognitions")
    person = models.ForeignKey("registry.Person", verbose_name=_("申请人"), null=True, blank=True, on_delete=models.PROTECT, related_name="recognitions")
    kind = models.CharField(_("互认事项"), max_length=32, choices=MUTUAL_RECOGNITION_CHOICES)
    origin_region = models.CharField(_("取得地"), max_length=2, choices=SERVICE_REGIONS)
    target_region = models.CharField(_("认可地"), max_length=2, choices=SERVICE_REGIONS, db_index=True)
    title_series = models.CharField(_("职称系列"), max_length=20, choices=TITLE_SERIES_CHOICES, blank=True)
    title_level = models.CharField(_("职称级别"), max_length=20, choices=TITLE_LEVEL_CHOICES, blank=True)
    qualification_name = models.CharField(_("资格名称"), max_length=100)
    certificate_number = models.CharField(_("证书编号"), max_length=50)
    issuing_authority = models.CharField(_("发证机关"), max_length=100)
    obtained_on = models.DateField(_("取得日期"))
    status = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.SUBMITTED, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("认定人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    decision_note = models.TextField(_("认定意见"), blank=True)
    decision_number = models.CharField(_("认定文号"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资格互认申请")
        verbose_name_plural = _("职称等资格互认")
        ordering = ["-submitted_at"]
        constraints = [models.CheckConstraint(condition=~models.Q(origin_region=models.F("target_region")), name="recognition_cross_region")]

    @property
    def region(self) -> str:  # for registry.permissions.can_staff_change: the deciding region
        return self.target_region
