"""Notifications: what a person is told (Notification), how they want to be told (NotificationPreference),
and the outbox rows that are the truth about sending (Delivery for a person's channels, WebhookDelivery for
partner systems). Celery tasks only carry row ids; the rows carry the state. See docs/notifications.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # registry
    DEMAND_PUBLISHED = "demand_published", _("需求已发布")
    DEMAND_EXPIRING = "demand_expiring", _("需求即将到期")
    DEMAND_EXPIRED = "demand_expired", _("需求已过期")
    DEMAND_STATUS = "demand_status", _("需求状态变更")
    RECORD_VERIFIED = "record_verified", _("登记信息已审核通过")
    RECORD_STATUS = "record_status", _("登记信息状态变更")
    # matching
    INVITATION_NEW = "invitation_new", _("新的合作邀请")
    INVITATION_ACCEPTED = "invitation_accepted", _("邀请已接受")
    INVITATION_DECLINED = "invitation_declined", _("邀请已谢绝")
    ENGAGEMENT_STARTED = "engagement_started", _("合作已开始")
    ENGAGEMENT_COMPLETED = "engagement_completed", _("合作已完成")
    RATING_REQUESTED = "rating_requested", _("请评价本次合作")
    # services (同事同标)
    APPLICATION_STATUS = "application_status", _("办事申请状态变更")
    APPLICATION_CORRECTION = "application_correction", _("补正通知")
    APPLICATION_DUE = "application_due", _("办件即将到期（1个工作日内）")
    APPLICATION_OVERDUE = "application_overdue", _("办件已超期")
    TALENT_CARD_EXPIRING = "talent_card_expiring", _("人才卡30天内到期")
    # digests
    WEEKLY_DIGEST = "weekly_digest", _("每周推荐需求摘要")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内信")
    EMAIL = "email", _("电子邮件")


# Kinds a person receives only after opting in (a preference row with enabled=True).
OPT_IN_KINDS = frozenset({Kind.WEEKLY_DIGEST})


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    payload = models.JSONField(_("附加数据"), default=dict, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    in_inbox = models.BooleanField(_("显示在站内信"), default=True, help_text=_("接收人关闭了该类型的站内信时为否"))
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True, help_text=_("同一事件对同一接收人只通知一次"))

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "in_inbox", "read_at"], name="notif_inbox_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """One person's choice for one kind on one channel. No row means the default (see selectors.channel_enabled)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("接收"), default=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "channel"], name="uniq_notif_pref")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.channel} {'开' if self.enabled else '关'}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败（不重试）")
    DEAD = "dead", _("多次失败，已停止")


class OutboxRow(models.Model):
    """An outbox row: the truth about one message on one channel. A task only ever claims a pending row."""

    status = models.CharField(_("状态"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True, db_index=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        abstract = True


class Delivery(OutboxRow):
    notification = models.ForeignKey(Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("地址"), max_length=254, blank=True, help_text=_("发送时的电子邮箱"))

    class Meta:
        verbose_name = _("通知投递")
        verbose_name_plural = _("通知投递（发件箱）")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="uniq_delivery_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"


class WebhookEndpoint(models.Model):
    partner = models.CharField(_("合作方"), max_length=100)
    url = models.URLField(_("回调地址"), max_length=500, help_text=_("必须为 HTTPS（开发/测试环境允许 http://127.0.0.1 与 localhost）"))
    secret = models.CharField(_("签名密钥"), max_length=200, help_text=_("用于 X-JJJ-Signature 的 HMAC-SHA256 密钥"))
    kinds = models.JSONField(_("订阅的事件类型"), default=list, blank=True, help_text=_("事件类型代码列表，例如 [\"demand_published\"]"))
    active = models.BooleanField(_("启用"), default=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 接收端")
        verbose_name_plural = _("Webhook 接收端")
        ordering = ["partner", "id"]

    def __str__(self) -> str:
        return f"{self.partner} {self.url}"

    def clean(self):
        from . import services

        services.webhook_endpoint_validate(url=self.url, kinds=self.kinds, secret=self.secret)


class WebhookDelivery(OutboxRow):
    """One event to one partner endpoint, and the log of its attempts."""

    endpoint = models.ForeignKey(WebhookEndpoint, verbose_name=_("接收端"), on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("事件类型"), max_length=32, db_index=True)
    event_key = models.CharField(_("事件去重键"), max_length=200)
    payload = models.JSONField(_("事件内容"), default=dict)
    status_codes = models.JSONField(_("各次响应状态码"), default=list, blank=True, help_text=_("0 表示未收到响应（连接失败或超时）"))

    class Meta:
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递日志")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_key"], name="uniq_webhook_event")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.partner} #{self.pk}"


class FailedTask(models.Model):
    """A Celery task that failed for good (no retry left), or an event receiver that raised: for staff to see."""

    task_name = models.CharField(_("任务"), max_length=200)
    task_id = models.CharField(_("任务编号"), max_length=100, blank=True)
    args = models.JSONField(_("参数"), default=list, blank=True)
    kwargs = models.JSONField(_("关键字参数"), default=dict, blank=True)
    exception = models.TextField(_("异常"))
    traceback = models.TextField(_("堆栈"), blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    resolved = models.BooleanField(_("已处理"), default=False)

    class Meta:
        verbose_name = _("失败任务")
        verbose_name_plural = _("失败任务")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.created:%Y-%m-%d %H:%M}"
