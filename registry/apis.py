"""The registry's partner API (``/api/v1/``): reference codes, organisations and the four shared databases.

One class per endpoint (HackSoft style). Reads call ``registry.selectors`` and the FilterSets of
``registry.filters``; writes call ``registry.services`` with the caller's actor, so validation, per-object
permission (a partner or regional staff changes only its region's records) and the audit log are the same as
for the forms and the admin. Shared machinery (keys, scopes, errors, ETags, idempotency, bulk) is in
``registry.apikit``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from . import selectors, services
from .apikit import etags
from .apikit.auth import Caller, require_region
from .apikit.bulk import MAX_ROWS, ROW_ERRORS, Upsert, bulk_upsert, idempotent, parse_rows
from .apikit.errors import Forbidden, text
from .apikit.pagination import CodeCursorPagination, SqlPageSource
from .apikit.personal import person_fields
from .apikit.schema import IDEMPOTENCY_PARAM, IF_MATCH_PARAM
from .apikit.views import ApiView, ListView
from .choices import Source
from .filters import division_region, expert_fast_filters
from .filters import (
    DemandFilter,
    DisciplineFilter,
    DivisionFilter,
    ExpertFilter,
    GraduateFilter,
    IndustryFilter,
    OccupationFilter,
    OrganisationFilter,
    TalentFilter,
)
from .models import Demand, Discipline, Division, Expert, Graduate, HighLevelTalent, Industry, Occupation, Organisation
from . import serializers as s

IF_NONE_MATCH_PARAM = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False, description="已有版本的 ETag；未修改则返回304 / 304 if unchanged",
)
INCLUDE_PARAM = OpenApiParameter(
    "include", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, enum=["personal"],
    description="include=personal：在列表中也返回个人信息（无 personal:read 时脱敏；明文读取均被记录） / Personal fields in lists too",
)
ATOMIC_PARAM = OpenApiParameter(
    "atomic", OpenApiTypes.BOOL, OpenApiParameter.QUERY, required=False,
    description="true：整批一个事务，任一行出错则全部回滚（422）；默认每行独立保存点 / All-or-nothing; default: each row in its own savepoint",
)


# the expert list's hand-parsed path on PostgreSQL (tests switch it off to compare with the FilterSet path)
FAST_LIST = True


def _wants_personal(request) -> bool:
    return request.query_params.get("include", "") == "personal"


def _writer_may_create(caller: Caller) -> None:
    """Records of persons are created by partners and staff (people register themselves on the web)."""
    if not (caller.is_partner or getattr(caller.actor, "is_staff", False)):
        raise Forbidden("permission_denied")


def _region_guard(caller: Caller, code) -> None:
    """The region of a new or moved record must be the caller's (partners and regional staff)."""
    if code and (caller.is_partner or getattr(caller.actor, "is_staff", False)):
        region = division_region(str(code).strip())
        if region:  # an unknown code is the service's error to report
            require_region(caller, region)


def _source(caller: Caller) -> dict:
    if caller.is_partner:
        return {"source": Source.PARTNER, "source_partner": caller.partner}
    return {"source": Source.STAFF, "source_partner": ""}


def _creating(caller: Caller, data: dict, division_field: str) -> None:
    """The API's checks of a new person record (before the registry service's own)."""
    _writer_may_create(caller)
    _region_guard(caller, data.get(division_field))


def _changing(caller: Caller, data: dict, division_field: str) -> None:
    """The API's checks of a change to a person record: the identity is not changed through the API."""
    for f in s.IDENTITY_FIELDS:
        data.pop(f, None)
    _region_guard(caller, data.get(division_field))


def _batched(service, division_field: str = "", *, creating: Callable | None = None, changing: Callable | None = None, preload: Callable | None = None):
    """``Upsert.upsert_many`` of a batched kind: the API's checks row by row (``creating(caller, data, context)`` /
    ``changing(…)``; by default those of a person record kind, on ``division_field``), then the registry's batched
    service (``experts_upsert_many`` …) for the rows that passed them. ``preload(items)`` reads what the checks
    need for the whole batch at once (their ``context``)."""
    creating = creating or (lambda caller, data, _context: _creating(caller, data, division_field))
    changing = changing or (lambda caller, data, _context: _changing(caller, data, division_field))

    def upsert_many(caller: Caller, items: list, *, atomic: bool, validate_only: bool) -> list:
        outcomes, rows, positions = [None] * len(items), [], []
        context = preload(items) if preload is not None else None
        for i, (obj, data) in enumerate(items):
            try:
                if obj is None:
                    creating(caller, data, context)
                else:
                    changing(caller, data, context)
            except ROW_ERRORS as exc:
                outcomes[i] = exc
                continue
            rows.append(services.UpsertRow(obj, data))
            positions.append(i)
        validate_only = validate_only or (atomic and any(o is not None for o in outcomes))
        done = service(actor=caller.actor, **_source(caller), rows=rows, all_or_nothing=atomic, validate_only=validate_only) if rows else []
        for i, outcome in zip(positions, done):
            outcomes[i] = outcome
        return outcomes

    return upsert_many


# ==========================================================================================================
# Reference codes (any authenticated caller)
# ==========================================================================================================


