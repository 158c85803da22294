"""Django choices built from :mod:`registry.domain` (the one list of each enumeration)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import domain


def _choices(table):
    return [(code, _(zh)) for code, zh, _en in table]


REGION_CHOICES = [*_choices(domain.REGIONS), (domain.REGION_OTHER, _("区域外"))]
SHARING_MODE_CHOICES = _choices(domain.SHARING_MODES)
TITLE_LEVEL_CHOICES = _choices(domain.TITLE_LEVELS)
TITLE_SERIES_CHOICES = _choices(domain.TITLE_SERIES)
SKILL_LEVEL_CHOICES = _choices(domain.SKILL_LEVELS)
TALENT_TEAM_CHOICES = _choices(domain.TALENT_TEAMS)
MUTUAL_RECOGNITION_CHOICES = _choices(domain.MUTUAL_RECOGNITION_ITEMS)
ORGANISATION_TYPE_CHOICES = _choices(domain.ORGANISATION_TYPES)
DEMAND_KIND_CHOICES = _choices(domain.DEMAND_KINDS)
URGENCY_CHOICES = _choices(domain.URGENCY)
TALENT_TIER_CHOICES = _choices(domain.TALENT_TIERS)
DEGREE_CHOICES = _choices(domain.DEGREES)
SEEKING_STATUS_CHOICES = _choices(domain.SEEKING_STATUS)


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    VERIFIED = "verified", _("已核验")
    PUBLISHED = "published", _("已发布")
    SUSPENDED = "suspended", _("已暂停")
    WITHDRAWN = "withdrawn", _("已撤回")
    CLOSED = "closed", _("已关闭")
    EXPIRED = "expired", _("已过期")


class Source(models.TextChoices):
    SELF = "self", _("本人注册")
    IMPORT = "import", _("批量导入")
    PARTNER = "partner", _("合作系统")
    STAFF = "staff", _("工作人员录入")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class ConsentScope(models.TextChoices):
    SHARE_WITH_ORGANISATIONS = "share_with_organisations", _("向用人单位提供个人信息（单独同意）")
    PUBLIC_DIRECTORY = "public_directory", _("在专家名录中公开展示")
    MATCHING = "matching", _("用于人才匹配推荐")
