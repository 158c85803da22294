"""The services app's partner API (同事同标 catalogue, 区域通办 applications, talent-card verification), with the
registry API's keys, scopes, errors and pagination (``registry.apikit``). Reads through ``services.selectors``."""

from __future__ import annotations

import django_filters as df
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.response import Response

from registry.apikit.views import ApiView, ListView

from . import selectors, standard, workflow
from . import serializers as s
from .models import Application, ServiceItem

ITEM_EXAMPLE = {
    "code": "JJJ-SB-001", "category": "social_insurance", "batch": 1, "is_active": True, "version": 2, "name": "养老保险关系转移接续", "conditions": ["已在转出地参保"],
    "materials": [{"key": "id_card", "name": "居民身份证", "mandatory": True, "formats": ["pdf", "jpg"]}], "steps": [{"name": "申请", "description": "网上提交"}],
    "acceptance_criteria": "材料齐全、符合法定形式", "time_limit_days": 15, "legal_basis": "", "fee": "不收费", "channels": ["online"], "published_on": "2024-02-01",
    "contacts": [{"region": "13", "department": "河北省社会保险事业服务中心", "address": "石家庄市", "phone": "0311-12333", "hours": "工作日 9:00-17:00"}],
}


class ServiceItemFilter(df.FilterSet):
    category = df.ChoiceFilter(choices=[(c, zh) for c, zh, _en in standard.CATEGORIES], method="noop", label="category", help_text="类别 / Category")
    q = df.CharFilter(method="noop", label="q", help_text="编码或名称 / Code or name")

    class Meta:
        model = ServiceItem
        fields: list[str] = []

    def noop(self, qs, name, value):
        return qs  # applied by the selector (services.selectors.catalogue)


@extend_schema_view(get=extend_schema(
    tags=["services"], summary="同事同标事项目录 / The 同事同标 catalogue",
    description="三地统一标准的事项（现行标准版本：名称、办理要素、流程、受理标准、时限）及各地承办部门。 / Items with the standard in force and each region's contact.",
    examples=[OpenApiExample("示例 / Example", value=ITEM_EXAMPLE, response_only=True)],
))
class ServiceItemListApi(ListView):
    read_scope = "services:read"
    serializer_class = s.ServiceItemOut
    filterset_class = ServiceItemFilter
    ordering = ("code",)
    ordering_fields = ["code"]

    def get_queryset(self):
        p = self.request.query_params
        return selectors.catalogue(category=p.get("category") or None, search=(p.get("q") or "").strip() or None)


@extend_schema_view(get=extend_schema(
    tags=["services"], summary="一个同事同标事项 / One catalogue item", description="按事项编码读取。 / By item code.",
    examples=[OpenApiExample("示例 / Example", value=ITEM_EXAMPLE, response_only=True)],
))
class ServiceItemDetailApi(ApiView):
    read_scope = "services:read"
    serializer_class = s.ServiceItemOut

    def get(self, request, code: str):
        item = selectors.catalogue().filter(code=code).first() if len(code) <= 32 and "\x00" not in code else None
        if item is None:
            raise Http404
        return Response(self.get_serializer(item).data)


APPLICATION_EXAMPLE = {
    "number": "SQ20261123000001", "item": "JJJ-SB-001", "item_name": "养老保险关系转移接续", "version": 2, "accept_region": "11", "handle_region": "13",
    "status": "accepted", "delivery": "download", "submitted_at": "2026-11-23T10:00:00+08:00", "accepted_on": "2026-11-23", "due_on": "2026-12-14",
    "due_provisional": False, "completed_on": None, "handling_workdays": None,
}


class ApplicationFilter(df.FilterSet):
    status = df.MultipleChoiceFilter(distinct=False, choices=[(c, zh) for c, zh, _en in workflow.STATES], label="status", help_text="状态 / Status")
    side = df.ChoiceFilter(choices=[("accept", "受理地"), ("handle", "办理地"), ("any", "任一")], method="noop", label="side",
                           help_text="工作人员/合作系统：本地区作为受理地或办理地 / For staff and partners: your region as accepting or handling side")
    item = df.CharFilter(field_name="item__code", label="item", help_text="事项编码 / Item code")

    class Meta:
        model = Application
        fields: list[str] = []

    def noop(self, qs, name, value):
        return qs


def _applications(caller, side: str = "any"):
    actor = caller.actor
    if caller.is_partner or getattr(actor, "is_staff", False):
        return selectors.applications_for_staff(actor, side=side if side in ("accept", "handle") else "any")
    return selectors.applications_of_applicant(actor)


@extend_schema_view(get=extend_schema(
    tags=["services"], summary="区域通办申请 / Cross-region applications",
    description="合作系统与工作人员：本地区受理或办理的申请；个人：本人的申请。不含申请材料与个人信息。 / Partners and staff: applications accepted or handled in "
                "their region; a person: their own. No materials, no personal data.",
    examples=[OpenApiExample("示例 / Example", value=APPLICATION_EXAMPLE, response_only=True)],
))
class ApplicationListApi(ListView):
    read_scope = "services:read"
    serializer_class = s.ApplicationOut
    filterset_class = ApplicationFilter
    ordering = ("-submitted_at", "-id")
    ordering_fields = ["submitted_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Application.objects.none()
        return _applications(self.caller, self.request.query_params.get("side", "any"))


@extend_schema_view(get=extend_schema(
    tags=["services"], summary="一件申请 / One application", description="按申请编号读取（限本地区或本人）。 / By number (your region's or your own).",
    examples=[OpenApiExample("示例 / Example", value=APPLICATION_EXAMPLE, response_only=True)],
))
class ApplicationDetailApi(ApiView):
    read_scope = "services:read"
    serializer_class = s.ApplicationOut

    def get(self, request, number: str):
        application = _applications(self.caller).filter(number=number).first() if len(number) <= 24 and "\x00" not in number else None
        if application is None:
            raise Http404
        return Response(self.get_serializer(application).data)


@extend_schema_view(post=extend_schema(
    tags=["services"], summary="核验京津冀人才卡 / Verify a talent card",
    description="医院、园区等合作系统在线核验人才卡：验证二维码凭证的签名（或卡号校验位）并返回卡的当前状态（含暂停、注销）与可享受的服务。不返回个人信息。 / Verifies "
                "the QR token's signature (or the number's check character) and reports the card's current state and entitled services. No personal data.",
    request=s.CardCheckIn, responses={200: s.CardCheckOut},
    examples=[OpenApiExample("请求 / Request", value={"token": "JJJ1.eyJ…"}, request_only=True),
              OpenApiExample("有效 / Valid", value={"valid": True, "code": "ok", "message": "人才卡有效", "number": "JJJ1300000012", "tier": "B",
                                                   "valid_until": "2029-11-22", "status": "active", "services": ["JJJ-YL-003"]}, response_only=True)],
))
class TalentCardVerifyApi(ApiView):
    write_scope = "cards:verify"
    serializer_class = s.CardCheckIn

    def post(self, request):
        data = s.CardCheckIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(s.CardCheckOut(selectors.talent_card_check(data.validated_data["token"])).data)