class CodeListApi(ListView):
    pagination_class = CodeCursorPagination
    ordering_fields = ["code"]
    model = None

    def get_queryset(self):
        return self.model.objects.order_by("code")


class CodeDetailApi(ApiView):
    model = None

    def get(self, request, code: str):
        obj = self.model.objects.filter(code=code).first() if len(code) <= 16 and "\x00" not in code else None
        if obj is None:
            raise Http404
        return Response(self.get_serializer(obj).data)


def _code_views(model, out, filterset, tag_zh: str, tag_en: str, example: dict):
    doc_list = extend_schema(
        tags=["reference"], summary=f"{tag_zh}代码 / {tag_en} codes",
        description=f"{tag_zh}代码表，按代码排序、游标分页；可按上级、层级、子树（within）和名称筛选。 / The {tag_en} code table in code order.",
        examples=[OpenApiExample("示例 / Example", value=example, response_only=True)],
    )
    doc_one = extend_schema(
        tags=["reference"], summary=f"一个{tag_zh}代码 / One {tag_en} code", description=f"按代码读取一个{tag_zh}。 / One {tag_en} by code.",
        examples=[OpenApiExample("示例 / Example", value=example, response_only=True)],
    )
    lst = extend_schema_view(get=doc_list)(type(f"{model.__name__}ListApi", (CodeListApi,), {"model": model, "serializer_class": out, "filterset_class": filterset, "__doc__": f"{tag_en} codes."}))
    one = extend_schema_view(get=doc_one)(type(f"{model.__name__}DetailApi", (CodeDetailApi,), {"model": model, "serializer_class": out, "__doc__": f"One {tag_en} code."}))
    return lst, one


DivisionListApi, DivisionDetailApi = _code_views(
    Division, s.DivisionOut, DivisionFilter, "行政区划", "division",
    {"code": "130600", "name": "保定市", "short_name": "保定", "level": "prefecture", "region": "13", "parent": "130000", "depth": 1, "lng": 115.46, "lat": 38.87},
)
IndustryListApi, IndustryDetailApi = _code_views(
    Industry, s.IndustryOut, IndustryFilter, "行业（GB/T 4754）", "industry (GB/T 4754)",
    {"code": "3912", "name": "计算机零部件制造", "level": "class", "section": "C", "parent": "391", "depth": 3},
)
DisciplineListApi, DisciplineDetailApi = _code_views(
    Discipline, s.DisciplineOut, DisciplineFilter, "学科（NSFC）", "discipline (NSFC)",
    {"code": "F02", "name": "计算机科学", "name_en": "Computer Science", "parent": "F", "depth": 1, "is_leaf": False},
)
OccupationListApi, OccupationDetailApi = _code_views(
    Occupation, s.OccupationOut, OccupationFilter, "职业（职业分类大典）", "occupation",
    {"code": "2-02-10-03", "name": "计算机软件工程技术人员", "gbm": "", "parent": "2-02-10", "depth": 3},
)

GROUP_EXAMPLE = {"slug": "xiongan", "name": "雄安新区", "name_en": "Xiong'an New Area", "members": ["130629", "130632", "130638"]}


@extend_schema_view(get=extend_schema(
    tags=["reference"], summary="区划组合 / Division groups",
    description="没有代码的区划组合（雄安新区、通武廊等），可用作 division 筛选值。 / Named groups usable as a division filter.",
    examples=[OpenApiExample("雄安新区", value=GROUP_EXAMPLE, response_only=True)],
))
class DivisionGroupListApi(ListView):
    serializer_class = s.DivisionGroupOut
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return selectors.division_groups()


@extend_schema_view(get=extend_schema(
    tags=["reference"], summary="一个区划组合 / One division group", description="按 slug 读取。 / By slug.",
    examples=[OpenApiExample("雄安新区", value=GROUP_EXAMPLE, response_only=True)],
))
class DivisionGroupDetailApi(ApiView):
    serializer_class = s.DivisionGroupOut

    def get(self, request, slug: str):
        group = selectors.division_groups().filter(slug=slug).first()
        if group is None:
            raise Http404
        return Response(self.get_serializer(group).data)


# ==========================================================================================================
# Records: the shared machinery of the five resources
# ==========================================================================================================


class RecordListApi(ListView):
    input_serializer: type = None  # for POST
    person_records = True
    m2m_codes: tuple[str, ...] = ()  # relations listed as codes, loaded per page by selectors.attach_m2m_codes
    list_values: tuple[str, ...] = ()  # when set, pages are read with .values() (no model instances)

    def render_rows(self, rows):
        rows = list(rows)
        if rows and isinstance(rows[0], dict):
            rows = [selectors.Row(r) for r in rows]
        rows = selectors.attach_m2m_codes(rows, self.m2m_codes, model=self.base_queryset().model)
        return super().render_rows(rows)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.list_values and not (self.person_records and _wants_personal(self.request)):
            queryset = queryset.values(*self.list_values, *(f"m2m_{n}" for n in self.m2m_codes if f"m2m_{n}" in queryset.query.annotations))
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.person_records and _wants_personal(self.request):
            caller = self.caller
            context["personal"] = lambda person: person_fields(caller, person, purpose=f"API {self.request.path}")
        return context

    def get_queryset(self):
        qs = selectors.with_m2m_codes(self.base_queryset(), self.m2m_codes)
        if self.person_records and _wants_personal(self.request):
            qs = qs.defer(None).select_related("person")
        return qs

    def post(self, request):
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        caller = self.caller

        def run():
            with transaction.atomic():
                obj = self.create(caller, dict(serializer.validated_data))
            obj = self.reload(obj)
            return self.record_response(obj, self.render_one(obj), status_code=status.HTTP_201_CREATED, headers={"Location": self.location(obj)})

        return idempotent(request, caller, run)

    def render_one(self, obj):
        context = {**self.get_serializer_context(), "personal": lambda person: person_fields(self.caller, person, purpose=f"API {self.request.path}")}
        return self.serializer_class(obj, context=context).data

    def reload(self, obj):
        return self.base_queryset().defer(None).get(pk=obj.pk)

    def location(self, obj) -> str:
        return f"{self.request.path.rstrip('/')}/{obj.pk}/"


