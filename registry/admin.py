"""The Django admin for staff of the three regions. Staff read all records and change only their own
region's (checked per object on the server); status changes go through the registry services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import models, permissions, services
from .choices import Status


class ReferenceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "depth")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Division)
class DivisionAdmin(ReferenceAdmin):
    list_display = ("code", "name", "level", "region", "lng", "lat")
    list_filter = ("region", "level")


@admin.register(models.Industry)
class IndustryAdmin(ReferenceAdmin):
    list_display = ("code", "name", "level", "section")
    list_filter = ("level", "section")


@admin.register(models.Discipline)
class DisciplineAdmin(ReferenceAdmin):
    list_display = ("code", "name", "name_en", "depth")


@admin.register(models.Occupation)
class OccupationAdmin(ReferenceAdmin):
    pass


@admin.register(models.DivisionGroup)
class DivisionGroupAdmin(admin.ModelAdmin):
    list_display = ("slug", "name")
    filter_horizontal = ("members",)


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("地区"), {"fields": ("region",)}))
    list_display = ("username", "email", "is_staff", "region")
    list_filter = ("is_staff", "is_superuser", "region")


class RegionScopedAdmin(admin.ModelAdmin):
    """Read all, change only your region's records (superusers change all)."""

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_staff_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or permissions.can_staff_change(request.user, obj)

    def _transition(self, request, queryset, to):
        done, problems = services.records_bulk_transition(actor=request.user, records=list(queryset), to=to)
        if done:
            self.message_user(request, _("已处理 %(n)d 条记录") % {"n": done}, messages.SUCCESS)
        for problem in problems[:20]:
            self.message_user(request, problem, messages.ERROR)


@admin.register(models.Organisation)
class OrganisationAdmin(RegionScopedAdmin):
    list_display = ("name", "credit_code", "org_type", "region", "division", "status")
    list_filter = ("region", "org_type", "status")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("division", "industry")
    readonly_fields = ("region", "verified_by", "verified_at")
    exclude = ("contact_phone",)
    actions = ["verify"]

    @admin.action(description=_("核验所选单位"))
    def verify(self, request, queryset):
        done = 0
        for org in queryset:
            try:
                services.organisation_set_status(actor=request.user, organisation=org, status=Status.VERIFIED)
                done += 1
            except Exception as exc:  # each object reports its own reason
                self.message_user(request, f"{org}: {exc}", messages.ERROR)
        if done:
            self.message_user(request, _("已核验 %(n)d 家单位") % {"n": done}, messages.SUCCESS)


@admin.register(models.Expert)
class ExpertAdmin(RegionScopedAdmin):
    list_display = ("person", "employer_name", "region", "title_level", "status", "updated_at")
    list_filter = ("region", "status", "title_level", "title_series", "outside_region", "source")
    search_fields = ("person__name", "employer_name", "research_areas")
    list_select_related = ("person",)
    autocomplete_fields = ("home_division", "employer", "disciplines", "industries", "served_cities")
    readonly_fields = ("person", "region", "outside_region", "verified_by", "verified_at", "rating_avg", "rating_count", "status")
    show_full_result_count = False
    actions = ["verify", "suspend"]

    @admin.action(description=_("核验所选专家"))
    def verify(self, request, queryset):
        self._transition(request, queryset, Status.VERIFIED)

    @admin.action(description=_("暂停所选专家"))
    def suspend(self, request, queryset):
        self._transition(request, queryset, Status.SUSPENDED)


@admin.register(models.Graduate)
class GraduateAdmin(RegionScopedAdmin):
    list_display = ("person", "school", "degree", "major", "graduation_year", "region", "status")
    list_filter = ("region", "status", "degree", "graduation_year", "seeking_status")
    search_fields = ("person__name", "school", "major")
    list_select_related = ("person",)
    autocomplete_fields = ("school_division", "major_discipline", "preferred_cities", "intended_industries", "intended_occupations")
    readonly_fields = ("person", "region", "status", "verified_by", "verified_at")
    actions = ["verify"]

    @admin.action(description=_("核验所选毕业生"))
    def verify(self, request, queryset):
        self._transition(request, queryset, Status.VERIFIED)


@admin.register(models.HighLevelTalent)
class HighLevelTalentAdmin(RegionScopedAdmin):
    list_display = ("person", "tier", "programme", "region", "recognised_on", "status")
    list_filter = ("region", "tier", "status")
    search_fields = ("person__name", "programme", "employer_name")
    list_select_related = ("person",)
    autocomplete_fields = ("home_division", "field", "industry")
    readonly_fields = ("person", "region", "status", "verified_by", "verified_at")
    actions = ["verify"]

    @admin.action(description=_("核验所选人才"))
    def verify(self, request, queryset):
        self._transition(request, queryset, Status.VERIFIED)


