"""Bulk import: the per-row report, both modes, deduplication and review, region scoping, CSV and XLSX, bad files."""

import datetime as dt
import json

import pytest
from django.test import override_settings

from registry import importing
from registry.choices import Source, Status
from registry.models import (
    Demand,
    DuplicateCandidate,
    Expert,
    Graduate,
    HighLevelTalent,
    ObjectChange,
    Person,
)
from tests.support.factory import credit_code, id_number, mobile
from tests.support.sheets import csv_bytes, xlsx_bytes

EXPERT_HEADERS = ["姓名", "身份证号", "手机号", "工作单位", "所在地代码", "职称级别", "学科代码", "行业代码", "合作方式",
                  "服务河北全省", "服务城市代码", "可同时承担合作数", "可服务起始日期", "可服务截止日期"]


def expert_row(n, **over):
    row = {
        "姓名": f"导入专家{n}", "身份证号": id_number(9000 + n, prefix="110108", birth="19750505"), "手机号": mobile(70_000_000 + n),
        "工作单位": "北京理工大学", "所在地代码": "110108", "职称级别": "正高级", "学科代码": "E0510、F0306", "行业代码": "3421",
        "合作方式": "顾问咨询、远程指导", "服务河北全省": "否", "服务城市代码": "130200，130900", "可同时承担合作数": "3",
        "可服务起始日期": "2026-01-01", "可服务截止日期": "2027-12-31",
    }
    row.update(over)
    return [row[h] for h in EXPERT_HEADERS]


def run(data, kind="expert", mode=importing.MODE_ALL_OR_NOTHING, **kw):
    return importing.run_import(kind=kind, data=data, mode=mode, **kw)


def by_row(result):
    rows = {}
    for p in result.problems:
        rows.setdefault(p.row, set()).add((p.field, p.code))
    return rows


def test_good_csv_imports_every_row_through_the_service(reference):
    result = run(csv_bytes(EXPERT_HEADERS, [expert_row(1), expert_row(2)]))
    assert result.ok and result.imported == 2 and result.committed
    expert = Expert.objects.get(person__name="导入专家1")
    assert expert.status == Status.SUBMITTED and expert.source == Source.IMPORT
    assert sorted(expert.served_cities.values_list("code", flat=True)) == ["130200", "130900"]
    assert sorted(expert.disciplines.values_list("code", flat=True)) == ["E0510", "F0306"]
    assert expert.sharing_modes == ["consulting", "remote"] and expert.title_rank == 4 and expert.max_engagements == 3
    assert ObjectChange.objects.filter(object_id=str(expert.pk), action="create").exists()


def test_report_names_every_kind_of_bad_row_and_all_or_nothing_saves_nothing(reference):
    rows = [
        expert_row(1),  # good
        expert_row(2, 身份证号=id_number(9002, prefix="110108", birth="19750505")[:-1] + "0" if not id_number(9002, prefix="110108", birth="19750505").endswith("0") else id_number(9002, prefix="110108", birth="19750505")[:-1] + "1"),
        expert_row(3, 行业代码="9999"),
        expert_row(4, 服务城市代码="110108"),  # 海淀 is not a Hebei city
        expert_row(5, 可服务起始日期="2027-01-01", 可服务截止日期="2026-01-01"),
        expert_row(6, 可同时承担合作数="0"),
        expert_row(7, 可同时承担合作数="1000000"),
        expert_row(8, 工作单位=""),  # a required cell left empty
        expert_row(9, 合作方式="飞鸽传书"),
        expert_row(10, 可服务起始日期="明年春天"),
    ]
    before = (Person.objects.count(), Expert.objects.count())
    result = run(csv_bytes(EXPERT_HEADERS, rows))
    problems = by_row(result)
    assert 2 not in problems
    assert ("id_number", "id_check") in problems[3]
    assert ("industries", "unknown_code") in problems[4]
    assert ("served_cities", "not_hebei_city") in problems[5]
    assert ("available_until", "window_order") in problems[6]
    assert ("max_engagements", "out_of_range") in problems[7]
    assert ("max_engagements", "out_of_range") in problems[8]
    assert any(field == "employer_name" for field, _ in problems[9])
    assert ("sharing_modes", "unknown_mode") in problems[10]
    assert ("available_from", "invalid_date") in problems[11]
    assert result.bad_rows == 9 and result.imported == 0 and not result.committed
    assert (Person.objects.count(), Expert.objects.count()) == before
    column_of = {p.field: p.column for p in result.problems}
    assert column_of["served_cities"] == "服务城市代码" and column_of["id_number"] == "身份证号"
    assert all(p.message for p in result.problems)


