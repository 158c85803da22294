"""The notifications API: the caller's inbox (a web user's, or a partner's service account's), marking
notifications read, and the caller's preferences per kind and channel — through ``notifications.selectors`` and
``notifications.services``."""

from __future__ import annotations

import hashlib
import json

import django_filters as df
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.response import Response

from registry.apikit import etags
from registry.apikit.bulk import idempotent
from registry.apikit.schema import IDEMPOTENCY_PARAM, IF_MATCH_PARAM
from registry.apikit.views import ApiView, ListView

from . import selectors, services
from .models import Channel, Kind, Notification
from .serializers import NotificationOut, PreferencesSerializer

EXAMPLE = {"id": 12, "kind": "demand_published", "title": "需求已发布：芯片封装良率提升", "body": "", "link": "/demands/3/", "payload": {"demand": 3},
           "created": "2026-11-23T10:00:00+08:00", "read_at": None}


class NotificationFilter(df.FilterSet):
    unread = df.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="unread", help_text="true：只看未读 / Unread only")
    kind = df.ChoiceFilter(choices=Kind.choices, label="kind", help_text="类型 / Kind")

    class Meta:
        model = Notification
        fields: list[str] = []


@extend_schema_view(get=extend_schema(
    tags=["notifications"], summary="通知 / Notifications", description="调用者的站内通知，最新在前。 / The caller's inbox, newest first.",
    examples=[OpenApiExample("示例 / Example", value=EXAMPLE, response_only=True)],
))
class NotificationListApi(ListView):
    read_scope = "notifications:read"
    serializer_class = NotificationOut
    filterset_class = NotificationFilter
    ordering = ("-created", "-id")
    ordering_fields = ["created", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Notification.objects.none()
        return selectors.notifications_for_user(user=self.caller.actor)


@extend_schema_view(post=extend_schema(
    tags=["notifications"], summary="标记已读 / Mark read", description="将自己的一条通知标记为已读。 / Mark one of your notifications read.",
    request=None, responses={200: NotificationOut}, examples=[OpenApiExample("应答 / Response", value={**EXAMPLE, "read_at": "2026-11-23T11:00:00+08:00"}, response_only=True)],
))
class NotificationReadApi(ApiView):
    read_scope = write_scope = "notifications:read"
    serializer_class = NotificationOut

    def post(self, request, pk: int):
        notification = selectors.notifications_for_user(user=self.caller.actor).filter(pk=pk).first() if pk < 2**63 else None
        if notification is None:
            raise Http404
        return self.record_response_plain(services.notification_mark_read(user=self.caller.actor, notification=notification))

    def record_response_plain(self, notification):
        from rest_framework.response import Response

        return Response(NotificationOut(notification).data)


PREFERENCES_EXAMPLE = {"preferences": [{"kind": "invitation_new", "channel": "in_app", "enabled": True},
                                       {"kind": "invitation_new", "channel": "email", "enabled": False},
                                       {"kind": "weekly_digest", "channel": "email", "enabled": True}]}


def _preferences(user) -> list[dict]:
    stored = selectors.preferences_for_user(user=user)
    return [{"kind": k, "channel": c, "enabled": stored[(k, c)]} for k in Kind.values for c in Channel.values]


def _preferences_etag(rows: list[dict]) -> str:
    return '"' + hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:32] + '"'


def _preferences_doc(verb_zh: str, verb_en: str, what_zh: str, what_en: str):
    return extend_schema(
        tags=["notifications"], summary=f"{verb_zh}通知偏好 / {verb_en} notification preferences",
        description=f"{what_zh}，经 preference_set 服务逐项保存。带 If-Match（读取时的 ETag）防止覆盖他人修改（不符返回412）；未知的类型或渠道、重复的组合返回400；支持 Idempotency-Key。"
                    f"应答为全部偏好。 / {what_en}, each through the preference_set service. If-Match (412 when stale); unknown kinds or channels and duplicate "
                    "pairs are a 400; Idempotency-Key supported. The answer is the full set.",
        request=PreferencesSerializer, responses={200: PreferencesSerializer}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
        examples=[OpenApiExample("请求 / Request", value={"preferences": [{"kind": "invitation_new", "channel": "email", "enabled": False}]}, request_only=True),
                  OpenApiExample("应答 / Response", value=PREFERENCES_EXAMPLE, response_only=True)],
    )


@extend_schema_view(
    get=extend_schema(tags=["notifications"], summary="通知偏好 / Notification preferences",
                      description="调用者对每种通知、每个渠道（站内信、电子邮件）的选择，未设置的为默认值（每周推荐摘要默认关闭，其余开启）。返回 ETag。 / The caller's choice "
                                  "per kind and channel, defaults filled in (the weekly digest is opt-in). Returns an ETag.",
                      responses={200: PreferencesSerializer}, examples=[OpenApiExample("示例 / Example", value=PREFERENCES_EXAMPLE, response_only=True)]),
    patch=_preferences_doc("修改", "Update", "只修改所列的类型与渠道", "Changes the listed pairs only"),
    put=_preferences_doc("整体设置", "Replace", "所列的按所列设置，未列出的恢复默认值", "Sets the listed pairs and resets every other pair to its default"),
)
class NotificationPreferencesApi(ApiView):
    """The caller's own preferences; changing them needs only ``notifications:read`` (like marking read: the
    caller's own inbox settings, no one else's data)."""

    read_scope = write_scope = "notifications:read"
    serializer_class = PreferencesSerializer
    pagination_class = None
    filter_backends: list = []

    def get_object(self):
        return None  # one resource per caller, no row to find (OPTIONS asks for it)

    def get(self, request):
        rows = _preferences(self.caller.actor)
        tag = _preferences_etag(rows)
        if etags.not_modified(request, tag):
            return Response(status=304, headers={"ETag": tag})
        return Response({"preferences": rows}, headers={"ETag": tag})

    def put(self, request):
        return self._change(request, replace=True)

    def patch(self, request):
        return self._change(request, replace=False)

    def _change(self, request, *, replace: bool):
        caller = self.caller
        form = PreferencesSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        wanted = {(r["kind"], r["channel"]): r["enabled"] for r in form.validated_data["preferences"]}

        def run():
            user = caller.actor
            with transaction.atomic():
                get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one change of this user's preferences at a time
                etags.check_if_match_tag(request, _preferences_etag(_preferences(user)))
                changes = dict(wanted)
                if replace:
                    changes = {(k, c): wanted.get((k, c), selectors.default_enabled(k, c)) for k in Kind.values for c in Channel.values}
                current = selectors.preferences_for_user(user=user)
                for (kind, channel), enabled in changes.items():
                    if current[(kind, channel)] != enabled:
                        services.preference_set(user=user, kind=kind, channel=channel, enabled=enabled)
            rows = _preferences(user)
            return Response({"preferences": rows}, headers={"ETag": _preferences_etag(rows)})

        return idempotent(request, caller, run)