@admin.register(models.Demand)
class DemandAdmin(RegionScopedAdmin):
    list_display = ("title", "organisation", "kind", "city", "region", "status", "published_at")
    list_filter = ("region", "status", "kind", "urgency", "min_title_level")
    search_fields = ("title", "description", "organisation__name")
    list_select_related = ("organisation", "city")
    autocomplete_fields = ("organisation", "industry", "disciplines", "city", "occupation")
    readonly_fields = ("region", "status", "published_at", "verified_by", "verified_at", "created_by")
    show_full_result_count = False
    actions = ["publish", "suspend", "close"]

    @admin.action(description=_("发布所选需求"))
    def publish(self, request, queryset):
        self._transition(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("暂停所选需求"))
    def suspend(self, request, queryset):
        self._transition(request, queryset, Status.SUSPENDED)

    @admin.action(description=_("关闭所选需求"))
    def close(self, request, queryset):
        self._transition(request, queryset, Status.CLOSED)


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "masked_id_number", "masked_mobile", "gender", "birth_year")
    search_fields = ("name",)
    fields = ("name", "gender", "birth_year", "masked_id_number", "masked_mobile", "masked_email", "user", "erased_at")
    readonly_fields = ("masked_id_number", "masked_mobile", "masked_email", "erased_at")
    raw_id_fields = ("user",)


@admin.register(models.ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    list_display = ("time", "user_name", "action", "content_type", "object_repr", "request_id")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "user_name", "request_id", "object_id")
    readonly_fields = [f.name for f in models.ObjectChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    list_display = ("existing", "candidate", "reason", "resolution", "created_at")
    list_filter = ("resolution",)
    readonly_fields = ("existing", "candidate", "reason", "resolution", "resolved_by", "resolved_at")
    actions = ["merge", "dismiss"]

    @admin.action(description=_("确认为同一人并合并"))
    def merge(self, request, queryset):
        for c in queryset:
            try:
                services.duplicate_merge(actor=request.user, candidate=c)
            except Exception as exc:
                self.message_user(request, f"{c}: {exc}", messages.ERROR)

    @admin.action(description=_("确认非同一人"))
    def dismiss(self, request, queryset):
        for c in queryset:
            try:
                services.duplicate_dismiss(actor=request.user, candidate=c)
            except Exception as exc:
                self.message_user(request, f"{c}: {exc}", messages.ERROR)


@admin.register(models.PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "partner", "person", "fields", "purpose")
    readonly_fields = [f.name for f in models.PersonalDataAccess._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(models.Consent)
admin.site.register(models.DataRequest)


# --- partner API keys ---------------------------------------------------------------------------------


class PartnerApiKeyForm(forms.ModelForm):
    partner_code = forms.CharField(label=_("合作系统代码"), max_length=64, help_text=_("如 hebei-rsj；首次使用时自动创建合作系统账号"))
    scope_list = forms.MultipleChoiceField(label=_("权限范围"), choices=[], widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = models.PartnerApiKey
        fields = ("name", "region", "expires_at", "throttle_rate")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .api_models import SCOPES

        self.fields["scope_list"].choices = [(k, f"{k} — {v}") for k, v in SCOPES.items()]


@admin.register(models.PartnerApiKey)
class PartnerApiKeyAdmin(admin.ModelAdmin):
    """Keys are created here (the clear key is shown once, in the message) and revoked by an action; never edited."""

    list_display = ("prefix", "partner", "name", "region", "scopes", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("region", "revoked_at")
    search_fields = ("prefix", "name", "partner__username")
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = PartnerApiKeyForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("partner_code", "name", "region", "scope_list", "expires_at", "throttle_rate")
        return ("partner", "name", "prefix", "region", "scopes", "expires_at", "throttle_rate", "created_at", "created_by", "revoked_at", "last_used_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from django.core.exceptions import ValidationError

        try:
            key, clear = services.api_key_create(
                actor=request.user, partner=form.cleaned_data["partner_code"], name=form.cleaned_data["name"], scopes=form.cleaned_data["scope_list"],
                region=form.cleaned_data["region"], expires_at=form.cleaned_data.get("expires_at"), throttle_rate=form.cleaned_data.get("throttle_rate") or "",
            )
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        obj.pk = key.pk
        self.message_user(request, _("密钥已创建，仅显示这一次，请立即保存：%(key)s") % {"key": clear}, messages.WARNING)

    @admin.action(description=_("吊销所选密钥"))
    def revoke(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(actor=request.user, key=key)
        self.message_user(request, _("已吊销 %(n)d 个密钥") % {"n": queryset.count()})