class RecordDetailApi(ApiView):
    update_serializer: type = None
    person_records = True
    base_queryset = None

    def get_object(self):
        obj = self.base_queryset().defer(None).filter(pk=self.kwargs["pk"]).first() if self.kwargs["pk"] < 2**63 else None
        if obj is None:
            raise Http404
        return obj

    def render_one(self, obj):
        context = self.get_serializer_context()
        if self.person_records:
            context["personal"] = lambda person: person_fields(self.caller, person, purpose=f"API {self.request.path}")
        return self.serializer_class(obj, context=context).data

    def get(self, request, pk: int):
        obj = self.get_object()
        tag = etags.etag_of(obj)
        if etags.not_modified(request, tag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return self.record_response(obj, self.render_one(obj))

    def put(self, request, pk: int):
        return self._change(request, partial=False)

    def patch(self, request, pk: int):
        return self._change(request, partial=True)

    def _change(self, request, *, partial: bool):
        caller = self.caller
        obj = self.get_object()
        etags.check_if_match(request, obj)
        serializer = self.update_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)

        def run():
            with transaction.atomic():
                locked = type(obj).objects.select_for_update().get(pk=obj.pk)
                etags.check_if_match(request, locked)  # again under the row lock: no lost update between read and write
                self.update(caller, locked, dict(serializer.validated_data))
            fresh = self.get_object()
            return self.record_response(fresh, self.render_one(fresh))

        return idempotent(request, caller, run)


class TransitionApi(ApiView):
    serializer_class = s.TransitionIn
    base_queryset = None
    out_serializer = None

    def post(self, request, pk: int):
        serializer = s.TransitionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.base_queryset().defer(None).filter(pk=pk).first() if pk < 2**63 else None
        if obj is None:
            raise Http404
        etags.check_if_match(request, obj)
        caller = self.caller

        def run():
            services.record_transition(actor=caller.actor, record=obj, to=serializer.validated_data["to"], reason=serializer.validated_data.get("reason", ""))
            fresh = self.base_queryset().defer(None).get(pk=pk)
            context = {**self.get_serializer_context(), "personal": None}
            return self.record_response(fresh, self.out_serializer(fresh, context=context).data)

        return idempotent(request, caller, run)


class BulkApi(ApiView):
    spec: Upsert = None

    def post(self, request):
        caller = self.caller
        if not caller.is_partner:
            raise Forbidden("partner_only")
        atomic = str(request.query_params.get("atomic", "")).lower() in ("1", "true", "yes")

        def run():
            rows = parse_rows(request)
            status_code, body = bulk_upsert(caller=caller, rows=rows, spec=self.spec, atomic=atomic)
            return Response(body, status=status_code)

        return idempotent(request, caller, run)


def _list_doc(zh: str, en: str, out, example_in: dict | None, example_out: dict, *, personal: bool = True):
    params = [INCLUDE_PARAM] if personal else []
    docs = {
        "get": extend_schema(
            summary=f"{zh}列表 / List {en}",
            description=f"筛选、检索（q）、排序（ordering）与游标分页；增量同步用 ordering=updated_at 与 updated_since。 / Filter, search, order and page {en}; "
                        f"for incremental sync use ordering=updated_at with updated_since and follow next.",
            parameters=params, examples=[OpenApiExample("示例 / Example", value=example_out, response_only=True)],
        ),
    }
    if example_in is not None:
        docs["post"] = extend_schema(
            summary=f"登记{zh} / Create a {en[:-1] if en.endswith('s') else en}",
            description="经登记服务校验并写入（与网页表单同样的校验与错误）；合作系统只能写入本地区记录。 / Created through the registry service (the forms' checks); "
                        "a partner writes its own region only.",
            parameters=[IDEMPOTENCY_PARAM], responses={201: out},
            examples=[OpenApiExample("请求 / Request", value=example_in, request_only=True), OpenApiExample("应答 / Response", value=example_out, response_only=True)],
        )
    return extend_schema_view(**docs)


