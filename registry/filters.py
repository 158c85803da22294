"""django-filter FilterSets of the registry's API. Division filters cover descendants (保定 130600 covers 雄县
130638) and named groups (``xiongan``); industry and discipline filters cover a code's subtree or prefix;
``q`` searches Chinese text (``icontains``; trigram-indexed on PostgreSQL, see migration 0003)."""

from __future__ import annotations

import copy
import dataclasses
import json
import time

import django_filters as df
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict

from . import domain, selectors
from .choices import Status
from .models import Demand, Discipline, DivisionGroup, Division, Expert, Graduate, HighLevelTalent, Industry, Occupation, Organisation

MODE_HELP = "逗号分隔的合作方式代码 / Comma-separated sharing-mode codes: " + ", ".join(domain.SHARING_MODE_CODES)
TITLE_CHOICES = [(code, zh) for code, zh, _en in domain.TITLE_LEVELS]


class CsvChoiceFilter(df.BaseInFilter, df.CharFilter):
    pass


# Reference trees change only when the reference data is reloaded: their expansions are cached in-process
# for a few minutes, so a filtered list costs one query for the rows, not five for the codes.
CODE_CACHE_SECONDS = 300
_code_cache: dict[tuple, tuple[float, list[str] | None]] = {}


def _cached(key: tuple, compute):
    now = time.monotonic()
    hit = _code_cache.get(key)
    if hit is not None and now - hit[0] < CODE_CACHE_SECONDS:
        return hit[1]
    value = compute()
    if len(_code_cache) > 2000:
        _code_cache.clear()
    _code_cache[key] = (now, value)
    return value


def codes_under(model, value: str) -> list[str]:
    return _cached((model.__name__, value.strip()), lambda: selectors.codes_under(model, value))


def division_region(code: str) -> str | None:
    """The region of a division code (cached), None for an unknown code."""
    return _cached(("region", code), lambda: Division.objects.filter(code=code).values_list("region", flat=True).first())


def _division_codes(value: str) -> list[str]:
    value = value.strip()

    def compute():
        if DivisionGroup.objects.filter(slug=value).exists() or Division.objects.filter(code=value).exists():
            return selectors.division_codes_within(value)
        return None

    codes = _cached(("division", value), compute)
    if codes is None:
        from django import forms

        raise forms.ValidationError(f"未知的区划代码或区划组合：{value}", code="unknown_code")
    return codes


def _modes(value) -> list[str]:
    codes = [c.strip() for c in value if c.strip()] if isinstance(value, list) else [c.strip() for c in str(value).split(",") if c.strip()]
    unknown = [c for c in codes if c not in domain.SHARING_MODE_BIT]
    if unknown:
        from django import forms

        raise forms.ValidationError(f"未知的合作方式：{'、'.join(unknown)}", code="unknown_mode")
    return codes


def text_q(value: str, *fields: str, json_fields: tuple[str, ...] = ()) -> Q:
    """icontains over several fields; JSON list fields also match their escaped form (SQLite stores \\uXXXX)."""
    value = value.strip()
    q = Q()
    for f in fields:
        q |= Q(**{f"{f}__icontains": value})
    escaped = json.dumps(value)[1:-1]
    for f in json_fields:
        q |= Q(**{f"{f}__icontains": value})
        if escaped != value:
            q |= Q(**{f"{f}__icontains": escaped})
    return q


class ApiFilterSet(df.FilterSet):
    """django-filter without rebuilding everything on every request: the filters are copied shallowly (a filter
    holds no per-request state but its parent and model) and the form class is built once per FilterSet class.
    (django-filter deep-copies every filter and builds a new form class per request: a few ms of CPU a call.)"""

    _form_classes: dict = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        model = queryset.model
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            f = copy.copy(base)
            f.model, f.parent = model, self
            if base.method:
                f.method = base.method  # rebinds the method to this copy (and through it to this filterset)
            self.filters[name] = f

    def get_form_class(self):
        cls = type(self)
        form = ApiFilterSet._form_classes.get(cls)
        if form is None:
            form = ApiFilterSet._form_classes[cls] = super().get_form_class()
        return form


