"""The matching endpoints: recommendations, invitations and engagements of a demand's organisation, with the
same keys, scopes, regions and errors."""

from __future__ import annotations

import pytest

from registry import services
from registry.choices import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(factory, staff_he):
    demand = factory.demand(status=Status.SUBMITTED, industry="3912", disciplines=["F02"], sharing_modes=["consulting", "remote"], min_title_level="none")
    services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)
    return demand


def test_recommend_then_invite_then_list(published, factory, make_key, partner_client):
    expert = factory.expert(industries=["3912"], disciplines=["F02"], sharing_modes=["remote"])
    he = partner_client(make_key(scopes=["matching:read", "matching:write"], region="13"))
    r = he.post(f"/api/v1/demands/{published.pk}/recommendations/", {"k": 5}, format="json")
    assert r.status_code == 201, r.content
    assert [x["expert"] for x in r.json()] == [expert.pk] and r.json()[0]["explanation"]
    assert he.get(f"/api/v1/demands/{published.pk}/recommendations/").json()[0]["expert"] == expert.pk
    r = he.post("/api/v1/invitations/", {"demand": published.pk, "expert": expert.pk, "proposed_mode": "remote", "message": "诚邀"}, format="json")
    assert r.status_code == 201, r.content
    again = he.post("/api/v1/invitations/", {"demand": published.pk, "expert": expert.pk, "proposed_mode": "remote"}, format="json")
    assert again.status_code in (409, 422) and again["Content-Type"] == "application/problem+json"
    assert [i["status"] for i in he.get(f"/api/v1/demands/{published.pk}/invitations/").json()] == ["pending"]
    assert he.get(f"/api/v1/organisations/{published.organisation_id}/engagements/").json()["results"] == []


def test_other_regions_partner_cannot_see_or_invite(published, factory, make_key, partner_client):
    expert = factory.expert()
    bj = partner_client(make_key(scopes=["matching:read", "matching:write"], region="11"))
    assert bj.get(f"/api/v1/demands/{published.pk}/recommendations/").status_code == 403
    assert bj.post("/api/v1/invitations/", {"demand": published.pk, "expert": expert.pk}, format="json").status_code == 403
    assert bj.get(f"/api/v1/organisations/{published.organisation_id}/engagements/").status_code == 403
    reader = partner_client(make_key(scopes=["matching:read"], region="13"))
    assert reader.post("/api/v1/invitations/", {"demand": published.pk, "expert": expert.pk}, format="json").status_code == 403


def test_inviting_to_an_unpublished_demand_is_refused_with_the_services_error(factory, make_key, partner_client):
    demand = factory.demand()  # draft
    expert = factory.expert()
    he = partner_client(make_key(scopes=["matching:write"], region="13"))
    r = he.post("/api/v1/invitations/", {"demand": demand.pk, "expert": expert.pk}, format="json")
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "demand_not_published"


def test_unknown_ids_in_an_invitation_are_422(make_key, partner_client):
    he = partner_client(make_key(scopes=["matching:write"], region="13"), lang="en")
    r = he.post("/api/v1/invitations/", {"demand": 999999, "expert": 999998}, format="json")
    assert r.status_code == 422
    assert {(e["field"], e["message"]) for e in r.json()["errors"]} == {("demand", "No record with this id"), ("expert", "No record with this id")}
