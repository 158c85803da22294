"""The matching API: recommendations for a demand, invitations, engagements — through ``matching.selectors`` and
``matching.services``, with the registry API's keys, scopes, errors and pagination (``registry.apikit``).

Who sees what: a demand's recommendations and invitations, and an organisation's engagements, are for those who
may act for the demand's organisation (its members; staff and partners of its region) — ``registry.permissions``.
One invitation or engagement is also the expert's own to read. Each step (answer, withdraw, complete, terminate,
rate) is the service's: it decides whose step it is (the invited expert answers; the organisation's side withdraws;
either party or the demand region's staff and partners complete or terminate; the two parties rate) and when
(illegal state: 409)."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from registry import permissions
from registry.apikit.bulk import idempotent
from registry.apikit.errors import Forbidden, unknown_record
from registry.apikit.schema import IDEMPOTENCY_PARAM, IF_MATCH_PARAM
from registry.apikit.views import ActionView, ApiView, ListView
from registry.models import Demand, Expert, Organisation

from . import selectors, services
from . import serializers as s
from .models import Engagement, Invitation, Rating, Recommendation

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
        if missing:
            raise unknown_record(*missing)
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


def _expert_rows(caller, pk, rows_of):
    """An expert's invitations or engagements: all of them for the expert themself; for staff and partners, those
    of demands in their region (the rows they may act on); nobody else."""
    expert = Expert.objects.select_related("person").filter(pk=_pk(pk)).first() if _pk(pk) else None
    if expert is None:
        raise Http404
    actor = caller.actor
    rows = rows_of(expert)
    if getattr(actor, "is_authenticated", False) and expert.person.user_id == actor.pk:
        return rows
    if getattr(actor, "is_superuser", False):
        return rows
    if caller.is_partner or getattr(actor, "is_staff", False):
        region = caller.region or getattr(actor, "region", "")
        if region:
            return rows.filter(demand__region=region)
    raise Forbidden("permission_denied")


_STATUS_PARAM = OpenApiParameter("status", str, description="只看该状态 / Only this status")


class _ExpertRowsApi(_Fake, ListView):
    """An expert's invitations or engagements (``rows_of``: the selector), ``?status=`` to narrow them."""

    read_scope = "matching:read"
    filter_backends: list = []
    ordering = ("-created_at", "-id")
    rows_of = None

    def real_queryset(self):
        status_ = self.request.query_params.get("status") or None
        return _expert_rows(self.caller, self.kwargs["pk"], lambda expert: type(self).rows_of(expert, status=status_))


def _expert_rows_doc(zh: str, en: str, example: dict):
    return extend_schema_view(get=extend_schema(
        tags=["matching"], summary=f"专家的{zh} / An expert's {en}", parameters=[_STATUS_PARAM],
        description=f"专家本人看到全部；工作人员与合作系统看到本地区需求的{zh}。 / All of them for the expert; staff and partners see those of their region's demands.",
        examples=[OpenApiExample("示例 / Example", value=example, response_only=True)]))


@_expert_rows_doc("邀请", "invitations", INV_EXAMPLE)
class ExpertInvitationsApi(_ExpertRowsApi):
    serializer_class = s.InvitationOut
    fake_model = Invitation
    rows_of = staticmethod(selectors.invitations_for_expert)


@_expert_rows_doc("合作", "engagements", ENG_EXAMPLE)
class ExpertEngagementsApi(_ExpertRowsApi):
    serializer_class = s.EngagementOut
    fake_model = Engagement
    rows_of = staticmethod(selectors.engagements_for_expert)


# ----------------------------------------------------------------------------------------------------------
# One invitation / one engagement, and their steps
# ----------------------------------------------------------------------------------------------------------

RATING_EXAMPLE = {"id": 4, "engagement": 2, "side": "enterprise", "score": 5, "comment": "指导到位，良率明显提升", "created_at": "2027-06-01T10:00:00+08:00"}


def _may_see(caller, demand: Demand, expert: Expert) -> bool:
    """A party (the expert themself; the demand organisation's members) or staff / partners of the demand's region."""
    actor = caller.actor
    return permissions.can_edit(actor, demand) or bool(getattr(actor, "is_authenticated", False) and expert.person.user_id == actor.pk)


