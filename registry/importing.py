"""Bulk import of experts, graduates, high-level talent and demand from CSV or XLSX.

Every row goes through the registry service of its kind (``expert_register``, ``graduate_register``,
``talent_register``, ``demand_create``), so a row fails for the same reasons, with the same messages, as a form.

- **File checks first** (:class:`FileProblem`, nothing saved): not a spreadsheet, old ``.xls``, empty file, no data rows,
  missing required columns, unknown or repeated columns, too large (``settings.IMPORT_MAX_UPLOAD_BYTES``).
- **Per-row report**: row number (as in the spreadsheet: the header is row 1), column, field, error code and a Chinese
  reason, for every bad row. Personal data never appears in it: no cell values are copied, and messages about
  personal fields are stripped of quoted fragments and passed through the log redaction.
- **Modes**: ``all-or-nothing`` imports nothing when any row is bad; ``good-rows`` imports the good rows, each in
  its own savepoint.
- **Deduplication**: a row whose person is already in that database is reported (``duplicate_person``), never
  duplicated; a suspected duplicate — same name and same employer (school for graduates) but a different ID number
  — is imported and a :class:`~registry.models.DuplicateCandidate` is opened for staff review (never merged
  automatically).
- **Region scoping**: an import by a staff member (not a superuser) may only create records of the staff member's
  region; a row of another region is reported (``other_region``). Imports run from the command line without
  ``--user`` are an operator's act and are not scoped.
- Imported records are ``submitted`` (待审核): staff verify or publish them afterwards with the admin's bulk actions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from . import crypto, domain, identifiers, services
from .choices import Source, Status
from .logging import redact

log = logging.getLogger(__name__)

MODE_ALL_OR_NOTHING = "all-or-nothing"
MODE_GOOD_ROWS = "good-rows"
MODES = (MODE_ALL_OR_NOTHING, MODE_GOOD_ROWS)
MODE_LABELS = {MODE_ALL_OR_NOTHING: "有错误则全部不导入", MODE_GOOD_ROWS: "导入正确的行，报告错误的行"}

PERSONAL_KEYS = frozenset({"id_number", "mobile", "email", "name"})
REGION_NAMES = domain.REGION_NAMES_ZH


class FileProblem(Exception):
    """The file as a whole cannot be imported; nothing is saved."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"  # text | int | decimal | date | bool | codes | list | modes | choice | code
    help: str = ""
    example: str = ""
    choices: tuple = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, self.key, *self.aliases)


def _choice_help(table) -> str:
    return "、".join(f"{zh}（{code}）" for code, zh, _ in table)


PERSON_COLUMNS = (
    Column("name", "姓名", ("name", "full name"), True, help="与身份证一致", example="王建国"),
    Column("id_number", "身份证号", ("id number", "id card", "id_no"), help="18位居民身份证号（请设为文本格式）；与手机号至少填一项", example="110105198001010012"),
    Column("mobile", "手机号", ("mobile", "phone"), help="11位手机号", example="13800138000"),
    Column("email", "电子邮箱", ("email", "e-mail"), example="wang@example.com"),
)
EXTERNAL = Column("external_id", "外部编号", ("external id", "external_id"), help="来源系统中的编号（同一来源内唯一）", example="BJ-2026-0001")
CONSENT = Column("consent_share", "已获单独同意", ("consent", "consent share"), kind="bool",
                 help="本人已单独同意向用人单位提供其个人信息：是/否（PIPL）", example="是")

EXPERT_COLUMNS = (
    *PERSON_COLUMNS,
    Column("employer_name", "工作单位", ("employer",), True, example="清华大学"),
    Column("home_division", "所在地代码", ("home division", "division"), True, kind="code", help="GB/T 2260 区县代码，如 110108（海淀区）", example="110108"),
    Column("talent_team", "人才类别", ("talent team",), kind="choice", choices=domain.TALENT_TEAMS, help=_choice_help(domain.TALENT_TEAMS), example="专业技术人才"),
    Column("title_series", "职称系列", ("title series",), kind="choice", choices=domain.TITLE_SERIES, help=_choice_help(domain.TITLE_SERIES), example="工程"),
    Column("title_level", "职称级别", ("title level",), kind="choice", choices=domain.TITLE_LEVELS, help=_choice_help(domain.TITLE_LEVELS), example="正高级"),
    Column("position", "职务", ("position",), example="教授"),
    Column("disciplines", "学科代码", ("disciplines", "nsfc"), kind="codes", help="国家自然科学基金申请代码，多个用逗号或顿号分隔", example="F0402、F0406"),
    Column("industries", "行业代码", ("industries", "industry codes"), kind="codes", help="GB/T 4754-2017 行业代码（门类字母或数字代码），多个用逗号分隔", example="3973"),
    Column("skills", "专业技能", ("skills",), kind="list", help="多个用逗号或顿号分隔", example="芯片设计、先进封装"),
    Column("research_areas", "研究方向", ("research areas",), example="先进封装与三维集成"),
    Column("achievements", "主要成果", ("achievements",)),
    Column("sharing_modes", "合作方式", ("sharing modes", "modes"), True, kind="modes", help=_choice_help(domain.SHARING_MODES), example="顾问咨询、远程指导"),
    Column("serves_all_hebei", "服务河北全省", ("serves all hebei",), kind="bool", help="是/否；为“否”时须填写服务城市代码", example="否"),
    Column("served_cities", "服务城市代码", ("served cities",), kind="codes", help="河北地级市代码，如 130600（保定）", example="130600、131000"),
    Column("max_engagements", "可同时承担合作数", ("max engagements",), kind="int", help="1–20", example="3"),
    Column("days_per_month", "每月可投入天数", ("days per month",), kind="int", help="1–31", example="4"),
    Column("available_from", "可服务起始日期", ("available from",), kind="date", help="YYYY-MM-DD", example="2026-01-01"),
    Column("available_until", "可服务截止日期", ("available until",), kind="date", help="YYYY-MM-DD，不早于起始日期", example="2027-12-31"),
    EXTERNAL,
    CONSENT,
)

