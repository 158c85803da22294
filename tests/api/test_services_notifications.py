"""The services app's and the notifications app's endpoints, with the same keys, scopes and errors."""

from __future__ import annotations

import pytest

from tests.services.conftest import applicant, full_files, item, submit, talent  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_catalogue_lists_the_standard_in_force(item, make_key, partner_client):
    client = partner_client(make_key(scopes=["services:read"], region="13"))
    body = client.get("/api/v1/service-items/").json()
    row = next(r for r in body["results"] if r["code"] == "T-ZC-001")
    assert row["name"] == "职称资格互认" and row["time_limit_days"] == 10 and row["version"] == 1
    assert client.get("/api/v1/service-items/T-ZC-001/").json()["materials"][0]["key"] == "id_card"
    assert client.get("/api/v1/service-items/NOPE/").status_code == 404
    assert client.get("/api/v1/service-items/?category=title").json()["results"]
    assert partner_client(make_key(scopes=["experts:read"], region="13")).get("/api/v1/service-items/").status_code == 403


def test_applications_are_scoped_to_the_partners_region(submit, make_key, partner_client):
    application = submit(accept_region="13", handle_region="11")
    he = partner_client(make_key(scopes=["services:read"], region="13"))
    tj = partner_client(make_key(scopes=["services:read"], region="12"))
    assert [a["number"] for a in he.get("/api/v1/service-applications/").json()["results"]] == [application.number]
    assert he.get("/api/v1/service-applications/?side=handle").json()["results"] == []
    assert tj.get("/api/v1/service-applications/").json()["results"] == []
    assert tj.get(f"/api/v1/service-applications/{application.number}/").status_code == 404
    assert he.get(f"/api/v1/service-applications/{application.number}/").json()["status"] == application.status


def test_applicant_sees_own_applications_by_session(submit, applicant, client):
    application = submit()
    client.force_login(applicant)
    assert [a["number"] for a in client.get("/api/v1/service-applications/").json()["results"]] == [application.number]


def test_talent_card_verification(talent, staff_bj, make_key, partner_client):
    from services import selectors
    from services import services as svc

    card = svc.talent_card_issue(actor=staff_bj, talent=talent)
    hospital = partner_client(make_key(scopes=["cards:verify"], region="13", partner="hospital"))
    token = selectors.talent_card_token(card)
    body = hospital.post("/api/v1/talent-cards/verify/", {"token": token}, format="json").json()
    assert body["valid"] is True and body["number"] == card.number and "李院士" not in str(body)
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert hospital.post("/api/v1/talent-cards/verify/", {"token": forged}, format="json").json()["valid"] is False
    svc.talent_card_suspend(actor=staff_bj, card=card, reason="核查中")
    assert hospital.post("/api/v1/talent-cards/verify/", {"token": card.number}, format="json").json()["code"] == "card_suspended"
    assert hospital.post("/api/v1/talent-cards/verify/", {}, format="json").status_code == 400
    reader = partner_client(make_key(scopes=["services:read"], region="13"))
    assert reader.post("/api/v1/talent-cards/verify/", {"token": card.number}, format="json").status_code == 403


def test_notifications_inbox_and_mark_read(make_user, client):
    from notifications import services as notes

    me, other = make_user(), make_user()
    mine = notes.notify(recipient=me, kind="demand_published", title="需求已发布", body="", dedupe_key="t-1")
    theirs = notes.notify(recipient=other, kind="demand_published", title="别人的", body="", dedupe_key="t-2")
    client.force_login(me)
    assert [n["id"] for n in client.get("/api/v1/notifications/").json()["results"]] == [mine.pk]
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    r = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert r.status_code == 200 and r.json()["read_at"]
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] == []


from tests.api.test_permission_matrix import ROLES, as_role, scopes_of  # noqa: E402,F401 (fixture)

ENDPOINTS = {  # name: (method, url, scope)
    "service-items": ("get", "/api/v1/service-items/", "services:read"),
    "service-applications": ("get", "/api/v1/service-applications/", "services:read"),
    "talent-card-verify": ("post", "/api/v1/talent-cards/verify/", "cards:verify"),
    "notifications": ("get", "/api/v1/notifications/", "notifications:read"),
}
MATRIX = [(role, name) for role in ROLES for name in ENDPOINTS]


@pytest.mark.parametrize(("role", "endpoint"), MATRIX, ids=["-".join(c) for c in MATRIX])
def test_matrix_services_and_notifications(role, endpoint, as_role):
    method, url, scope = ENDPOINTS[endpoint]
    client = as_role(role)
    r = client.post(url, {"token": "JJJ0000000000"}, format="json") if method == "post" else client.get(url)
    if role == "anonymous":
        want = 401
    elif role == "member" and scope == "cards:verify":
        want = 403
    else:
        want = 200 if scope in scopes_of(role) else 403
    assert r.status_code == want, (r.status_code, r.content[:200])