def test_good_rows_mode_imports_the_good_rows_only(reference):
    result = run(csv_bytes(EXPERT_HEADERS, [expert_row(1), expert_row(2, 行业代码="9999"), expert_row(3)]), mode=importing.MODE_GOOD_ROWS)
    assert result.imported == 2 and result.bad_rows == 1 and result.committed
    assert set(Expert.objects.values_list("person__name", flat=True)) == {"导入专家1", "导入专家3"}
    assert [p.row for p in result.problems] == [3]


def test_report_and_messages_carry_no_personal_data(reference):
    bad_birth = "11010819991345" + "0012"  # month 13: the message would quote the date
    row = expert_row(1, 身份证号=bad_birth)
    result = run(csv_bytes(EXPERT_HEADERS, [row, expert_row(2, 手机号="12345")]), mode=importing.MODE_GOOD_ROWS)
    text = json.dumps(result.report(), ensure_ascii=False)
    assert "19991345" not in text and bad_birth not in text
    assert row[2] not in text and "导入专家1" not in text
    assert {p.code for p in result.problems} == {"id_birth_date", "mobile_format"}


def test_existing_person_is_reported_not_duplicated(factory):
    existing = factory.expert()
    row = expert_row(1, 姓名=existing.person.name, 身份证号=existing.person.id_number, 手机号=existing.person.mobile)
    result = run(csv_bytes(EXPERT_HEADERS, [row]), mode=importing.MODE_GOOD_ROWS)
    assert by_row(result)[2] == {("id_number", "duplicate_person")}
    assert Expert.objects.count() == 1


def test_the_same_person_twice_in_one_file_is_reported(reference):
    result = run(csv_bytes(EXPERT_HEADERS, [expert_row(1), expert_row(1)]), mode=importing.MODE_GOOD_ROWS)
    assert result.imported == 1 and ("id_number", "duplicate_person") in by_row(result)[3]


def test_suspected_duplicate_is_imported_and_queued_for_review_never_merged(factory):
    existing = factory.expert(name="张伟", employer_name="北京理工大学")
    row = expert_row(1, 姓名="张伟")  # same name and employer, another ID number
    result = run(csv_bytes(EXPERT_HEADERS, [row]))
    assert result.imported == 1 and [w.code for w in result.warnings] == ["duplicate_candidate"]
    candidate = DuplicateCandidate.objects.get()
    assert candidate.existing == existing.person and candidate.resolution == DuplicateCandidate.Resolution.OPEN
    assert Person.objects.filter(name="张伟").count() == 2 and Expert.objects.count() == 2


def test_other_employer_same_name_is_not_a_suspect(factory):
    factory.expert(name="张伟", employer_name="清华大学")
    result = run(csv_bytes(EXPERT_HEADERS, [expert_row(1, 姓名="张伟")]))
    assert result.imported == 1 and not result.warnings and not DuplicateCandidate.objects.exists()


def test_staff_import_only_their_own_region(reference, staff_he, staff_bj, make_user):
    data = csv_bytes(EXPERT_HEADERS, [expert_row(1), expert_row(2, 所在地代码="120104")])
    refused = run(data, actor=staff_he, mode=importing.MODE_GOOD_ROWS)
    assert refused.imported == 0 and {p.code for p in refused.problems} == {"other_region"}
    assert all("河北" in p.message for p in refused.problems)
    partial = run(data, actor=staff_bj, mode=importing.MODE_GOOD_ROWS)
    assert partial.imported == 1 and by_row(partial) == {3: {("home_division", "other_region")}}
    everything = run(csv_bytes(EXPERT_HEADERS, [expert_row(3), expert_row(4, 所在地代码="120104")]), actor=make_user(superuser=True))
    assert everything.imported == 2


def test_xlsx_with_real_date_cells_imports_talent_linked_to_the_expert(factory):
    expert = factory.expert()
    headers = ["姓名", "身份证号", "层次", "认定项目", "认定日期", "所在地代码", "领域学科代码", "行业代码", "工作单位"]
    rows = [
        [expert.person.name, expert.person.id_number, "B", "京津冀共同认定领军人才", dt.date(2025, 6, 30), "110108", "F02", "3912", "清华大学"],
        ["新人才", id_number(8001, prefix="130602", birth="19820202"), "D类 青年人才", "京津冀共同认定青年拔尖人才", dt.datetime(2024, 3, 1), "130600", "", "", "河北大学"],
    ]
    result = run(xlsx_bytes(headers, rows), kind="talent")
    assert result.ok and result.imported == 2
    linked = HighLevelTalent.objects.get(programme="京津冀共同认定领军人才")
    assert linked.person_id == expert.person_id and linked.recognised_on == dt.date(2025, 6, 30)
    assert HighLevelTalent.objects.get(person__name="新人才").tier == "D"


def test_xlsx_id_number_stored_as_a_number_is_refused(reference):
    row = expert_row(1)
    row[1] = 110108197505050000  # Excel turned it into a number
    result = run(xlsx_bytes(EXPERT_HEADERS, [row]))
    assert by_row(result)[2] == {("id_number", "id_number_as_number")}


