"""The batched expert bulk upsert (registry.services.experts_upsert_many) answers and writes what the row-by-row
path (each row through expert_register / expert_update in its own savepoint) answers and writes: the same per-row
results and errors, persons, experts, relations, audit rows and matching index entries; atomic=true writes
nothing when a row is bad; a constraint met while writing the batch falls back to the row-by-row path."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from django.db import IntegrityError, transaction

from matching.models import IndexChange
from registry import apis, services
from registry.models import Expert, ObjectChange, Person
from tests.support import factory as f

from .test_api import expert_payload

PARTNER = "bj-talent"  # the bj_client fixture's partner


class _Undo(Exception):
    pass


@pytest.fixture
def row_by_row(monkeypatch):
    """Switch the expert bulk endpoint to the row-by-row path (the spec without its batched service)."""

    spec = apis.ExpertBulkApi.spec
    assert spec.upsert_many is not None

    def switch(on: bool):
        monkeypatch.setattr(apis.ExpertBulkApi, "spec", dataclasses.replace(spec, upsert_many=None) if on else spec)

    return switch


def _marks():
    return {"change": ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0,
            "index": IndexChange.objects.order_by("-seq").values_list("seq", flat=True).first() or 0}


def _person_key(person_id):
    person = Person.objects.get(pk=person_id)
    return (person.name, person.id_hash or person.mobile_hash)


def _expert_key(expert_id):
    expert = Expert.objects.filter(pk=expert_id).values("source_partner", "external_id", "person__name").first()
    return (expert["source_partner"], expert["external_id"] or expert["person__name"]) if expert else ("gone", expert_id)


def _plain_snapshot(model: str, data):
    """An audit snapshot with database ids replaced by natural keys (ids differ between two runs)."""
    if data is None:
        return None
    data = dict(data)
    if model == "expert":
        data["id"] = _expert_key(data["id"])
        data["person"] = _person_key(data["person"])
    elif model == "person":
        data["id"] = _person_key(data["id"])
    elif model == "consent":
        data["id"] = None
        data["person"] = _person_key(data["person"])
        data["granted_at"] = None
    return sorted(data.items(), key=lambda kv: kv[0])


def _state(marks) -> dict:
    experts = {}
    for e in Expert.objects.filter(source_partner=PARTNER).select_related("person").prefetch_related("disciplines", "industries", "served_cities"):
        row = {fld.attname: getattr(e, fld.attname) for fld in Expert._meta.concrete_fields if fld.attname not in ("id", "person_id", "created_at", "updated_at")}
        row["person"] = (e.person.name, e.person.id_hash, e.person.mobile_hash, e.person.gender, e.person.birth_year, e.person.email)
        row["m2m"] = {n: sorted(o.pk for o in getattr(e, n).all()) for n in ("disciplines", "industries", "served_cities")}
        experts[e.external_id] = row
    changes = Counter()
    for c in ObjectChange.objects.filter(id__gt=marks["change"]).select_related("content_type"):
        model = c.content_type.model
        key = _expert_key(c.object_id) if model == "expert" else _person_key(c.object_id) if model == "person" else model
        changes[(c.action, model, str(key), str(_plain_snapshot(model, c.prechange_data)), str(_plain_snapshot(model, c.postchange_data)),
                 c.user_name, c.message)] += 1
    index = {(i.kind, _expert_key(i.object_id) if i.kind == "expert" else i.object_id) for i in IndexChange.objects.filter(seq__gt=marks["index"])}
    persons = sorted((p.name, p.id_hash or "", p.mobile_hash, p.email) for p in Person.objects.all())
    return {"experts": experts, "changes": changes, "index": index, "persons": persons}


def _results(body) -> list:
    return [(r["index"], r["external_id"], r["status"], r["id"] is not None, [(e["field"], e["code"]) for e in r["errors"]]) for r in body["results"]]


def _run(client, rows, *, query: str = "", undo: bool = True, path: str = "/api/v1/experts/bulk/", state=None):
    """Post the rows; the answer and what the call wrote (``state(marks)``), then (undo) the database as it was."""
    out = {}
    try:
        with transaction.atomic():
            marks = _marks()
            r = client.post(f"{path}{query}", {"rows": rows}, format="json")
            out.update(status=r.status_code, body=r.json(), results=_results(r.json()), state=(state or _state)(marks))
            if undo:
                raise _Undo
    except _Undo:
        pass
    return out


@pytest.fixture
def mixed(db, reference, bj_client):
    """Existing records of the partner and others, and a batch with new rows, updates and bad rows of many kinds."""
    for n, ext in ((701, "OLD-A"), (702, "OLD-B"), (703, "OLD-C")):
        services.expert_register(actor=None, source="partner", source_partner=PARTNER, external_id=ext, **{
            k: v for k, v in expert_payload(n=n, served_cities=["130100"], serves_all_hebei=False).items() if k != "external_id"})
    services.person_resolve(name="另一姓名", id_number=f.id_number(710))  # holds an ID number under another name
    services.person_resolve(name="已有自然人", id_number=f.id_number(711), mobile=f.mobile(711))  # a person without an expert record
    services.person_resolve(name="手机号持有人", id_number=f.id_number(712), mobile=f.mobile(712))
    services.person_resolve(name="仅手机号", mobile=f.mobile(713))
    rows = [
        expert_payload(n=720),  # 0 new
        expert_payload(n=721, served_cities=["130100", "130200"], serves_all_hebei=False, disciplines=["F02", "F03"]),  # 1 new
        {"external_id": "OLD-A", "days_per_month": 9, "industries": ["3911"]},  # 2 update: a column and a relation
        {"external_id": "OLD-B", "title_level": "senior"},  # 3 update: nothing changes (still saved)
        {"external_id": "OLD-C", "disciplines": ["F03"]},  # 4 update: only a relation
        expert_payload(n=722, id_number=f.id_number(722)[:-1] + ("0" if f.id_number(722)[-1] != "0" else "1")),  # 5 bad check character
        expert_payload(n=723, industries=["9999"]),  # 6 unknown industry code
        {k: v for k, v in expert_payload(n=724).items() if k != "home_division"},  # 7 missing home_division
        expert_payload(n=725, home_division="120101"),  # 8 another region (Tianjin) for a Beijing key
        expert_payload(n=720, external_id="EXT-DUP-ID"),  # 9 the ID number of row 0, inside the batch
        expert_payload(n=710),  # 10 an ID number registered by another name
        expert_payload(n=726, external_id="EXT-721"),  # 11 duplicate external_id
        expert_payload(n=711, name="已有自然人", mobile=f.mobile(7111)),  # 12 an existing person, new mobile
        expert_payload(n=727, external_id="EXT-AFTER-BAD", id_number=f.id_number(723), name="接口专家723"),  # 13 the ID of the bad row 6
        {"external_id": "OLD-A", "days_per_month": 99},  # 14 duplicate external id (OLD-A again)
        expert_payload(n=728, id_number="", mobile=f.mobile(713), name="仅手机号"),  # 15 found by mobile only
        expert_payload(n=729, mobile=f.mobile(712)),  # 16 mobile held by another person
        expert_payload(n=730, days_per_month=40),  # 17 out of range
        expert_payload(n=731, sharing_modes=["consulting"], served_cities=[], serves_all_hebei=False),  # 18 no served city
        expert_payload(n=732, served_cities=["110108"], serves_all_hebei=False),  # 19 not a Hebei city
        expert_payload(n=733, industries=["9999"], disciplines=["ZZ9"], id_number="12345"),  # 20 several errors at once
    ]
    return rows


def _no_fallback(*args, **kwargs):
    raise AssertionError("the batch fell back to the row-by-row path")


def test_batched_results_and_writes_equal_the_row_by_row_path(bj_client, mixed, row_by_row, monkeypatch):
    row_by_row(True)
    old = _run(bj_client, mixed)
    row_by_row(False)
    monkeypatch.setattr(services, "_one_by_one", _no_fallback)
    new = _run(bj_client, mixed)
    assert old["status"] == new["status"] == 200
    assert new["results"] == old["results"]
    statuses = [r[2] for r in new["results"]]
    assert statuses.count("created") == 5 and statuses.count("updated") == 3, new["results"]
    codes = {r[0]: {c for _f, c in r[4]} for r in new["results"]}
    assert "duplicate_person" in codes[9] and "identity_conflict" in codes[10] and "wrong_region" in codes[8]
    assert "unknown_code" in codes[6] and "required" in codes[7] and "duplicate" in codes[11] and "mobile_conflict" in codes[16]
    assert codes[12] == codes[13] == codes[15] == set() and "out_of_range" in codes[17] and "duplicate" in codes[14]
    assert new["state"]["persons"] == old["state"]["persons"]
    assert new["state"]["experts"] == old["state"]["experts"]
    assert new["state"]["changes"] == old["state"]["changes"]
    assert sum(new["state"]["changes"].values()) == sum(old["state"]["changes"].values())
    assert new["state"]["index"] == old["state"]["index"]
    # the audit rows mask personal data
    assert not any(f.id_number(720) in str(k) for k in new["state"]["changes"])


def test_atomic_with_a_bad_row_writes_nothing(bj_client, mixed, row_by_row):
    before = (Person.objects.count(), Expert.objects.count(), ObjectChange.objects.count(), IndexChange.objects.count())
    rows = [mixed[0], mixed[2], mixed[6]]
    row_by_row(True)
    old = _run(bj_client, rows, query="?atomic=true")
    row_by_row(False)
    new = _run(bj_client, rows, query="?atomic=true", undo=False)
    assert new["status"] == old["status"] == 422
    assert new["results"] == old["results"]
    assert [r[2] for r in new["results"]] == ["rolled_back", "rolled_back", "error"]
    assert (Person.objects.count(), Expert.objects.count(), ObjectChange.objects.count(), IndexChange.objects.count()) == before
    assert Expert.objects.get(external_id="OLD-A").days_per_month != 9


def test_atomic_with_good_rows_writes_them(bj_client, mixed):
    r = bj_client.post("/api/v1/experts/bulk/?atomic=true", {"rows": [mixed[0], mixed[1], mixed[2]]}, format="json")
    assert r.status_code == 200 and r.json()["created"] == 2 and r.json()["updated"] == 1
    assert Expert.objects.get(external_id="OLD-A").days_per_month == 9


def test_a_constraint_met_by_the_batch_write_falls_back_to_the_row_by_row_path(bj_client, mixed, row_by_row, monkeypatch):
    row_by_row(True)
    old = _run(bj_client, mixed)
    row_by_row(False)
    write = services._write_person_records
    calls = []

    def racing(*args, **kwargs):
        write(*args, **kwargs)  # written, then a concurrent registration is found to have won: rolled back
        calls.append(1)
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "_write_person_records", racing)
    new = _run(bj_client, mixed)
    assert calls == [1]
    assert new["results"] == old["results"]
    assert new["state"]["experts"] == old["state"]["experts"] and new["state"]["persons"] == old["state"]["persons"]
    assert new["state"]["changes"] == old["state"]["changes"]


def test_fallback_reports_a_real_conflict_on_its_row(bj_client, db, reference, monkeypatch):
    """A registration committed by another request between the batch's reads and its write: the batch's insert
    fails, the fallback answers that row as the single-row service does (the person is now registered)."""
    rows = [expert_payload(n=740), expert_payload(n=741)]
    plan = services._plan_person_records

    def late(kind, **kwargs):
        planned = plan(kind, **kwargs)
        services.expert_register(actor=None, source="staff", **{k: v for k, v in expert_payload(n=741).items() if k != "external_id"})
        return planned

    monkeypatch.setattr(services, "_plan_person_records", late)
    body = bj_client.post("/api/v1/experts/bulk/", {"rows": rows}, format="json").json()
    assert [r["status"] for r in body["results"]] == ["created", "error"]
    assert body["results"][1]["errors"][0]["code"] == "duplicate_person"
    assert Expert.objects.filter(external_id="EXT-740").exists()


def _graduate(n: int, **kw):
    row = {"name": f"毕业生{n}", "id_number": f.id_number(n, prefix="130602"), "school": "河北大学", "school_division": "130600", "degree": "master",
           "major": "计算机科学与技术", "major_discipline": "F02", "graduation_year": 2026, "preferred_cities": ["130600"], "external_id": f"GRAD-{n}"}
    row.update(kw)
    return row


def test_graduates_use_the_batched_path_with_the_same_results(he_client, db, reference, monkeypatch):
    from registry.models import Graduate

    services.graduate_register(actor=None, source="partner", source_partner="hebei-rsj", **{k: v for k, v in _graduate(750).items() if k != "external_id"},
                               external_id="GRAD-OLD")
    rows = [_graduate(751), _graduate(752, preferred_cities=["110108"]), {"external_id": "GRAD-OLD", "intended_industries": ["3912"], "major": "软件工程"},
            _graduate(751, external_id="GRAD-AGAIN"), _graduate(753, school_division="110108"), _graduate(754, intended_occupations=["0-00"])]

    def run(batched: bool):
        spec = apis.GraduateBulkApi.spec
        monkeypatch.setattr(apis.GraduateBulkApi, "spec", spec if batched else dataclasses.replace(spec, upsert_many=None))
        out = {}
        try:
            with transaction.atomic():
                marks = _marks()
                body = he_client.post("/api/v1/graduates/bulk/", {"rows": rows}, format="json").json()
                graduates = {g.external_id: ({fld.attname: getattr(g, fld.attname) for fld in Graduate._meta.concrete_fields
                                              if fld.attname not in ("id", "person_id", "created_at", "updated_at")},
                                             g.person.name, sorted(g.preferred_cities.values_list("pk", flat=True)),
                                             sorted(g.intended_industries.values_list("pk", flat=True)))
                             for g in Graduate.objects.filter(source_partner="hebei-rsj")}
                changes = Counter((c.action, c.content_type.model) for c in ObjectChange.objects.filter(id__gt=marks["change"]))
                index = IndexChange.objects.filter(seq__gt=marks["index"]).values("kind", "object_id").distinct().count()
                out.update(results=_results(body), graduates=graduates, changes=changes, index=index)
                monkeypatch.setattr(apis.GraduateBulkApi, "spec", spec)
                raise _Undo
        except _Undo:
            pass
        return out

    old, new = run(False), run(True)
    assert new == old
    assert [r[2] for r in new["results"]] == ["created", "error", "updated", "error", "error", "error"], new["results"]


def test_records_saved_signal_indexes_each_record_once(db, reference):
    from registry.signals import records_saved

    mark = _marks()["index"]
    records_saved.send(sender=Expert, ids=[5, 6, 5])
    assert sorted(IndexChange.objects.filter(seq__gt=mark).values_list("kind", "object_id")) == [("expert", 5), ("expert", 6)]
