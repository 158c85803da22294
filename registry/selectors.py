"""Reads of the registry: querysets for views, the API, the admin and the matching engine."""

from __future__ import annotations

import functools
import json
import time

from django.db.models import Q, QuerySet, Value

from . import domain
from .choices import Status
from .models import (
    Demand,
    Discipline,
    Division,
    DivisionGroup,
    Expert,
    Graduate,
    HighLevelTalent,
    Industry,
)


def division_codes_within(code_or_group: str) -> list[str]:
    """Codes of a division and all its descendants, or of a named group (e.g. 'xiongan')."""
    group = DivisionGroup.objects.filter(slug=code_or_group).first()
    if group is not None:
        codes: set[str] = set()
        for member in group.members.all():
            codes.update(Division.objects.descendants_of(member.code).values_list("code", flat=True))
        return sorted(codes)
    return list(Division.objects.descendants_of(code_or_group).values_list("code", flat=True))


def _tree_filter(model_prefix: str, tree_model, code: str) -> Q:
    node = tree_model.objects.only("path").filter(code=code).first()
    if node is None:
        return Q(pk__in=[])
    return Q(**{f"{model_prefix}__path__startswith": node.path + "/"}) | Q(**{f"{model_prefix}__code": code})


def expert_list(*, division: str | None = None, industry: str | None = None, discipline: str | None = None,
                min_title_level: str | None = None, modes: list[str] | None = None, status: str | None = None,
                region: str | None = None) -> QuerySet[Expert]:
    qs = Expert.objects.select_related("person", "home_division").order_by("-updated_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region=region)
    if division:
        qs = qs.filter(home_division__code__in=division_codes_within(division))
    if industry:
        qs = qs.filter(_tree_filter("industries", Industry, industry)).distinct()
    if discipline:
        qs = qs.filter(_tree_filter("disciplines", Discipline, discipline)).distinct()
    if min_title_level:
        qs = qs.filter(title_rank__gte=domain.TITLE_LEVEL_RANK.get(min_title_level, 0))
    if modes:
        qs = qs.filter(sharing_modes__overlaps=modes)
    return qs


def published_demands(*, city: str | None = None, industry: str | None = None, kind: str | None = None, modes: list[str] | None = None) -> QuerySet[Demand]:
    """The 人才需求目录."""
    qs = Demand.objects.filter(status=Status.PUBLISHED).select_related("organisation", "industry", "city").order_by("-published_at", "-id")
    if city:
        qs = qs.filter(city__code__in=division_codes_within(city))
    if industry:
        qs = qs.filter(_tree_filter("industry", Industry, industry))
    if kind:
        qs = qs.filter(kind=kind)
    if modes:
        qs = qs.filter(sharing_modes__overlaps=modes)
    return qs


def active_experts() -> QuerySet[Expert]:
    return Expert.objects.filter(status=Status.VERIFIED, outside_region=False)


def headline_figures() -> dict[str, int]:
    return {
        "experts": Expert.objects.filter(status=Status.VERIFIED).count(),
        "demands": Demand.objects.filter(status=Status.PUBLISHED).count(),
        "graduates": Graduate.objects.filter(status=Status.VERIFIED).count(),
        "talents": HighLevelTalent.objects.filter(status=Status.VERIFIED).count(),
    }


# --- the public portals ----------------------------------------------------------------------------


def demand_catalogue(*, q: str = "", city: str | None = None, industry: str | None = None, discipline: str | None = None,
                     kind: str | None = None, modes: list[str] | None = None) -> QuerySet[Demand]:
    """The published 人才需求目录 with keyword and discipline filters, for the public pages."""
    qs = published_demands(city=city or None, industry=industry or None, kind=kind or None, modes=modes or None)
    if discipline:
        qs = qs.filter(_tree_filter("disciplines", Discipline, discipline)).distinct()
    for word in (q or "").split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word) | Q(organisation__name__icontains=word))
    return qs