def _detail_doc(zh: str, en: str, out, update_in, example_patch: dict | None, example_out: dict):
    docs = {
        "get": extend_schema(
            summary=f"读取{zh} / Read one of {en}",
            description="返回 ETag；If-None-Match 命中时返回304。个人信息在无 personal:read 时脱敏，明文读取均被记录。 / Returns an ETag (304 on If-None-Match); "
                        "personal fields masked without personal:read, every unmasked read logged.",
            parameters=[IF_NONE_MATCH_PARAM], examples=[OpenApiExample("示例 / Example", value=example_out, response_only=True)],
        ),
    }
    if update_in is not None:
        for method, verb in (("put", "整体修改 / Replace"), ("patch", "部分修改 / Update")):
            docs[method] = extend_schema(
                summary=f"{verb} {zh}",
                description="经修改服务校验；带 If-Match 防止覆盖他人修改（不符返回412）。身份字段（姓名、证件号、手机号）不可经此修改。 / Through the update service; "
                            "If-Match guards against lost updates (412). Identity fields are not changed here.",
                request=update_in, responses={200: out}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
                examples=[OpenApiExample("请求 / Request", value=example_patch or {}, request_only=True), OpenApiExample("应答 / Response", value=example_out, response_only=True)],
            )
    return extend_schema_view(**docs)


def _transition_doc(zh: str, out):
    return extend_schema_view(post=extend_schema(
        summary=f"{zh}状态变更 / Status transition",
        description="审核、发布、暂停、撤回等，按状态机与权限（本地区工作人员或合作系统；本人只能做本人可做的变更）。 / Verify, publish, suspend, withdraw… per the lifecycle and permissions.",
        request=s.TransitionIn, responses={200: out}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
        examples=[OpenApiExample("审核通过 / Verify", value={"to": "verified", "reason": "材料齐全"}, request_only=True)],
    ))


def _bulk_doc(zh: str, row_in, example_row: dict):
    body = s.bulk_in(row_in)
    return extend_schema_view(post=extend_schema(
        summary=f"按外部编号批量写入{zh} / Bulk upsert by external_id",
        description=f"每次最多{MAX_ROWS}行；按本合作系统的 external_id 更新已有记录、否则新建；逐行返回 created / updated / error。默认每行独立保存点（错误行跳过，其余保留）；"
                    "atomic=true 时整批一个事务（任一行出错全部回滚，返回422）。支持 Idempotency-Key。 / At most 1,000 rows; each row is updated if the partner's external_id exists, "
                    "else created; a result per row. Default: each row in its own savepoint; atomic=true: all-or-nothing (422). Idempotency-Key supported.",
        request=body, responses={200: s.BulkOut, 422: s.BulkOut}, parameters=[ATOMIC_PARAM, IDEMPOTENCY_PARAM],
        examples=[
            OpenApiExample("请求 / Request", value={"rows": [example_row]}, request_only=True),
            OpenApiExample("应答 / Response", value={"atomic": False, "created": 1, "updated": 0, "failed": 0, "rolled_back": 0,
                                                     "results": [{"index": 0, "external_id": example_row["external_id"], "status": "created", "id": 101, "errors": []}]}, response_only=True),
        ],
    ))


# ==========================================================================================================
# Organisations
# ==========================================================================================================

ORG_IN = {"name": "保定示例科技有限公司", "credit_code": "91130600MA0000001X", "org_type": "enterprise", "division": "130602", "industry": "3912",
          "contact_name": "王经理", "contact_phone": "13912345678", "contact_email": "hr@example.cn", "external_id": "ORG-001"}
ORG_OUT = {"id": 7, "status": "submitted", "region": "13", "source": "partner", "source_partner": "hebei-rsj", "external_id": "ORG-001",
           "created_at": "2026-11-23T10:00:00+08:00", "updated_at": "2026-11-23T10:00:00+08:00", "name": "保定示例科技有限公司",
           "credit_code": "91130600MA0000001X", "org_type": "enterprise", "division": "130602", "industry": "3912", "address": "", "contact_name": "王经理",
           "contact_phone": "139****5678", "contact_email": "hr@example.cn", "description": ""}


@_list_doc("用人单位", "organisations", s.OrganisationOut, ORG_IN, ORG_OUT, personal=False)
class OrganisationListApi(RecordListApi):
    """用人单位 / Organisations."""

    read_scope, write_scope = "organisations:read", "organisations:write"
    serializer_class = s.OrganisationOut
    input_serializer = s.OrganisationIn
    filterset_class = OrganisationFilter
    person_records = False

    @staticmethod
    def base_queryset():
        return selectors.organisations_for_api()

    def create(self, caller, data):
        _region_guard(caller, data.get("division"))
        actor = caller.actor if not caller.is_partner else None
        return services.organisation_register(actor=actor, **_source(caller), **data)


class OrganisationUpdateIn(s.OrganisationIn):
    credit_code = external_id = None  # the credit code identifies the organisation; its status changes through /status/


def _organisation_update_doc(verb: str) -> dict:
    return extend_schema(
        summary=f"{verb} 用人单位 / {'Replace' if verb.startswith('整体') else 'Update'} an organisation",
        description="经 organisation_update 服务校验（与登记相同：区划与行业代码、联系手机）；本单位成员、本地区工作人员或合作系统可以修改，工作人员与合作系统不能把单位移出本地区（403）。"
                    "统一社会信用代码与状态不可经此修改（状态见 /status/）。带 If-Match 防止覆盖他人修改（不符返回412）；支持 Idempotency-Key。 / Through the "
                    "organisation_update service (the registration's checks); its members and its region's staff and partners may change it, staff and partners "
                    "not out of their region (403). Not the credit code nor the status. If-Match (412), Idempotency-Key.",
        request=OrganisationUpdateIn, responses={200: s.OrganisationOut}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
        examples=[OpenApiExample("请求 / Request", value={"address": "保定市竞秀区朝阳北大街1号", "contact_name": "李经理"}, request_only=True),
                  OpenApiExample("应答 / Response", value=ORG_OUT, response_only=True)],
    )