def _visible(model, caller, pk):
    obj = model.objects.select_related("demand__organisation", "expert__person").filter(pk=_pk(pk)).first() if _pk(pk) else None
    if obj is None:
        raise Http404
    if not _may_see(caller, obj.demand, obj.expert):
        raise Forbidden("permission_denied")
    return obj


_READ_ONE = ("返回 ETag（状态每次变化都会改变），供答复、撤回等步骤的 If-Match 使用。只有合作双方（专家本人、需求单位成员）与需求所在地区的工作人员、合作系统可以读取。"
             " / Returns an ETag (it changes with every step) for the steps' If-Match. Readable by the two parties and the demand region's staff and partners.")
_STEP = ("带 If-Match 时与当前 ETag 不符返回412；当前状态不允许该步骤返回409；支持 Idempotency-Key。 / If-Match (412 when stale); 409 when the current state "
         "does not allow the step; Idempotency-Key supported.")


class _OneRow(ApiView):
    """GET one invitation or engagement (the parties, and the demand region's staff and partners) with its ETag."""

    read_scope = "matching:read"
    model = None

    def get(self, request, pk: int):
        row = _visible(self.model, self.caller, pk)
        return self.record_response(row, self.serializer_class(row).data)


class _Step(ActionView):
    read_scope = write_scope = "matching:write"
    model = None

    def find(self, pk):
        return _visible(self.model, self.caller, pk)


@extend_schema_view(get=extend_schema(tags=["matching"], summary="一条邀请 / One invitation", description=_READ_ONE,
                                      responses={200: s.InvitationOut}, examples=[OpenApiExample("示例 / Example", value=INV_EXAMPLE, response_only=True)]))
class InvitationDetailApi(_OneRow):
    model, serializer_class = Invitation, s.InvitationOut


class _InvitationStep(_Step):
    model = Invitation


@extend_schema_view(post=extend_schema(
    tags=["matching"], summary="专家答复邀请 / The expert answers an invitation",
    description="受邀专家本人（网页登录）接受或谢绝。接受须填写利益冲突声明并作出保密承诺，同时建立合作（合作方式须双方都接受，需求须仍开放、专家未满负荷）；"
                "谢绝须选择原因。合作系统与工作人员不能代专家答复（403）。" + _STEP + " / The invited expert (web session) accepts — with the conflict-of-interest "
                "declaration and the confidentiality undertaking; the engagement is created — or declines with a reason. Partners and staff cannot answer for the expert (403).",
    request=s.InvitationAnswerIn, responses={200: s.InvitationAnswerOut}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
    examples=[OpenApiExample("接受 / Accept", value={"accept": True, "coi_declaration": "无", "confidentiality_undertaking": True, "mode": "remote"}, request_only=True),
              OpenApiExample("谢绝 / Decline", value={"accept": False, "reason": "no_time", "note": "本季度出差较多"}, request_only=True),
              OpenApiExample("应答 / Response", value={"invitation": {**INV_EXAMPLE, "status": "accepted", "answered_at": "2026-11-24T09:00:00+08:00"},
                                                       "engagement": ENG_EXAMPLE}, response_only=True)],
))
class InvitationAnswerApi(_InvitationStep):
    serializer_class = in_serializer = s.InvitationAnswerIn

    def act(self, caller, locked, data):
        return services.invitation_answer(actor=caller.actor, invitation=locked, **data)

    def render(self, result):
        invitation, engagement = result
        return invitation, s.InvitationAnswerOut((invitation, engagement)).data


@extend_schema_view(post=extend_schema(
    tags=["matching"], summary="撤回邀请 / Withdraw an invitation",
    description="需求单位成员，或需求所在地区的工作人员、合作系统撤回待答复的邀请。" + _STEP + " / The organisation's side withdraws a pending invitation.",
    request=s.ReasonIn, responses={200: s.InvitationOut}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
    examples=[OpenApiExample("请求 / Request", value={"reason": "需求调整"}, request_only=True),
              OpenApiExample("应答 / Response", value={**INV_EXAMPLE, "status": "withdrawn"}, response_only=True)],
))
class InvitationWithdrawApi(_InvitationStep):
    serializer_class = in_serializer = s.ReasonIn

    def act(self, caller, locked, data):
        return services.invitation_withdraw(actor=caller.actor, invitation=locked, reason=data["reason"])

    def render(self, invitation):
        return invitation, s.InvitationOut(invitation).data


