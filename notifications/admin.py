"""Staff see every outbox row: dead and failed deliveries with their last error, the webhook log with each
attempt's status code, and failed tasks. Replay goes through the services (staff only, re-enqueued on commit)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Delivery, FailedTask, Notification, NotificationPreference, WebhookDelivery, WebhookEndpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "recipient", "kind", "title", "created", "read_at", "in_inbox")
    list_filter = ("kind", "in_inbox")
    search_fields = ("title", "dedupe_key", "recipient__username")
    date_hierarchy = "created"
    list_select_related = ("recipient",)
    show_full_result_count = False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "channel", "enabled")
    list_filter = ("kind", "channel", "enabled")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


def _replay(modeladmin, request, queryset, replay):
    if not modeladmin.has_replay_permission(request):
        raise PermissionDenied
    done, problems = 0, []
    for row in queryset:
        try:
            replay(actor=request.user, delivery=row)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            problems.append(f"#{row.pk}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}")
    if done:
        modeladmin.message_user(request, f"已重新投递 {done} 条", messages.SUCCESS)
    for problem in problems:
        modeladmin.message_user(request, problem, messages.WARNING)


class OutboxAdmin(ReadOnlyAdmin):
    actions = ["replay"]
    list_filter = ("status",)
    show_full_result_count = False

    def has_replay_permission(self, request):
        opts = self.opts
        return request.user.is_staff and request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


@admin.register(Delivery)
class DeliveryAdmin(OutboxAdmin):
    list_display = ("id", "notification", "channel", "status", "attempts", "next_attempt_at", "sent_at", "short_error")
    list_filter = ("status", "channel")
    search_fields = ("notification__title", "notification__dedupe_key")
    list_select_related = ("notification",)

    @admin.display(description=_("最近错误"))
    def short_error(self, obj):
        return (obj.last_error or "")[:80]

    @admin.action(description=_("重新投递所选记录"), permissions=["replay"])
    def replay(self, request, queryset):
        _replay(self, request, queryset, services.delivery_replay)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OutboxAdmin):
    list_display = ("id", "endpoint", "event", "status", "attempts", "codes", "next_attempt_at", "sent_at", "short_error")
    list_filter = ("status", "event", "endpoint")
    search_fields = ("event_key",)
    list_select_related = ("endpoint",)

    @admin.display(description=_("响应状态码"))
    def codes(self, obj):
        return " ".join(str(c) for c in obj.status_codes)

    @admin.display(description=_("最近错误"))
    def short_error(self, obj):
        return (obj.last_error or "")[:80]

    @admin.action(description=_("重新投递所选 Webhook"), permissions=["replay"])
    def replay(self, request, queryset):
        _replay(self, request, queryset, services.webhook_delivery_replay)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("partner", "url", "kinds", "active", "created")
    list_filter = ("active",)
    search_fields = ("partner", "url")


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = ("created", "task_name", "task_id", "exception", "resolved")
    list_filter = ("resolved", "task_name")
    readonly_fields = ("task_name", "task_id", "args", "kwargs", "exception", "traceback", "created")
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("标记为已处理"))
    def mark_resolved(self, request, queryset):
        self.message_user(request, f"已标记 {queryset.update(resolved=True)} 条", messages.SUCCESS)