GRADUATE_COLUMNS = (
    *PERSON_COLUMNS,
    Column("school", "毕业院校", ("school", "university"), True, example="河北工业大学"),
    Column("school_division", "院校所在地代码", ("school division",), True, kind="code", help="GB/T 2260 代码", example="120113"),
    Column("degree", "学历学位", ("degree",), True, kind="choice", choices=domain.DEGREES, help=_choice_help(domain.DEGREES), example="硕士"),
    Column("major", "专业", ("major",), True, example="电气工程及其自动化"),
    Column("major_discipline", "专业学科代码", ("major discipline",), kind="code", help="国家自然科学基金申请代码", example="E0704"),
    Column("graduation_year", "毕业年份", ("graduation year",), True, kind="int", example="2026"),
    Column("preferred_cities", "意向城市代码", ("preferred cities",), kind="codes", help="河北地级市代码", example="130600"),
    Column("intended_industries", "意向行业代码", ("intended industries",), kind="codes", example="4415"),
    Column("intended_occupations", "意向职业代码", ("intended occupations",), kind="codes", help="职业分类大典代码，如 2-02-12-01", example=""),
    Column("job_intentions", "求职意向", ("job intentions",), example="新能源发电运维"),
    Column("seeking_status", "求职状态", ("seeking status",), kind="choice", choices=domain.SEEKING_STATUS, help=_choice_help(domain.SEEKING_STATUS), example="求职中"),
    EXTERNAL,
    CONSENT,
)

TALENT_COLUMNS = (
    *PERSON_COLUMNS,
    Column("tier", "层次", ("tier",), True, kind="choice", choices=domain.TALENT_TIERS, help="A/B/C/D 或 " + _choice_help(domain.TALENT_TIERS), example="B"),
    Column("programme", "认定项目", ("programme", "program"), True, example="京津冀共同认定领军人才"),
    Column("recognised_on", "认定日期", ("recognised on", "recognized on"), True, kind="date", example="2025-06-30"),
    Column("home_division", "所在地代码", ("home division", "division"), True, kind="code", example="120104"),
    Column("field", "领域学科代码", ("field", "discipline"), kind="code", example="E0712"),
    Column("industry", "行业代码", ("industry",), kind="code", example="3841"),
    Column("employer_name", "工作单位", ("employer",), example="天津大学"),
    Column("notes", "备注", ("notes",)),
    EXTERNAL,
)

DEMAND_COLUMNS = (
    Column("organisation", "单位统一社会信用代码", ("organisation", "credit code"), True, kind="text", help="已登记的用人单位", example="91130600MA0000001X"),
    Column("kind", "需求类型", ("kind",), True, kind="choice", choices=domain.DEMAND_KINDS, help=_choice_help(domain.DEMAND_KINDS), example="技术难题"),
    Column("title", "需求名称", ("title",), True, example="功率模块封装良率提升"),
    Column("description", "需求描述", ("description",), True, example="需要集成电路封装方面的专家指导"),
    Column("industry", "行业代码", ("industry",), True, kind="code", example="3973"),
    Column("disciplines", "学科代码", ("disciplines",), kind="codes", example="F0406"),
    Column("occupation", "职业代码", ("occupation",), kind="code"),
    Column("required_skills", "所需技能", ("required skills", "skills"), kind="list", example="先进封装、可靠性测试"),
    Column("min_title_level", "最低职称", ("min title level",), kind="choice", choices=domain.TITLE_LEVELS, help=_choice_help(domain.TITLE_LEVELS), example="副高级"),
    Column("sharing_modes", "合作方式", ("sharing modes", "modes"), True, kind="modes", help=_choice_help(domain.SHARING_MODES), example="顾问咨询、项目合作"),
    Column("city", "需求所在地代码", ("city",), True, kind="code", example="130600"),
    Column("period_start", "开始日期", ("period start", "start"), True, kind="date", example="2026-03-01"),
    Column("period_end", "结束日期", ("period end", "end"), True, kind="date", example="2026-12-31"),
    Column("headcount", "需求人数", ("headcount",), kind="int", help="1–500", example="2"),
    Column("budget_min", "预算下限（万元）", ("budget min",), kind="decimal", example="10"),
    Column("budget_max", "预算上限（万元）", ("budget max",), kind="decimal", example="30"),
    Column("urgency", "紧急程度", ("urgency",), kind="choice", choices=domain.URGENCY, help=_choice_help(domain.URGENCY), example="一般"),
    Column("challenge_reward", "揭榜奖金（万元）", ("challenge reward", "reward"), kind="decimal", help="揭榜挂帅需求必填"),
    Column("challenge_deadline", "揭榜截止日期", ("challenge deadline",), kind="date", help="揭榜挂帅需求必填"),
    Column("expires_at", "有效期至", ("expires at",), kind="date"),
    EXTERNAL,
)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    columns: tuple[Column, ...]
    model_name: str

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


