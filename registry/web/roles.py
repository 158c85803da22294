"""Which portals a user belongs to, and the navigation each role sees."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Expert, Graduate, HighLevelTalent, OrganisationMembership, Person

ENTERPRISE, EXPERT, GRADUATE, TALENT, STAFF = "enterprise", "expert", "graduate", "talent", "staff"


def person_of(user) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).first()


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    if user.is_staff:
        roles.add(STAFF)
    if OrganisationMembership.objects.filter(user=user).exists():
        roles.add(ENTERPRISE)
    person = person_of(user)
    if person is not None:
        if Expert.objects.filter(person=person).exists():
            roles.add(EXPERT)
        if Graduate.objects.filter(person=person).exists():
            roles.add(GRADUATE)
        if HighLevelTalent.objects.filter(person=person).exists():
            roles.add(TALENT)
    user._portal_roles = roles
    return roles


def navigation(user) -> list[tuple[str, str]]:
    """(label, url) pairs for the header, per role."""
    items = [(_("首页"), reverse("home")), (_("需求目录"), reverse("portal:demand_catalogue")), (_("专家名录"), reverse("portal:expert_directory")),
             (_("办事服务"), reverse("portal:services_catalogue"))]
    if not getattr(user, "is_authenticated", False):
        return items
    roles = roles_of(user)
    items += [(_("我的"), reverse("portal:dashboard")), (_("通知"), reverse("notifications:inbox"))]
    if TALENT in roles or user.service_applications.exists():
        items.append((_("我的申请"), reverse("portal:applications")))
    if ENTERPRISE in roles:
        items += [(_("我的单位"), reverse("portal:org_home")), (_("发布需求"), reverse("portal:demand_create"))]
    if EXPERT in roles:
        items += [(_("邀请"), reverse("portal:expert_inbox")), (_("组团确认"), reverse("portal:expert_teams")),
                  (_("推荐需求"), reverse("portal:expert_recommended")),
                  (_("专家资料"), reverse("portal:expert_profile"))]
    if ENTERPRISE in roles or EXPERT in roles:
        items.append((_("合作"), reverse("portal:engagements")))
    if GRADUATE in roles:
        items += [(_("推荐岗位"), reverse("portal:graduate_positions")), (_("毕业生资料"), reverse("portal:graduate_profile"))]
    if TALENT in roles:
        items += [(_("人才认定"), reverse("portal:talent_home")), (_("人才卡"), reverse("portal:talent_card"))]
    if TALENT in roles or EXPERT in roles:
        items.append((_("职称互认"), reverse("portal:recognitions")))
    if STAFF in roles:
        items += [(_("审核队列"), reverse("portal:staff_queue")), (_("通办审核"), reverse("portal:staff_applications")),
                  (_("互认认定"), reverse("portal:staff_recognitions")), (_("管理后台"), reverse("admin:index"))]
    return items