class RecordFilter(ApiFilterSet):
    status = df.MultipleChoiceFilter(distinct=False, choices=Status.choices, help_text="状态（可多选） / Status (repeatable)")
    region = df.ChoiceFilter(choices=[(c, zh) for c, zh, _ in domain.REGIONS] + [(domain.REGION_OTHER, "区域外")], help_text="所属地区 / Region")
    updated_since = df.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", help_text="增量同步：此时间（含）之后更新的记录 / Updated at or after (ISO 8601)")
    external_id = df.CharFilter(field_name="external_id", help_text="外部编号（与 source_partner 连用） / The partner's id")
    source_partner = df.CharFilter(field_name="source_partner", help_text="来源系统 / Source partner")

    def division_filter(self, queryset, name, value):
        return queryset.filter(**{f"{name}__in": _division_codes(value)})

    def tree_exists(self, queryset, through, owner: str, target: str, model, value):
        codes = codes_under(model, value)
        return queryset.filter(Exists(through.objects.filter(**{owner: OuterRef("pk"), f"{target}__in": codes})))


class ExpertFilter(RecordFilter):
    division = df.CharFilter(field_name="home_division_id", method="division_filter", help_text="所在地区划代码或区划组合（含下级），如 110108、130600、xiongan / Division code or group, with descendants")
    industry = df.CharFilter(method="industry_filter", help_text="行业代码（含下级，或代码前缀），如 C、39、3912 / Industry code or prefix, with descendants")
    discipline = df.CharFilter(method="discipline_filter", help_text="学科代码（含下级），如 F、F02 / Discipline code, with descendants")
    min_title_level = df.ChoiceFilter(choices=TITLE_CHOICES, method="title_filter", help_text="最低职称级别 / Minimum title level")
    title_level = df.MultipleChoiceFilter(distinct=False, choices=TITLE_CHOICES, help_text="职称级别（可多选） / Title level (repeatable)")
    sharing_modes = df.CharFilter(method="modes_any", help_text="至少接受其一：" + MODE_HELP)
    sharing_modes_all = df.CharFilter(method="modes_all", help_text="全部接受：" + MODE_HELP)
    serves_city = df.CharFilter(method="serves_filter", help_text="愿意服务的河北地级市代码（含服务河北全省者） / Serves this Hebei city")
    outside_region = df.BooleanFilter(help_text="非京津专家 / Outside Beijing and Tianjin")
    q = df.CharFilter(method="search", help_text="全文检索：姓名、单位、技能、研究方向 / Search name, employer, skills, research areas")

    class Meta:
        model = Expert
        fields: list[str] = []

    def industry_filter(self, qs, name, value):
        return self.tree_exists(qs, Expert.industries.through, "expert_id", "industry_id", Industry, value)

    def discipline_filter(self, qs, name, value):
        return self.tree_exists(qs, Expert.disciplines.through, "expert_id", "discipline_id", Discipline, value)

    def title_filter(self, qs, name, value):
        return qs.filter(title_rank__gte=domain.TITLE_LEVEL_RANK[value])

    def modes_any(self, qs, name, value):
        return qs.filter(sharing_modes__overlaps=_modes(value))

    def modes_all(self, qs, name, value):
        return qs.filter(sharing_modes__has_all=_modes(value))

    def serves_filter(self, qs, name, value):
        return qs.filter(Q(serves_all_hebei=True) | Exists(Expert.served_cities.through.objects.filter(expert_id=OuterRef("pk"), division_id=value.strip())))

    def search(self, qs, name, value):
        return qs.filter(text_q(value, "person__name", "employer_name", "research_areas", json_fields=("skills",)))


