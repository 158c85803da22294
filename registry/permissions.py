"""Who may change what, checked on the server per object.

Staff belong to one region: they read every record and change only their own region's. Superusers change all.
Owners (the expert, graduate or talent themselves; an organisation's members) edit their own records' content
but never verify or publish them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext


def is_region_staff(user, region: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.is_staff and user.region and user.region == region)


def record_region(obj) -> str:
    return getattr(obj, "region", "") or ""


def can_staff_change(user, obj) -> bool:
    return is_region_staff(user, record_region(obj))


def is_owner(user, obj) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from .models import Demand, Organisation

    if isinstance(obj, Organisation):
        return obj.memberships.filter(user=user).exists()
    if isinstance(obj, Demand):
        return obj.organisation.memberships.filter(user=user).exists()
    person = getattr(obj, "person", None)
    return person is not None and person.user_id == user.pk


def can_edit(user, obj) -> bool:
    return can_staff_change(user, obj) or is_owner(user, obj)


def require(condition: bool, message: str | None = None) -> None:
    """Refuse (PermissionDenied) unless ``condition``; ``message`` in the active language (callers pass gettext)."""
    if not condition:
        raise PermissionDenied(message or gettext("您无权对该记录执行此操作（仅限本地区工作人员或记录本人）"))


def can_reveal_personal_data(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("registry.view_personal_data"))
