"""Serializers of the matching API (``matching/apis.py``). Explanations in the request's language."""

from __future__ import annotations

from rest_framework import serializers

from registry import domain
from registry.apikit.errors import is_english

from .lifecycle import DECLINE_REASON_CODES


def _iso(v):
    return v.isoformat() if v is not None else None


class RecommendationOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    demand = serializers.IntegerField()
    expert = serializers.IntegerField(allow_null=True)
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    components = serializers.DictField(child=serializers.FloatField())
    explanation = serializers.CharField(help_text="推荐理由（按 Accept-Language） / Why, in the request's language")
    engine_version = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, r):
        return {"id": r.pk, "demand": r.demand_id, "expert": r.expert_id, "rank": r.rank, "score": r.score,
                "components": {k: float(v) for k, v in (r.components or {}).items() if isinstance(v, (int, float))},
                "explanation": (r.explanation_en or r.explanation_zh) if is_english() else r.explanation_zh, "engine_version": r.engine_version,
                "created_at": _iso(r.created_at)}


class RecommendIn(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=50, required=False, default=10, help_text="推荐人数 / How many")


class InvitationIn(serializers.Serializer):
    demand = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    expert = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    message = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    proposed_mode = serializers.ChoiceField(choices=domain.SHARING_MODE_CODES, required=False, allow_blank=True)
    proposed_terms = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    expires_on = serializers.DateField(required=False, allow_null=True)


class InvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    demand = serializers.IntegerField()
    expert = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["pending", "accepted", "declined", "withdrawn", "expired"])
    proposed_mode = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True)
    expires_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, i):
        return {"id": i.pk, "demand": i.demand_id, "expert": i.expert_id, "status": i.status, "proposed_mode": i.proposed_mode, "message": i.message,
                "expires_on": _iso(i.expires_on), "created_at": _iso(i.created_at), "answered_at": _iso(i.answered_at)}


class EngagementOut(serializers.Serializer):
    id = serializers.IntegerField()
    demand = serializers.IntegerField()
    organisation = serializers.IntegerField()
    expert = serializers.IntegerField()
    mode = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, e):
        return {"id": e.pk, "demand": e.demand_id, "organisation": e.organisation_id, "expert": e.expert_id, "mode": e.mode,
                "start_date": _iso(e.start_date), "end_date": _iso(e.end_date), "status": e.status, "created_at": _iso(e.created_at),
                "completed_at": _iso(e.completed_at)}


class InvitationAnswerIn(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true 接受（需利益冲突声明与保密承诺，建立合作）；false 谢绝（需原因） / true accepts (with the declarations; "
                                                "creates the engagement), false declines (with a reason)")
    reason = serializers.ChoiceField(choices=list(DECLINE_REASON_CODES), required=False, allow_blank=True, default="",
                                     help_text="谢绝原因 / Why declined")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    coi_declaration = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                            help_text="利益冲突声明（无则写“无”） / Conflict-of-interest declaration")
    confidentiality_undertaking = serializers.BooleanField(required=False, default=False, help_text="保密承诺 / Confidentiality undertaking")
    mode = serializers.ChoiceField(choices=domain.SHARING_MODE_CODES, required=False, allow_blank=True, default="")
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    terms = serializers.CharField(required=False, allow_null=True, default=None, max_length=5000)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, help_text="原因 / Reason")


class NoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000, help_text="说明 / Note")


class RatingIn(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5, help_text="1–5")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RatingOut(serializers.Serializer):
    id = serializers.IntegerField()
    engagement = serializers.IntegerField()
    side = serializers.ChoiceField(choices=["enterprise", "expert"], help_text="enterprise：单位评价专家；expert：专家评价单位")
    score = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, r):
        return {"id": r.pk, "engagement": r.engagement_id, "side": r.side, "score": r.score, "comment": r.comment, "created_at": _iso(r.created_at)}


class InvitationAnswerOut(serializers.Serializer):
    invitation = InvitationOut()
    engagement = EngagementOut(allow_null=True)

    def to_representation(self, pair):
        invitation, engagement = pair
        return {"invitation": InvitationOut(invitation).data, "engagement": EngagementOut(engagement).data if engagement is not None else None}