def public_expert_directory(*, q: str = "", division: str | None = None, industry: str | None = None,
                            discipline: str | None = None, modes: list[str] | None = None) -> QuerySet[Expert]:
    """Verified experts who consented to the public directory (ConsentScope.PUBLIC_DIRECTORY, not revoked).
    Callers show public fields only: never ID number, mobile or e-mail."""
    from .choices import ConsentScope

    consenting = Expert.objects.filter(person__consents__scope=ConsentScope.PUBLIC_DIRECTORY, person__consents__revoked_at=None).values("pk")
    qs = expert_list(division=division or None, industry=industry or None, discipline=discipline or None, modes=modes or None,
                     status=Status.VERIFIED).filter(pk__in=consenting, person__erased_at=None)
    for word in (q or "").split()[:5]:
        qs = qs.filter(Q(person__name__icontains=word) | Q(employer_name__icontains=word) | Q(research_areas__icontains=word)
                       | Q(skills__icontains=word) | Q(skills__icontains=json.dumps(word)[1:-1]))  # JSON text may be \u-escaped
    return qs


def region_figures() -> dict:
    """Headline figures for the home page: the four databases, experts by home region, demand by Hebei city."""
    from django.db.models import Count

    figures = headline_figures()
    by_region = dict(Expert.objects.filter(status=Status.VERIFIED).values_list("region").annotate(n=Count("pk")))
    figures["experts_bj"], figures["experts_tj"] = by_region.get("11", 0), by_region.get("12", 0)
    cities = (Demand.objects.filter(status=Status.PUBLISHED, region=domain.DEMAND_REGION)
              .values("city__path").annotate(n=Count("pk")))
    per_city: dict[str, int] = {}
    for row in cities:
        parts = (row["city__path"] or "").split("/")
        prefecture = parts[1] if len(parts) > 1 else parts[0]
        per_city[prefecture] = per_city.get(prefecture, 0) + row["n"]
    names = dict(Division.objects.filter(code__in=per_city).values_list("code", "name"))
    figures["demand_by_city"] = sorted(({"code": c, "name": names.get(c, c), "n": n} for c, n in per_city.items()), key=lambda x: (-x["n"], x["code"]))[:11]
    return figures


def review_queue(*, region: str) -> dict[str, QuerySet]:
    """What staff of a region have to verify or publish: organisations, experts, graduates and demand awaiting review."""
    from .models import Organisation

    return {
        "organisations": Organisation.objects.filter(region=region, status=Status.SUBMITTED).select_related("division", "industry").order_by("created_at", "pk"),
        "experts": Expert.objects.filter(region=region, status=Status.SUBMITTED).select_related("person", "home_division").prefetch_related("disciplines").order_by("created_at", "pk"),
        "graduates": Graduate.objects.filter(region=region, status=Status.SUBMITTED).select_related("person", "school_division").order_by("created_at", "pk"),
        "demands": Demand.objects.filter(region=region, status=Status.SUBMITTED).select_related("organisation", "industry", "city").order_by("created_at", "pk"),
    }


def organisation_demands(*, organisation) -> QuerySet[Demand]:
    return Demand.objects.filter(organisation=organisation).select_related("industry", "city").order_by("-updated_at", "-pk")


def code_search(model, *, q: str, limit: int = 20, region: str | None = None, level: str | None = None) -> list[dict]:
    """Autocomplete over a reference code tree: by code prefix, name (and pinyin for divisions); each hit with its
    ancestors' names so that 朝阳区 (北京) and 朝阳区 (other) stay distinguishable."""
    q = (q or "").strip()
    qs = model.objects.all()
    if region:
        qs = qs.filter(region=region)
    if level:
        qs = qs.filter(level=level)
    if q:
        cond = Q(code__istartswith=q) | Q(name__icontains=q)
        if model is Division:
            from django.db.models import Value
            from django.db.models.functions import Replace

            qs = qs.annotate(pinyin_flat=Replace("pinyin", Value(" "), Value("")))
            cond |= Q(pinyin_flat__istartswith=q.replace(" ", "")) | Q(short_name__icontains=q)
        qs = qs.filter(cond)
    rows = list(qs.order_by("depth", "code")[:limit])
    ancestors = {c for r in rows for c in r.path.split("/")[:-1]}
    names = dict(model.objects.filter(code__in=ancestors).values_list("code", "name"))
    out = []
    for r in rows:
        trail = [names.get(c, c) for c in r.path.split("/")[:-1]]
        trail = [t for i, t in enumerate(trail) if i == 0 or t != trail[i - 1]] if trail else []
        out.append({"code": r.code, "name": r.name, "context": " / ".join(t for t in trail if t != r.name)})
    return out


