"""The notifications API: the caller's inbox (a web user's, or a partner's service account's) and marking
notifications read — through ``notifications.selectors`` and ``notifications.services``."""

from __future__ import annotations

import django_filters as df
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view

from registry.apikit.views import ApiView, ListView

from . import selectors, services
from .models import Kind, Notification
from .serializers import NotificationOut

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
