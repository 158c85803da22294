"""The invitation and engagement steps over the API: the expert answers, the organisation's side withdraws,
either party (or the demand region's staff and partners) completes or terminates, the parties rate — each
through matching.services, with scopes, regions, ETags, idempotency and problem details."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from matching import services
from matching.models import Engagement, LifecycleEvent, Rating
from registry.models import ObjectChange
from tests.matching.conftest import World

from tests.support.api import session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_holder():
    from matching.holder import holder

    holder.reset()
    yield
    holder.reset()


@pytest.fixture
def world(factory, make_user):
    return World(factory, make_user)



ACCEPT = {"accept": True, "coi_declaration": "无利益冲突", "confidentiality_undertaking": True}


@pytest.fixture
def invited(world):
    expert = world.expert()
    invitation = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert, message="诚邀指导")
    return expert, invitation


def test_expert_accepts_with_if_match_and_an_idempotent_replay(world, invited):
    expert, invitation = invited
    me = session(expert.user)
    read = me.get(f"/api/v1/invitations/{invitation.pk}/")
    assert read.status_code == 200 and read.json()["status"] == "pending"
    tag = read["ETag"]
    r = me.post(f"/api/v1/invitations/{invitation.pk}/answer/", ACCEPT, format="json", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="answer-1")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["invitation"]["status"] == "accepted" and body["engagement"]["status"] == "active"
    assert r["ETag"] != tag
    engagement = Engagement.objects.get()
    assert body["engagement"]["id"] == engagement.pk and engagement.coi_declaration == "无利益冲突"
    assert LifecycleEvent.objects.filter(invitation=invitation, action="accept").count() == 1
    assert ObjectChange.objects.filter(object_repr__contains="邀请").exists()
    again = me.post(f"/api/v1/invitations/{invitation.pk}/answer/", ACCEPT, format="json", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="answer-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true" and again.json() == body
    assert again["ETag"] == r["ETag"] and not again.has_header("Location")  # the first answer's headers, no others
    assert Engagement.objects.count() == 1
    # the same step again under another key: the state does not allow it (409, Chinese, naming the state)
    r = me.post(f"/api/v1/invitations/{invitation.pk}/answer/", ACCEPT, format="json", HTTP_IDEMPOTENCY_KEY="answer-2")
    assert r.status_code == 409 and r["Content-Type"] == "application/problem+json"
    assert r.json()["errors"][0]["code"] == "illegal_transition" and "已接受" in r.json()["detail"]
    # the stale tag is refused before anything is tried
    r = me.post(f"/api/v1/invitations/{invitation.pk}/answer/", {"accept": False, "reason": "no_time"}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 412 and r.json()["type"].endswith("etag_mismatch")


def test_decline_needs_a_reason_and_acceptance_the_declarations(world, invited):
    expert, invitation = invited
    me = session(expert.user, lang="en")
    r = me.post(f"/api/v1/invitations/{invitation.pk}/answer/", {"accept": True}, format="json")
    assert r.status_code == 422 and r.json()["errors"][0] == {"field": "coi_declaration", "code": "coi_required",
                                                              "message": "The conflict-of-interest declaration is required"}
    r = me.post(f"/api/v1/invitations/{invitation.pk}/answer/", {"accept": False}, format="json")
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "reason_required"
    r = me.post(f"/api/v1/invitations/{invitation.pk}/answer/", {"accept": False, "reason": "maybe"}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    r = me.post(f"/api/v1/invitations/{invitation.pk}/answer/", {"accept": False, "reason": "no_time", "note": "出差"}, format="json")
    assert r.status_code == 200 and r.json() == {**r.json(), "engagement": None} and r.json()["invitation"]["status"] == "declined"
    assert not Engagement.objects.exists()


def test_only_the_invited_expert_answers(world, invited, make_key, partner_client):
    expert, invitation = invited
    url = f"/api/v1/invitations/{invitation.pk}/answer/"
    he = partner_client(make_key(scopes=["matching:read", "matching:write"], region="13"))
    assert he.get(f"/api/v1/invitations/{invitation.pk}/").status_code == 200  # the demand's region reads it
    r = he.post(url, ACCEPT, format="json")
    assert r.status_code == 403 and "受邀专家本人" in r.json()["detail"]
    assert session(world.boss).post(url, ACCEPT, format="json").status_code == 403
    other = world.expert()
    assert session(other.user).post(url, ACCEPT, format="json").status_code == 403  # not a party: not even readable
    assert session(other.user).get(f"/api/v1/invitations/{invitation.pk}/").status_code == 403
    bj = partner_client(make_key(scopes=["matching:read", "matching:write"], region="11"))
    assert bj.get(f"/api/v1/invitations/{invitation.pk}/").status_code == 403
    reader = partner_client(make_key(scopes=["matching:read"], region="13"))
    r = reader.post(url, ACCEPT, format="json")
    assert r.status_code == 403 and "matching:write" in r.json()["detail"]
    assert session(expert.user).post("/api/v1/invitations/99999999/answer/", ACCEPT, format="json").status_code == 404
    assert session(expert.user).get("/api/v1/invitations/99999999/").status_code == 404
    assert APIClient().post(url, ACCEPT, format="json").status_code == 401
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_the_organisation_side_withdraws(world, invited, make_key, partner_client):
    expert, invitation = invited
    url = f"/api/v1/invitations/{invitation.pk}/withdraw/"
    assert session(expert.user).post(url, {"reason": "x"}, format="json").status_code == 403
    r = session(world.boss).post(url, {"reason": "需求调整"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = session(expert.user).post(f"/api/v1/invitations/{invitation.pk}/answer/", ACCEPT, format="json")
    assert r.status_code == 409 and "已撤回" in r.json()["detail"]
    he = partner_client(make_key(scopes=["matching:write"], region="13"))
    assert he.post(url, {}, format="json").status_code == 409


@pytest.fixture
def engagement(world, invited):
    expert, invitation = invited
    _inv, engagement = services.invitation_answer(actor=expert.user, invitation=invitation, **ACCEPT)
    return expert, engagement


def test_complete_then_rate_by_both_parties(world, engagement, make_key, partner_client):
    expert, eng = engagement
    boss, me = session(world.boss), session(expert.user)
    r = boss.post(f"/api/v1/engagements/{eng.pk}/ratings/", {"score": 5}, format="json")
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "not_completed"
    bj = partner_client(make_key(scopes=["matching:read", "matching:write"], region="11"))
    assert bj.post(f"/api/v1/engagements/{eng.pk}/complete/", {}, format="json").status_code == 403
    assert bj.get(f"/api/v1/engagements/{eng.pk}/").status_code == 403
    he = partner_client(make_key(scopes=["matching:read", "matching:write"], region="13"))
    tag = he.get(f"/api/v1/engagements/{eng.pk}/")["ETag"]
    r = he.post(f"/api/v1/engagements/{eng.pk}/complete/", {"note": "良率提升"}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 200 and r.json()["status"] == "completed" and r.json()["completed_at"]
    r = he.post(f"/api/v1/engagements/{eng.pk}/terminate/", {"reason": "晚了"}, format="json")
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "illegal_transition"
    assert he.post(f"/api/v1/engagements/{eng.pk}/ratings/", {"score": 5}, format="json").status_code == 403  # not a party
    assert boss.post(f"/api/v1/engagements/{eng.pk}/ratings/", {"score": 9}, format="json").status_code == 400
    r = boss.post(f"/api/v1/engagements/{eng.pk}/ratings/", {"score": 4, "comment": "很好"}, format="json", HTTP_IDEMPOTENCY_KEY="rate-1")
    assert r.status_code == 201 and r.json()["side"] == "enterprise" and r.json()["score"] == 4
    replay = boss.post(f"/api/v1/engagements/{eng.pk}/ratings/", {"score": 4, "comment": "很好"}, format="json", HTTP_IDEMPOTENCY_KEY="rate-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    changed = boss.post(f"/api/v1/engagements/{eng.pk}/ratings/", {"score": 3}, format="json", HTTP_IDEMPOTENCY_KEY="rate-1")
    assert changed.status_code == 422 and changed.json()["type"].endswith("idempotency_mismatch")
    r = boss.post(f"/api/v1/engagements/{eng.pk}/ratings/", {"score": 5}, format="json")
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "already_rated"
    assert me.post(f"/api/v1/engagements/{eng.pk}/ratings/", {"score": 5}, format="json").status_code == 201
    assert Rating.objects.filter(engagement=eng).count() == 2
    expert.refresh_from_db()
    assert expert.rating_avg == 4.0 and expert.rating_count == 1
    assert sorted(x["side"] for x in me.get(f"/api/v1/engagements/{eng.pk}/ratings/").json()) == ["enterprise", "expert"]


def test_terminate_needs_a_reason(world, engagement):
    expert, eng = engagement
    me = session(expert.user)
    r = me.post(f"/api/v1/engagements/{eng.pk}/terminate/", {"reason": " "}, format="json")
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "reason_required"
    r = me.post(f"/api/v1/engagements/{eng.pk}/terminate/", {"reason": "项目暂停"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "terminated"
    assert me.post("/api/v1/engagements/99999999/terminate/", {"reason": "x"}, format="json").status_code == 404


def test_an_experts_invitations_and_engagements(world, invited, make_key, partner_client, make_user):
    """The expert sees all of theirs; staff and partners those of their region's demands; others are refused."""
    expert, invitation = invited
    me = session(expert.user)
    rows = me.get(f"/api/v1/experts/{expert.pk}/invitations/").json()["results"]
    assert [r["id"] for r in rows] == [invitation.pk] and rows[0]["status"] == "pending"
    assert me.get(f"/api/v1/experts/{expert.pk}/invitations/?status=accepted").json()["results"] == []
    assert me.get(f"/api/v1/experts/{expert.pk}/engagements/").json()["results"] == []
    me.post(f"/api/v1/invitations/{invitation.pk}/answer/", ACCEPT, format="json")
    (engagement,) = me.get(f"/api/v1/experts/{expert.pk}/engagements/").json()["results"]
    assert engagement["status"] == "active" and engagement["expert"] == expert.pk

    demand_region = world.demand.region
    other_region = "11" if demand_region != "11" else "12"
    assert len(partner_client(make_key(region=demand_region)).get(f"/api/v1/experts/{expert.pk}/invitations/").json()["results"]) == 1
    assert partner_client(make_key(region=other_region)).get(f"/api/v1/experts/{expert.pk}/invitations/").json()["results"] == []

    stranger = session(make_user(username="stranger"))
    refused = stranger.get(f"/api/v1/experts/{expert.pk}/invitations/")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert me.get("/api/v1/experts/999999/engagements/").status_code == 404


