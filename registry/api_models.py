"""Partner access to the API: per-partner API keys (stored hashed) and stored answers of idempotent requests.

A partner system (a region's talent office, a park platform, a university career centre, a hospital) is a
service account (``registry.User``, no password, ``is_staff`` with the partner's region) holding one or more
keys. Each key carries its own scopes, region, expiry and revocation, so a partner rotates keys without
downtime: create the new key, switch, revoke the old one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import REGION_CHOICES

KEY_PREFIX = "jjj"

# Scopes a key may carry. Reference codes need no scope (any authenticated caller reads them).
SCOPES = {
    "organisations:read": _("读取用人单位"),
    "organisations:write": _("登记、修改用人单位"),
    "experts:read": _("读取专家人才库"),
    "experts:write": _("写入专家人才库"),
    "talent:read": _("读取高层次人才库"),
    "talent:write": _("写入高层次人才库"),
    "graduates:read": _("读取高校毕业生信息库"),
    "graduates:write": _("写入高校毕业生信息库"),
    "demands:read": _("读取人才需求库"),
    "demands:write": _("写入人才需求库"),
    "personal:read": _("读取未脱敏的个人信息（每次读取均被记录）"),
    "cards:verify": _("核验京津冀人才卡"),
    "matching:read": _("读取推荐、邀请与合作"),
    "matching:write": _("发出邀请、管理合作"),
    "services:read": _("读取同事同标服务事项与申请"),
    "services:write": _("提交与办理服务申请，发放与变更人才卡"),
    "notifications:read": _("读取通知"),
}


def hash_secret(secret: str) -> str:
    """SHA-256 of the whole key: keys are 190+ bits of randomness, so a fast hash is enough (and keeps auth cheap)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class PartnerApiKeyQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at=None).filter(models.Q(expires_at=None) | models.Q(expires_at__gt=now))


class PartnerApiKey(models.Model):
    partner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("合作系统账号"), on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("密钥名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("权限范围"), default=list)
    region = models.CharField(_("地区"), max_length=2, choices=REGION_CHOICES, help_text=_("只能写入本地区的记录"))
    throttle_rate = models.CharField(_("限流"), max_length=20, blank=True, help_text=_("如 600/min；留空使用默认值"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = PartnerApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("合作系统接口密钥")
        verbose_name_plural = _("合作系统接口密钥")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.partner_code}:{self.name} ({self.prefix}…)"

    @property
    def partner_code(self) -> str:
        return self.partner.username

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_secret(secret))

    @staticmethod
    def generate() -> tuple[str, str]:
        """(prefix, clear key). The clear key is shown once and never stored."""
        prefix = secrets.token_hex(4)
        return prefix, f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"

    @staticmethod
    def split(clear: str) -> str | None:
        """The prefix of a well-formed key, else None."""
        parts = (clear or "").strip().split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 8 or len(parts[2]) < 20:
            return None
        return parts[1]


class IdempotencyRecord(models.Model):
    """The stored answer of a write sent with an ``Idempotency-Key``: replayed for the same key and body."""

    owner = models.CharField(max_length=80)  # "key:<partner>" or "user:<id>"
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    headers = models.JSONField(default=dict, blank=True)  # the answer's ETag and Location, replayed with it
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等请求记录")
        verbose_name_plural = _("幂等请求记录")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="uniq_idempotency_key")]