@_detail_doc("用人单位", "organisations", s.OrganisationOut, None, None, ORG_OUT)
@extend_schema_view(put=_organisation_update_doc("整体修改"), patch=_organisation_update_doc("部分修改"))
class OrganisationDetailApi(RecordDetailApi):
    read_scope, write_scope = "organisations:read", "organisations:write"
    serializer_class = s.OrganisationOut
    update_serializer = OrganisationUpdateIn
    person_records = False
    base_queryset = staticmethod(selectors.organisations_for_api)

    def update(self, caller, obj, data):
        _region_guard(caller, data.get("division"))
        return services.organisation_update(actor=caller.actor, organisation=obj, **data)


class OrganisationStatusIn(s.TransitionIn):
    to = s.serializers.ChoiceField(choices=["verified", "suspended"], help_text="verified / suspended")


@extend_schema_view(post=extend_schema(
    summary="用人单位审核 / Organisation status", description="本地区工作人员或合作系统审核、暂停用人单位。 / Verify or suspend an organisation of your region.",
    request=OrganisationStatusIn, responses={200: s.OrganisationOut}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
    examples=[OpenApiExample("审核通过 / Verify", value={"to": "verified"}, request_only=True)],
))
class OrganisationStatusApi(ApiView):
    read_scope, write_scope = "organisations:read", "organisations:write"
    serializer_class = OrganisationStatusIn

    def post(self, request, pk: int):
        serializer = OrganisationStatusIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = selectors.organisations_for_api().filter(pk=pk).first() if pk < 2**63 else None
        if org is None:
            raise Http404
        etags.check_if_match(request, org)
        caller = self.caller

        def run():
            services.organisation_set_status(actor=caller.actor, organisation=org, status=serializer.validated_data["to"])
            fresh = selectors.organisations_for_api().get(pk=pk)
            return self.record_response(fresh, s.OrganisationOut(fresh).data)

        return idempotent(request, caller, run)


# ==========================================================================================================
# Experts (专家人才库)
# ==========================================================================================================

EXPERT_IN = {
    "name": "李明", "id_number": "110105198001010012", "mobile": "13912345678", "employer_name": "清华大学", "home_division": "110108",
    "title_series": "engineering", "title_level": "senior", "disciplines": ["F02"], "industries": ["3912"], "skills": ["集成电路", "芯片设计"],
    "research_areas": "集成电路设计", "sharing_modes": ["consulting", "remote"], "serves_all_hebei": True, "max_engagements": 3, "days_per_month": 6,
    "external_id": "BJ-EXP-0001",
}
EXPERT_OUT = {
    "id": 42, "status": "submitted", "region": "11", "source": "partner", "source_partner": "bj-talent-office", "external_id": "BJ-EXP-0001",
    "created_at": "2026-11-23T10:00:00+08:00", "updated_at": "2026-11-23T10:00:00+08:00", "name": "李明", "gender": "M", "birth_year": 1980,
    "employer": None, "employer_name": "清华大学", "home_division": "110108", "outside_region": False, "talent_team": "professional_technical",
    "title_series": "engineering", "title_level": "senior", "position": "", "disciplines": ["F02"], "industries": ["3912"], "skills": ["集成电路", "芯片设计"],
    "research_areas": "集成电路设计", "achievements": "", "sharing_modes": ["consulting", "remote"], "serves_all_hebei": True, "served_cities": [],
    "max_engagements": 3, "days_per_month": 6, "available_from": None, "available_until": None, "rating_avg": 0.0, "rating_count": 0,
    "personal": {"id_number": "110***********0012", "mobile": "139****5678", "email": "", "masked": True},
}


class ExpertUpdateIn(s.ExpertIn):
    name = id_number = mobile = email = external_id = None


def expert_create(caller: Caller, data: dict) -> Expert:
    _creating(caller, data, "home_division")
    return services.expert_register(actor=caller.actor, **_source(caller), **data)


def expert_update(caller: Caller, expert: Expert, data: dict) -> Expert:
    _changing(caller, data, "home_division")
    return services.expert_update(actor=caller.actor, expert=expert, **data)


