"""Matching pages: recommended experts with explanations, invitations, the expert's inbox, recommended demands,
applications, engagements and ratings, recommended positions for graduates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry import services as registry_services
from registry.choices import ConsentScope, Status
from registry.web import tokens

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(db):
    from django.core.cache import cache

    from matching.holder import holder

    cache.clear()
    holder.reset()
    yield
    holder.reset()


@pytest.fixture
def world(factory, make_user):
    class World:
        pass

    w = World()
    w.boss = make_user(username="boss")
    w.org = factory.organisation(actor=w.boss, division="131000", name="廊坊芯片封装有限公司")
    w.demand = factory.demand(organisation=w.org, status=Status.PUBLISHED, city="131003", headcount=1,
                              sharing_modes=["consulting", "remote", "part_time"])
    w.expert_user = make_user(username="chip_expert")
    w.expert = factory.expert(industries=["3973"], disciplines=["F0406"], skills=["集成电路封装", "封装测试"])
    w.expert.person.user = w.expert_user
    w.expert.person.save()
    return w


def test_enterprise_sees_explained_recommendations_and_invites_once(client, world):
    client.force_login(world.boss)
    url = reverse("portal:demand_experts", args=[world.demand.pk])
    assert "还没有推荐" in client.get(url).content.decode()
    client.post(url, {"action": "recommend"})
    page = client.get(url).content.decode()
    assert world.expert.person.name in page and "推荐理由" in page and "集成电路" in page
    assert world.expert.person.mobile not in page and world.expert.person.id_number not in page
    from matching.models import Invitation, Recommendation

    rec = Recommendation.objects.get(demand=world.demand, expert=world.expert)
    prefix = f"i{rec.pk}"
    # only the modes both sides accept are offered; another is refused next to the field
    data = {"action": "invite", "recommendation": rec.pk, f"{prefix}-form_token": tokens.issue(), f"{prefix}-message": "请指导封装良率",
            f"{prefix}-proposed_mode": "part_time"}
    r = client.post(url, data)
    assert r.status_code == 200 and "不在可用的选项中" in r.content.decode() and "请指导封装良率" in r.content.decode()
    data[f"{prefix}-proposed_mode"] = "remote"
    data[f"{prefix}-form_token"] = tokens.issue()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form again: one invitation
    assert Invitation.objects.filter(demand=world.demand, expert=world.expert).count() == 1
    assert "已邀请，等待答复" in client.get(url).content.decode()


def test_other_members_cannot_see_a_demands_recommendations(client, world, make_user):
    client.force_login(make_user())
    assert client.get(reverse("portal:demand_experts", args=[world.demand.pk])).status_code == 403


def test_expert_accepts_in_inbox_then_both_complete_and_rate(client, world):
    from matching import services as matching_services
    from matching.models import Engagement

    inv = matching_services.invitation_create(actor=world.boss, demand=world.demand, expert=world.expert, message="请来廊坊指导")
    client.force_login(world.expert_user)
    inbox = reverse("portal:expert_inbox")
    page = client.get(inbox).content.decode()
    assert "请来廊坊指导" in page and world.demand.title in page
    p = f"a{inv.pk}"
    r = client.post(inbox, {"action": "accept", "invitation": inv.pk, f"{p}-form_token": tokens.issue(), f"{p}-coi_declaration": "无"})
    assert r.status_code == 200 and "请阅读并作出保密承诺" in r.content.decode()
    r = client.post(inbox, {"action": "accept", "invitation": inv.pk, f"{p}-form_token": tokens.issue(), f"{p}-coi_declaration": "无",
                            f"{p}-confidentiality_undertaking": "on"})
    assert r.status_code == 302 and r.url == reverse("portal:engagements")
    engagement = Engagement.objects.get()
    assert engagement.status == "active" and engagement.expert == world.expert

    client.post(reverse("portal:engagements"), {"action": "complete", "engagement": engagement.pk})
    engagement.refresh_from_db()
    assert engagement.status == "completed"
    r = client.post(reverse("portal:engagements"), {"action": "rate", "engagement": engagement.pk, f"r{engagement.pk}-form_token": tokens.issue(),
                                                    f"r{engagement.pk}-score": "4", f"r{engagement.pk}-comment": "单位配合很好"})
    assert r.status_code == 302
    client.force_login(world.boss)
    page = client.get(reverse("portal:engagements")).content.decode()
    assert "评价专家" in page and "单位配合很好" in page
    client.post(reverse("portal:engagements"), {"action": "rate", "engagement": engagement.pk, f"r{engagement.pk}-form_token": tokens.issue(),
                                                f"r{engagement.pk}-score": "5"})
    world.expert.refresh_from_db()
    assert world.expert.rating_count == 1 and world.expert.rating_avg == 5.0


def test_expert_declines_with_a_reason(client, world):
    from matching import services as matching_services

    inv = matching_services.invitation_create(actor=world.boss, demand=world.demand, expert=world.expert)
    client.force_login(world.expert_user)
    p = f"d{inv.pk}"
    r = client.post(reverse("portal:expert_inbox"), {"action": "decline", "invitation": inv.pk, f"{p}-form_token": tokens.issue()})
    assert "请选择“谢绝原因”" in r.content.decode()
    client.post(reverse("portal:expert_inbox"), {"action": "decline", "invitation": inv.pk, f"{p}-form_token": tokens.issue(), f"{p}-reason": "no_time"})
    inv.refresh_from_db()
    assert inv.status == "declined" and inv.decline_reason == "no_time"


def test_expert_recommended_demands_and_application_answered_by_the_enterprise(client, world):
    from matching.models import Application, Engagement

    client.force_login(world.expert_user)
    url = reverse("portal:expert_recommended")
    client.post(url, {"action": "recommend"})
    page = client.get(url).content.decode()
    assert world.demand.title in page and "推荐理由" in page
    p = f"p{world.demand.pk}"
    r = client.post(url, {"action": "apply", "demand": world.demand.pk, f"{p}-form_token": tokens.issue(), f"{p}-proposal": "可远程指导",
                          f"{p}-coi_declaration": "无", f"{p}-confidentiality_undertaking": "on"})
    assert r.status_code == 302
    application = Application.objects.get()
    client.force_login(world.boss)
    page = client.get(reverse("portal:demand_experts", args=[world.demand.pk])).content.decode()
    assert "可远程指导" in page
    client.post(reverse("portal:demand_experts", args=[world.demand.pk]), {"action": "accept_application", "application": application.pk})
    assert Engagement.objects.filter(expert=world.expert, demand=world.demand).exists()


def test_graduate_recommended_positions(client, factory, make_user):
    user = make_user()
    org = factory.organisation(division="130600")
    position = factory.demand(organisation=org, kind="position", title="保定软件开发工程师岗位", status=Status.PUBLISHED,
                              industry="6513", disciplines=["F02"], required_skills=["Python", "软件开发"])
    graduate = factory.graduate(preferred_cities=["130600"], job_intentions="软件开发")
    graduate.person.user = user
    graduate.person.save()
    registry_services.consent_grant(person=graduate.person, scope=ConsentScope.MATCHING)
    client.force_login(user)
    client.post(reverse("portal:graduate_positions"))
    page = client.get(reverse("portal:graduate_positions")).content.decode()
    assert position.title in page and "推荐理由" in page
