"""The importer's batched path (experts and graduates through ``*_upsert_many`` in chunks) against the row-by-row
path it replaced (``Importer(batched=False)``): the same per-row problems, warnings, records, reviews, audit and
index changes, in both modes; queries per chunk, not per row."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from matching.models import IndexChange
from registry import importing
from registry.context import acting_as
from registry.models import Demand, DuplicateCandidate, Expert, Graduate, ObjectChange, Person
from tests.registry.test_importing import EXPERT_HEADERS, expert_row
from tests.support.factory import id_number, mobile
from tests.support.sheets import csv_bytes

HEADERS = [*EXPERT_HEADERS, "外部编号"]


def mixed_rows(existing_id: str) -> list[list]:
    """Good rows and every kind of bad row, with duplicates within the file and against the database."""
    same = id_number(9101, prefix="110108", birth="19750505")
    return [
        expert_row(1) + ["E-1"],
        expert_row(2, 行业代码="9999") + ["E-2"],  # service error
        expert_row(3, 可服务起始日期="明年春天") + ["E-3"],  # unreadable cell, rest of the row fine
        expert_row(4, 可服务起始日期="明年春天", 行业代码="9999") + ["E-4"],  # unreadable cell and a service error
        expert_row(5, 身份证号=same) + ["E-5"],
        expert_row(6, 身份证号=same, 姓名="导入专家5") + ["E-6"],  # the person of row 6 again: duplicate_person
        expert_row(7) + ["E-1"],  # external id of row 2 (written): duplicate_external
        expert_row(8, 姓名="张伟", 工作单位="清华大学") + ["E-8"],  # suspected duplicate of a person in the database
        expert_row(9, 姓名="张伟", 工作单位="清华大学") + ["E-9"],  # … and of row 9
        expert_row(10, 身份证号=existing_id, 姓名="已有专家") + ["E-10"],  # already an expert
        expert_row(11, 身份证号="", 手机号=mobile(71_000_011)) + ["E-11"],  # mobile only
        expert_row(12, 手机号=mobile(71_000_011)) + ["E-12"],  # the mobile of row 12 (a person without ID number)
        expert_row(13, 身份证号="", 手机号="") + ["E-13"],  # neither
        expert_row(14, 工作单位="") + ["E-14"],  # required cell empty
        expert_row(15) + ["E-15"],
        expert_row(16, 可同时承担合作数="abc") + ["E-3"],  # unreadable cell; external id of a row that was not written
    ]


def outcome(result):
    return (
        [p.as_dict() for p in result.problems], [w.as_dict() for w in result.warnings],
        (result.processed, result.imported, result.bad_rows, result.committed),
    )


def effects():
    """What an import leaves: records, reviews, audit rows (their model, action and whether they have a before-
    snapshot) and the records the matching index is told about."""
    names = dict(Person.objects.values_list("pk", "name"))
    return (
        sorted(Expert.objects.values_list("person__name", "external_id", "employer_name", "status", "source")),
        sorted(Graduate.objects.values_list("person__name", "school", "status")),
        sorted(DuplicateCandidate.objects.values_list("existing__name", "candidate__name", "reason")),
        sorted((c.content_type.model, c.action, c.prechange_data is None) for c in ObjectChange.objects.select_related("content_type")),
        sorted({(i.kind, names.get(Expert.objects.filter(pk=i.object_id).values_list("person_id", flat=True).first())) for i in IndexChange.objects.all()}),
    )


def run_twice(data, actor=None, **kw):
    """The row-by-row reference (rolled back), then the batched import in small chunks, each as the import job and
    the command run them (under the actor's change context)."""
    with transaction.atomic(), acting_as(actor):
        reference = importing.run_import(data=data, batched=False, actor=actor, **kw)
        reference_effects = effects()
        transaction.set_rollback(True)
    with acting_as(actor):
        batched = importing.run_import(data=data, chunk_size=4, actor=actor, **kw)
    return (outcome(reference), reference_effects), (outcome(batched), effects())


@pytest.mark.parametrize("mode", importing.MODES)
def test_mixed_file_same_problems_and_effects_as_row_by_row(factory, mode):
    existing = factory.expert(name="已有专家", id_number=id_number(9110, prefix="110108", birth="19750505"))
    factory.expert(name="张伟", employer_name="清华大学")
    data = csv_bytes(HEADERS, mixed_rows(existing.person.id_number))
    before = effects()
    (ref, ref_effects), (got, got_effects) = run_twice(data, kind="expert", mode=mode)
    assert got == ref
    assert got_effects == ref_effects
    problems = {(p["row"], p["field"], p["code"]) for p in got[0]}
    assert {(3, "industries", "unknown_code"), (4, "available_from", "invalid_date"), (5, "available_from", "invalid_date"),
            (5, "industries", "unknown_code"), (7, "id_number", "duplicate_person"), (8, "external_id", "duplicate_external"),
            (11, "id_number", "duplicate_person"), (14, "id_number", "required"), (15, "employer_name", "blank"),
            (17, "max_engagements", "invalid")} == problems
    assert {w["row"] for w in got[1]} == (set() if mode == importing.MODE_ALL_OR_NOTHING else {9, 10})
    if mode == importing.MODE_ALL_OR_NOTHING:
        assert got_effects == before and got[2] == (16, 0, 9, False)
    else:
        assert got[2] == (16, 7, 9, True)
        assert DuplicateCandidate.objects.filter(candidate__name="张伟").count() == 3  # row 9: 1, row 10: 2


def test_graduates_same_as_row_by_row(factory):
    factory.graduate(name="李娜", school="河北工业大学")
    headers = ["姓名", "身份证号", "毕业院校", "院校所在地代码", "学历学位", "专业", "毕业年份", "意向城市代码"]
    rows = [
        ["李娜", id_number(6001, birth="20010707"), "河北工业大学", "120113", "本科", "自动化", "2025", "130600"],
        ["王芳", id_number(6002, birth="20010707"), "河北工业大学", "120113", "博士后", "自动化", "2025", ""],
        ["李娜", id_number(6003, birth="20010707"), "河北工业大学", "120113", "本科", "自动化", "二〇二五", ""],
        ["赵强", id_number(6004, birth="20010707"), "河北工业大学", "120113", "硕士", "自动化", "2025", "110108"],
        ["李娜", id_number(6005, birth="20010707"), "河北工业大学", "120113", "硕士", "自动化", "2026", ""],
    ]
    (ref, _), (got, _) = run_twice(csv_bytes(headers, rows), kind="graduate", mode=importing.MODE_GOOD_ROWS)
    assert got == ref and got[2] == (5, 2, 3, True)
    assert Graduate.objects.filter(person__name="李娜").count() == 3
    assert DuplicateCandidate.objects.filter(candidate__name="李娜").count() == 3  # row 2: 1; row 6: the first and row 2


def test_other_region_rows_are_refused_before_the_service(reference, staff_he):
    data = csv_bytes(EXPERT_HEADERS, [expert_row(1), expert_row(2, 所在地代码="130602")])
    (ref, _), (got, _) = run_twice(data, kind="expert", mode=importing.MODE_GOOD_ROWS, actor=staff_he)
    assert got == ref and [(p["row"], p["code"]) for p in got[0]] == [(2, "other_region")] and got[2][1] == 1


def test_a_chunk_that_meets_a_constraint_falls_back_row_by_row_without_writing_bad_rows(reference, monkeypatch):
    """The batch write hits a constraint: the rows go one by one; a row with an unreadable cell is still not written."""
    from registry import services

    real = services._write_person_records

    def failing(*args, **kw):
        from django.db import IntegrityError

        real(*args, **kw)
        raise IntegrityError("simulated race")

    monkeypatch.setattr(services, "_write_person_records", failing)
    data = csv_bytes(EXPERT_HEADERS, [expert_row(1), expert_row(2, 可服务起始日期="明年春天"), expert_row(3, 行业代码="9999")])
    result = importing.run_import(kind="expert", data=data, mode=importing.MODE_GOOD_ROWS)
    assert result.imported == 1 and sorted(Expert.objects.values_list("person__name", flat=True)) == ["导入专家1"]
    assert {(p.row, p.field, p.code) for p in result.problems} == {(3, "available_from", "invalid_date"), (4, "industries", "unknown_code")}


def count_queries(rows: int, start: int, chunk_size: int = 500) -> int:
    data = csv_bytes(EXPERT_HEADERS, [expert_row(start + n) for n in range(rows)])
    with CaptureQueriesContext(connection) as ctx:
        result = importing.run_import(kind="expert", data=data, mode=importing.MODE_GOOD_ROWS, chunk_size=chunk_size)
    assert result.imported == rows, result.problems
    return len(ctx.captured_queries)


def test_queries_per_chunk_not_per_row(reference):
    """(20 rows: SQLite's bulk inserts of experts are split in batches of 999 parameters beyond that.)"""
    count_queries(2, 0)  # warm the caches (content types…)
    assert count_queries(5, 100) == count_queries(20, 200)
    one, two, three = (count_queries(10 * n, 300 + 100 * n, chunk_size=10) for n in (1, 2, 3))
    assert three - two == two - one < 25, (one, two, three)


DEMAND_HEADERS = ["单位统一社会信用代码", "需求类型", "需求名称", "需求描述", "行业代码", "学科代码", "合作方式", "需求所在地代码", "开始日期", "结束日期",
                  "需求人数", "揭榜奖金（万元）", "揭榜截止日期", "外部编号"]


def demand_effects():
    """Demands, their audit rows (action, whether they have a before-snapshot) and the demands the matching index
    is told about."""
    titles = dict(Demand.objects.values_list("pk", "title"))
    return (
        sorted((d.title, d.external_id, d.status, d.source, d.organisation.credit_code, d.city_id, d.region, d.headcount,
                tuple(sorted(d.disciplines.values_list("pk", flat=True)))) for d in Demand.objects.select_related("organisation")),
        sorted((c.content_type.model, c.action, c.prechange_data is None, titles.get(int(c.object_id))) for c in ObjectChange.objects.select_related("content_type")
               if c.content_type.model == "demand"),
        sorted({(i.kind, titles.get(i.object_id)) for i in IndexChange.objects.filter(kind="demand")}),
    )


@pytest.mark.parametrize("mode", importing.MODES)
def test_demands_same_problems_and_effects_as_row_by_row(factory, mode, staff_he):
    from tests.support.factory import credit_code

    org = factory.organisation(division="130600")
    factory.demand(organisation=org, external_id="D-OLD", title="已导入需求")
    code = org.credit_code
    row = [code, "技术难题", "需求", "描述", "3973", "F04", "远程指导", "130600", "2026-03-01", "2026-12-31", "2", "", ""]

    def demand(title, ext, **cells):
        out = list(row)
        out[2] = title
        for i, value in cells.items():
            out[int(i[1:])] = value
        return [*out, ext]

    rows = [
        demand("好需求1", "D-1"),
        demand("揭榜缺奖金", "D-2", c1="揭榜挂帅"),  # service error
        demand("单位未登记", "D-3", c0=credit_code(424242)),  # unknown organisation
        demand("代码不合法", "D-4", c0="12345"),  # malformed credit code
        demand("期限颠倒", "D-5", c8="2026-12-31", c9="2026-03-01", c10="0"),  # several service errors
        demand("日期读不出", "D-6", c8="明年春天"),  # unreadable cell, rest of the row fine
        demand("日期读不出且行业未知", "D-7", c8="明年春天", c4="9999"),  # unreadable cell and a service error
        demand("已导入", "D-OLD"),  # external id already imported
        demand("好需求2", "D-1"),  # external id of row 2 (written): duplicate_external
        demand("北京的需求", "D-10", c7="110108"),  # another region for a Hebei staff member
        demand("好需求3", "D-11", c5="F04、F02"),
        demand("学科未知", "D-12", c5="ZZ9"),
        demand("好需求4", "D-6"),  # external id of a row that was not written
    ]
    data = csv_bytes(DEMAND_HEADERS, rows)
    before = demand_effects()
    with transaction.atomic(), acting_as(staff_he):
        reference = importing.run_import(data=data, batched=False, actor=staff_he, kind="demand", mode=mode)
        ref, ref_effects = outcome(reference), demand_effects()
        transaction.set_rollback(True)
    with acting_as(staff_he), CaptureQueriesContext(connection) as ctx:
        got = outcome(importing.run_import(data=data, chunk_size=4, actor=staff_he, kind="demand", mode=mode))
    assert got == ref
    assert demand_effects() == ref_effects
    problems = {(p["row"], p["field"], p["code"]) for p in got[0]}
    assert {(3, "challenge_reward", "required"), (4, "organisation", "unknown_organisation"), (6, "period_end", "window_order"),
            (6, "headcount", "out_of_range"), (7, "period_start", "invalid_date"), (8, "industry", "unknown_code"),
            (9, "external_id", "duplicate_external"), (10, "external_id", "duplicate_external"), (11, "city", "other_region"),
            (13, "disciplines", "unknown_code")} <= problems
    assert {p[0] for p in problems} == {3, 4, 5, 6, 7, 8, 9, 10, 11, 13}
    if mode == importing.MODE_ALL_OR_NOTHING:
        assert demand_effects() == before and got[2] == (13, 0, 10, False)
    else:
        assert got[2] == (13, 3, 10, True)
        assert Demand.objects.get(title="好需求3").region == "13"
    # organisations are read once a chunk, not once a row
    assert sum('FROM "registry_organisation"' in q["sql"] and q["sql"].startswith("SELECT") for q in ctx.captured_queries) <= 4