class TalentFilter(RecordFilter):
    division = df.CharFilter(field_name="home_division_id", method="division_filter", help_text="所在地（含下级或区划组合） / Division with descendants")
    tier = df.MultipleChoiceFilter(distinct=False, choices=[(c, zh) for c, zh, _ in domain.TALENT_TIERS], help_text="层次 / Tier")
    industry = df.CharFilter(method="industry_filter", help_text="行业代码（含下级） / Industry with descendants")
    discipline = df.CharFilter(method="discipline_filter", help_text="领域学科代码（含下级） / Field with descendants")
    q = df.CharFilter(method="search", help_text="姓名、认定项目、单位 / Name, programme, employer")

    class Meta:
        model = HighLevelTalent
        fields: list[str] = []

    def industry_filter(self, qs, name, value):
        return qs.filter(industry_id__in=codes_under(Industry, value))

    def discipline_filter(self, qs, name, value):
        return qs.filter(field_id__in=codes_under(Discipline, value))

    def search(self, qs, name, value):
        return qs.filter(text_q(value, "person__name", "programme", "employer_name"))


class GraduateFilter(RecordFilter):
    division = df.CharFilter(field_name="school_division_id", method="division_filter", help_text="院校所在地（含下级） / School's division with descendants")
    degree = df.MultipleChoiceFilter(distinct=False, choices=[(c, zh) for c, zh, _ in domain.DEGREES], help_text="学历学位 / Degree")
    graduation_year = df.NumberFilter(help_text="毕业年份 / Graduation year")
    discipline = df.CharFilter(method="discipline_filter", help_text="专业学科（含下级） / Major's discipline with descendants")
    preferred_city = df.CharFilter(method="preferred_filter", help_text="意向城市（河北地级市代码） / Preferred Hebei city")
    seeking_status = df.MultipleChoiceFilter(distinct=False, choices=[(c, zh) for c, zh, _ in domain.SEEKING_STATUS], help_text="求职状态 / Seeking status")
    q = df.CharFilter(method="search", help_text="姓名、院校、专业、求职意向 / Name, school, major, intentions")

    class Meta:
        model = Graduate
        fields: list[str] = []

    def discipline_filter(self, qs, name, value):
        return qs.filter(major_discipline_id__in=codes_under(Discipline, value))

    def preferred_filter(self, qs, name, value):
        return qs.filter(Exists(Graduate.preferred_cities.through.objects.filter(graduate_id=OuterRef("pk"), division_id=value.strip())))

    def search(self, qs, name, value):
        return qs.filter(text_q(value, "person__name", "school", "major", "job_intentions"))


class DemandFilter(RecordFilter):
    division = df.CharFilter(field_name="city_id", method="division_filter", help_text="需求所在地（含下级或区划组合，如 130600、xiongan） / Demand's division with descendants or group")
    industry = df.CharFilter(method="industry_filter", help_text="行业代码（含下级或前缀） / Industry with descendants")
    discipline = df.CharFilter(method="discipline_filter", help_text="相关学科（含下级） / Discipline with descendants")
    kind = df.MultipleChoiceFilter(distinct=False, choices=[(c, zh) for c, zh, _ in domain.DEMAND_KINDS], help_text="需求类型 / Kind")
    urgency = df.MultipleChoiceFilter(distinct=False, choices=[(c, zh) for c, zh, _ in domain.URGENCY], help_text="紧急程度 / Urgency")
    min_title_level = df.ChoiceFilter(choices=TITLE_CHOICES, method="title_filter", help_text="要求的职称不低于 / Required title at least")
    max_title_level = df.ChoiceFilter(choices=TITLE_CHOICES, method="title_max_filter", help_text="要求的职称不高于（我能满足的需求） / Required title at most")
    sharing_modes = df.CharFilter(method="modes_any", help_text="至少可用其一：" + MODE_HELP)
    organisation = df.NumberFilter(field_name="organisation_id", help_text="需求单位 id / Organisation id")
    published_since = df.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte", help_text="此时间之后发布 / Published at or after")
    q = df.CharFilter(method="search", help_text="需求名称、描述、技能、单位 / Title, description, skills, organisation")

    class Meta:
        model = Demand
        fields: list[str] = []

    def industry_filter(self, qs, name, value):
        return qs.filter(industry_id__in=codes_under(Industry, value))

    def discipline_filter(self, qs, name, value):
        return self.tree_exists(qs, Demand.disciplines.through, "demand_id", "discipline_id", Discipline, value)

    def title_filter(self, qs, name, value):
        return qs.filter(min_title_rank__gte=domain.TITLE_LEVEL_RANK[value])

    def title_max_filter(self, qs, name, value):
        return qs.filter(min_title_rank__lte=domain.TITLE_LEVEL_RANK[value])

    def modes_any(self, qs, name, value):
        return qs.filter(sharing_modes__overlaps=_modes(value))

    def search(self, qs, name, value):
        return qs.filter(text_q(value, "title", "description", "organisation__name", json_fields=("required_skills",)))


