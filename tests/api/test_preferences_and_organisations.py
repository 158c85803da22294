"""The caller's notification preferences, and organisation updates through registry.services.organisation_update."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from notifications.models import NotificationPreference
from registry.models import ObjectChange, Organisation, OrganisationMembership

from tests.support.api import session

pytestmark = pytest.mark.django_db

PREFS = "/api/v1/notifications/preferences/"



def enabled(body, kind, channel):
    return next(p["enabled"] for p in body["preferences"] if (p["kind"], p["channel"]) == (kind, channel))


def test_preferences_read_with_defaults_and_patched_with_if_match(make_user):
    me, other = make_user(), make_user()
    client = session(me)
    r = client.get(PREFS)
    assert r.status_code == 200 and enabled(r.json(), "invitation_new", "email") is True and enabled(r.json(), "weekly_digest", "email") is False
    tag = r["ETag"]
    assert client.get(PREFS, HTTP_IF_NONE_MATCH=tag).status_code == 304
    change = {"preferences": [{"kind": "invitation_new", "channel": "email", "enabled": False}, {"kind": "weekly_digest", "channel": "email", "enabled": True}]}
    r = client.patch(PREFS, change, format="json", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="prefs-1")
    assert r.status_code == 200 and enabled(r.json(), "invitation_new", "email") is False and enabled(r.json(), "weekly_digest", "email") is True
    assert enabled(r.json(), "invitation_new", "in_app") is True and r["ETag"] != tag
    assert set(NotificationPreference.objects.filter(user=me).values_list("kind", "channel", "enabled")) == {
        ("invitation_new", "email", False), ("weekly_digest", "email", True)}
    assert not NotificationPreference.objects.filter(user=other).exists()
    replay = client.patch(PREFS, change, format="json", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="prefs-1")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    r = client.patch(PREFS, {"preferences": [{"kind": "invitation_new", "channel": "email", "enabled": True}]}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 412
    # PUT: the listed pairs as listed, every other pair back to its default
    r = client.put(PREFS, {"preferences": [{"kind": "demand_published", "channel": "in_app", "enabled": False}]}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert enabled(body, "demand_published", "in_app") is False and enabled(body, "invitation_new", "email") is True and enabled(body, "weekly_digest", "email") is False
    assert session(other).get(PREFS).json()["preferences"] == client.put(PREFS, {"preferences": []}, format="json").json()["preferences"]


def test_bad_preferences_are_400(make_user, make_key, partner_client):
    client = session(make_user(), lang="en")
    for body in ({"preferences": [{"kind": "nope", "channel": "email", "enabled": True}]},
                 {"preferences": [{"kind": "invitation_new", "channel": "sms", "enabled": True}]},
                 {"preferences": [{"kind": "invitation_new", "channel": "email", "enabled": "perhaps"}]},
                 {"preferences": [{"kind": "invitation_new", "channel": "email", "enabled": True}] * 2},
                 {"preferences": "all"}, {}):
        r = client.patch(PREFS, body, format="json")
        assert r.status_code == 400 and r["Content-Type"] == "application/problem+json", (body, r.content)
    assert not NotificationPreference.objects.exists()
    assert APIClient().get(PREFS).status_code == 401
    assert partner_client(make_key(scopes=["experts:read"], region="13")).get(PREFS).status_code == 403
    partner = partner_client(make_key(scopes=["notifications:read"], region="13"))
    assert partner.patch(PREFS, {"preferences": [{"kind": "invitation_new", "channel": "email", "enabled": False}]}, format="json").status_code == 200


# --- organisations -----------------------------------------------------------------------------------------


def test_member_updates_own_organisation_with_if_match(factory, make_user):
    org = factory.organisation(division="130602")
    boss = make_user()
    OrganisationMembership.objects.create(organisation=org, user=boss)
    client = session(boss)
    url = f"/api/v1/organisations/{org.pk}/"
    tag = client.get(url)["ETag"]
    r = client.patch(url, {"address": "保定市竞秀区朝阳北大街1号", "contact_phone": "13912345678", "credit_code": "IGNORED"}, format="json",
                     HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="org-1")
    assert r.status_code == 200, r.content
    assert r.json()["address"] == "保定市竞秀区朝阳北大街1号" and r.json()["contact_phone"] == "139****5678" and r["ETag"] != tag
    org.refresh_from_db()
    assert org.contact_phone == "13912345678" and org.credit_code != "IGNORED"
    change = ObjectChange.objects.filter(object_id=str(org.pk), action="update", user=boss).order_by("-id").first()
    assert change is not None and change.postchange_data["address"] == "保定市竞秀区朝阳北大街1号"
    assert "13912345678" not in str(change.postchange_data)  # masked in the audit log
    assert client.patch(url, {"address": "x"}, format="json", HTTP_IF_MATCH=tag).status_code == 412
    # an owner may move the organisation (a company relocates)
    assert client.patch(url, {"division": "110108"}, format="json").json()["region"] == "11"


def test_update_validation_is_the_registrations(factory, make_key, partner_client):
    org = factory.organisation(division="130602")
    he = partner_client(make_key(scopes=["organisations:read", "organisations:write"], region="13"), lang="en")
    url = f"/api/v1/organisations/{org.pk}/"
    r = he.patch(url, {"contact_phone": "12345", "industry": "ZZZZ", "name": ""}, format="json")
    assert r.status_code in (400, 422)
    r = he.patch(url, {"contact_phone": "12345", "industry": "ZZZZ"}, format="json")
    assert r.status_code == 422 and {e["field"]: e["code"] for e in r.json()["errors"]} == {"contact_phone": "mobile_format", "industry": "unknown_code"}
    r = he.put(url, {"address": "只改地址"}, format="json")
    assert r.status_code == 400 and {e["field"] for e in r.json()["errors"]} == {"name", "org_type", "division"}
    r = he.put(url, {"name": "保定新名称有限公司", "org_type": "enterprise", "division": "130602", "address": "新地址"}, format="json")
    assert r.status_code == 200 and r.json()["name"] == "保定新名称有限公司"
    # a partner may not move it out of its region, nor change another region's organisation
    r = he.patch(url, {"division": "110108"}, format="json")
    assert r.status_code == 403 and r.json()["type"].endswith("wrong_region")
    bj = partner_client(make_key(scopes=["organisations:write"], region="11"))
    assert bj.patch(url, {"address": "北京"}, format="json").status_code == 403
    assert he.patch("/api/v1/organisations/99999999/", {"address": "x"}, format="json").status_code == 404
    reader = partner_client(make_key(scopes=["organisations:read"], region="13"))
    assert reader.patch(url, {"address": "x"}, format="json").status_code == 403
    assert Organisation.objects.get(pk=org.pk).region == "13"


def test_staff_cannot_move_an_organisation_out_of_region_through_the_service(factory, staff_he):
    from django.core.exceptions import PermissionDenied

    from registry import services

    org = factory.organisation(division="130602")
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=staff_he, organisation=org, division="110108")
    org.refresh_from_db()
    assert org.region == "13"
    services.organisation_update(actor=staff_he, organisation=org, division="130100", description="搬迁至石家庄")
    org.refresh_from_db()
    assert org.division_id == "130100" and org.description == "搬迁至石家庄"


def test_registration_with_an_unknown_division_is_a_422_not_a_crash(make_key, partner_client):
    from tests.support.factory import credit_code

    he = partner_client(make_key(scopes=["organisations:write"], region="13"))
    r = he.post("/api/v1/organisations/", {"name": "某单位", "credit_code": credit_code(), "org_type": "enterprise", "division": "999999"}, format="json")
    assert r.status_code == 422 and {e["field"]: e["code"] for e in r.json()["errors"]} == {"division": "unknown_code"}


def test_a_path_with_a_newline_is_a_problem_404(he_client):
    r = he_client.put("/api/v1/organisations/T%0Ax/", {}, format="json")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
