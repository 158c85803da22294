"""Serializers of the services app's partner API (``services/apis.py``): output only, rendered directly."""

from __future__ import annotations

from rest_framework import serializers

from . import standard, workflow


APPLICATION_STATUSES = [c for c, _zh, _en in workflow.STATES]  # named ServiceApplicationStatusEnum in the schema (SPECTACULAR_SETTINGS)


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
    status = serializers.ChoiceField(choices=APPLICATION_STATUSES)
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


# --- writes ----------------------------------------------------------------------------------------------

REGION_CODES = ["11", "12", "13"]
CARD_STATUSES = ["active", "suspended", "revoked", "expired"]  # named TalentCardStatusEnum in the schema (SPECTACULAR_SETTINGS)


class ApplicationSubmitIn(serializers.Serializer):
    """The form fields of a submission (multipart); the files come as parts named ``materials.<key>``."""

    item = serializers.CharField(max_length=32, help_text="事项编码 / Item code")
    accept_region = serializers.ChoiceField(choices=REGION_CODES, help_text="受理地 / Where it is filed")
    handle_region = serializers.ChoiceField(choices=REGION_CODES, help_text="办理地 / Where it is decided")
    delivery = serializers.ChoiceField(choices=["download", "mail"], required=False, default="download", help_text="结果送达方式 / Delivery of the result")
    mail_recipient = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    mail_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    mail_address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, help_text="申请说明 / Note")


class ApplicationNoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, help_text="说明 / Note")


class ApplicationReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, help_text="理由（必填，否则422） / Reason (422 without)")


class CorrectionItemIn(serializers.Serializer):
    key = serializers.CharField(max_length=64, help_text="事项标准所列材料的 key / A material key of the standard")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class CorrectionIn(serializers.Serializer):
    items = CorrectionItemIn(many=True, help_text="一次性列出全部需补正的材料 / Every material to correct, at once")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ServiceRatingIn(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5, help_text="1–5")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class ServiceRatingOut(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, r):
        return {"score": r.score, "comment": r.comment, "created_at": _iso(r.created_at)}


class CorrectionItemOut(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class CorrectionOut(serializers.Serializer):
    items = CorrectionItemOut(many=True)
    note = serializers.CharField(allow_blank=True)
    requested_at = serializers.DateTimeField()
    supplemented_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, n):
        return {"items": [{"key": i.get("key", ""), "name": i.get("name", ""), "reason": i.get("reason", "")} for i in n.items or []], "note": n.note,
                "requested_at": _iso(n.requested_at), "supplemented_at": _iso(n.supplemented_at)}


class ApplicationDetailOut(ApplicationOut):
    """One application with its 补正 notice and its rating (no materials, no personal data)."""

    correction = CorrectionOut(allow_null=True, help_text="补正告知（如有） / The correction notice, if any")
    rating = ServiceRatingOut(allow_null=True, help_text="好差评（如有） / The applicant's rating, if any")

    def to_representation(self, a):
        notice = getattr(a, "correction", None) if hasattr(a, "correction") else None
        rating = getattr(a, "rating", None) if hasattr(a, "rating") else None
        return {**super().to_representation(a), "correction": CorrectionOut(notice).data if notice else None,
                "rating": ServiceRatingOut(rating).data if rating else None}


class CardIssueIn(serializers.Serializer):
    talent = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="高层次人才记录的 id / The high-level talent's id")
    services = serializers.ListField(child=serializers.CharField(max_length=32), required=False, allow_null=True, default=None, max_length=50,
                                     help_text="可享受的定制服务事项编码；省略为默认五项 / Entitled item codes; default five when omitted")
    years = serializers.IntegerField(required=False, default=3, min_value=1, max_value=5, help_text="有效期（年） / Validity in years")


class CardYearsIn(serializers.Serializer):
    years = serializers.IntegerField(required=False, default=3, min_value=1, max_value=5, help_text="续期年数 / Years to extend")


class CardReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300, help_text="理由（暂停、注销必填） / Reason (required to suspend or revoke)")


class CardOut(serializers.Serializer):
    number = serializers.CharField()
    talent = serializers.IntegerField()
    region = serializers.CharField()
    tier = serializers.CharField()
    status = serializers.ChoiceField(choices=CARD_STATUSES)
    status_reason = serializers.CharField(allow_blank=True)
    issued_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    services = serializers.ListField(child=serializers.CharField())

    def to_representation(self, c):
        return {"number": c.number, "talent": c.talent_id, "region": c.region, "tier": c.tier, "status": c.status, "status_reason": c.status_reason,
                "issued_on": _iso(c.issued_on), "valid_from": _iso(c.valid_from), "valid_until": _iso(c.valid_until),
                "services": sorted(c.entitled_services.values_list("code", flat=True))}