class OrganisationFilter(ApiFilterSet):
    division = df.CharFilter(field_name="division_id", method="division_filter", help_text="所在地（含下级或区划组合） / Division with descendants")
    industry = df.CharFilter(method="industry_filter", help_text="行业（含下级） / Industry with descendants")
    org_type = df.MultipleChoiceFilter(distinct=False, choices=[(c, zh) for c, zh, _ in domain.ORGANISATION_TYPES], help_text="单位类型 / Type")
    status = df.MultipleChoiceFilter(distinct=False, choices=Status.choices, help_text="状态 / Status")
    region = df.ChoiceFilter(choices=[(c, zh) for c, zh, _ in domain.REGIONS], help_text="所属地区 / Region")
    credit_code = df.CharFilter(help_text="统一社会信用代码 / Credit code")
    updated_since = df.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", help_text="增量同步 / Updated at or after")
    q = df.CharFilter(method="search", help_text="单位名称 / Name")

    class Meta:
        model = Organisation
        fields: list[str] = []

    division_filter = RecordFilter.division_filter

    def industry_filter(self, qs, name, value):
        return qs.filter(industry_id__in=codes_under(Industry, value))

    def search(self, qs, name, value):
        return qs.filter(text_q(value, "name"))


class CodeFilter(ApiFilterSet):
    parent = df.CharFilter(field_name="parent_id", help_text="上级代码（直接下级） / Direct children of")
    within = df.CharFilter(method="within_filter", help_text="该代码及其全部下级 / This code and all descendants")
    depth = df.NumberFilter(help_text="层级 / Depth")
    q = df.CharFilter(method="search", help_text="代码或名称 / Code or name")

    def within_filter(self, qs, name, value):
        return qs.filter(code__in=codes_under(qs.model, value))

    def search(self, qs, name, value):
        return qs.filter(Q(code__startswith=value.strip()) | Q(name__icontains=value.strip()))


class DivisionFilter(CodeFilter):
    level = df.ChoiceFilter(choices=Division.Level.choices, help_text="级别 / Level")
    region = df.ChoiceFilter(choices=[(c, zh) for c, zh, _ in domain.REGIONS], help_text="所属省市 / Region")
    group = df.CharFilter(method="group_filter", help_text="区划组合（如 xiongan）的全部区划 / All divisions of a group")

    class Meta:
        model = Division
        fields: list[str] = []

    def within_filter(self, qs, name, value):
        return qs.filter(code__in=_division_codes(value))

    def group_filter(self, qs, name, value):
        if not DivisionGroup.objects.filter(slug=value.strip()).exists():
            return qs.none()
        return qs.filter(code__in=selectors.division_codes_within(value.strip()))


class IndustryFilter(CodeFilter):
    level = df.ChoiceFilter(choices=Industry.Level.choices, help_text="级别 / Level")
    section = df.CharFilter(help_text="门类 / Section letter")

    class Meta:
        model = Industry
        fields: list[str] = []


class DisciplineFilter(CodeFilter):
    is_leaf = df.BooleanFilter(help_text="末级 / Leaf")

    class Meta:
        model = Discipline
        fields: list[str] = []


class OccupationFilter(CodeFilter):
    class Meta:
        model = Occupation
        fields: list[str] = []


# Query parameters are named by their code (the OpenAPI enum names and generated clients use the label).
for _fs in (ExpertFilter, TalentFilter, GraduateFilter, DemandFilter, OrganisationFilter, DivisionFilter, IndustryFilter, DisciplineFilter, OccupationFilter):
    for _name, _filter in _fs.base_filters.items():
        _filter.label = _name


# --- the expert list's usual query, without django-filter --------------------------------------------------

