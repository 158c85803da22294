"""The matching API: recommendations for a demand, invitations, engagements — through ``matching.selectors`` and
``matching.services``, with the registry API's keys, scopes, errors and pagination (``registry.apikit``).

Who sees what: a demand's recommendations and invitations, and an organisation's engagements, are for those who
may act for the demand's organisation (its members; staff and partners of its region) — ``registry.permissions``."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from registry import permissions
from registry.apikit.bulk import idempotent
from registry.apikit.errors import Forbidden, text
from registry.apikit.views import ApiView, ListView
from registry.models import Demand, Expert, Organisation

from . import selectors, services
from . import serializers as s
from .models import Engagement, Invitation, Recommendation

REC_EXAMPLE = {"id": 31, "demand": 3, "expert": 42, "rank": 1, "score": 0.83, "components": {"text": 0.9, "industry": 1.0}, "explanation": "行业一致；擅长集成电路封装",
               "engine_version": "1.0", "created_at": "2026-11-23T10:00:00+08:00"}
INV_EXAMPLE = {"id": 5, "demand": 3, "expert": 42, "status": "pending", "proposed_mode": "remote", "message": "诚邀指导", "expires_on": "2026-12-07",
               "created_at": "2026-11-23T10:00:00+08:00", "answered_at": None}
ENG_EXAMPLE = {"id": 2, "demand": 3, "organisation": 7, "expert": 42, "mode": "remote", "start_date": "2026-12-01", "end_date": "2027-05-31", "status": "active",
               "created_at": "2026-11-25T10:00:00+08:00", "completed_at": None}


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def _demand_for(caller, pk) -> Demand:
    demand = Demand.objects.select_related("organisation").filter(pk=_pk(pk)).first() if _pk(pk) else None
    if demand is None:
        raise Http404
    if not permissions.can_edit(caller.actor, demand):
        raise Forbidden("permission_denied")
    return demand


class _Fake:
    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.fake_model.objects.none()
        return self.real_queryset()


@extend_schema_view(
    get=extend_schema(tags=["matching"], summary="需求的推荐专家 / Recommended experts for a demand",
                      description="最近保存的推荐（名次、匹配度、分项得分、推荐理由）。 / The stored recommendations, best first.",
                      examples=[OpenApiExample("示例 / Example", value=REC_EXAMPLE, response_only=True)]),
    post=extend_schema(tags=["matching"], summary="重新推荐 / Recommend now",
                       description="按当前数据为需求计算前 k 名专家并保存。 / Computes and stores the k best experts for the demand now.",
                       request=s.RecommendIn, responses={201: s.RecommendationOut(many=True)},
                       examples=[OpenApiExample("请求 / Request", value={"k": 10}, request_only=True)]),
)
class DemandRecommendationsApi(_Fake, ListView):
    read_scope, write_scope = "matching:read", "matching:write"
    serializer_class = s.RecommendationOut
    pagination_class = None
    filter_backends: list = []
    fake_model = Recommendation

    def real_queryset(self):
        return selectors.recommendations_for_demand(_demand_for(self.caller, self.kwargs["pk"]))

    def post(self, request, pk):
        demand = _demand_for(self.caller, pk)
        data = s.RecommendIn(data=request.data)
        data.is_valid(raise_exception=True)
        recs = services.recommend_experts_for_demand(demand=demand, k=data.validated_data["k"], actor=self.caller.actor, record=True)
        return Response(s.RecommendationOut(recs, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=["matching"], summary="需求的邀请 / A demand's invitations",
                                      description="该需求发出的邀请及其状态。 / Invitations sent for the demand.",
                                      examples=[OpenApiExample("示例 / Example", value=INV_EXAMPLE, response_only=True)]))
class DemandInvitationsApi(_Fake, ListView):
    read_scope = "matching:read"
    serializer_class = s.InvitationOut
    filter_backends: list = []
    pagination_class = None
    fake_model = Invitation

    def real_queryset(self):
        return selectors.invitations_for_demand(_demand_for(self.caller, self.kwargs["pk"]))


@extend_schema_view(post=extend_schema(
    tags=["matching"], summary="发出邀请 / Invite an expert",
    description="需求单位（成员，或本地区工作人员、合作系统）邀请专家；专家在平台上答复。需求须已发布、专家可匹配、合作方式有交集。 / The organisation invites an expert "
                "to a published demand; the expert answers on the platform.",
    request=s.InvitationIn, responses={201: s.InvitationOut},
    examples=[OpenApiExample("请求 / Request", value={"demand": 3, "expert": 42, "message": "诚邀指导", "proposed_mode": "remote"}, request_only=True),
              OpenApiExample("应答 / Response", value=INV_EXAMPLE, response_only=True)],
))
class InvitationCreateApi(ApiView):
    write_scope = "matching:write"
    serializer_class = s.InvitationIn

    def post(self, request):
        data = s.InvitationIn(data=request.data)
        data.is_valid(raise_exception=True)
        caller = self.caller
        v = dict(data.validated_data)
        demand_id, expert_id = v.pop("demand"), v.pop("expert")
        missing = [f for f, model, pk in (("demand", Demand, demand_id), ("expert", Expert, expert_id)) if not model.objects.filter(pk=pk).exists()]
        if missing:  # ids in a body that name nothing are the body's error (422), not a missing resource (404)
            raise DjangoValidationError({f: [DjangoValidationError(text("unknown_record"), code="unknown_record")] for f in missing})
        demand = _demand_for(caller, demand_id)
        expert = Expert.objects.get(pk=expert_id)

        def run():
            with transaction.atomic():
                invitation = services.invitation_create(actor=caller.actor, demand=demand, expert=expert, **{k: x for k, x in v.items() if x not in (None,)})
            return Response(s.InvitationOut(invitation).data, status=status.HTTP_201_CREATED)

        return idempotent(request, caller, run)


@extend_schema_view(get=extend_schema(tags=["matching"], summary="单位的合作 / An organisation's engagements",
                                      description="需求单位与专家之间的合作（进行中、已完成、已终止）。 / The organisation's engagements with experts.",
                                      examples=[OpenApiExample("示例 / Example", value=ENG_EXAMPLE, response_only=True)]))
class OrganisationEngagementsApi(_Fake, ListView):
    read_scope = "matching:read"
    serializer_class = s.EngagementOut
    filter_backends: list = []
    ordering = ("-created_at", "-id")
    fake_model = Engagement

    def real_queryset(self):
        org = Organisation.objects.filter(pk=_pk(self.kwargs["pk"])).first() if _pk(self.kwargs["pk"]) else None
        if org is None:
            raise Http404
        if not permissions.can_edit(self.caller.actor, org):
            raise Forbidden("permission_denied")
        return selectors.engagements_for_organisation(org)