@_list_doc("专家", "experts", s.ExpertOut, EXPERT_IN, EXPERT_OUT)
class ExpertListApi(RecordListApi):
    """专家人才库 / The expert pool."""

    read_scope, write_scope = "experts:read", "experts:write"
    serializer_class = s.ExpertOut
    input_serializer = s.ExpertIn
    filterset_class = ExpertFilter
    m2m_codes = ("disciplines", "industries", "served_cities")
    list_values = (
        "id", "status", "region", "source", "source_partner", "external_id", "created_at", "updated_at", "person__name", "person__gender",
        "person__birth_year", "employer_id", "employer_name", "home_division_id", "outside_region", "talent_team", "title_series", "title_level",
        "position", "skills", "research_areas", "achievements", "sharing_modes", "serves_all_hebei", "max_engagements", "days_per_month",
        "available_from", "available_until", "rating_avg", "rating_count",
    )
    base_queryset = staticmethod(selectors.experts_for_api)

    def get(self, request, *args, **kwargs):
        """On PostgreSQL the usual query (:func:`registry.filters.expert_fast_filters`) is answered without
        django-filter and without Python serialisation: DRF's cursor paginator drives one prepared statement
        (:func:`registry.selectors.experts_page`) that returns the page's rows with their ``ExpertOut`` JSON."""
        query = self._fast_filters()
        if query is None:
            return super().get(request, *args, **kwargs)
        if not self._cursor_usable():
            return super().get(request, *args, **kwargs)
        page = self.paginate_queryset(SqlPageSource(functools.partial(selectors.experts_page, query)))
        links = [self.paginator.get_next_link(), self.paginator.get_previous_link()]
        body = b'{"next":%s,"previous":%s,"results":[%s]}' % (
            *(json.dumps(link, ensure_ascii=False).encode() for link in links), ",".join(row["payload"] for row in page).encode())
        return HttpResponse(body, content_type="application/json")

    def _cursor_usable(self) -> bool:
        """No cursor, or one whose position is an aware timestamp the statement can take; otherwise the usual path
        answers (with the problem details of a bad cursor)."""
        if not self.request.query_params.get("cursor"):
            return True
        try:
            cursor = self.paginator.decode_cursor(self.request)
        except Exception:  # noqa: BLE001 - the usual path gives the problem details of a bad cursor
            return False
        if cursor is None or cursor.position is None:
            return True
        try:
            return dt.datetime.fromisoformat(cursor.position).tzinfo is not None
        except ValueError:
            return False

    def _fast_filters(self):
        if not FAST_LIST or connections[Expert.objects.db].vendor != "postgresql":
            return None
        return expert_fast_filters(self.request.query_params)

    def create(self, caller, data):
        return expert_create(caller, data)


@_detail_doc("专家", "experts", s.ExpertOut, ExpertUpdateIn, {"title_level": "senior", "days_per_month": 8}, EXPERT_OUT)
class ExpertDetailApi(RecordDetailApi):
    read_scope, write_scope = "experts:read", "experts:write"
    serializer_class = s.ExpertOut
    update_serializer = ExpertUpdateIn
    base_queryset = staticmethod(selectors.experts_for_api)

    def update(self, caller, obj, data):
        return expert_update(caller, obj, data)


@_transition_doc("专家", s.ExpertOut)
class ExpertTransitionApi(TransitionApi):
    read_scope = write_scope = "experts:write"
    out_serializer = s.ExpertOut
    base_queryset = staticmethod(selectors.experts_for_api)


@_bulk_doc("专家", s.ExpertIn, EXPERT_IN)
class ExpertBulkApi(BulkApi):
    read_scope = write_scope = "experts:write"
    serializer_class = s.bulk_in(s.ExpertIn)
    spec = Upsert(model=Expert, serializer_class=s.ExpertIn, create=expert_create, update=expert_update,
                  upsert_many=_batched(services.experts_upsert_many, "home_division"))


# ==========================================================================================================
# High-level talent (高层次人才库)
# ==========================================================================================================

TALENT_IN = {"name": "张华", "id_number": "120101197503030011", "tier": "B", "programme": "京津冀共同认定领军人才", "recognised_on": "2025-06-01",
             "home_division": "120101", "field": "F02", "employer_name": "天津大学", "external_id": "TJ-TAL-0001"}
TALENT_OUT = {"id": 5, "status": "submitted", "region": "12", "source": "partner", "source_partner": "tj-talent-office", "external_id": "TJ-TAL-0001",
              "created_at": "2026-11-23T10:00:00+08:00", "updated_at": "2026-11-23T10:00:00+08:00", "name": "张华", "tier": "B",
              "programme": "京津冀共同认定领军人才", "recognised_on": "2025-06-01", "field": "F02", "industry": None, "employer_name": "天津大学",
              "home_division": "120101", "notes": "", "personal": {"id_number": "120***********0011", "mobile": "", "email": "", "masked": True}}


class TalentUpdateIn(s.TalentIn):
    name = id_number = mobile = email = external_id = None


def talent_create(caller: Caller, data: dict) -> HighLevelTalent:
    _creating(caller, data, "home_division")
    return services.talent_register(actor=caller.actor, **_source(caller), **data)


def talent_update(caller: Caller, talent: HighLevelTalent, data: dict) -> HighLevelTalent:
    _changing(caller, data, "home_division")
    return services.talent_update(actor=caller.actor, talent=talent, **data)


@_list_doc("高层次人才", "high-level talents", s.TalentOut, TALENT_IN, TALENT_OUT)
class TalentListApi(RecordListApi):
    """高层次人才库 / High-level talent."""

    read_scope, write_scope = "talent:read", "talent:write"
    serializer_class = s.TalentOut
    input_serializer = s.TalentIn
    filterset_class = TalentFilter
    base_queryset = staticmethod(selectors.talent_for_api)

    def create(self, caller, data):
        return talent_create(caller, data)


