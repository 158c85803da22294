"""Admin views of matching: read-only records (every change goes through matching.services, so the history
and the refusals are the same everywhere), with the lifecycle history inline."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import models, services


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = models.LifecycleEvent
    fields = ("at", "action", "from_status", "to_status", "actor_name", "note")
    readonly_fields = fields
    show_change_link = False


@admin.register(models.Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "direction", "demand", "expert", "graduate", "rank", "score", "engine_version")
    list_filter = ("direction", "engine_version")
    search_fields = ("demand__title", "expert__person__name")
    list_select_related = ("demand", "expert__person", "graduate__person")
    readonly_fields = [f.name for f in models.Recommendation._meta.fields]
    show_full_result_count = False


class ProposalInline(ReadOnlyInline):
    model = models.Recommendation
    fields = ("demand", "expert", "score", "explanation_zh")
    readonly_fields = fields


@admin.register(models.AssignmentRun)
class AssignmentRunAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "run_by", "engine_version", "note")
    readonly_fields = ("created_at", "run_by", "engine_version", "params", "summary", "note")
    inlines = [ProposalInline]


@admin.register(models.Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "demand", "expert", "status", "answered_at", "decline_reason")
    list_filter = ("status", "decline_reason")
    search_fields = ("demand__title", "expert__person__name")
    list_select_related = ("demand", "expert__person")
    readonly_fields = [f.name for f in models.Invitation._meta.fields]
    inlines = [EventInline]


class TeamInline(ReadOnlyInline):
    model = models.ApplicationMember
    fields = ("expert", "role", "confirmed_at", "coi_declaration", "confidentiality_undertaking")
    readonly_fields = fields
    show_change_link = False


@admin.register(models.Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "demand", "expert", "status", "answered_at")
    list_filter = ("status", "demand__kind")
    search_fields = ("demand__title", "expert__person__name", "proposal")
    list_select_related = ("demand", "expert__person")
    readonly_fields = [f.name for f in models.Application._meta.fields]
    inlines = [TeamInline, EventInline]


class RatingInline(ReadOnlyInline):
    model = models.Rating
    fields = ("side", "score", "comment", "rated_by", "created_at")
    readonly_fields = fields
    show_change_link = False


@admin.register(models.Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "demand", "expert", "mode", "start_date", "end_date", "status")
    list_filter = ("status", "mode")
    search_fields = ("demand__title", "expert__person__name", "organisation__name")
    list_select_related = ("demand", "expert__person")
    readonly_fields = [f.name for f in models.Engagement._meta.fields]
    inlines = [RatingInline, EventInline]


@admin.register(models.Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "engagement", "side", "score")
    list_filter = ("side", "score")
    readonly_fields = [f.name for f in models.Rating._meta.fields]


@admin.register(models.LifecycleEvent)
class LifecycleEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "from_status", "to_status", "actor_name", "invitation", "application", "engagement")
    list_filter = ("action",)
    readonly_fields = [f.name for f in models.LifecycleEvent._meta.fields]
    show_full_result_count = False


class SeatInline(ReadOnlyInline):
    model = models.ReviewPanelMember
    fields = ("position", "expert", "region")
    readonly_fields = fields
    show_change_link = False


@admin.register(models.ReviewPanel)
class ReviewPanelAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "discipline", "industry", "size", "drawn_by", "seed")
    list_filter = ("discipline",)
    search_fields = ("reason", "discipline__name")
    readonly_fields = [f.name for f in models.ReviewPanel._meta.fields]
    inlines = [SeatInline]
    actions = ["verify"]

    @admin.action(description=_("按记录的种子和候选池复核抽取结果"))
    def verify(self, request, queryset):
        for panel in queryset:
            ok = services.review_panel_verify(panel=panel)
            self.message_user(request, f"{panel}: {'复核一致' if ok else '复核不一致'}",
                              messages.SUCCESS if ok else messages.ERROR)
