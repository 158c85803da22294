"""Serializers of the notifications API (``notifications/apis.py``)."""

from __future__ import annotations

from rest_framework import serializers

from .models import Kind


NOTIFICATION_KINDS = Kind.values  # named NotificationKindEnum in the OpenAPI schema (SPECTACULAR_SETTINGS)


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.values)
    title = serializers.CharField()
    body = serializers.CharField(allow_blank=True)
    link = serializers.CharField(allow_blank=True)
    payload = serializers.DictField()
    created = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, n):
        return {"id": n.pk, "kind": n.kind, "title": n.title, "body": n.body, "link": n.link, "payload": dict(n.payload or {}),
                "created": n.created.isoformat(), "read_at": n.read_at.isoformat() if n.read_at else None}