@_detail_doc("高层次人才", "high-level talents", s.TalentOut, TalentUpdateIn, {"employer_name": "天津大学"}, TALENT_OUT)
class TalentDetailApi(RecordDetailApi):
    read_scope, write_scope = "talent:read", "talent:write"
    serializer_class = s.TalentOut
    update_serializer = TalentUpdateIn
    base_queryset = staticmethod(selectors.talent_for_api)

    def update(self, caller, obj, data):
        return talent_update(caller, obj, data)


@_transition_doc("高层次人才", s.TalentOut)
class TalentTransitionApi(TransitionApi):
    read_scope = write_scope = "talent:write"
    out_serializer = s.TalentOut
    base_queryset = staticmethod(selectors.talent_for_api)


@_bulk_doc("高层次人才", s.TalentIn, TALENT_IN)
class TalentBulkApi(BulkApi):
    read_scope = write_scope = "talent:write"
    serializer_class = s.bulk_in(s.TalentIn)
    spec = Upsert(model=HighLevelTalent, serializer_class=s.TalentIn, create=talent_create, update=talent_update)


# ==========================================================================================================
# Graduates (高校毕业生信息库)
# ==========================================================================================================

GRADUATE_IN = {"name": "赵敏", "id_number": "130602200101010021", "school": "河北工业大学", "school_division": "120102", "degree": "master",
               "major": "计算机科学与技术", "major_discipline": "F02", "graduation_year": 2026, "preferred_cities": ["130600"], "external_id": "HEBUT-2026-0001"}
GRADUATE_OUT = {"id": 9, "status": "submitted", "region": "12", "source": "partner", "source_partner": "hebut-career", "external_id": "HEBUT-2026-0001",
                "created_at": "2026-11-23T10:00:00+08:00", "updated_at": "2026-11-23T10:00:00+08:00", "name": "赵敏", "school": "河北工业大学",
                "school_division": "120102", "degree": "master", "major": "计算机科学与技术", "major_discipline": "F02", "graduation_year": 2026,
                "preferred_cities": ["130600"], "intended_industries": [], "intended_occupations": [], "job_intentions": "", "seeking_status": "seeking",
                "personal": {"id_number": "130***********0021", "mobile": "", "email": "", "masked": True}}


class GraduateUpdateIn(s.GraduateIn):
    name = id_number = mobile = email = external_id = None


def graduate_create(caller: Caller, data: dict) -> Graduate:
    _creating(caller, data, "school_division")
    return services.graduate_register(actor=caller.actor, **_source(caller), **data)


def graduate_update(caller: Caller, graduate: Graduate, data: dict) -> Graduate:
    _changing(caller, data, "school_division")
    return services.graduate_update(actor=caller.actor, graduate=graduate, **data)


@_list_doc("高校毕业生", "graduates", s.GraduateOut, GRADUATE_IN, GRADUATE_OUT)
class GraduateListApi(RecordListApi):
    """高校毕业生信息库 / Graduates."""

    read_scope, write_scope = "graduates:read", "graduates:write"
    serializer_class = s.GraduateOut
    input_serializer = s.GraduateIn
    filterset_class = GraduateFilter
    m2m_codes = ("preferred_cities", "intended_industries", "intended_occupations")
    base_queryset = staticmethod(selectors.graduates_for_api)

    def create(self, caller, data):
        return graduate_create(caller, data)


@_detail_doc("高校毕业生", "graduates", s.GraduateOut, GraduateUpdateIn, {"seeking_status": "employed"}, GRADUATE_OUT)
class GraduateDetailApi(RecordDetailApi):
    read_scope, write_scope = "graduates:read", "graduates:write"
    serializer_class = s.GraduateOut
    update_serializer = GraduateUpdateIn
    base_queryset = staticmethod(selectors.graduates_for_api)

    def update(self, caller, obj, data):
        return graduate_update(caller, obj, data)


@_transition_doc("高校毕业生", s.GraduateOut)
class GraduateTransitionApi(TransitionApi):
    read_scope = write_scope = "graduates:write"
    out_serializer = s.GraduateOut
    base_queryset = staticmethod(selectors.graduates_for_api)


@_bulk_doc("高校毕业生", s.GraduateIn, GRADUATE_IN)
class GraduateBulkApi(BulkApi):
    read_scope = write_scope = "graduates:write"
    serializer_class = s.bulk_in(s.GraduateIn)
    spec = Upsert(model=Graduate, serializer_class=s.GraduateIn, create=graduate_create, update=graduate_update,
                  upsert_many=_batched(services.graduates_upsert_many, "school_division"))


# ==========================================================================================================
# Demand (人才需求库)
# ==========================================================================================================

DEMAND_IN = {"organisation_credit_code": "91130600MA0000001X", "kind": "technical_problem", "title": "芯片封装良率提升",
             "description": "需要集成电路封装方面的专家指导", "industry": "3973", "disciplines": ["F04"], "required_skills": ["封装"],
             "min_title_level": "associate_senior", "sharing_modes": ["consulting", "remote"], "city": "130600", "period_start": "2026-12-01",
             "period_end": "2027-05-31", "headcount": 2, "external_id": "HE-DEM-0001"}
