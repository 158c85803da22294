"""The partner API's behaviour: authentication, scopes and regions, personal data, filters, errors, ETags,
bulk upserts with idempotency, throttling."""

from __future__ import annotations

import datetime as dt

import uuid

import pytest
from django.utils import timezone

from registry.choices import Status
from registry.models import Demand, Expert, IdempotencyRecord, PersonalDataAccess
from tests.support import factory as f

pytestmark = pytest.mark.django_db


def expert_payload(**kw):
    n = kw.pop("n", 901)
    data = {
        "name": f"接口专家{n}", "id_number": f.id_number(n), "mobile": f.mobile(n + 70_000_000), "employer_name": "北京大学", "home_division": "110108",
        "title_level": "senior", "title_series": "engineering", "disciplines": ["F02"], "industries": ["3912"], "skills": ["机器学习"],
        "research_areas": "人工智能", "sharing_modes": ["consulting"], "serves_all_hebei": True, "external_id": f"EXT-{n}",
    }
    data.update(kw)
    return data


# --- authentication -----------------------------------------------------------------------------------------


def test_no_credentials_is_401_problem(client):
    r = client.get("/api/v1/experts/")
    assert r.status_code == 401
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 401 and body["type"].startswith("urn:jjjtalent:problem:") and body["instance"] == "/api/v1/experts/"
    assert "Api-Key" in r["WWW-Authenticate"]