# --- the partner API's reads (registry/apis.py) -------------------------------------------------------------


def codes_under(model, code: str) -> list[str]:
    """Codes of a reference tree at or below ``code`` (``"39"`` → 39, 391, 3911, …). A code that is not in the
    tree is taken as a plain prefix of codes (``"F02"`` → F02, F0201, …)."""
    code = (code or "").strip()
    if not code:
        return []
    node = model.objects.only("path").filter(code=code).first()
    if node is not None:
        return list(model.objects.filter(Q(path__startswith=node.path + "/") | Q(code=code)).values_list("code", flat=True))
    return list(model.objects.filter(code__startswith=code).values_list("code", flat=True))


def experts_for_api() -> QuerySet[Expert]:
    """Experts with their person (identifiers deferred: lists never decrypt them); the code lists come from
    :func:`attach_m2m_codes` (lists) or the relations themselves (one record)."""
    return Expert.objects.select_related("person").defer("person__id_number", "person__mobile")


def talent_for_api() -> QuerySet[HighLevelTalent]:
    return HighLevelTalent.objects.select_related("person").defer("person__id_number", "person__mobile")


def graduates_for_api() -> QuerySet[Graduate]:
    return Graduate.objects.select_related("person").defer("person__id_number", "person__mobile")


def demands_for_api() -> QuerySet[Demand]:
    return Demand.objects.select_related("organisation").only(*[f.name for f in Demand._meta.concrete_fields], "organisation__name")


def with_m2m_codes(qs: QuerySet, names: tuple[str, ...]) -> QuerySet:
    """On PostgreSQL, the codes of each many-to-many relation as an array column of the same query
    (``ARRAY(SELECT … FROM join table WHERE owner = id)``): a page of records is one round trip. Elsewhere the
    queryset is returned as is and :func:`attach_m2m_codes` loads the codes in one more query."""
    from django.db import connections

    if not names or connections[qs.db].vendor != "postgresql":
        return qs
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    annotations = {}
    for name in names:
        field = qs.model._meta.get_field(name)
        through = field.remote_field.through
        src, dst = field.m2m_field_name(), field.m2m_reverse_field_name()
        annotations[f"m2m_{name}"] = ArraySubquery(through.objects.filter(**{f"{src}_id": OuterRef("pk")}).order_by(f"{dst}_id").values(f"{dst}_id"))
    return qs.annotate(**annotations)


class Row:
    """A record read with ``.values()`` (no model instance), with attribute access for the serializers:
    ``person__name`` becomes ``row.person.name``, ``id`` is also ``row.pk``."""

    def __init__(self, data: dict):
        nested: dict[str, dict] = {}
        for key, value in data.items():
            if "__" in key:
                head, tail = key.split("__", 1)
                nested.setdefault(head, {})[tail] = value
            else:
                setattr(self, key, value)
        for head, values in nested.items():
            setattr(self, head, Row(values))
        if "id" in data:
            self.pk = data["id"]