KINDS = {
    "expert": Kind("expert", "专家", EXPERT_COLUMNS, "expert"),
    "graduate": Kind("graduate", "高校毕业生", GRADUATE_COLUMNS, "graduate"),
    "talent": Kind("talent", "高层次人才", TALENT_COLUMNS, "highleveltalent"),
    "demand": Kind("demand", "人才需求", DEMAND_COLUMNS, "demand"),
}
KIND_BY_MODEL = {k.model_name: k for k in KINDS.values()}


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------


def _normalise_header(value) -> str:
    text = str(value or "").strip()
    text = re.sub(r"[（(]\s*(必填|required)\s*[)）]", "", text, flags=re.IGNORECASE)
    return re.sub(r"[\s*_\-]", "", text).lower()


@dataclass
class Table:
    headers: list[str]
    rows: Iterable[tuple[int, tuple]]  # (spreadsheet row number, cells)
    total: int  # data rows (may be an upper bound for XLSX)
    fmt: str


def read_table(data: bytes, *, filename: str = "") -> Table:
    """Open CSV or XLSX bytes. Raises FileProblem for anything that is not a readable table."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise FileProblem("too_large", f"文件大小 {len(data) / 1048576:.1f} MB 超过上限 {limit / 1048576:.0f} MB，请拆分后分批导入")
    if not data.strip():
        raise FileProblem("empty", "文件为空")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileProblem("xls", "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV（UTF-8）后再导入")
    return _read_csv(data)


def _read_xlsx(data: bytes) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileProblem("not_spreadsheet", "文件不是有效的 Excel（.xlsx）表格") from exc
    except Exception as exc:  # openpyxl raises assorted errors for non-workbook zips (docx, jar…)
        raise FileProblem("not_spreadsheet", "文件不是有效的 Excel（.xlsx）表格") from exc
    if not workbook.worksheets:
        raise FileProblem("empty", "工作簿中没有工作表")
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_row = None
    for header_row in rows:
        if any(v not in (None, "") for v in header_row):
            break
    else:
        header_row = None
    if header_row is None:
        raise FileProblem("empty", "文件为空：第一个工作表没有表头")
    headers = [str(v).strip() if v is not None else "" for v in header_row]
    total = max((sheet.max_row or 1) - 1, 0)

    def numbered():
        yield from enumerate(rows, start=2)
        workbook.close()

    return Table(headers=headers, rows=numbered(), total=total, fmt="xlsx")


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise FileProblem("not_spreadsheet", "文件不是表格（请上传 CSV 或 XLSX 文件）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("encoding", "无法识别文件编码，请将 CSV 保存为 UTF-8 编码")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if any(ch in text[:4096] for ch in "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"):
        raise FileProblem("not_spreadsheet", "文件不是表格（请上传 CSV 或 XLSX 文件）")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileProblem("not_spreadsheet", f"CSV 文件格式错误：{exc}") from None
    while records and not any(c.strip() for c in records[0]):
        records.pop(0)
    if not records:
        raise FileProblem("empty", "文件为空")
    headers = [h.strip() for h in records[0]]
    rows = [(n, tuple(r)) for n, r in enumerate(records[1:], start=2)]
    return Table(headers=headers, rows=rows, total=len(rows), fmt="csv")


def map_headers(kind: Kind, headers: list[str]) -> dict[int, Column]:
    """Column index → Column. Raises FileProblem for unknown, repeated or missing required columns."""
    lookup = {}
    for column in kind.columns:
        for name in column.names:
            lookup[_normalise_header(name)] = column
    mapping: dict[int, Column] = {}
    unknown, seen, repeated = [], set(), []
    for i, header in enumerate(headers):
        if not header:
            continue
        column = lookup.get(_normalise_header(header))
        if column is None:
            unknown.append(header)
            continue
        if column.key in seen:
            repeated.append(header)
            continue
        seen.add(column.key)
        mapping[i] = column
    problems = []
    missing = [c.header for c in kind.columns if c.required and c.key not in seen]
    if missing:
        problems.append(f"缺少必填列：{'、'.join(missing)}")
    if unknown:
        problems.append(f"无法识别的列：{'、'.join(unknown[:20])}")
    if repeated:
        problems.append(f"重复的列：{'、'.join(repeated)}")
    if problems:
        code = "missing_columns" if missing else ("unknown_columns" if unknown else "repeated_columns")
        raise FileProblem(code, f"{kind.label}导入文件的表头不正确：" + "；".join(problems) + "。请使用下载的模板。")
    return mapping


# ---------------------------------------------------------------------------------------------
# Cell parsing
# ---------------------------------------------------------------------------------------------


class CellError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


_SPLIT = re.compile(r"[,，、;；/\s]+")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有", "同意"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "不同意"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def _choice(column: Column, value) -> str:
    text = _text(value)
    for code, zh, en in column.choices:
        if text in (code, zh) or text.lower() == en.lower() or text.lower() == code.lower():
            return code
    if column.key == "tier":
        for code, zh, _ in column.choices:
            if zh.startswith(text) or zh.split(" ")[-1] == text:
                return code
    raise CellError("invalid_choice", f"“{text[:20]}”不是有效的{column.header}，可选：{'、'.join(zh for _, zh, _ in column.choices)}")


def parse_cell(column: Column, value):
    if column.kind == "text":
        if column.key == "id_number" and isinstance(value, (int, float)):
            raise CellError("id_number_as_number", "身份证号被保存为数字（后几位可能已丢失），请将该列设为文本格式后重新填写")
        return _text(value)
    if column.kind == "int":
        if isinstance(value, bool):
            raise CellError("invalid", f"{column.header}应为整数")
        if isinstance(value, (int, float)) and float(value).is_integer():
            return int(value)
        text = _text(value)
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        raise CellError("invalid", f"{column.header}应为整数")
    if column.kind == "decimal":
        try:
            number = Decimal(_text(value).replace(",", ""))
        except InvalidOperation:
            raise CellError("invalid", f"{column.header}应为数字") from None
        if not number.is_finite():
            raise CellError("invalid", f"{column.header}应为数字")
        return number
    if column.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _text(value)
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise CellError("invalid_date", f"{column.header}不是有效日期，应为 YYYY-MM-DD 格式")
    if column.kind == "bool":
        text = _text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError("invalid", f"{column.header}应填“是”或“否”")
    if column.kind == "code":
        return _text(value).upper() if re.fullmatch(r"[a-z]\d*", _text(value)) else _text(value)
    if column.kind == "codes":
        return [c.upper() if re.fullmatch(r"[a-z]\d*", c) else c for c in _SPLIT.split(_text(value)) if c]
    if column.kind == "list":
        return [s for s in re.split(r"[,，、;；]+", _text(value)) if s.strip()]
    if column.kind == "modes":
        labels = {}
        for code, zh, en in domain.SHARING_MODES:
            labels[code] = labels[zh] = labels[en.lower()] = code
        labels["候鸟式"] = "seasonal"
        labels["项目众包式"] = "crowdsourcing"
        labels["星期日工程师"] = "weekend_engineer"
        codes, unknown = [], []
        for item in re.split(r"[,，、;；/]+", _text(value)):
            item = item.strip()
            if not item:
                continue
            code = labels.get(item) or labels.get(item.lower())
            (codes if code else unknown).append(code or item)
        if unknown:
            raise CellError("unknown_mode", f"未知的合作方式：{'、'.join(u[:20] for u in unknown)}；可选：{'、'.join(zh for _, zh, _ in domain.SHARING_MODES)}")
        return codes
    if column.kind == "choice":
        return _choice(column, value)
    raise AssertionError(column.kind)


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def safe_message(key: str, message: str) -> str:
    """A message fit for the stored report: no personal data."""
    message = str(message)
    if key in PERSONAL_KEYS:
        message = _QUOTED.sub("", message)
    return redact(message)[:300]


@dataclass
class RowProblem:
    row: int
    column: str
    field: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "field": self.field, "code": self.code, "message": self.message}


@dataclass
class ImportResult:
    kind: str
    mode: str
    total: int = 0
    processed: int = 0
    imported: int = 0
    bad_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.bad_rows == 0

    def report(self) -> dict:
        return {
            "kind": self.kind, "mode": self.mode, "total": self.total, "imported": self.imported, "bad_rows": self.bad_rows,
            "committed": self.committed, "errors": [p.as_dict() for p in self.problems], "warnings": [w.as_dict() for w in self.warnings],
        }

    def summary(self) -> str:
        label = KINDS[self.kind].label
        if self.mode == MODE_ALL_OR_NOTHING and self.bad_rows:
            return f"{label}：共 {self.processed} 行，其中 {self.bad_rows} 行有错误；按“有错误则全部不导入”模式，未导入任何记录。"
        text = f"{label}：共 {self.processed} 行，导入 {self.imported} 行"
        if self.bad_rows:
            text += f"，{self.bad_rows} 行有错误未导入"
        if self.warnings:
            text += f"，{len(self.warnings)} 行疑似重复已提交人工复核"
        return text + "。"


# ---------------------------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------------------------


def _row_region(kind: str, values: dict) -> str:
    code = {"expert": "home_division", "talent": "home_division", "graduate": "school_division", "demand": "city"}[kind]
    value = values.get(code)
    return str(value)[:2] if value and re.fullmatch(r"\d{6}", str(value)) else ""


class _RollBack(Exception):
    """Undo a row that the service accepted but whose other cells were unreadable."""


@dataclass(frozen=True)
class Batched:
    """A kind imported through a batched upsert service, and how its suspected duplicates are found (person
    records; none for demands)."""

    upsert: Callable  # services.experts_upsert_many / graduates_upsert_many / demands_upsert_many
    model: type
    employer: str = ""  # the row's field naming the employer (school)
    lookups: tuple[str, ...] = ()  # Person lookups holding that employer
    basis: str = ""  # the review reason's wording


BATCHED = {
    "expert": Batched(services.experts_upsert_many, services.EXPERTS.model, "employer_name", ("expert__employer_name", "talent_recognitions__employer_name"), "工作单位"),
    "graduate": Batched(services.graduates_upsert_many, services.GRADUATES.model, "school", ("graduate__school",), "毕业院校"),
    "demand": Batched(services.demands_upsert_many, services.Demand),
}


def _employer_q(lookups: Iterable[str], value) -> Q:
    q = Q()
    for lookup in lookups:
        q |= Q(**{lookup: value})
    return q


class Importer:
    def __init__(self, *, kind: str, mode: str = MODE_ALL_OR_NOTHING, actor=None, partner: str = "",
                 progress: Callable[[int, int], None] | None = None, progress_every: int = 200, chunk_size: int | None = None,
                 batched: bool = True):
        if kind not in KINDS:
            raise ValueError(f"unknown import kind {kind!r}")
        if mode not in MODES:
            raise ValueError(f"unknown import mode {mode!r}")
        self.kind = KINDS[kind]
        self.mode = mode
        self.actor = actor
        self.partner = (partner or "").strip()[:64]
        self.progress = progress or (lambda done, total: None)
        self.progress_every = progress_every
        self.chunk_size = max(1, chunk_size or settings.IMPORT_CHUNK_ROWS)
        self.batched = batched  # False: experts, graduates and demands row by row too (the reference path of the tests)
        self._orgs: dict[str, object] = {}

    # --- the run ---
    def run(self, data: bytes, *, filename: str = "", before_commit: Callable[[ImportResult], None] | None = None) -> ImportResult:
        """Import the file in one transaction (both modes). ``before_commit(result)`` runs inside it just before it
        commits rows; an exception from it rolls the whole import back (an import job checks there that it still
        owns the job, and records its outcome in the same transaction)."""
        table = read_table(data, filename=filename)
        mapping = map_headers(self.kind, table.headers)
        result = ImportResult(kind=self.kind.key, mode=self.mode, total=table.total)
        with transaction.atomic(), services.code_cache():
            if self.batched and self.kind.key in BATCHED:
                self._run_batched(table, mapping, result)
            else:
                self._run_rows(table, mapping, result)
            if result.processed == 0:
                raise FileProblem("no_rows", "文件中没有数据行（只有表头）")
            if self.mode == MODE_ALL_OR_NOTHING and result.bad_rows:
                transaction.set_rollback(True)
                result.imported = 0
                result.warnings = []
            else:
                result.committed = True
                if before_commit is not None:
                    before_commit(result)
        self.progress(result.processed, result.processed)
        log.info("import %s mode=%s rows=%d imported=%d bad=%d", self.kind.key, self.mode, result.processed, result.imported, result.bad_rows)
        return result

    def _tally(self, result: ImportResult, problems: list[RowProblem], warnings: list[RowProblem]) -> None:
        if problems:
            result.bad_rows += 1
            result.problems.extend(problems)
        else:
            result.imported += 1
            result.warnings.extend(warnings)

    def _run_rows(self, table: Table, mapping: dict[int, Column], result: ImportResult) -> None:
        """Talent (and every kind with ``batched=False``): row by row through the single-row service, each row in a
        savepoint."""
        for number, cells in table.rows:
            if all(_blank(c) for c in cells):
                continue
            result.processed += 1
            self._tally(result, *self._import_row(number, cells, mapping))
            if result.processed % self.progress_every == 0:
                self.progress(result.processed, max(table.total, result.processed))

    def _run_batched(self, table: Table, mapping: dict[int, Column], result: ImportResult) -> None:
        """Experts, graduates and demands: chunks of ``chunk_size`` rows through the batched upsert service
        (``experts_upsert_many`` …), which checks every row with the single-row rules and
        writes the good ones together; progress after every chunk. A chunk ends before a row repeating the
        external id of a row already in it, so that row is checked against the written one (as row by row)."""
        chunk: list[tuple[int, dict, list[RowProblem]]] = []
        externals: set = set()
        for number, cells in table.rows:
            if all(_blank(c) for c in cells):
                continue
            result.processed += 1
            values, problems = self._parse_row(number, cells, mapping)
            external = values.get("external_id")
            if len(chunk) >= self.chunk_size or (external and external in externals):
                self._import_chunk(chunk, result)
                self.progress(result.processed - 1, max(table.total, result.processed - 1))
                chunk, externals = [], set()
            chunk.append((number, values, problems))
            if external:
                externals.add(external)
        if chunk:
            self._import_chunk(chunk, result)

    def _import_chunk(self, chunk: list[tuple[int, dict, list[RowProblem]]], result: ImportResult) -> None:
        """One chunk through the batched service: the same per-row problems and suspected duplicates as row by row,
        in a number of queries that does not grow with the rows (but one per review opened)."""
        spec = BATCHED[self.kind.key]
        wanted = {values["external_id"] for _, values, _ in chunk if values.get("external_id")}
        taken = set(spec.model.objects.filter(source_partner=self.partner, external_id__in=wanted).values_list("external_id", flat=True)) if wanted else set()
        if self.kind.key == "demand":
            self._read_organisations([values.get("organisation") for _, values, _ in chunk])
        outcome: dict[int, tuple[list[RowProblem], list[RowProblem]]] = {}
        submitted, rows = [], []  # (index in chunk, number, values, problems), the UpsertRow of each
        for i, (number, values, problems) in enumerate(chunk):
            if any(p.code == "other_region" for p in problems):
                outcome[i] = (problems, [])
                continue
            try:
                if values.get("external_id") in taken:
                    raise ValidationError({"external_id": [ValidationError("该外部编号的记录已导入，请勿重复导入", code="duplicate_external")]})
                data = self._demand_data(values) if self.kind.key == "demand" else self._register_data(values)
            except ValidationError as exc:
                outcome[i] = (self._service_problems(number, problems, exc), [])
                continue
            submitted.append((i, number, values, problems))
            rows.append(services.UpsertRow(None, data, invalid=bool(problems)))
        saved = spec.upsert(actor=self.actor, **self._source(), rows=rows) if rows else []
        suspects = self._suspects_many(spec, [(values, out.person) for (_, _, values, problems), out in zip(submitted, saved)
                                              if not isinstance(out, Exception)]) if spec.employer else None
        for (i, number, values, problems), out in zip(submitted, saved):
            if isinstance(out, Exception):
                outcome[i] = (self._service_problems(number, problems, out), [])
            else:
                outcome[i] = ([], self._open_duplicates(number, out.person, suspects.pop(0), spec.basis) if suspects is not None else [])
        for i in range(len(chunk)):
            self._tally(result, *outcome[i])

    def _register_data(self, values: dict) -> dict:
        """A row's keyword arguments of ``expert_register`` / ``graduate_register`` (but the actor and the source)."""
        profile = {k: v for k, v in values.items() if k not in ("name", "id_number", "mobile", "email", "consent_share")}
        return {**self._person_kwargs(values), "consent_share": bool(values.get("consent_share")), "status": Status.SUBMITTED, **profile}

    def _suspects_many(self, spec: Batched, rows: list[tuple[dict, object]]) -> list[list]:
        """:meth:`_suspects` of each written row of a chunk, in one query: the persons before the chunk, and the
        persons of the rows before it in the chunk (which a row-by-row import would have found)."""
        from .models import Person

        keys = []
        for values, _ in rows:
            name, employer = (values.get("name") or "").strip(), (values.get(spec.employer) or "").strip()
            own = crypto.keyed_hash(identifiers.validate_id_number(values["id_number"])) if values.get("id_number") else None
            keys.append((name, employer, own))
        names, employers = {k[0] for k in keys if k[0] and k[1]}, {k[1] for k in keys if k[0] and k[1]}
        found: dict[tuple[str, str], dict[int, str | None]] = {}
        if names:
            lookups = [f"{lookup}__in" for lookup in spec.lookups]
            qs = Person.objects.filter(name__in=names, erased_at__isnull=True).filter(_employer_q(lookups, employers))
            for pk, name, id_hash, *held in qs.values_list("pk", "name", "id_hash", *spec.lookups):
                for employer in held:
                    if employer in employers:
                        found.setdefault((name, employer), {})[pk] = id_hash
        out = []
        for (name, employer, own), (_, person) in zip(keys, rows):
            people = found.get((name, employer), {}) if name and employer else {}
            out.append([Person(pk=pk) for pk in sorted(pk for pk, id_hash in people.items() if not own or id_hash != own)][:5])
            if name and employer:  # the rows after this one see its person
                found.setdefault((name, employer), {})[person.pk] = person.id_hash
        return out

    def _problem(self, number: int, key: str, code: str, message: str) -> RowProblem:
        column = self.kind.column(key)
        header = column.header if column else {"__all__": "—", "consent_share": "已获单独同意"}.get(key, key)
        return RowProblem(number, header, key, code, safe_message(key, message))

    def _parse_row(self, number: int, cells: tuple, mapping: dict[int, Column]) -> tuple[dict, list[RowProblem]]:
        """The row's values by field, and the problems of its cells and of its region (``other_region``)."""
        values, problems = {}, []
        for i, column in mapping.items():
            value = cells[i] if i < len(cells) else None
            if _blank(value):
                continue
            try:
                values[column.key] = parse_cell(column, value)
            except CellError as exc:
                problems.append(self._problem(number, column.key, exc.code, exc.message))
        region = _row_region(self.kind.key, values)
        actor = self.actor
        if actor is not None and not getattr(actor, "is_superuser", False) and region and region != getattr(actor, "region", ""):
            key = {"expert": "home_division", "talent": "home_division", "graduate": "school_division", "demand": "city"}[self.kind.key]
            problems.append(self._problem(number, key, "other_region", f"您是{REGION_NAMES.get(actor.region, '其他地区')}的工作人员，只能导入本地区的记录（该行属于{REGION_NAMES.get(region, '区域外')}）"))
        return values, problems

    def _service_problems(self, number: int, problems: list[RowProblem], exc: Exception) -> list[RowProblem]:
        """The row's problems once its service refused it: the cell problems, then the service's errors on the
        other fields (a cell that could not be read is reported once, as such)."""
        if isinstance(exc, ValidationError):
            bad_cells = {p.field for p in problems}
            errors = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
            extra = [self._problem(number, key, err.code or "invalid", message)
                     for key, errs in errors.items() if key not in bad_cells for err in errs for message in err.messages]
            return [*problems, *extra]
        if isinstance(exc, PermissionDenied):
            return [*problems, self._problem(number, "__all__", "permission_denied", str(exc))]
        if isinstance(exc, IntegrityError):
            return [*problems, self._problem(number, "external_id", "conflict", "与已有记录冲突（外部编号或唯一性约束），未导入")]
        raise exc

    def _import_row(self, number: int, cells: tuple, mapping: dict[int, Column]) -> tuple[list[RowProblem], list[RowProblem]]:
        values, problems = self._parse_row(number, cells, mapping)
        if any(p.code == "other_region" for p in problems):
            return problems, []
        # Cells that could not be read are reported as such; the service still checks the rest of the row (in a
        # savepoint that is rolled back), so one pass reports every problem of the row.
        try:
            with transaction.atomic():
                warnings = getattr(self, f"_import_{self.kind.key}")(number, values)
                if problems:
                    raise _RollBack
        except _RollBack:
            return problems, []
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            return self._service_problems(number, problems, exc), []
        return [], warnings

    # --- shared ---
    def _source(self) -> dict:
        if self.partner:
            return {"source": Source.PARTNER, "source_partner": self.partner}
        return {"source": Source.IMPORT, "source_partner": ""}

    def _check_external(self, model, values: dict):
        external = values.get("external_id")
        if external and model.objects.filter(source_partner=self.partner, external_id=external).exists():
            raise ValidationError({"external_id": [ValidationError("该外部编号的记录已导入，请勿重复导入", code="duplicate_external")]})

    def _suspects(self, values: dict, employer_q) -> list:
        """Persons with the same name and employer (or school) but a different ID number."""
        from .models import Person

        name = (values.get("name") or "").strip()
        if not name:
            return []
        own_hash = None
        if values.get("id_number"):
            try:
                own_hash = crypto.keyed_hash(identifiers.validate_id_number(values["id_number"]))
            except identifiers.IdentifierError:
                return []
        qs = Person.objects.filter(name=name, erased_at__isnull=True).filter(employer_q)
        if own_hash:
            qs = qs.exclude(id_hash=own_hash)
        return list(qs.distinct()[:5])

    def _open_duplicates(self, number: int, person, suspects: list, basis: str) -> list[RowProblem]:
        from .models import DuplicateCandidate

        warnings = []
        for other in suspects:
            if other.pk == person.pk:
                continue
            DuplicateCandidate.objects.get_or_create(
                existing=other, candidate=person, resolution=DuplicateCandidate.Resolution.OPEN,
                defaults={"reason": f"批量导入第{number}行：与已有人员同名且{basis}相同，但身份证号不同"},
            )
            warnings.append(RowProblem(number, "姓名", "name", "duplicate_candidate", f"与已有人员同名且{basis}相同但身份证号不同：已导入，并提交工作人员复核"))
        return warnings

    def _person_kwargs(self, values: dict) -> dict:
        return {k: values.get(k, "") for k in ("name", "id_number", "mobile", "email")}

    # --- kinds ---
    def _import_expert(self, number: int, values: dict) -> list[RowProblem]:
        from .models import Expert

        self._check_external(Expert, values)
        employer = (values.get("employer_name") or "").strip()
        suspects = self._suspects(values, _employer_q(BATCHED["expert"].lookups, employer)) if employer else []
        expert = services.expert_register(actor=self.actor, **self._source(), **self._register_data(values))
        return self._open_duplicates(number, expert.person, suspects, "工作单位")

    def _import_graduate(self, number: int, values: dict) -> list[RowProblem]:
        from .models import Graduate

        self._check_external(Graduate, values)
        school = (values.get("school") or "").strip()
        suspects = self._suspects(values, _employer_q(BATCHED["graduate"].lookups, school)) if school else []
        graduate = services.graduate_register(actor=self.actor, **self._source(), **self._register_data(values))
        return self._open_duplicates(number, graduate.person, suspects, "毕业院校")

    def _import_talent(self, number: int, values: dict) -> list[RowProblem]:
        from .models import HighLevelTalent

        self._check_external(HighLevelTalent, values)
        employer = (values.get("employer_name") or "").strip()
        suspects = self._suspects(values, _employer_q(BATCHED["expert"].lookups, employer)) if employer else []
        talent = services.talent_register(
            actor=self.actor, **self._person_kwargs(values), tier=values.get("tier", ""), programme=values.get("programme", ""),
            recognised_on=values.get("recognised_on"), home_division=values.get("home_division", ""), field=values.get("field"),
            industry=values.get("industry"), employer_name=employer, notes=values.get("notes", ""), external_id=values.get("external_id", ""),
            status=Status.SUBMITTED, **self._source(),
        )
        return self._open_duplicates(number, talent.person, suspects, "工作单位")

    def _organisation(self, code: str):
        from .models import Organisation

        normalised = identifiers.normalize_credit_code(code)
        if normalised not in self._orgs:
            self._orgs[normalised] = Organisation.objects.filter(credit_code=normalised).first()
        return self._orgs[normalised]

    def _read_organisations(self, codes: Iterable) -> None:
        """Read the organisations of a chunk's credit codes into the cache of :meth:`_organisation`, in one query."""
        from .models import Organisation

        wanted = {identifiers.normalize_credit_code(c) for c in codes if c} - set(self._orgs)
        if wanted:
            found = {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=wanted)}
            for code in wanted:
                self._orgs[code] = found.get(code)

    def _demand_data(self, values: dict) -> dict:
        """A demand row's keyword arguments of ``demand_create`` (but the actor and the source), its organisation
        resolved from the credit code (ValidationError on the organisation when it is malformed or unknown)."""
        code = values.get("organisation", "")
        try:
            identifiers.validate_credit_code(code)
        except identifiers.IdentifierError as exc:
            raise ValidationError({"organisation": [ValidationError(exc.message, code=exc.code)]}) from None
        organisation = self._organisation(code)
        if organisation is None:
            raise ValidationError({"organisation": [ValidationError("该统一社会信用代码的单位尚未登记，请先登记用人单位", code="unknown_organisation")]})
        return {**{k: v for k, v in values.items() if k != "organisation"}, "organisation": organisation, "status": Status.SUBMITTED}

    def _import_demand(self, number: int, values: dict) -> list[RowProblem]:
        from .models import Demand

        self._check_external(Demand, values)
        services.demand_create(actor=self.actor, **self._source(), **self._demand_data(values))
        return []


