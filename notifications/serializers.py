"""Serializers of the notifications API (``notifications/apis.py``)."""

from __future__ import annotations

from rest_framework import serializers

from .models import Channel, Kind


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


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.values, help_text="通知类型 / Kind")
    channel = serializers.ChoiceField(choices=Channel.values, help_text="渠道：in_app 站内信，email 电子邮件 / Channel")
    enabled = serializers.BooleanField(help_text="是否接收 / Receive it")


class PreferencesSerializer(serializers.Serializer):
    preferences = PreferenceSerializer(many=True)

    def validate_preferences(self, rows):
        seen = set()
        for row in rows:
            pair = (row["kind"], row["channel"])
            if pair in seen:
                raise serializers.ValidationError(f"重复的类型与渠道：{pair[0]} / {pair[1]}", code="duplicate")
            seen.add(pair)
        return rows