def attach_m2m_codes(rows: list, names: tuple[str, ...], model=None) -> list:
    """Set ``row._m2m_codes = {name: [codes]}`` for a page of records: from the arrays of :func:`with_m2m_codes`,
    or one query over the join tables (pairs of ids, no model instances) instead of a prefetch that builds every
    related object."""
    if not rows:
        return rows
    if names and all(hasattr(rows[0], f"m2m_{n}") for n in names):
        for r in rows:
            r._m2m_codes = {n: list(getattr(r, f"m2m_{n}") or []) for n in names}
        return rows
    model = model or type(rows[0])
    ids = [r.pk for r in rows]
    cache = {r.pk: {n: [] for n in names} for r in rows}
    parts = []
    for i, name in enumerate(names):
        field = model._meta.get_field(name)
        through = field.remote_field.through
        src, dst = field.m2m_field_name(), field.m2m_reverse_field_name()
        parts.append(through.objects.filter(**{f"{src}_id__in": ids}).annotate(rel=Value(i)).values_list("rel", f"{src}_id", f"{dst}_id").order_by())
    if parts:
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]  # one round trip for every relation
        for rel, owner, code in sorted(union):
            cache[owner][names[rel]].append(code)
    for r in rows:
        r._m2m_codes = cache[r.pk]
    return rows


def organisations_for_api():
    from .models import Organisation

    return Organisation.objects.all()


def division_groups() -> QuerySet[DivisionGroup]:
    return DivisionGroup.objects.prefetch_related("members").order_by("slug")


