"""Serializers of the matching API (``matching/apis.py``). Explanations in the request's language."""

from __future__ import annotations

from rest_framework import serializers

from registry import domain
from registry.apikit.errors import is_english


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