def test_graduate_preferred_city_outside_hebei(reference):
    headers = ["姓名", "身份证号", "毕业院校", "院校所在地代码", "学历学位", "专业", "毕业年份", "意向城市代码", "求职状态"]
    good = ["毕业生甲", id_number(7001, birth="20020303"), "河北工业大学", "120113", "硕士", "电气工程", "2026", "130600", "求职中"]
    bad = ["毕业生乙", id_number(7002, birth="20020303"), "河北工业大学", "120113", "学士后", "电气工程", "二〇二六", "120104", ""]
    result = run(csv_bytes(headers, [good, bad]), kind="graduate", mode=importing.MODE_GOOD_ROWS)
    assert result.imported == 1 and Graduate.objects.get().degree == "master"
    assert by_row(result)[3] == {("preferred_cities", "not_hebei_city"), ("degree", "invalid_choice"), ("graduation_year", "invalid")}


def test_demand_import_including_open_challenge(factory):
    org = factory.organisation()
    headers = ["单位统一社会信用代码", "需求类型", "需求名称", "需求描述", "行业代码", "合作方式", "需求所在地代码", "开始日期", "结束日期",
               "需求人数", "揭榜奖金（万元）", "揭榜截止日期"]
    rows = [
        [org.credit_code, "揭榜挂帅", "碳化硅外延缺陷控制", "征集解决方案", "3973", "项目合作", "130600", "2026-03-01", "2026-12-31", "1", "200", "2026-06-30"],
        [org.credit_code, "揭榜挂帅", "缺奖金", "征集解决方案", "3973", "项目合作", "130600", "2026-03-01", "2026-12-31", "1", "", ""],
        [credit_code(424242), "技术难题", "单位未登记", "描述", "3973", "远程指导", "130600", "2026-03-01", "2026-12-31", "1", "", ""],
        [org.credit_code, "技术难题", "期限颠倒", "描述", "3973", "远程指导", "130600", "2026-12-31", "2026-03-01", "0", "", ""],
    ]
    result = run(csv_bytes(headers, rows), kind="demand", mode=importing.MODE_GOOD_ROWS)
    assert result.imported == 1
    demand = Demand.objects.get()
    assert demand.kind == "open_challenge" and demand.status == Status.SUBMITTED and str(demand.challenge_reward) == "200.00"
    problems = by_row(result)
    assert {("challenge_reward", "required"), ("challenge_deadline", "required")} <= problems[3]
    assert problems[4] == {("organisation", "unknown_organisation")}
    assert {("period_end", "window_order"), ("headcount", "out_of_range")} <= problems[5]


# --- bad files: a specific error, nothing saved -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100, "not_spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
        (b"PK\x03\x04" + b"not really a zip" * 10, "not_spreadsheet"),
        ("姓名,身份证号\n".encode(), "missing_columns"),
    ],
    ids=["empty", "blank", "png", "xls", "broken-zip", "missing-columns"],
)
def test_bad_files_are_refused_with_a_specific_error(reference, data, code):
    with pytest.raises(importing.FileProblem) as exc:
        run(data)
    assert exc.value.code == code and exc.value.message
    assert not Person.objects.exists()


def test_a_docx_is_not_a_spreadsheet(reference):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(importing.FileProblem) as exc:
        run(buf.getvalue())
    assert exc.value.code == "not_spreadsheet"


def test_unknown_and_missing_headers_are_named(reference):
    headers = [h for h in EXPERT_HEADERS if h != "合作方式"] + ["星座"]
    with pytest.raises(importing.FileProblem) as exc:
        run(csv_bytes(headers, [expert_row(1)[:-1] + ["x"]]))
    assert "合作方式" in exc.value.message and "星座" in exc.value.message


def test_header_only_file_has_no_rows(reference):
    with pytest.raises(importing.FileProblem) as exc:
        run(csv_bytes(EXPERT_HEADERS, []))
    assert exc.value.code == "no_rows"


def test_english_aliases_and_gbk_csv(reference):
    aliases = ["name", "id number", "mobile", "employer", "home division", "title level", "disciplines", "industries", "sharing modes",
               "serves all hebei", "served cities", "max engagements", "available from", "available until"]
    result = run(csv_bytes(aliases, [expert_row(1, 合作方式="consulting,remote", 服务河北全省="是", 服务城市代码="")], encoding="gb18030"))
    assert result.ok, result.report()
    assert Expert.objects.get().serves_all_hebei


def test_fifty_megabytes_is_refused_before_parsing(reference):
    with pytest.raises(importing.FileProblem) as exc:
        run(b"a" * (50 * 1024 * 1024))
    assert exc.value.code == "too_large" and "10 MB" in exc.value.message