DEMAND_OUT = {"id": 3, "status": "draft", "region": "13", "source": "partner", "source_partner": "hebei-rsj", "external_id": "HE-DEM-0001",
              "created_at": "2026-11-23T10:00:00+08:00", "updated_at": "2026-11-23T10:00:00+08:00", "organisation": 7, "organisation_name": "保定示例科技有限公司",
              "kind": "technical_problem", "title": "芯片封装良率提升", "description": "需要集成电路封装方面的专家指导", "industry": "3973", "disciplines": ["F04"],
              "occupation": None, "required_skills": ["封装"], "min_title_level": "associate_senior", "sharing_modes": ["consulting", "remote"], "city": "130600",
              "period_start": "2026-12-01", "period_end": "2027-05-31", "headcount": 2, "budget_min": None, "budget_max": None, "urgency": "normal",
              "challenge_reward": None, "challenge_deadline": None, "published_at": None, "expires_at": None}


class DemandUpdateIn(s.DemandIn):
    organisation = organisation_credit_code = external_id = None


def _organisation_keys(data: dict) -> tuple:
    org_id, credit = data.get("organisation"), data.get("organisation_credit_code")
    return org_id, (str(credit).strip().upper() if credit else "")


def _organisations(items: list) -> dict:
    """The organisations the new rows of a demand batch name (by id or credit code), in one query:
    {("id", pk) / ("credit", code): Organisation}."""
    ids, credits = set(), set()
    for obj, data in items:
        if obj is None:
            org_id, credit = _organisation_keys(data)
            if org_id is not None:
                ids.add(org_id)
            elif credit:
                credits.add(credit)
    found = {}
    if ids or credits:
        for org in Organisation.objects.filter(Q(pk__in=ids) | Q(credit_code__in=credits)):
            found[("id", org.pk)] = found[("credit", org.credit_code)] = org
    return found


def _organisation_of(data: dict, known: dict | None = None) -> Organisation:
    """The demand's organisation (popping ``organisation`` / ``organisation_credit_code``); ``known``: the batch's
    organisations read ahead (:func:`_organisations`)."""
    org_id, credit = _organisation_keys(data)
    data.pop("organisation", None), data.pop("organisation_credit_code", None)
    if org_id is None and not credit:
        raise DjangoValidationError({"organisation": [DjangoValidationError(text("organisation_required"), code="required")]})
    if known is not None:
        org = known.get(("id", org_id) if org_id is not None else ("credit", credit))
    else:
        org = Organisation.objects.filter(pk=org_id).first() if org_id is not None else Organisation.objects.filter(credit_code=credit).first()
    if org is None:
        raise DjangoValidationError({"organisation": [DjangoValidationError(text("unknown_organisation"), code="unknown_organisation")]})
    return org


def _demand_creating(caller: Caller, data: dict, known: dict | None = None) -> None:
    """The API's checks of a new demand; puts the resolved Organisation in ``data``."""
    data["organisation"] = _organisation_of(data, known)
    _region_guard(caller, data.get("city"))


def _demand_changing(caller: Caller, data: dict, _known=None) -> None:
    """The API's checks of a change to a demand: the organisation is not changed through the API."""
    data.pop("organisation", None)
    data.pop("organisation_credit_code", None)
    _region_guard(caller, data.get("city"))


def demand_create(caller: Caller, data: dict) -> Demand:
    _demand_creating(caller, data)
    return services.demand_create(actor=caller.actor, **_source(caller), **data)


def demand_update(caller: Caller, demand: Demand, data: dict) -> Demand:
    _demand_changing(caller, data)
    return services.demand_update(actor=caller.actor, demand=demand, **data)


@_list_doc("人才需求", "demands", s.DemandOut, DEMAND_IN, DEMAND_OUT, personal=False)
class DemandListApi(RecordListApi):
    """人才需求库 / Demand."""

    read_scope, write_scope = "demands:read", "demands:write"
    serializer_class = s.DemandOut
    input_serializer = s.DemandIn
    filterset_class = DemandFilter
    person_records = False
    ordering_fields = ["updated_at", "created_at", "id", "published_at"]
    m2m_codes = ("disciplines",)
    base_queryset = staticmethod(selectors.demands_for_api)

    def create(self, caller, data):
        return demand_create(caller, data)


@_detail_doc("人才需求", "demands", s.DemandOut, DemandUpdateIn, {"headcount": 3, "urgency": "urgent"}, DEMAND_OUT)
class DemandDetailApi(RecordDetailApi):
    read_scope, write_scope = "demands:read", "demands:write"
    serializer_class = s.DemandOut
    update_serializer = DemandUpdateIn
    person_records = False
    base_queryset = staticmethod(selectors.demands_for_api)

    def update(self, caller, obj, data):
        return demand_update(caller, obj, data)


@_transition_doc("人才需求", s.DemandOut)
class DemandTransitionApi(TransitionApi):
    read_scope = write_scope = "demands:write"
    out_serializer = s.DemandOut
    base_queryset = staticmethod(selectors.demands_for_api)


@_bulk_doc("人才需求", s.DemandIn, DEMAND_IN)
class DemandBulkApi(BulkApi):
    read_scope = write_scope = "demands:write"
    serializer_class = s.bulk_in(s.DemandIn)
    spec = Upsert(model=Demand, serializer_class=s.DemandIn, create=demand_create, update=demand_update,
                  upsert_many=_batched(services.demands_upsert_many, creating=_demand_creating, changing=_demand_changing, preload=_organisations))