def _iso_sql(column: str, sep: str = "T") -> str:
    """``datetime.isoformat(sep)`` of a UTC timestamp (microseconds only when not zero), in SQL; with ``sep=" "``
    it is ``str(datetime)``."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (f"to_char({utc}, 'YYYY-MM-DD\"{sep}\"HH24:MI:SS') || CASE WHEN date_trunc('second', {column}) <> {column} "
            f"THEN to_char({utc}, '.US') ELSE '' END || '+00:00'")


@functools.cache
def expert_json_sql() -> str:
    """The ``json_build_object`` of one expert ``e`` (person ``p``) as ``registry.serializers.ExpertOut`` renders it
    in a list without personal fields: the code lists as ``ARRAY(SELECT …)`` sorted like :func:`with_m2m_codes`,
    the sharing modes decoded from the bit mask in ``domain.SHARING_MODE_CODES`` order, timestamps in
    ``isoformat()`` form."""
    from . import domain

    def codes(name: str) -> str:
        field = Expert._meta.get_field(name)
        table, owner, target = field.m2m_db_table(), field.m2m_column_name(), field.m2m_reverse_name()
        return f"ARRAY(SELECT {target} FROM {table} WHERE {owner} = e.id ORDER BY {target})"

    mode_codes = ", ".join(f"'{c}'" for c in domain.SHARING_MODE_CODES)
    modes = (f"ARRAY(SELECT m.code FROM unnest(ARRAY[{mode_codes}]::text[]) WITH ORDINALITY AS m(code, i) "
             f"WHERE e.sharing_modes & (1 << (m.i::int - 1)) <> 0 ORDER BY m.i)")
    pairs = [
        ("id", "e.id"), ("status", "e.status"), ("region", "e.region"), ("source", "e.source"), ("source_partner", "e.source_partner"),
        ("external_id", "e.external_id"), ("created_at", _iso_sql("e.created_at")), ("updated_at", _iso_sql("e.updated_at")),
        ("name", "p.name"), ("gender", "p.gender"), ("birth_year", "p.birth_year"), ("employer", "e.employer_id"),
        ("employer_name", "e.employer_name"), ("home_division", "e.home_division_id"), ("outside_region", "e.outside_region"),
        ("talent_team", "e.talent_team"), ("title_series", "e.title_series"), ("title_level", "e.title_level"), ("position", "e.position"),
        ("disciplines", codes("disciplines")), ("industries", codes("industries")), ("skills", "e.skills"),
        ("research_areas", "e.research_areas"), ("achievements", "e.achievements"), ("sharing_modes", modes),
        ("serves_all_hebei", "e.serves_all_hebei"), ("served_cities", codes("served_cities")), ("max_engagements", "e.max_engagements"),
        ("days_per_month", "e.days_per_month"), ("available_from", "to_char(e.available_from, 'YYYY-MM-DD')"),
        ("available_until", "to_char(e.available_until, 'YYYY-MM-DD')"), ("rating_avg", "e.rating_avg"), ("rating_count", "e.rating_count"),
    ]
    return "json_build_object(" + ", ".join(f"'{k}', {v}" for k, v in pairs) + ")"


@functools.lru_cache(maxsize=256)
def _experts_page_sql(conditions: tuple[str, ...], position_op: str | None, descending: bool) -> str:
    from .models import ExpertListDocument

    where = list(conditions)
    if position_op is not None:
        where.append(f"e.updated_at {position_op} %s::timestamptz")
    direction = "DESC" if descending else "ASC"
    # Each row's JSON is its list document (registry.documents); NULL if missing (experts_page builds those).
    return (
        f"WITH page AS MATERIALIZED (SELECT e.id, e.updated_at FROM {Expert._meta.db_table} e"
        f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY e.updated_at {direction}, e.id {direction} OFFSET %s LIMIT %s) "
        f"SELECT page.id, {_iso_sql('page.updated_at', ' ')}, d.body FROM page LEFT JOIN {ExpertListDocument._meta.db_table} d ON d.expert_id = page.id "
        f"ORDER BY page.updated_at {direction}, page.id {direction}"
    )


def experts_page(query, *, position=None, position_op: str | None = None, descending: bool = True, offset: int = 0, limit: int = 50) -> list[tuple]:
    """PostgreSQL only: one page of the expert list as ``(id, str(updated_at), json text)`` rows, in the list's order
    (``updated_at``, then ``id``; ``descending`` for the usual newest first), from ONE statement: the filters of
    ``query`` (:class:`registry.filters.ExpertListQuery`), an optional cursor position (``updated_at``
    ``position_op`` ``position``), ``offset`` and ``limit``, and each row's JSON as ``ExpertOut`` renders it.

    The statement's text depends only on the filters' shape, so it is sent as a server-side prepared statement
    (psycopg ``prepare=True``, kept per connection): repeated pages skip PostgreSQL's parse and plan."""
    from django.db import connection

    if position_op not in (None, "<", ">"):
        raise ValueError(position_op)
    conditions, params = query.where()
    if position_op is not None:
        params.append(position)
    params += [offset, limit]
    sql = _experts_page_sql(conditions, position_op, descending)
    rows = _prepared_fetchall(connection, sql, params)
    missing = [pk for pk, _updated_at, body in rows if body is None]
    if missing:  # a document not written yet (e.g. rows copied in with the triggers disabled): built here
        built = experts_json_by_id(missing)
        rows = [(pk, updated_at, built[pk] if body is None else body) for pk, updated_at, body in rows]
    return rows


def experts_json_by_id(ids: list[int]) -> dict[int, str]:
    """PostgreSQL only: ``{id: JSON text}`` of the experts, built with :func:`expert_json_sql` (one statement)."""
    from django.db import connection

    from .models import Person

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.id, {expert_json_sql()}::text FROM {Expert._meta.db_table} e JOIN {Person._meta.db_table} p ON p.id = e.person_id "
                       f"WHERE e.id = ANY(%s)", [list(ids)])
        return dict(cursor.fetchall())


def _prepared_fetchall(connection, sql: str, params: list) -> list[tuple]:
    """Run ``sql`` as a server-side prepared statement (psycopg ``prepare=True`` on a server-binding cursor; the
    ORM's client-side-binding cursors cannot prepare), with Django's error translation and query log."""
    import psycopg  # imported here: only the PostgreSQL backend has it

    connection.ensure_connection()
    start = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        rows = cursor.fetchall()
    if connection.queries_logged:
        connection.queries_log.append({"sql": connection.ops.compose_sql(sql, params), "time": f"{time.monotonic() - start:.3f}"})
    return rows