@pytest.mark.parametrize("mangle", ["wrong", "revoked", "expired", "garbage"])
def test_bad_keys_are_401(make_key, partner_client, mangle):
    from registry import services

    key = make_key(region="11")
    if mangle == "wrong":
        key.clear = key.clear[:-4] + "AAAA"
    elif mangle == "revoked":
        services.api_key_revoke(key=key)
    elif mangle == "expired":
        type(key).objects.filter(pk=key.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    else:
        key.clear = "not-a-key"
    r = partner_client(key).get("/api/v1/divisions/")
    assert r.status_code == 401
    assert r.json()["type"] == "urn:jjjtalent:problem:authentication_failed"


def test_authorization_header_form_and_key_stored_hashed(make_key, partner_client):
    key = make_key(region="11")
    assert key.clear not in key.key_hash and key.prefix in key.clear
    assert partner_client(key, header="authorization").get("/api/v1/divisions/130600/").json()["name"] == "保定市"


def test_rotation_two_keys_of_one_partner(make_key, partner_client):
    from registry import services

    old = make_key(region="13", partner="rotating")
    new = make_key(region="13", partner="rotating")
    assert old.partner_id == new.partner_id
    services.api_key_revoke(key=old)
    assert partner_client(old).get("/api/v1/divisions/").status_code == 401
    assert partner_client(new).get("/api/v1/divisions/").status_code == 200


def test_session_user_reads(client, staff_bj, factory):
    factory.expert()
    client.force_login(staff_bj)
    assert client.get("/api/v1/experts/").status_code == 200


# --- scopes and regions -------------------------------------------------------------------------------------


def test_missing_scope_is_403_naming_the_scope(make_key, partner_client):
    r = partner_client(make_key(scopes=["demands:read"], region="13")).get("/api/v1/experts/")
    assert r.status_code == 403
    assert "experts:read" in r.json()["detail"]


def test_hebei_partner_cannot_create_beijing_expert(he_client):
    r = he_client.post("/api/v1/experts/", expert_payload(), format="json")
    assert r.status_code == 403
    assert not Expert.objects.filter(external_id="EXT-901").exists()


def test_hebei_partner_cannot_change_tianjin_record_even_by_moving_it(he_client, factory):
    demand = factory.demand()  # Hebei
    r = he_client.patch(f"/api/v1/demands/{demand.pk}/", {"city": "120101"}, format="json")
    assert r.status_code == 403
    demand.refresh_from_db()
    assert demand.city_id == "130600"


def test_beijing_partner_cannot_change_hebei_demand(bj_client, factory):
    demand = factory.demand()
    r = bj_client.patch(f"/api/v1/demands/{demand.pk}/", {"title": "改名"}, format="json")
    assert r.status_code == 403
    demand.refresh_from_db()
    assert demand.title != "改名"


# --- creation, validation errors, languages -----------------------------------------------------------------


def test_create_expert_records_partner_source(bj_client):
    r = bj_client.post("/api/v1/experts/", expert_payload(), format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    expert = Expert.objects.get(pk=body["id"])
    assert expert.source == "partner" and expert.source_partner == "bj-talent" and expert.external_id == "EXT-901"
    assert r["Location"].endswith(f"/api/v1/experts/{expert.pk}/") and r["ETag"]
    assert body["industries"] == ["3912"] and body["sharing_modes"] == ["consulting"]


def test_service_errors_are_422_with_field_list_in_chinese(bj_client):
    r = bj_client.post("/api/v1/experts/", expert_payload(id_number="110105198001010013", home_division="999999"), format="json")
    assert r.status_code == 422
    body = r.json()
    fields = {e["field"]: e for e in body["errors"]}
    assert fields["id_number"]["code"] == "id_check" and "校验位" in fields["id_number"]["message"]
    assert fields["home_division"]["code"] == "unknown_code"


def test_errors_in_english_on_request(make_key, partner_client):
    client = partner_client(make_key(region="11"), lang="en")
    r = client.post("/api/v1/experts/", expert_payload(id_number="110105198001010013"), format="json")
    assert r.status_code == 422
    body = r.json()
    assert body["title"] == "The request could not be processed"
    assert body["errors"][0]["message"] == "The ID number's check character is wrong"


def test_type_errors_are_400_and_malformed_json_is_400(bj_client):
    r = bj_client.post("/api/v1/experts/", {**expert_payload(), "max_engagements": "many", "sharing_modes": "consulting"}, format="json")
    assert r.status_code == 400
    assert {e["field"] for e in r.json()["errors"]} >= {"max_engagements", "sharing_modes"}
    r = bj_client.generic("POST", "/api/v1/experts/", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["type"].endswith("malformed")


def test_duplicate_person_is_409(bj_client):
    assert bj_client.post("/api/v1/experts/", expert_payload(), format="json").status_code == 201
    r = bj_client.post("/api/v1/experts/", expert_payload(external_id="OTHER"), format="json")
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "duplicate_person"


def test_unknown_record_is_404_problem(bj_client):
    r = bj_client.get("/api/v1/experts/999999/")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"


def test_illegal_transition_is_409_and_legal_one_works(he_client, factory):
    demand = factory.demand(status=Status.SUBMITTED)
    r = he_client.post(f"/api/v1/demands/{demand.pk}/transition/", {"to": "closed"}, format="json")
    assert r.status_code == 409
    r = he_client.post(f"/api/v1/demands/{demand.pk}/transition/", {"to": "published"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "published"


# --- personal data --------------------------------------------------------------------------------------------


def test_personal_fields_masked_without_scope(make_key, partner_client, factory):
    expert = factory.expert()
    client = partner_client(make_key(scopes=["experts:read"], region="11"))
    body = client.get(f"/api/v1/experts/{expert.pk}/").json()
    assert body["personal"]["masked"] is True
    assert body["personal"]["id_number"] == expert.person.masked_id_number != expert.person.id_number
    assert not PersonalDataAccess.objects.exists()


def test_personal_fields_revealed_and_logged_with_scope(make_key, partner_client, factory):
    expert = factory.expert()
    client = partner_client(make_key(scopes=["experts:read", "personal:read"], region="11", partner="hospital-1"))
    body = client.get(f"/api/v1/experts/{expert.pk}/").json()
    assert body["personal"] == {"id_number": expert.person.id_number, "mobile": expert.person.mobile, "email": expert.person.email, "masked": False}
    log = PersonalDataAccess.objects.get()
    assert log.partner == "hospital-1" and log.person_id == expert.person_id and "id_number" in log.fields


def test_lists_carry_no_personal_fields_unless_asked(make_key, partner_client, factory):
    factory.expert()
    client = partner_client(make_key(scopes=["experts:read", "personal:read"], region="11"))
    assert "personal" not in client.get("/api/v1/experts/").json()["results"][0]
    assert not PersonalDataAccess.objects.exists()
    row = client.get("/api/v1/experts/?include=personal").json()["results"][0]
    assert row["personal"]["masked"] is False
    assert PersonalDataAccess.objects.count() == 1


# --- filters, search, pagination --------------------------------------------------------------------------


def test_division_filter_covers_descendants_and_groups(he_client, factory):
    org = factory.organisation(division="130638")  # 雄县, under 保定
    xiong = factory.demand(organisation=org, city="130638")
    sjz = factory.demand(organisation=factory.organisation(division="130100"), city="130100")
    ids = lambda q: {r["id"] for r in he_client.get(f"/api/v1/demands/?{q}").json()["results"]}  # noqa: E731
    assert ids("division=130600") == {xiong.pk}
    assert ids("division=xiongan") == {xiong.pk}
    assert ids("division=130000") == {xiong.pk, sjz.pk}
    r = he_client.get("/api/v1/demands/?division=999999")
    assert r.status_code == 400


def test_expert_filters(bj_client, factory):
    a = factory.expert(industries=["3912"], disciplines=["F0201"], title_level="senior", sharing_modes=["remote"], skills=["芯片设计"], research_areas="")
    b = factory.expert(home_division="120101", industries=["8411"], disciplines=["H01"], title_level="intermediate", sharing_modes=["consulting"], skills=["心血管"], research_areas="介入治疗")
    ids = lambda q: {r["id"] for r in bj_client.get(f"/api/v1/experts/?{q}").json()["results"]}  # noqa: E731
    assert ids("division=110000") == {a.pk}
    assert ids("industry=39") == {a.pk}
    assert ids("industry=C") == {a.pk}
    assert ids("discipline=F02") == {a.pk}
    assert ids("min_title_level=associate_senior") == {a.pk}
    assert ids("sharing_modes=consulting,project") == {b.pk}
    assert ids("q=芯片") == {a.pk}
    assert ids("q=介入") == {b.pk}
    assert ids("division=110000&industry=39&min_title_level=senior") == {a.pk}
    assert bj_client.get("/api/v1/experts/?sharing_modes=flying").status_code == 400
    assert bj_client.get("/api/v1/experts/?min_title_level=emperor").status_code == 400


def test_updated_since_and_cursor_feed(bj_client, factory):
    experts = [factory.expert() for _ in range(5)]
    Expert.objects.filter(pk=experts[0].pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    since = (timezone.now() - dt.timedelta(days=1)).isoformat().replace("+", "%2B")
    seen, url = [], f"/api/v1/experts/?ordering=updated_at&page_size=2&updated_since={since}"
    while url:
        body = bj_client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(e.pk for e in experts[1:]) and len(seen) == 4


# --- ETags ------------------------------------------------------------------------------------------------------


def test_etag_304_and_412_lost_update(he_client, factory):
    demand = factory.demand()
    r = he_client.get(f"/api/v1/demands/{demand.pk}/")
    tag = r["ETag"]
    assert he_client.get(f"/api/v1/demands/{demand.pk}/", HTTP_IF_NONE_MATCH=tag).status_code == 304
    r = he_client.patch(f"/api/v1/demands/{demand.pk}/", {"headcount": 3}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 200 and r["ETag"] != tag
    r = he_client.patch(f"/api/v1/demands/{demand.pk}/", {"headcount": 4}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 412
    demand.refresh_from_db()
    assert demand.headcount == 3


# --- bulk upsert and idempotency -----------------------------------------------------------------------------


def test_bulk_upsert_per_row_results(bj_client):
    rows = [expert_payload(n=1001), expert_payload(n=1002, home_division="nowhere"), expert_payload(n=1003)]
    r = bj_client.post("/api/v1/experts/bulk/", {"rows": rows}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert [x["status"] for x in body["results"]] == ["created", "error", "created"]
    assert body["results"][1]["errors"][0]["field"] == "home_division"
    rows[0]["days_per_month"] = 9
    r = bj_client.post("/api/v1/experts/bulk/", {"rows": [rows[0]]}, format="json")
    assert r.json()["results"][0]["status"] == "updated"
    assert Expert.objects.get(external_id="EXT-1001").days_per_month == 9


def test_bulk_atomic_rolls_back_everything(bj_client):
    rows = [expert_payload(n=1101), expert_payload(n=1102, sharing_modes=[])]
    r = bj_client.post("/api/v1/experts/bulk/?atomic=true", {"rows": rows}, format="json")
    assert r.status_code == 422
    assert [x["status"] for x in r.json()["results"]] == ["rolled_back", "error"]
    assert not Expert.objects.filter(external_id__in=["EXT-1101", "EXT-1102"]).exists()


def test_external_ids_are_scoped_by_partner(make_key, partner_client):
    one = partner_client(make_key(region="11", partner="p-one"))
    two = partner_client(make_key(region="11", partner="p-two"))
    assert one.post("/api/v1/experts/bulk/", {"rows": [expert_payload(n=1201, external_id="X1")]}, format="json").json()["created"] == 1
    body = two.post("/api/v1/experts/bulk/", {"rows": [expert_payload(n=1202, external_id="X1")]}, format="json").json()
    assert body["created"] == 1
    assert Expert.objects.filter(external_id="X1").count() == 2


def test_bulk_limits_and_duplicates(bj_client):
    r = bj_client.post("/api/v1/experts/bulk/", {"rows": [{}] * 1001}, format="json")
    assert r.status_code == 413
    body = bj_client.post("/api/v1/experts/bulk/", {"rows": [expert_payload(n=1301), expert_payload(n=1302, external_id="EXT-1301")]}, format="json").json()
    assert [x["status"] for x in body["results"]] == ["created", "error"]


def test_bulk_needs_a_partner_key(client, staff_bj):
    client.force_login(staff_bj)
    assert client.post("/api/v1/experts/bulk/", {"rows": []}, content_type="application/json").status_code == 403


def test_idempotency_replay_and_mismatch(bj_client):
    payload = {"rows": [expert_payload(n=1401)]}
    first = bj_client.post("/api/v1/experts/bulk/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = bj_client.post("/api/v1/experts/bulk/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Expert.objects.filter(external_id="EXT-1401").count() == 1
    other = bj_client.post("/api/v1/experts/bulk/", {"rows": [expert_payload(n=1402)]}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and other.json()["type"].endswith("idempotency_mismatch")


def test_idempotent_single_create(bj_client):
    payload = expert_payload(n=1501)
    a = bj_client.post("/api/v1/experts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    b = bj_client.post("/api/v1/experts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"]
    # the replay carries the first answer's ETag and Location, so a client that lost the answer can go on with If-Match
    assert b["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in a
    assert (b["ETag"], b["Location"]) == (a["ETag"], a["Location"]) and a["Location"].endswith(f"/experts/{a.json()['id']}/")
    assert Expert.objects.filter(external_id="EXT-1501").count() == 1
    record = IdempotencyRecord.objects.get(key="c-1")
    assert record.headers == {"ETag": a["ETag"], "Location": a["Location"]}
    edit = bj_client.patch(b["Location"], {"research_areas": "量子计算"}, format="json", HTTP_IF_MATCH=b["ETag"])
    assert edit.status_code == 200, edit.content


def test_demand_bulk_by_credit_code(he_client, factory):
    org = factory.organisation()
    today = dt.date.today()
    row = {"organisation_credit_code": org.credit_code, "kind": "consultation", "title": "数字化转型咨询", "description": "需要咨询", "industry": "8411",
           "sharing_modes": ["consulting"], "city": "130600", "period_start": str(today), "period_end": str(today + dt.timedelta(days=30)), "external_id": "D-1"}
    body = he_client.post("/api/v1/demands/bulk/", {"rows": [row, {**row, "external_id": "D-2", "organisation_credit_code": "nope"}]}, format="json").json()
    assert [x["status"] for x in body["results"]] == ["created", "error"]
    assert Demand.objects.get(external_id="D-1").source_partner == "hebei-rsj"


# --- throttling, CORS -------------------------------------------------------------------------------------------


def test_throttled_per_key_is_429_with_retry_after(make_key, partner_client):
    limited = partner_client(make_key(region="11", throttle_rate="3/min"))
    other = partner_client(make_key(region="11"))
    codes = [limited.get("/api/v1/division-groups/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = limited.get("/api/v1/division-groups/")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and r.json()["status"] == 429
    assert other.get("/api/v1/division-groups/").status_code == 200


@pytest.mark.parametrize("backend", ["locmem", "redis"])
def test_throttle_window_counter_counts_and_expires(backend, settings):
    """The fixed-window counter: 1, 2, 3 … within a window, with a lifetime set once (not pushed back by each
    request, or a busy key would never get a fresh window)."""
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.cache.backends.redis import RedisCache

    from registry.apikit.throttles import window_count
    from tests.support.servers import redis_url

    if backend == "redis":
        cache = RedisCache(redis_url(), {})
    else:
        cache = LocMemCache("throttle-test", {})
    name = f"throttle_test_{uuid.uuid4().hex}"
    assert [window_count(name, 60, cache) for _ in range(3)] == [1, 2, 3]
    if backend == "redis":
        client = cache._cache.get_client(write=True)
        key = cache.make_and_validate_key(name)
        client.expire(key, 5)
        window_count(name, 60, cache)
        assert 0 < client.ttl(key) <= 5  # the window's end is set once, not moved by each request
        client.delete(key)


def test_throttle_counts_in_one_redis_round_trip(make_key, partner_client, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from tests.support.servers import redis_url

    redis_url()
    monkeypatch.setattr(RedisCache, "incr", lambda *a, **k: pytest.fail("cache.incr: EXISTS then INCR, two round trips"))
    limited = partner_client(make_key(region="11", throttle_rate="2/min"))
    assert [limited.get("/api/v1/division-groups/").status_code for _ in range(3)] == [200, 200, 429]


def test_cors_off_by_default(bj_client):
    r = bj_client.get("/api/v1/divisions/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in r


def test_reference_endpoints(bj_client):
    assert bj_client.get("/api/v1/division-groups/xiongan/").json()["members"] == ["130629", "130632", "130638"]
    codes = [d["code"] for d in bj_client.get("/api/v1/divisions/?within=130600&page_size=1000").json()["results"]]
    assert "130638" in codes and "130100" not in codes
    assert bj_client.get("/api/v1/industries/?parent=39").json()["results"][0]["code"].startswith("39")
    assert bj_client.get("/api/v1/disciplines/F02/").json()["name"]
    assert bj_client.get("/api/v1/occupations/").status_code == 200


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/graduates/", {"name": "王五", "id_number": f.id_number(1601, birth="20010101"), "school": "南开大学", "school_division": "nowhere", "degree": "master",
                                "major": "化学", "graduation_year": 2026}, "school_division"),
        ("/api/v1/demands/", None, "city"),
    ],
)
def test_unknown_division_codes_are_422_not_500(url, payload, field, make_key, partner_client, factory):
    """Regression: the services read a None foreign key (RelatedObjectDoesNotExist) on an unknown code."""
    client = partner_client(make_key(region="12" if payload else "13"))
    if payload is None:
        today = dt.date.today()
        payload = {"organisation": factory.organisation().pk, "kind": "consultation", "title": "咨询", "description": "说明", "industry": "3912",
                   "sharing_modes": ["remote"], "city": "nowhere", "period_start": str(today), "period_end": str(today)}
    r = client.post(url, payload, format="json")
    assert r.status_code == 422, r.content
    assert field in {e["field"] for e in r.json()["errors"]}


@pytest.mark.django_db(transaction=True)
def test_reads_run_without_a_transaction_and_writes_in_one(bj_client, monkeypatch):
    """GET: no BEGIN/COMMIT round trips. POST: the whole answer in one transaction, so a failure after a write
    leaves nothing behind."""
    from django.db import connection

    from registry import apis, selectors
    from registry.models import Expert, Person

    seen = {}
    real_groups = selectors.division_groups
    monkeypatch.setattr(selectors, "division_groups", lambda: seen.setdefault("get", connection.in_atomic_block) is not None and real_groups())
    assert bj_client.get("/api/v1/division-groups/").status_code == 200
    assert seen["get"] is False

    real_create = apis.expert_create

    def create_then_fail(caller, data):
        real_create(caller, data)  # the person and the expert are written …
        seen["post"] = connection.in_atomic_block
        raise RuntimeError("after the write")  # … then the request fails

    monkeypatch.setattr(apis, "expert_create", create_then_fail)
    bj_client.raise_request_exception = False
    r = bj_client.post("/api/v1/experts/", expert_payload(), format="json")
    assert r.status_code == 500 and seen["post"] is True
    assert not Expert.objects.exists() and not Person.objects.exists()