def run_import(*, kind: str, data: bytes, mode: str = MODE_ALL_OR_NOTHING, actor=None, partner: str = "", filename: str = "",
               progress: Callable[[int, int], None] | None = None, before_commit: Callable[[ImportResult], None] | None = None, **options) -> ImportResult:
    """Import one file (bytes). Raises FileProblem for a bad file; returns the per-row result otherwise.
    ``options``: :class:`Importer`'s ``chunk_size`` / ``batched``."""
    return Importer(kind=kind, mode=mode, actor=actor, partner=partner, progress=progress, **options).run(
        data, filename=filename, before_commit=before_commit)


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def template_csv(kind: str) -> bytes:
    columns = KINDS[kind].columns
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in columns])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    spec = KINDS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{spec.label}导入"
    sheet.append([c.header for c in spec.columns])
    for i, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="FFF2CC" if column.required else "DDEBF7")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 2)
        if column.kind in ("text", "code", "codes"):
            for row in range(2, 1002):  # keep ID numbers and codes as text (no lost digits, no lost leading zeros)
                sheet.cell(row=row, column=i).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "英文别名", "必填", "说明", "示例"])
    for column in spec.columns:
        notes.append([column.header, " / ".join(column.aliases[:2]), "是" if column.required else "", column.help, column.example])
    notes.append([])
    notes.append(["第一个工作表的第一行为表头；从第二行起每行一条记录。导入时逐行按与登记表单相同的规则校验，错误行会在报告中列出（行号、列、原因）。"])
    for letter, width in zip("ABCDE", (20, 24, 6, 60, 30)):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def iter_report_rows(report: dict) -> Iterator[list]:
    yield ["行号", "列", "字段", "错误代码", "原因"]
    for item in report.get("errors", []):
        yield [item["row"], item["column"], item["field"], item["code"], item["message"]]
    for item in report.get("warnings", []):
        yield [item["row"], item["column"], item["field"], item["code"], item["message"]]