FAST_EXPERT_PARAMS = frozenset({"division", "industry", "discipline", "min_title_level", "sharing_modes", "status", "region", "page_size", "cursor"})
_STATUS_VALUES = frozenset(Status.values)
_REGION_VALUES = frozenset([c for c, _zh, _en in domain.REGIONS] + [domain.REGION_OTHER])


@dataclasses.dataclass(frozen=True)
class ExpertListQuery:
    """The usual expert-list filters, parsed and expanded (see :func:`expert_fast_filters`): the same meaning as
    :class:`ExpertFilter`, as SQL conditions on ``registry_expert e`` whose text depends only on which filters
    are present (the values are parameters), so a prepared statement serves every query of one shape."""

    statuses: tuple[str, ...] = ()
    region: str | None = None
    divisions: tuple[str, ...] | None = None
    industries: tuple[str, ...] | None = None
    disciplines: tuple[str, ...] | None = None
    min_rank: int | None = None
    modes_mask: int | None = None

    def where(self) -> tuple[tuple[str, ...], list]:
        """(conditions, parameters) for a ``WHERE`` joined with ``AND``."""
        conditions, params = [], []
        if len(self.statuses) == 1:  # "=" (not "= ANY"), so the (status, updated_at, id) index gives the order
            conditions.append("e.status = %s")
            params.append(self.statuses[0])
        elif self.statuses:
            conditions.append("e.status = ANY(%s::text[])")
            params.append(list(self.statuses))
        if self.region is not None:
            conditions.append("e.region = %s")
            params.append(self.region)
        if self.divisions is not None:
            conditions.append("e.home_division_id = ANY(%s::text[])")
            params.append(list(self.divisions))
        for name, codes in (("industries", self.industries), ("disciplines", self.disciplines)):
            if codes is not None:
                field = Expert._meta.get_field(name)
                conditions.append(f"EXISTS (SELECT 1 FROM {field.m2m_db_table()} j WHERE j.{field.m2m_column_name()} = e.id "
                                  f"AND j.{field.m2m_reverse_name()} = ANY(%s::text[]))")
                params.append(list(codes))
        if self.min_rank is not None:
            conditions.append("e.title_rank >= %s")
            params.append(self.min_rank)
        if self.modes_mask is not None:
            conditions.append("(e.sharing_modes & %s) <> 0")
            params.append(self.modes_mask)
        return tuple(conditions), params


def expert_fast_filters(params) -> ExpertListQuery | None:
    """For a query made only of the usual expert-list parameters, each given once with a clean valid value: the
    :class:`ExpertListQuery` applying the same filters as :class:`ExpertFilter`. ``None`` for anything else
    (unknown or repeated parameters, blank or untrimmed values, unknown codes or modes): the caller then uses
    the FilterSet, which gives the usual 400 problem details. Pagination parameters are left to the paginator."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    if not FAST_EXPERT_PARAMS.issuperset(params.keys()):
        return None
    single = {}
    for name in ("division", "industry", "discipline", "min_title_level", "sharing_modes", "region"):
        values = params.getlist(name)
        if not values:
            continue
        if len(values) > 1 or not values[0] or values[0] != values[0].strip():
            return None
        single[name] = values[0]
    statuses = params.getlist("status")
    if any(v not in _STATUS_VALUES for v in statuses):
        return None
    if "min_title_level" in single and single["min_title_level"] not in domain.TITLE_LEVEL_RANK:
        return None
    if "region" in single and single["region"] not in _REGION_VALUES:
        return None
    try:
        division = _division_codes(single["division"]) if "division" in single else None
        modes = _modes(single["sharing_modes"]) if "sharing_modes" in single else None
    except DjangoValidationError:
        return None
    return ExpertListQuery(
        statuses=tuple(dict.fromkeys(statuses)),
        region=single.get("region"),
        divisions=tuple(division) if division is not None else None,
        industries=tuple(codes_under(Industry, single["industry"])) if "industry" in single else None,
        disciplines=tuple(codes_under(Discipline, single["discipline"])) if "discipline" in single else None,
        min_rank=domain.TITLE_LEVEL_RANK[single["min_title_level"]] if "min_title_level" in single else None,
        modes_mask=domain.modes_to_mask(modes) if modes is not None else None,
    )
