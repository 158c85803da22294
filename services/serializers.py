"""Serializers of the services app's partner API (``services/apis.py``): output only, rendered directly."""

from __future__ import annotations

from rest_framework import serializers

from . import standard, workflow


def _iso(v):
    return v.isoformat() if v is not None else None


class ContactOut(serializers.Serializer):
    region = serializers.CharField()
    department = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    hours = serializers.CharField()


class ServiceItemOut(serializers.Serializer):
    code = serializers.CharField()
    category = serializers.ChoiceField(choices=[c for c, _zh, _en in standard.CATEGORIES])
    batch = serializers.IntegerField()
    is_active = serializers.BooleanField()
    version = serializers.IntegerField(help_text="现行标准版本号 / Version of the standard in force")
    name = serializers.CharField()
    conditions = serializers.ListField(child=serializers.JSONField())
    materials = serializers.ListField(child=serializers.JSONField())
    steps = serializers.ListField(child=serializers.JSONField())
    acceptance_criteria = serializers.CharField()
    time_limit_days = serializers.IntegerField(help_text="办理时限（工作日） / Time limit in working days")
    legal_basis = serializers.CharField(allow_blank=True)
    fee = serializers.CharField()
    channels = serializers.ListField(child=serializers.JSONField())
    published_on = serializers.DateField(allow_null=True)
    contacts = ContactOut(many=True)

    def to_representation(self, item):
        versions = getattr(item, "published_versions", None)
        v = versions[0] if versions else item.current_version
        return {
            "code": item.code, "category": item.category, "batch": item.batch, "is_active": item.is_active, "version": v.number, "name": v.name,
            "conditions": list(v.conditions or []), "materials": list(v.materials or []), "steps": list(v.steps or []),
            "acceptance_criteria": v.acceptance_criteria, "time_limit_days": v.time_limit_days, "legal_basis": v.legal_basis, "fee": v.fee,
            "channels": list(v.channels or []), "published_on": _iso(v.published_on),
            "contacts": [{"region": c.region, "department": c.department, "address": c.address, "phone": c.phone, "hours": c.hours}
                         for c in sorted(item.contacts.all(), key=lambda c: c.region)],
        }


class ApplicationOut(serializers.Serializer):
    number = serializers.CharField()
    item = serializers.CharField()
    item_name = serializers.CharField()
    version = serializers.IntegerField()
    accept_region = serializers.CharField()
    handle_region = serializers.CharField()
    status = serializers.ChoiceField(choices=[c for c, _zh, _en in workflow.STATES])
    delivery = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    accepted_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    due_provisional = serializers.BooleanField()
    completed_on = serializers.DateField(allow_null=True)
    handling_workdays = serializers.IntegerField(allow_null=True)

    def to_representation(self, a):
        return {
            "number": a.number, "item": a.item.code, "item_name": a.version.name, "version": a.version.number, "accept_region": a.accept_region,
            "handle_region": a.handle_region, "status": a.status, "delivery": a.delivery, "submitted_at": _iso(a.submitted_at),
            "accepted_on": _iso(a.accepted_on), "due_on": _iso(a.due_on), "due_provisional": a.due_provisional, "completed_on": _iso(a.completed_on),
            "handling_workdays": a.handling_workdays,
        }


class CardCheckIn(serializers.Serializer):
    token = serializers.CharField(max_length=4000, help_text="人才卡二维码中的凭证，或卡号 / The card's QR token, or its number")


class CardCheckOut(serializers.Serializer):
    valid = serializers.BooleanField()
    code = serializers.CharField(help_text="ok，或原因：token_signature、card_expired、card_revoked、card_suspended、unknown_card…")
    message = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    tier = serializers.CharField(allow_blank=True)
    valid_until = serializers.DateField(allow_null=True)
    status = serializers.CharField(allow_blank=True)
    services = serializers.ListField(child=serializers.CharField(), help_text="可享受的定制服务事项编码 / Entitled service item codes")

    def to_representation(self, check):
        return {"valid": check.valid, "code": check.code, "message": check.message, "number": check.number, "tier": check.tier,
                "valid_until": _iso(check.valid_until), "status": check.status, "services": list(check.services)}
