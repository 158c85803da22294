"""组团服务 in the expert portal: a lead names team members when applying; each member sees the team applications
naming them (awaiting confirmation first) and confirms with their own declarations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.choices import Status
from registry.web import tokens

pytestmark = pytest.mark.django_db


from .test_matching_portal import _fresh, world  # noqa: F401 -- the matching pages' fixtures (fresh index, an enterprise with a demand)


@pytest.fixture
def team(world, factory, make_user):  # noqa: F811 -- the imported fixture
    """The matching pages' world, its expert leading; two more experts with accounts (a member and an outsider)."""

    def expert(username):
        user = make_user(username=username)
        e = factory.expert()
        e.person.user = user
        e.person.save()
        e.user = user
        return e

    world.lead = world.expert
    world.lead.user = world.expert_user
    world.member, world.outsider = expert("member"), expert("outsider")
    world.second_demand = factory.demand(organisation=world.org, status=Status.PUBLISHED, city="131003", headcount=1, sharing_modes=["consulting"])
    return world


def _apply(client, t, **extra):
    p = f"p{t.demand.pk}"
    data = {"action": "apply", "demand": t.demand.pk, f"{p}-form_token": tokens.issue(), f"{p}-coi_declaration": "无",
            f"{p}-confidentiality_undertaking": "on"}
    data.update({f"{p}-{k}": v for k, v in extra.items()})
    return client.post(reverse("portal:expert_recommended"), data)


def _submitted(t):
    from matching import services as matching_services

    return matching_services.application_submit(actor=t.lead.user, demand=t.demand, team=[t.member], coi_declaration="无",
                                                confidentiality_undertaking=True)


def test_lead_names_team_members_by_expert_number(client, team):
    from matching.models import Application

    client.force_login(team.lead.user)
    client.post(reverse("portal:expert_recommended"), {"action": "recommend"})
    r = _apply(client, team, team="99999")
    assert r.status_code == 200 and "未找到专家编号：99999" in r.content.decode()
    r = _apply(client, team, team="1x")
    assert r.status_code == 200 and "专家编号应为数字" in r.content.decode()
    assert not Application.objects.exists()
    r = _apply(client, team, team=f"{team.member.pk}，{team.lead.pk}")
    assert r.status_code == 302
    app = Application.objects.get()
    assert {(m.expert_id, m.role, m.confirmed_at is None) for m in app.team.all()} == {
        (team.lead.pk, "lead", False), (team.member.pk, "member", True)}


def test_member_lists_and_confirms_with_declarations(client, team):
    from matching.models import ApplicationMember, LifecycleEvent

    app = _submitted(team)
    client.force_login(team.member.user)
    page = client.get(reverse("portal:expert_teams")).content.decode()
    assert team.demand.title in page and team.lead.person.name in page and "待确认" in page
    url = reverse("portal:team_confirm", args=[app.pk])
    page = client.get(url).content.decode()
    assert "确认加入" in page and team.lead.person.mobile not in page
    # bad input: the undertaking missing → the service's message next to the field, the text kept
    r = client.post(url, {"c-form_token": tokens.issue(), "c-coi_declaration": "与需求单位无任何关系"})
    body = r.content.decode()
    assert r.status_code == 200 and "请阅读并作出保密承诺" in body and 'id="id_c-confidentiality_undertaking_error"' in body
    assert "与需求单位无任何关系" in body
    r = client.post(url, {"c-form_token": tokens.issue(), "c-confidentiality_undertaking": "on"})
    assert r.status_code == 200 and "请填写“利益冲突声明”" in r.content.decode()
    token = tokens.issue()
    r = client.post(url, {"c-form_token": token, "c-coi_declaration": "无", "c-confidentiality_undertaking": "on"})
    assert r.status_code == 302 and r.url == url
    member = ApplicationMember.objects.get(application=app, expert=team.member)
    assert member.confirmed_at and member.confidentiality_undertaking and member.coi_declaration == "无"
    assert LifecycleEvent.objects.filter(application=app, action="member_confirm").count() == 1
    # the same form again (double click): no second confirmation
    assert client.post(url, {"c-form_token": token, "c-coi_declaration": "无", "c-confidentiality_undertaking": "on"}).status_code == 302
    assert LifecycleEvent.objects.filter(application=app, action="member_confirm").count() == 1
    page = client.get(url).content.decode()
    assert "您已于" in page and "c-coi_declaration" not in page
    assert "没有待确认的团队申请" in client.get(reverse("portal:expert_teams")).content.decode()


def test_illegal_states_show_the_services_chinese_message(client, team):
    from matching import services as matching_services

    app = _submitted(team)
    matching_services.application_member_confirm(actor=team.member.user, application=app, coi_declaration="无", confidentiality_undertaking=True)
    client.force_login(team.member.user)
    url = reverse("portal:team_confirm", args=[app.pk])
    r = client.post(url, {"c-form_token": tokens.issue(), "c-coi_declaration": "无", "c-confidentiality_undertaking": "on"})
    assert r.status_code == 200 and "您已确认加入该团队" in r.content.decode()
    other = _other_application(team)
    matching_services.application_withdraw(actor=team.lead.user, application=other)
    url = reverse("portal:team_confirm", args=[other.pk])
    assert "该申请已答复或撤回" in client.get(url).content.decode()
    r = client.post(url, {"c-form_token": tokens.issue(), "c-coi_declaration": "无", "c-confidentiality_undertaking": "on"})
    assert r.status_code == 200 and "申请已答复或撤回，不能再确认" in r.content.decode()


def _other_application(t):
    from matching import services as matching_services

    return matching_services.application_submit(actor=t.lead.user, demand=t.second_demand, team=[t.member], coi_declaration="无",
                                                confidentiality_undertaking=True)


def test_wrong_user_gets_404_and_non_experts_are_sent_to_register(client, team, make_user):
    app = _submitted(team)
    url = reverse("portal:team_confirm", args=[app.pk])
    for user in (team.outsider.user, team.lead.user):  # not named, or the lead (who declared when applying)
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"c-form_token": tokens.issue(), "c-coi_declaration": "无", "c-confidentiality_undertaking": "on"}).status_code == 404
    assert team.demand.title not in client.get(reverse("portal:expert_teams")).content.decode()
    client.force_login(make_user())
    assert client.get(url).url == reverse("portal:expert_register")
    client.logout()
    assert client.get(url).status_code == 302


def test_named_member_is_notified_with_a_link_to_the_confirmation(client, team):
    from notifications.models import Notification

    app = _submitted(team)
    note = Notification.objects.get(recipient=team.member.user)
    assert note.kind == "invitation_new" and team.demand.title in note.title and team.lead.person.name in note.title
    assert note.link == reverse("portal:team_confirm", args=[app.pk])
    assert not Notification.objects.filter(recipient__in=[team.lead.user, team.outsider.user]).exists()
    client.force_login(team.member.user)
    assert team.demand.title in client.get(reverse("notifications:inbox")).content.decode()