def test_a_refused_step_is_explained_in_the_requests_language(world, invited):
    """The services' refusals are Chinese by default and English under Accept-Language: en (gettext, locale/en)."""
    expert, invitation = invited
    answer, withdraw = (f"/api/v1/invitations/{invitation.pk}/{step}/" for step in ("answer", "withdraw"))
    refusals = {
        (answer, world.boss): ("只有受邀专家本人可以答复邀请", "Only the invited expert may answer the invitation"),
        (withdraw, expert.user): ("只有需求单位成员或本地区工作人员可以撤回邀请",
                                  "Only members of the demanding organisation or staff of its region may withdraw an invitation"),
    }
    for (url, user), (zh, en) in refusals.items():
        for lang, message, title in ((None, zh, "没有权限"), ("zh-hans", zh, "没有权限"), ("en", en, "Permission denied")):
            r = session(user, lang=lang).post(url, ACCEPT if url == answer else {"reason": "x"}, format="json")
            assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"
            assert (r.json()["detail"], r.json()["title"]) == (message, title), lang
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_the_default_refusal_is_translated():
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    from registry import permissions

    for lang, message in (("zh-hans", "您无权对该记录执行此操作（仅限本地区工作人员或记录本人）"),
                          ("en", "You may not do this to the record (only staff of its region or the person themselves may)")):
        with translation.override(lang), pytest.raises(PermissionDenied) as refused:
            permissions.require(False)
        assert str(refused.value) == message
    permissions.require(True)