@extend_schema_view(get=extend_schema(tags=["matching"], summary="一项合作 / One engagement", description=_READ_ONE,
                                      responses={200: s.EngagementOut}, examples=[OpenApiExample("示例 / Example", value=ENG_EXAMPLE, response_only=True)]))
class EngagementDetailApi(_OneRow):
    model, serializer_class = Engagement, s.EngagementOut


class _EngagementStep(_Step):
    model = Engagement

    def render(self, engagement):
        return engagement, s.EngagementOut(engagement).data


@extend_schema_view(post=extend_schema(
    tags=["matching"], summary="确认合作完成 / Complete an engagement",
    description="合作双方，或需求所在地区的工作人员、合作系统确认进行中的合作已完成；完成后双方可以评价。" + _STEP + " / Either party, or the demand region's staff "
                "and partners, mark an active engagement completed; then both sides may rate it.",
    request=s.NoteIn, responses={200: s.EngagementOut}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
    examples=[OpenApiExample("请求 / Request", value={"note": "良率由92%提升至97%"}, request_only=True),
              OpenApiExample("应答 / Response", value={**ENG_EXAMPLE, "status": "completed", "completed_at": "2027-05-31T18:00:00+08:00"}, response_only=True)],
))
class EngagementCompleteApi(_EngagementStep):
    serializer_class = in_serializer = s.NoteIn

    def act(self, caller, locked, data):
        return services.engagement_complete(actor=caller.actor, engagement=locked, note=data["note"])


@extend_schema_view(post=extend_schema(
    tags=["matching"], summary="终止合作 / Terminate an engagement",
    description="合作双方，或需求所在地区的工作人员、合作系统终止进行中的合作，须说明原因（否则422）。" + _STEP + " / Either party, or the demand region's staff and "
                "partners, end an active engagement early, with a reason (422 without).",
    request=s.ReasonIn, responses={200: s.EngagementOut}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
    examples=[OpenApiExample("请求 / Request", value={"reason": "项目暂停"}, request_only=True),
              OpenApiExample("应答 / Response", value={**ENG_EXAMPLE, "status": "terminated", "completed_at": "2027-01-10T18:00:00+08:00"}, response_only=True)],
))
class EngagementTerminateApi(_EngagementStep):
    serializer_class = in_serializer = s.ReasonIn

    def act(self, caller, locked, data):
        return services.engagement_terminate(actor=caller.actor, engagement=locked, reason=data["reason"])


@extend_schema_view(
    get=extend_schema(tags=["matching"], summary="合作的评价 / An engagement's ratings",
                      description="双方对该合作的评价（每方至多一条）。读取权限同合作。 / The ratings of the engagement, at most one per side.",
                      responses={200: s.RatingOut(many=True)},
                      examples=[OpenApiExample("示例 / Example", value=RATING_EXAMPLE, response_only=True)]),
    post=extend_schema(tags=["matching"], summary="评价合作 / Rate an engagement",
                       description="合作双方（需求单位成员评价专家，专家本人评价单位）在合作完成后各评价一次，1–5分；单位的评价计入专家的平均分。"
                                   "未完成返回422，重复评价返回409；工作人员与合作系统不是合作方（403）。 / Each party rates a completed engagement once, 1–5 "
                                   "(422 before completion, 409 when already rated); staff and partners are not parties (403). If-Match: the engagement's ETag.",
                       request=s.RatingIn, responses={201: s.RatingOut}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
                       examples=[OpenApiExample("请求 / Request", value={"score": 5, "comment": "指导到位"}, request_only=True),
                                 OpenApiExample("应答 / Response", value=RATING_EXAMPLE, response_only=True)]),
)
class EngagementRatingsApi(_Fake, _Step, ListView):
    read_scope, write_scope = "matching:read", "matching:write"
    serializer_class = in_serializer = s.RatingIn
    success_status = status.HTTP_201_CREATED
    pagination_class = None
    filter_backends: list = []
    fake_model, model = Rating, Engagement

    def get_serializer_class(self):
        return s.RatingOut if self.request is not None and self.request.method == "GET" else s.RatingIn

    def real_queryset(self):
        return _visible(Engagement, self.caller, self.kwargs["pk"]).ratings.order_by("created_at", "id")

    def act(self, caller, locked, data):
        return services.rating_submit(actor=caller.actor, engagement=locked, **data)

    def render(self, rating):
        return rating, s.RatingOut(rating).data
