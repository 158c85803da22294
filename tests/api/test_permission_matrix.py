"""Every role and scope × every registry endpoint × every region, against the server's answer.

Roles: partner keys of each region (11 北京, 12 天津, 13 河北) with read scopes, with all scopes, or with an
unrelated scope; staff of each region (session); an organisation member (session, not staff); a superuser;
an anonymous caller. Records: a Beijing expert, Tianjin talent and graduate, a Hebei demand and organisation —
so a region's writer may change exactly its own region's records.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from rest_framework.test import APIClient

from registry.api_models import SCOPES
from registry.choices import Status
from tests.services.conftest import applicant, full_files, item, submit, talent  # noqa: F401 (fixtures of the workflow matrix)
from tests.support import factory as f

pytestmark = pytest.mark.django_db

REGIONS = ("11", "12", "13")
RESOURCES = {  # name: (url, region of its records)
    "organisations": ("organisations", "13"),
    "experts": ("experts", "11"),
    "talents": ("talents", "12"),
    "graduates": ("graduates", "12"),
    "demands": ("demands", "13"),
}
SCOPE_OF = {"organisations": "organisations", "experts": "experts", "talents": "talent", "graduates": "graduates", "demands": "demands"}
ACTIONS = ("list", "detail", "create", "update", "bulk", "transition")
ROLES = (
    [f"partner-{r}-{kind}" for r in REGIONS for kind in ("read", "write", "other")]
    + [f"staff-{r}" for r in REGIONS]
    + ["member", "superuser", "anonymous"]
)
MEMBER_SCOPES = {"organisations:read", "organisations:write", "experts:read", "demands:read", "demands:write", "experts:write", "matching:read", "matching:write",
                 "services:read", "services:write", "notifications:read"}


def applicable(resource: str, action: str) -> bool:
    if resource == "organisations":
        return action != "bulk"
    return True


def scopes_of(role: str) -> set[str]:
    if role.startswith("partner-"):
        kind = role.rsplit("-", 1)[1]
        return {s for s in SCOPES if s.endswith(":read") and s != "personal:read"} if kind == "read" else (set(SCOPES) if kind == "write" else {"cards:verify"})
    if role.startswith("staff-") or role == "superuser":
        return set(SCOPES) - {"personal:read"}
    if role == "member":
        return MEMBER_SCOPES
    return set()


def region_of(role: str) -> str:
    return role.split("-")[1] if role.startswith(("partner-", "staff-")) else ""


def expected(role: str, resource: str, action: str) -> int:
    if role == "anonymous":
        return 401
    needed = f"{SCOPE_OF[resource]}:{'read' if action in ('list', 'detail') else 'write'}"
    if needed not in scopes_of(role):
        return 403
    if action in ("list", "detail"):
        return 200
    if action == "bulk":
        return 200 if role.startswith("partner-") else 403
    if role == "member":
        if resource == "organisations" and action == "create":
            return 201  # anyone signed in registers an organisation (and becomes its administrator), as on the web
        return 403  # not the record's owner, not staff: the services refuse
    if role != "superuser" and region_of(role) != RESOURCES[resource][1]:
        return 403
    return 201 if action == "create" else 200


def _payload(resource: str, n: int, org=None) -> dict:
    today = dt.date.today()
    if resource == "experts":
        return {"name": f"矩阵专家{n}", "id_number": f.id_number(n), "employer_name": "北京大学", "home_division": "110108", "sharing_modes": ["consulting"],
                "serves_all_hebei": True, "external_id": f"M-{n}"}
    if resource == "talents":
        return {"name": f"矩阵人才{n}", "id_number": f.id_number(n, prefix="120101"), "tier": "C", "programme": "京津冀共同认定", "recognised_on": "2025-01-01",
                "home_division": "120101", "external_id": f"M-{n}"}
    if resource == "graduates":
        return {"name": f"矩阵毕业生{n}", "id_number": f.id_number(n, birth="20020202"), "school": "南开大学", "school_division": "120104", "degree": "bachelor",
                "major": "化学", "graduation_year": 2026, "external_id": f"M-{n}"}
    if resource == "demands":
        return {"organisation": org.pk, "kind": "consultation", "title": "矩阵需求", "description": "说明", "industry": "3912", "sharing_modes": ["remote"],
                "city": "130600", "period_start": str(today), "period_end": str(today + dt.timedelta(days=60)), "external_id": f"M-{n}"}
    return {"name": f"矩阵单位{n}", "credit_code": f.credit_code(n), "org_type": "enterprise", "division": "130602", "external_id": f"M-{n}"}


def _record(resource: str, factory):
    if resource == "experts":
        return factory.expert(status=Status.SUBMITTED)
    if resource == "talents":
        from registry import services

        n = next(_counter)
        return services.talent_register(name=f"人才{n}", id_number=f.id_number(n, prefix="120101", birth="19700101"), tier="B", programme="领军", recognised_on=dt.date(2024, 1, 1), home_division="120101")
    if resource == "graduates":
        return factory.graduate(status=Status.SUBMITTED)
    if resource == "demands":
        return factory.demand(status=Status.SUBMITTED)
    return factory.organisation(verified=False)


_counter = itertools.count(5000)
UPDATE = {"organisations": {"address": "保定市竞秀区"}, "experts": {"days_per_month": 7}, "talents": {"notes": "更新"}, "graduates": {"job_intentions": "研发"}, "demands": {"headcount": 3}}
TRANSITION = {"experts": "verified", "talents": "verified", "graduates": "verified", "demands": "published", "organisations": "verified"}


@pytest.fixture
def as_role(make_key, make_user, factory):
    def make(role: str) -> APIClient:
        client = APIClient()
        if role.startswith("partner-"):
            key = make_key(scopes=sorted(scopes_of(role)), region=region_of(role), partner=role)
            client.credentials(HTTP_X_API_KEY=key.clear)
        elif role.startswith("staff-"):
            client.force_authenticate(make_user(region=region_of(role), staff=True))
        elif role == "member":
            from registry.models import OrganisationMembership

            user = make_user()
            OrganisationMembership.objects.create(organisation=factory.organisation(), user=user)  # a member of some other organisation
            client.force_authenticate(user)
        elif role == "superuser":
            client.force_authenticate(make_user(superuser=True))
        return client

    return make


CASES = [(role, res, act) for role in ROLES for res in RESOURCES for act in ACTIONS if applicable(res, act)]


@pytest.mark.parametrize(("role", "resource", "action"), CASES, ids=["-".join(c) for c in CASES])
def test_matrix(role, resource, action, as_role, factory):
    client = as_role(role)
    base = f"/api/v1/{RESOURCES[resource][0]}/"
    n = next(_counter)
    org = factory.organisation() if resource == "demands" else None
    if action == "list":
        _record(resource, factory)
        r = client.get(base)
    elif action == "detail":
        r = client.get(f"{base}{_record(resource, factory).pk}/")
    elif action == "create":
        r = client.post(base, _payload(resource, n, org), format="json")
    elif action == "update":
        r = client.patch(f"{base}{_record(resource, factory).pk}/", UPDATE[resource], format="json")
    elif action == "bulk":
        r = client.post(f"{base}bulk/", {"rows": [_payload(resource, n, org)]}, format="json")
    else:
        path = "status" if resource == "organisations" else "transition"
        r = client.post(f"{base}{_record(resource, factory).pk}/{path}/", {"to": TRANSITION[resource]}, format="json")
    want = expected(role, resource, action)
    assert r.status_code == want, (r.status_code, r.content[:300])
    if want >= 400:
        assert r["Content-Type"] == "application/problem+json"
    if action == "bulk" and want == 200:
        row = r.json()["results"][0]
        ok = region_of(role) == RESOURCES[resource][1]
        assert row["status"] == ("created" if ok else "error"), row
        if not ok:
            assert row["errors"][0]["code"] in ("permission_denied", "wrong_region")


# --- the workflow endpoints: invitations, engagements, 区域通办 applications, talent cards, preferences ----------
#
# Rows are made directly (ORM) where the subject is only who may call the endpoint; the steps themselves go
# through the services. The demand and the application's 受理地 are Hebei (13), the application's 办理地 Beijing
# (11), the talent Beijing (11). No role here is the invited expert, the applicant or a party of the engagement.

STEP_SCOPES = {
    "invitation-detail": "matching:read", "invitation-answer": "matching:write", "invitation-withdraw": "matching:write",
    "engagement-detail": "matching:read", "engagement-complete": "matching:write", "engagement-ratings": "matching:read", "engagement-rate": "matching:write",
    "application-submit": "services:write", "application-accept": "services:write", "card-issue": "services:write",
    "preferences-read": "notifications:read", "preferences-update": "notifications:read",
}


def _acts_in(role: str, region: str) -> bool:
    return role == "superuser" or (role.startswith(("partner-", "staff-")) and region_of(role) == region)


def expected_step(role: str, endpoint: str) -> int:
    if role == "anonymous":
        return 401
    if STEP_SCOPES[endpoint] not in scopes_of(role):
        return 403
    if endpoint in ("invitation-detail", "engagement-detail", "engagement-ratings", "invitation-withdraw", "engagement-complete"):
        return 200 if _acts_in(role, "13") else 403
    if endpoint in ("invitation-answer", "engagement-rate"):
        return 403  # the expert's / the parties' own step
    if endpoint == "application-submit":
        return 201 if role == "member" or _acts_in(role, "13") else 403
    if endpoint == "application-accept":
        return 200 if _acts_in(role, "13") else (403 if _acts_in(role, "11") else 404)
    if endpoint == "card-issue":
        return 201 if _acts_in(role, "11") else 403
    return 200


STEP_CASES = [(role, endpoint) for role in ROLES for endpoint in STEP_SCOPES]


@pytest.fixture
def workflow_rows(factory, make_user, staff_he):
    from matching.models import Engagement, Invitation
    from registry import services

    demand = factory.demand(status=Status.SUBMITTED, sharing_modes=["consulting", "remote"])
    services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)
    expert = factory.expert()
    expert.person.user = make_user()
    expert.person.save()
    invitation = Invitation.objects.create(demand=demand, expert=expert, message="矩阵")
    accepted = Invitation.objects.create(demand=demand, expert=factory.expert(), status="accepted")
    today = dt.date.today()
    engagement = Engagement.objects.create(demand=demand, organisation=demand.organisation, expert=accepted.expert, invitation=accepted, mode="remote",
                                           start_date=today, end_date=today + dt.timedelta(days=30), coi_declaration="无", confidentiality_undertaking=True)
    done = Engagement.objects.create(demand=demand, organisation=demand.organisation, expert=expert, invitation=invitation, mode="remote",
                                     start_date=today, end_date=today + dt.timedelta(days=30), coi_declaration="无", status="completed")
    return {"invitation": invitation, "engagement": engagement, "completed": done}


@pytest.mark.parametrize(("role", "endpoint"), STEP_CASES, ids=["-".join(c) for c in STEP_CASES])
def test_matrix_workflow_steps(role, endpoint, as_role, workflow_rows, item, submit, talent):
    from tests.services.conftest import pdf

    client = as_role(role)
    inv, eng, done = workflow_rows["invitation"].pk, workflow_rows["engagement"].pk, workflow_rows["completed"].pk
    if endpoint == "invitation-detail":
        r = client.get(f"/api/v1/invitations/{inv}/")
    elif endpoint == "invitation-answer":
        r = client.post(f"/api/v1/invitations/{inv}/answer/", {"accept": False, "reason": "no_time"}, format="json")
    elif endpoint == "invitation-withdraw":
        r = client.post(f"/api/v1/invitations/{inv}/withdraw/", {"reason": "矩阵"}, format="json")
    elif endpoint == "engagement-detail":
        r = client.get(f"/api/v1/engagements/{eng}/")
    elif endpoint == "engagement-complete":
        r = client.post(f"/api/v1/engagements/{eng}/complete/", {}, format="json")
    elif endpoint == "engagement-ratings":
        r = client.get(f"/api/v1/engagements/{done}/ratings/")
    elif endpoint == "engagement-rate":
        r = client.post(f"/api/v1/engagements/{done}/ratings/", {"score": 5}, format="json")
    elif endpoint == "application-submit":
        r = client.post("/api/v1/service-applications/", {"item": item.code, "accept_region": "13", "handle_region": "11", "materials.id_card": pdf(),
                                                          "materials.form": pdf(), "materials.certificate": pdf()}, format="multipart")
    elif endpoint == "application-accept":
        r = client.post(f"/api/v1/service-applications/{submit().number}/accept/", {}, format="json")
    elif endpoint == "card-issue":
        r = client.post("/api/v1/talent-cards/", {"talent": talent.pk}, format="json")
    elif endpoint == "preferences-read":
        r = client.get("/api/v1/notifications/preferences/")
    else:
        r = client.patch("/api/v1/notifications/preferences/", {"preferences": [{"kind": "invitation_new", "channel": "email", "enabled": False}]}, format="json")
    want = expected_step(role, endpoint)
    assert r.status_code == want, (r.status_code, r.content[:300])
    if want >= 400:
        assert r["Content-Type"] == "application/problem+json"