@pytest.mark.parametrize("kind", sorted(importing.KINDS))
def test_templates_have_the_headers_the_importer_expects(kind):
    import io

    from openpyxl import load_workbook

    for data in (importing.template_csv(kind), importing.template_xlsx(kind)):
        table = importing.read_table(data)
        mapping = importing.map_headers(importing.KINDS[kind], table.headers)
        assert len(mapping) == len(importing.KINDS[kind].columns)
    sheets = load_workbook(io.BytesIO(importing.template_xlsx(kind))).sheetnames
    assert sheets[1] == "填写说明"


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1000)
def test_limit_comes_from_settings(reference):
    with pytest.raises(importing.FileProblem):
        run(csv_bytes(EXPERT_HEADERS, [expert_row(n) for n in range(20)]))


def test_progress_is_reported_on_long_imports(reference):
    """Experts and graduates report progress after every chunk; talent and demand every ``progress_every`` rows."""
    seen = []
    importer = importing.Importer(kind="expert", mode=importing.MODE_GOOD_ROWS, progress=lambda done, total: seen.append((done, total)), chunk_size=2)
    importer.run(csv_bytes(EXPERT_HEADERS, [expert_row(n) for n in range(5)]))
    assert seen == [(2, 5), (4, 5), (5, 5)]
    seen.clear()
    importer = importing.Importer(kind="expert", mode=importing.MODE_GOOD_ROWS, progress=lambda done, total: seen.append((done, total)),
                                  progress_every=2, batched=False)
    importer.run(csv_bytes(EXPERT_HEADERS, [expert_row(n) for n in range(10, 15)]))
    assert seen[:2] == [(2, 5), (4, 5)] and seen[-1] == (5, 5)


def test_graduate_same_name_same_school_other_number_is_queued(factory):
    existing = factory.graduate(name="李娜", school="河北工业大学")
    headers = ["姓名", "身份证号", "毕业院校", "院校所在地代码", "学历学位", "专业", "毕业年份"]
    result = run(csv_bytes(headers, [["李娜", id_number(6001, birth="20010707"), "河北工业大学", "120113", "本科", "自动化", "2025"]]), kind="graduate")
    assert result.imported == 1
    assert DuplicateCandidate.objects.get().existing == existing.person


def test_external_id_is_unique_within_its_partner(reference):
    headers = [*EXPERT_HEADERS, "外部编号"]
    first = run(csv_bytes(headers, [expert_row(1) + ["HB-1"]]), partner="河北人才网")
    assert first.imported == 1 and Expert.objects.get().source == Source.PARTNER and Expert.objects.get().source_partner == "河北人才网"
    again = run(csv_bytes(headers, [expert_row(2) + ["HB-1"]]), partner="河北人才网", mode=importing.MODE_GOOD_ROWS)
    assert by_row(again) == {2: {("external_id", "duplicate_external")}}


def test_import_command_prints_the_report_and_fails_an_all_or_nothing_import(reference, tmp_path, staff_bj, make_user):
    from django.core.management import CommandError, call_command

    path = tmp_path / "experts.csv"
    path.write_bytes(csv_bytes(EXPERT_HEADERS, [expert_row(1), expert_row(2, 行业代码="9999")]))
    import io

    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_records", "expert", str(path), stdout=out, stderr=io.StringIO())
    assert exc.value.code == 1 and "第3行 [行业代码] 未知的行业代码：9999" in out.getvalue() and not Expert.objects.exists()
    out = io.StringIO()
    report = tmp_path / "report.csv"
    call_command("import_records", "expert", str(path), "--mode", "good-rows", "--user", "staff_bj", "--report", str(report), stdout=out, stderr=io.StringIO())
    assert "导入 1 行" in out.getvalue() and "未知的行业代码" in report.read_text(encoding="utf-8-sig")
    assert ObjectChange.objects.filter(user=staff_bj, action="create", content_type__model="expert").count() == 1
    make_user(username="visitor")
    with pytest.raises(CommandError, match="工作人员"):
        call_command("import_records", "expert", str(path), "--user", "visitor")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4\n\x00\x01\x02binary")
    with pytest.raises(CommandError, match="不是表格"):
        call_command("import_records", "expert", str(tmp_path / "x.pdf"))


def test_import_job_progress_reads_the_live_counter(reference, staff_bj):
    from django.core.cache import cache

    from registry.models import ImportJob

    job = ImportJob.objects.create(kind="expert", mode=importing.MODE_GOOD_ROWS, created_by=staff_bj, state=ImportJob.State.RUNNING, total_rows=100)
    assert job.progress == 0
    cache.set(job.progress_key, (40, 100))
    assert job.progress == 40
    job.state = ImportJob.State.DONE
    assert job.progress == 100
    cache.delete(job.progress_key)
