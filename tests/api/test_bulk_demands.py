"""The batched demand bulk upsert (registry.services.demands_upsert_many) answers and writes what the row-by-row
path (each row through demand_create / demand_update in its own savepoint) answers and writes: the same per-row
results and errors, demands, relations, audit rows and matching index entries; atomic=true writes nothing when a
row is bad; a constraint met while writing the batch falls back to the row-by-row path."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pytest
from django.db import IntegrityError

from matching.models import IndexChange
from registry import apis, services
from registry.models import Demand, ObjectChange, Organisation

from .test_bulk_batched import _no_fallback
from .test_bulk_batched import _run as run_bulk

PARTNER = "hebei-rsj"  # the he_client fixture's partner
TODAY = dt.date(2026, 12, 1)


def demand_row(n: int, org=None, **kw) -> dict:
    row = {"kind": "technical_problem", "title": f"需求{n}", "description": "需要集成电路封装方面的专家指导", "industry": "3973",
           "disciplines": ["F04"], "required_skills": ["封装"], "min_title_level": "associate_senior", "sharing_modes": ["consulting", "remote"],
           "city": "130600", "period_start": str(TODAY), "period_end": str(TODAY + dt.timedelta(days=180)), "headcount": 2,
           "external_id": f"DEM-{n}"}
    if org is not None:
        row["organisation_credit_code"] = org.credit_code
    row.update(kw)
    return row


@pytest.fixture
def row_by_row(monkeypatch):
    """Switch the demand bulk endpoint to the row-by-row path (the spec without its batched service)."""
    spec = apis.DemandBulkApi.spec
    assert spec.upsert_many is not None

    def switch(on: bool):
        monkeypatch.setattr(apis.DemandBulkApi, "spec", dataclasses.replace(spec, upsert_many=None) if on else spec)

    return switch


def _demand_key(pk):
    d = Demand.objects.filter(pk=pk).values("source_partner", "external_id", "title").first()
    return (d["source_partner"], d["external_id"] or d["title"]) if d else ("gone", pk)


def _plain(data):
    if data is None:
        return None
    data = dict(data)
    data["id"] = _demand_key(data["id"])
    return sorted(data.items(), key=lambda kv: kv[0])


def _state(marks) -> dict:
    demands = {}
    for d in Demand.objects.filter(source_partner=PARTNER).prefetch_related("disciplines"):
        row = {fld.attname: getattr(d, fld.attname) for fld in Demand._meta.concrete_fields if fld.attname not in ("id", "created_at", "updated_at")}
        row["disciplines"] = sorted(o.pk for o in d.disciplines.all())
        demands[d.external_id] = row
    changes = Counter()
    for c in ObjectChange.objects.filter(id__gt=marks["change"]).select_related("content_type"):
        assert c.content_type.model == "demand"
        changes[(c.action, str(_demand_key(c.object_id)), str(_plain(c.prechange_data)), str(_plain(c.postchange_data)), c.user_name, c.message)] += 1
    index = {(i.kind, _demand_key(i.object_id)) for i in IndexChange.objects.filter(seq__gt=marks["index"])}
    return {"demands": demands, "changes": changes, "index": index}


def _run(client, rows, *, query: str = "", undo: bool = True):
    return run_bulk(client, rows, query=query, undo=undo, path="/api/v1/demands/bulk/", state=_state)


@pytest.fixture
def orgs(db, reference, factory):
    return factory.organisation(division="130600"), factory.organisation(division="130100")


@pytest.fixture
def mixed(orgs, factory):
    """Existing demands of the partner, and a batch with new rows, updates and bad rows of many kinds."""
    baoding, shijiazhuang = orgs
    for ext, org in (("OLD-A", baoding), ("OLD-B", baoding), ("OLD-C", shijiazhuang)):
        factory.demand(organisation=org, source="partner", source_partner=PARTNER, external_id=ext, title=f"已有{ext}")
    return [
        demand_row(1, baoding),  # 0 new, organisation by credit code
        demand_row(2, organisation=shijiazhuang.pk, city="130100", disciplines=["F04", "F02"]),  # 1 new, by id
        {"external_id": "OLD-A", "headcount": 5, "disciplines": ["F02"]},  # 2 update: a column and a relation
        {"external_id": "OLD-B", "urgency": "normal"},  # 3 update: nothing changes (still saved)
        {"external_id": "OLD-C", "city": "130200", "min_title_level": "senior"},  # 4 update: moves city, derived rank
        demand_row(5, organisation_credit_code="91130600MA00000099"),  # 5 unknown organisation
        demand_row(6),  # 6 no organisation
        demand_row(7, baoding, industry="9999"),  # 7 unknown industry code
        demand_row(8, baoding, period_end=str(TODAY - dt.timedelta(days=1))),  # 8 period ends before it starts
        demand_row(9, baoding, city="110108"),  # 9 another region (Beijing) for a Hebei key
        demand_row(10, baoding, external_id="DEM-1"),  # 10 duplicate external id inside the batch
        demand_row(11, baoding, kind="open_challenge"),  # 11 a challenge without reward or deadline
        {"external_id": "OLD-B", "budget_min": "10", "budget_max": "5"},  # 12 duplicate external id (OLD-B again)
        {"external_id": "OLD-C", "disciplines": ["ZZ9"], "budget_min": "10", "budget_max": "5"},  # 13 duplicate, and bad
        demand_row(14, baoding, disciplines=["ZZ9"], occupation="0-00", period_end=str(TODAY - dt.timedelta(days=1))),  # 14 several errors at once
        demand_row(15, baoding, budget_min="20", budget_max="10"),  # 15 budget upside down
        demand_row(16, shijiazhuang, city="130600", urgency="urgent", status="published"),  # 16 new (status is the API's to ignore or keep)
    ]


def test_batched_results_and_writes_equal_the_row_by_row_path(he_client, mixed, row_by_row, monkeypatch):
    row_by_row(True)
    old = _run(he_client, mixed)
    row_by_row(False)
    monkeypatch.setattr(services, "_one_by_one", _no_fallback)
    new = _run(he_client, mixed)
    assert old["status"] == new["status"] == 200
    assert new["results"] == old["results"]
    statuses = [r[2] for r in new["results"]]
    assert statuses.count("created") == 3 and statuses.count("updated") == 3, new["results"]
    codes = {r[0]: {c for _f, c in r[4]} for r in new["results"]}
    assert "unknown_organisation" in codes[5] and "required" in codes[6] and "unknown_code" in codes[7] and "window_order" in codes[8]
    assert "wrong_region" in codes[9] and "duplicate" in codes[10] and codes[11] == {"required"} and "duplicate" in codes[12]
    assert {"unknown_code", "window_order"} <= codes[14] and "budget_order" in codes[15]
    assert new["state"]["demands"] == old["state"]["demands"]
    assert new["state"]["changes"] == old["state"]["changes"]
    assert sum(new["state"]["changes"].values()) == sum(old["state"]["changes"].values()) == 5  # OLD-B unchanged: no audit row
    assert new["state"]["index"] == old["state"]["index"]
    assert {k for _kind, (_p, k) in new["state"]["index"]} == {"DEM-1", "DEM-2", "DEM-16", "OLD-A", "OLD-B", "OLD-C"}
    moved = new["state"]["demands"]["OLD-C"]
    assert moved["city_id"] == "130200" and moved["region"] == "13" and moved["min_title_rank"] > 0


def test_atomic_with_a_bad_row_writes_nothing(he_client, mixed, row_by_row):
    before = (Demand.objects.count(), ObjectChange.objects.count(), IndexChange.objects.count())
    rows = [mixed[0], mixed[2], mixed[7]]
    row_by_row(True)
    old = _run(he_client, rows, query="?atomic=true")
    row_by_row(False)
    new = _run(he_client, rows, query="?atomic=true", undo=False)
    assert new["status"] == old["status"] == 422
    assert new["results"] == old["results"]
    assert [r[2] for r in new["results"]] == ["rolled_back", "rolled_back", "error"]
    assert (Demand.objects.count(), ObjectChange.objects.count(), IndexChange.objects.count()) == before
    assert Demand.objects.get(external_id="OLD-A").headcount == 2


def test_atomic_with_good_rows_writes_them(he_client, mixed):
    r = he_client.post("/api/v1/demands/bulk/?atomic=true", {"rows": [mixed[0], mixed[1], mixed[2]]}, format="json")
    assert r.status_code == 200 and r.json()["created"] == 2 and r.json()["updated"] == 1
    assert Demand.objects.get(external_id="OLD-A").headcount == 5
    assert list(Demand.objects.get(external_id="DEM-2").disciplines.order_by("pk").values_list("pk", flat=True)) == ["F02", "F04"]


def test_a_constraint_met_by_the_batch_write_falls_back_to_the_row_by_row_path(he_client, mixed, row_by_row, monkeypatch):
    row_by_row(True)
    old = _run(he_client, mixed)
    row_by_row(False)
    write, calls = services._write_demands, []

    def racing(*args, **kwargs):
        write(*args, **kwargs)  # written, then a concurrent insert of the same external id is found: rolled back
        calls.append(1)
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "_write_demands", racing)
    new = _run(he_client, mixed)
    assert calls == [1]
    assert new["results"] == old["results"]
    assert new["state"] == old["state"]


def test_fallback_reports_a_real_conflict_on_its_row(he_client, orgs, monkeypatch):
    """A demand with the same external id committed between the batch's reads and its write: the batch's insert
    fails, the fallback answers that row with a conflict and keeps the other."""
    baoding, _ = orgs
    plan = services._plan_demands

    def late(**kwargs):
        planned = plan(**kwargs)
        services.demand_create(actor=None, organisation=baoding, source="partner", source_partner=PARTNER, external_id="DEM-41",
                               **{k: v for k, v in demand_row(41).items() if k != "external_id"})
        return planned

    monkeypatch.setattr(services, "_plan_demands", late)
    body = he_client.post("/api/v1/demands/bulk/", {"rows": [demand_row(40, baoding), demand_row(41, baoding)]}, format="json").json()
    assert [r["status"] for r in body["results"]] == ["created", "error"]
    assert body["results"][1]["errors"][0]["code"] == "conflict"
    assert Demand.objects.filter(external_id="DEM-40", source_partner=PARTNER).exists()


def test_organisation_members_may_post_only_for_their_organisation(db, reference, factory, make_user):
    """The service's permission check, batched: a member's rows for another organisation are refused, as by
    demand_create."""
    mine, other = factory.organisation(division="130600"), factory.organisation(division="130600")
    member = make_user(username="demand_member")
    mine.memberships.create(user=member)
    data = {k: v for k, v in demand_row(60).items() if k != "external_id"}
    rows = [services.UpsertRow(None, {**data, "organisation": mine}), services.UpsertRow(None, {**data, "organisation": other})]
    ok, denied = services.demands_upsert_many(actor=member, source="self", rows=rows)
    assert isinstance(ok, Demand) and ok.pk and ok.created_by_id == member.pk and ok.status == "draft"
    assert isinstance(denied, services.permissions.PermissionDenied)
    with pytest.raises(services.permissions.PermissionDenied):
        services.demand_create(actor=member, organisation=other, **data)
    [changed] = services.demands_upsert_many(actor=member, source="self", rows=[services.UpsertRow(Demand.objects.get(pk=ok.pk), {"headcount": 3})])
    assert Demand.objects.get(pk=changed.pk).headcount == 3
    [refused] = services.demands_upsert_many(actor=make_user(username="stranger"), source="self",
                                             rows=[services.UpsertRow(Demand.objects.get(pk=ok.pk), {"headcount": 4})])
    assert isinstance(refused, services.permissions.PermissionDenied) and Demand.objects.get(pk=ok.pk).headcount == 3
    assert Organisation.objects.count() == 2
