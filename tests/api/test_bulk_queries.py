"""The database cost of a bulk upsert does not grow with the rows (issue 6: 1,000 rows in a few seconds): the
expert bulk endpoint validates every row against persons, records and codes read ahead, then writes the good
rows with bulk_create / bulk_update (registry.services.experts_upsert_many), so a 20-row and a 100-row call
take the same statements. Reference codes are read once per call (``registry.services.code_cache``); the audit
rows stay what the row-by-row path writes (tests/api/test_bulk_batched.py compares the two). The demand bulk
endpoint (registry.services.demands_upsert_many) likewise."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import audit, services
from registry.models import Division, Expert, ObjectChange, Person

from .test_api import expert_payload
from .test_bulk_demands import demand_row, orgs  # noqa: F401 (a fixture)

DEMANDS = "/api/v1/demands/bulk/"

ROWS = 20
CREATE_PER_CALL = 24  # measured 20 on PostgreSQL for 20 and for 100 rows (the row-by-row path: 29.5 a row)
UPDATE_PER_CALL = 25  # measured 21 with one M2M field replaced on every row (row by row: 22.5 a row)
IMPORT_PER_ROW = 42  # measured 39.3 (was 49.1) on the importer's row-by-row path (talent, demand; batched=False)
IMPORT_PER_CHUNK = 24  # experts and graduates: a chunk through experts_upsert_many, whatever its rows
DEMAND_CREATE_PER_CALL = 20  # measured 17 on PostgreSQL for 20 and for 100 rows (row by row: 12.2 a row)
DEMAND_UPDATE_PER_CALL = 19  # measured 16 with the disciplines replaced on every row (row by row: 17.1 a row)


def _rows(start: int, count: int = ROWS):
    return [expert_payload(n=start + i, served_cities=["130100", "130200"], serves_all_hebei=False) for i in range(count)]


def _post(client, rows, path="/api/v1/experts/bulk/"):
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(path, {"rows": rows}, format="json")
    assert r.status_code == 200, r.content
    return r.json(), [q["sql"] for q in ctx.captured_queries]


def _reference_reads(sqls):
    return [q for q in sqls if q.startswith("SELECT") and any(f'FROM "registry_{t}" WHERE' in q for t in ("division", "discipline", "industry", "occupation"))]


def test_bulk_create_and_update_take_the_same_statements_for_20_and_100_rows(bj_client):
    _post(bj_client, [expert_payload(n=4999)])  # warm per-process caches (content types, the key)
    # SQLite takes at most 999 parameters a statement, so Django splits its inserts of 100 rows in a few
    slack = 2 if connection.vendor == "postgresql" else 12
    counts = {}
    for count, start in ((ROWS, 5000), (100, 5100)):  # (expert_payload's ID numbers repeat every 1,000)
        rows = _rows(start, count)
        body, sqls = _post(bj_client, rows)
        assert body["created"] == count and body["failed"] == 0
        assert len(sqls) <= CREATE_PER_CALL + (slack if count > ROWS else 0), sqls
        # each table's codes are read once for the whole call, not once per row
        assert len(_reference_reads(sqls)) <= 4
        for row in rows:
            row["days_per_month"] = 7
            row["industries"] = ["3911"]
        body, update_sqls = _post(bj_client, rows)
        assert body["updated"] == count and body["failed"] == 0
        assert len(update_sqls) <= UPDATE_PER_CALL + (slack if count > ROWS else 0), update_sqls
        assert len(_reference_reads(update_sqls)) <= 4
        counts[count] = (len(sqls), len(update_sqls))
    assert abs(counts[100][0] - counts[ROWS][0]) <= slack and abs(counts[100][1] - counts[ROWS][1]) <= slack, counts


def test_bulk_audit_rows_match_a_fresh_snapshot_and_mask_personal_data(bj_client):
    rows = _rows(5100)[:3]
    body, _ = _post(bj_client, rows)
    assert body["created"] == 3
    expert = Expert.objects.get(external_id=rows[0]["external_id"])
    created = ObjectChange.objects.get(action="create", content_type__model="expert", object_id=str(expert.pk))
    assert created.postchange_data == audit.snapshot(Expert.objects.get(pk=expert.pk))
    assert created.postchange_data["served_cities"] == ["130100", "130200"]
    assert created.postchange_data["disciplines"] == ["F02"] and created.postchange_data["industries"] == ["3912"]
    person = ObjectChange.objects.get(action="create", content_type__model="person", object_id=str(expert.person_id))
    assert rows[0]["id_number"] not in str(person.postchange_data) and rows[0]["mobile"] not in str(person.postchange_data)
    assert person.postchange_data["id_number"] != "" and "*" in person.postchange_data["id_number"]

    rows[0].update(days_per_month=5, industries=["3911"], served_cities=["130100"])
    body, _ = _post(bj_client, rows[:1])
    assert body["updated"] == 1
    update = ObjectChange.objects.filter(action="update", content_type__model="expert", object_id=str(expert.pk)).order_by("-id").first()
    assert update.postchange_data == audit.snapshot(Expert.objects.get(pk=expert.pk))
    assert update.prechange_data["industries"] == ["3912"] and update.postchange_data["industries"] == ["3911"]
    assert update.prechange_data["served_cities"] == ["130100", "130200"] and update.postchange_data["served_cities"] == ["130100"]
    assert update.prechange_data["days_per_month"] != 5 and update.postchange_data["days_per_month"] == 5


def test_bulk_unknown_code_is_reported_on_every_row_that_uses_it(bj_client):
    rows = [expert_payload(n=5200, disciplines=["ZZ9"]), expert_payload(n=5201), expert_payload(n=5202, disciplines=["ZZ9", "F02"])]
    body, sqls = _post(bj_client, rows)
    assert [r["status"] for r in body["results"]] == ["error", "created", "error"]
    for i in (0, 2):
        [err] = body["results"][i]["errors"]
        assert err["field"] == "disciplines" and err["code"] == "unknown_code" and "ZZ9" in err["message"]
    assert len(_reference_reads(sqls)) <= 5  # ZZ9 is looked up once and stays unknown
    assert not Expert.objects.filter(external_id__in=["EXT-5200", "EXT-5202"]).exists()


def test_code_cache_is_scoped_to_the_batch(db, reference):
    errors = services.Errors()
    with services.code_cache():
        first = services._code(Division, "130100", "x", errors, label="所在地")
        with CaptureQueriesContext(connection) as ctx:
            again = services._code(Division, "130100", "x", errors, label="所在地")
            cities = services._codes(Division, ["130100"], "y", errors, label="行政区划")
        assert again is first and cities == [first] and len(ctx.captured_queries) == 0
    with CaptureQueriesContext(connection) as ctx:
        services._code(Division, "130100", "x", errors, label="所在地")
    assert len(ctx.captured_queries) == 1  # outside a batch every lookup reads the table, as before
    assert not errors.errors


def test_single_create_records_the_same_audit_as_before(db, reference):
    expert = services.expert_register(
        name="单条专家", id_number=expert_payload(n=5300)["id_number"], source="staff", home_division="110108", employer_name="北京大学",
        sharing_modes=["consulting"], serves_all_hebei=False, served_cities=["130100"], disciplines=["F02"],
    )
    changes = ObjectChange.objects.filter(content_type__model="expert", object_id=str(expert.pk)).order_by("id")
    assert changes.count() >= 1
    assert changes.last().postchange_data == audit.snapshot(Expert.objects.get(pk=expert.pk))
    assert Person.objects.filter(pk=expert.person_id).exists()


def test_import_query_count_per_row_and_codes_read_once(reference):
    from registry import importing
    from tests.registry.test_importing import EXPERT_HEADERS, expert_row
    from tests.support.sheets import csv_bytes

    importing.run_import(kind="expert", data=csv_bytes(EXPERT_HEADERS, [expert_row(400)]), mode=importing.MODE_GOOD_ROWS)  # warm
    data = csv_bytes(EXPERT_HEADERS, [expert_row(410 + i) for i in range(ROWS)])
    with CaptureQueriesContext(connection) as ctx:
        result = importing.run_import(kind="expert", data=data, mode=importing.MODE_GOOD_ROWS, batched=False)
    assert result.imported == ROWS, result.problems
    sqls = [q["sql"] for q in ctx.captured_queries]
    print("import per row", len(sqls) / ROWS)
    assert len(_reference_reads(sqls)) <= 6
    assert len(sqls) <= ROWS * IMPORT_PER_ROW, len(sqls) / ROWS
    data = csv_bytes(EXPERT_HEADERS, [expert_row(450 + i) for i in range(ROWS)])
    with CaptureQueriesContext(connection) as ctx:
        result = importing.run_import(kind="expert", data=data, mode=importing.MODE_GOOD_ROWS)
    assert result.imported == ROWS, result.problems
    sqls = [q["sql"] for q in ctx.captured_queries]
    print("import per chunk", len(sqls))
    assert len(_reference_reads(sqls)) <= 6
    assert len(sqls) <= IMPORT_PER_CHUNK, len(sqls)


def test_demand_bulk_takes_the_same_statements_for_20_and_100_rows(he_client, orgs):  # (orgs: tests/api/test_bulk_demands.py)
    """Organisations, codes and memberships are read once per call; the rows are written in a few statements."""
    baoding, shijiazhuang = orgs
    _post(he_client, [demand_row(999, baoding)], DEMANDS)  # warm per-process caches (content types, the key)
    slack = 2 if connection.vendor == "postgresql" else 12  # SQLite splits inserts of 100 rows
    counts = {}
    for count, start in ((20, 1000), (100, 2000)):
        rows = [demand_row(start + i, baoding if i % 2 else None, **({} if i % 2 else {"organisation": shijiazhuang.pk})) for i in range(count)]
        body, created = _post(he_client, rows, DEMANDS)
        assert body["created"] == count and body["failed"] == 0
        updates = [{"external_id": row["external_id"], "headcount": 4, "disciplines": ["F02"]} for row in rows]
        body, updated = _post(he_client, updates, DEMANDS)
        assert body["updated"] == count and body["failed"] == 0
        counts[count] = (len(created), len(updated))
    assert counts[20][0] <= DEMAND_CREATE_PER_CALL and counts[20][1] <= DEMAND_UPDATE_PER_CALL, counts
    assert abs(counts[100][0] - counts[20][0]) <= slack and abs(counts[100][1] - counts[20][1]) <= slack, counts
