"""The Django admin for staff of the three regions. Staff read all records and change only their own
region's (checked per object on the server); status changes go through the registry services."""

from __future__ import annotations

import csv
import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import crypto, identifiers, importing, models, permissions, selectors, services
from .choices import Status

# --- list filters and search shared by the four databases ---------------------------------------------


class IndustryFilter(admin.SimpleListFilter):
    """GB/T 4754 at section level (20 options); once a section is chosen, its divisions (大类) are offered too —
    never the 1,381 classes. Subclasses name the relation: a FK (``industry``) or a M2M (``industries``)."""

    title = _("行业（门类/大类）")
    parameter_name = "industry"
    relation = "industry"
    many = False

    def lookups(self, request, model_admin):
        sections = list(models.Industry.objects.filter(level="section").values_list("code", "name"))
        value = self.value() or ""
        chosen = value if re.fullmatch(r"[A-T]", value) else (models.Industry.objects.filter(code=value).values_list("section", flat=True).first() if value else None)
        options = []
        for code, name in sections:
            options.append((code, f"{code} {name}"))
            if code == chosen:
                for dcode, dname in models.Industry.objects.filter(level="division", section=code).values_list("code", "name"):
                    options.append((dcode, f"　{dcode} {dname}"))
        return options

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not models.Industry.objects.filter(code=value).exists():
            return queryset.none()
        if not self.many:
            return queryset.filter(selectors._tree_filter(self.relation, models.Industry, value))
        field = queryset.model._meta.get_field(self.relation)
        through = field.remote_field.through
        own = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        links = through.objects.filter(**{own: OuterRef("pk")}).filter(selectors._tree_filter(target, models.Industry, value))
        return queryset.filter(Exists(links))


class ExpertIndustryFilter(IndustryFilter):
    relation, many = "industries", True


class GraduateIndustryFilter(IndustryFilter):
    relation, many = "intended_industries", True


_ID_LIKE = re.compile(r"^\s*\d{17}[\dXx]\s*$")
_MOBILE_LIKE = re.compile(r"^\s*(?:\+?86)?1[3-9]\d{9}\s*$")


class PersonalSearchMixin:
    """Search by a full ID number or mobile through their keyed hashes (the numbers are encrypted, not searchable)."""

    person_path = "person__"

    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if _ID_LIKE.match(term):
            return queryset.filter(**{f"{self.person_path}id_hash": crypto.keyed_hash(identifiers.normalize_id_number(term))}), False
        if _MOBILE_LIKE.match(term):
            return queryset.filter(**{f"{self.person_path}mobile_hash": crypto.keyed_hash(identifiers.normalize_mobile(term))}), False
        return super().get_search_results(request, queryset, search_term)


# --- bulk import from the changelist ----------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))
    mode = forms.ChoiceField(label=_("导入模式"), choices=[(m, importing.MODE_LABELS[m]) for m in importing.MODES], initial=importing.MODE_ALL_OR_NOTHING,
                             widget=forms.RadioSelect)
    partner = forms.CharField(label=_("来源系统（可选）"), max_length=64, required=False, help_text=_("填写后记录来源为“合作系统”，外部编号在该来源内唯一"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(f"文件大小 {upload.size / 1048576:.1f} MB 超过上限 {limit / 1048576:.0f} MB，请拆分后分批导入", code="too_large")
        head = upload.read(8)
        upload.seek(0)
        name = (upload.name or "").lower()
        if head[:4] != b"PK\x03\x04" and not name.endswith((".csv", ".txt")):
            raise ValidationError("请上传 .xlsx 或 .csv 文件", code="not_spreadsheet")
        return upload


class ImportAdminMixin:
    """A "批量导入" button on the changelist, an upload page and the downloadable templates."""

    import_kind = ""
    change_list_template = "admin/registry/change_list_import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="%s_%s_import" % info),
            path("import/template.<str:fmt>", self.admin_site.admin_view(self.import_template_view), name="%s_%s_import_template" % info),
            *super().get_urls(),
        ]

    def _require_import(self, request):
        if not (request.user.is_staff and self.has_add_permission(request)):
            raise PermissionDenied("您没有批量导入该类数据的权限")

    def import_template_view(self, request, fmt):
        self._require_import(request)
        if fmt == "xlsx":
            body, ctype = importing.template_xlsx(self.import_kind), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "csv":
            body, ctype = importing.template_csv(self.import_kind), "text/csv; charset=utf-8"
        else:
            raise PermissionDenied("未知的模板格式")
        response = HttpResponse(body, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="import-{self.import_kind}.{fmt}"'
        return response

    def import_view(self, request):
        from . import jobs

        self._require_import(request)
        kind = importing.KINDS[self.import_kind]
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if request.method == "POST" and form.is_valid():
            try:
                job = jobs.import_job_create(actor=request.user, kind=self.import_kind, mode=form.cleaned_data["mode"],
                                             upload=form.cleaned_data["file"], partner=form.cleaned_data["partner"])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                self.message_user(request, _("文件已上传，正在导入；本页显示进度和报告。"), messages.INFO)
                return HttpResponseRedirect(reverse("admin:registry_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"批量导入{kind.label}",
            "opts": self.opts,
            "form": form,
            "kind": kind,
            "limit_mb": settings.IMPORT_MAX_UPLOAD_BYTES // 1048576,
            "recent": models.ImportJob.objects.filter(kind=self.import_kind).order_by("-created_at")[:10],
            "has_view_permission": self.has_view_permission(request),
            "region_label": "" if request.user.is_superuser else importing.REGION_NAMES.get(request.user.region, ""),
        }
        return TemplateResponse(request, "admin/registry/import.html", context)


# --- unmasking personal data (logged) ----------------------------------------------------------------------


class UnmaskActionMixin:
    """An action that opens the logged reveal page for the selected records' persons."""

    person_path = "person__"

    @admin.action(description=_("查看完整个人信息（需权限，每次查看均被记录）"))
    def unmask(self, request, queryset):
        if not permissions.can_reveal_personal_data(request.user):
            self.message_user(request, _("您没有查看完整个人信息的权限"), messages.ERROR)
            return None
        ids = list(queryset.values_list(f"{self.person_path}pk" if self.person_path else "pk", flat=True)[:50])
        return HttpResponseRedirect(reverse("admin:registry_person_reveal") + "?ids=" + ",".join(str(i) for i in ids))


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
    list_filter = ("region", IndustryFilter, "org_type", "status")
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
class ExpertAdmin(ImportAdminMixin, PersonalSearchMixin, UnmaskActionMixin, RegionScopedAdmin):
    import_kind = "expert"
    list_display = ("person", "employer_name", "region", "title_level", "status", "updated_at")
    list_filter = ("region", ExpertIndustryFilter, "status", "title_level", "title_series", "outside_region", "source")
    search_fields = ("person__name", "employer_name", "research_areas")
    list_select_related = ("person",)
    autocomplete_fields = ("home_division", "employer", "disciplines", "industries", "served_cities")
    readonly_fields = ("person", "region", "outside_region", "verified_by", "verified_at", "rating_avg", "rating_count", "status")
    show_full_result_count = False
    actions = ["verify", "suspend", "unmask"]

    @admin.action(description=_("核验所选专家"))
    def verify(self, request, queryset):
        self._transition(request, queryset, Status.VERIFIED)

    @admin.action(description=_("暂停所选专家"))
    def suspend(self, request, queryset):
        self._transition(request, queryset, Status.SUSPENDED)


@admin.register(models.Graduate)
class GraduateAdmin(ImportAdminMixin, PersonalSearchMixin, UnmaskActionMixin, RegionScopedAdmin):
    import_kind = "graduate"
    list_display = ("person", "school", "degree", "major", "graduation_year", "region", "status")
    list_filter = ("region", GraduateIndustryFilter, "status", "degree", "graduation_year", "seeking_status")
    search_fields = ("person__name", "school", "major")
    list_select_related = ("person",)
    autocomplete_fields = ("school_division", "major_discipline", "preferred_cities", "intended_industries", "intended_occupations")
    readonly_fields = ("person", "region", "status", "verified_by", "verified_at")
    show_full_result_count = False
    actions = ["verify", "unmask"]

    @admin.action(description=_("核验所选毕业生"))
    def verify(self, request, queryset):
        self._transition(request, queryset, Status.VERIFIED)


@admin.register(models.HighLevelTalent)
class HighLevelTalentAdmin(ImportAdminMixin, PersonalSearchMixin, UnmaskActionMixin, RegionScopedAdmin):
    import_kind = "talent"
    list_display = ("person", "tier", "programme", "region", "recognised_on", "status")
    list_filter = ("region", IndustryFilter, "tier", "status")
    search_fields = ("person__name", "programme", "employer_name")
    list_select_related = ("person",)
    autocomplete_fields = ("home_division", "field", "industry")
    readonly_fields = ("person", "region", "status", "verified_by", "verified_at")
    actions = ["verify", "unmask"]

    @admin.action(description=_("核验所选人才"))
    def verify(self, request, queryset):
        self._transition(request, queryset, Status.VERIFIED)


@admin.register(models.Demand)
class DemandAdmin(ImportAdminMixin, RegionScopedAdmin):
    import_kind = "demand"
    list_display = ("title", "organisation", "kind", "city", "region", "status", "published_at")
    list_filter = ("region", IndustryFilter, "status", "kind", "urgency", "min_title_level")
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


class RevealForm(forms.Form):
    purpose = forms.CharField(label=_("查看用途"), max_length=200, help_text=_("例如：核对身份、办理合作协议；将记入查看记录"))


@admin.register(models.Person)
class PersonAdmin(PersonalSearchMixin, UnmaskActionMixin, admin.ModelAdmin):
    list_display = ("name", "masked_id_number", "masked_mobile", "gender", "birth_year")
    search_fields = ("name",)
    fields = ("name", "gender", "birth_year", "masked_id_number", "masked_mobile", "masked_email", "user", "erased_at", "reveal_link")
    readonly_fields = ("masked_id_number", "masked_mobile", "masked_email", "erased_at", "reveal_link")
    raw_id_fields = ("user",)
    person_path = ""
    actions = ["unmask"]
    show_full_result_count = False

    def get_urls(self):
        return [path("reveal/", self.admin_site.admin_view(self.reveal_view), name="registry_person_reveal"), *super().get_urls()]

    @admin.display(description=_("完整个人信息"))
    def reveal_link(self, obj):
        if obj is None or not obj.pk:
            return "—"
        return format_html('<a class="button" href="{}?ids={}">查看完整信息（将被记录）</a>', reverse("admin:registry_person_reveal"), obj.pk)

    def reveal_view(self, request):
        """Reveal the clear ID number, mobile and e-mail of up to 50 persons, through personal_data_reveal (logged)."""
        if not permissions.can_reveal_personal_data(request.user):
            raise PermissionDenied("您没有查看完整个人信息的权限")
        ids = [int(i) for i in re.findall(r"\d+", request.GET.get("ids", ""))][:50]
        persons = list(models.Person.objects.filter(pk__in=ids).order_by("pk"))
        form = RevealForm(request.POST if request.method == "POST" else None)
        revealed = []
        if request.method == "POST" and form.is_valid():
            for person in persons:
                values = services.personal_data_reveal(actor=request.user, person=person, purpose=form.cleaned_data["purpose"])
                revealed.append((person, values))
        context = {
            **self.admin_site.each_context(request), "title": _("查看完整个人信息"), "opts": self.opts, "form": form,
            "persons": persons, "revealed": revealed,
        }
        response = TemplateResponse(request, "admin/registry/reveal.html", context)
        response["Cache-Control"] = "no-store"
        return response


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
    list_display = ("existing", "existing_id", "candidate", "candidate_id", "reason", "resolution", "created_at")
    list_select_related = ("existing", "candidate")

    @admin.display(description=_("已有人员证件号"))
    def existing_id(self, obj):
        return obj.existing.masked_id_number or "—"

    @admin.display(description=_("疑似重复证件号"))
    def candidate_id(self, obj):
        return obj.candidate.masked_id_number or "—"
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


@admin.register(models.ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "mode", "original_name", "created_by", "state", "progress_display", "imported_rows", "failed_rows", "duplicate_candidates")
    list_filter = ("kind", "state", "mode")
    search_fields = ("original_name", "partner")
    readonly_fields = ("kind", "mode", "original_name", "size", "partner", "created_by", "state", "progress_display", "total_rows", "processed_rows",
                       "imported_rows", "failed_rows", "duplicate_candidates", "error", "started_at", "queued_at", "heartbeat_at", "requeues", "resends", "finished_at", "summary", "report_table")
    exclude = ("file", "report", "task_id")
    change_form_template = "admin/registry/importjob_change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [path("<int:pk>/report.csv", self.admin_site.admin_view(self.report_csv), name="registry_importjob_report"), *super().get_urls()]

    @admin.display(description=_("进度"))
    def progress_display(self, obj):
        return f"{obj.progress}%"

    @admin.display(description=_("结果"))
    def summary(self, obj):
        return (obj.report or {}).get("summary") or obj.error or "—"

    @admin.display(description=_("错误报告"))
    def report_table(self, obj):
        rows = list(importing.iter_report_rows(obj.report or {}))[1:]
        if not rows:
            return "—"
        shown = rows[:500]
        body = "".join(format_html("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", r[0], r[1], r[3], r[4]) for r in shown)
        more = f"<p>仅显示前 500 条，共 {len(rows)} 条，请下载完整报告。</p>" if len(rows) > 500 else ""
        return format_html('<table><thead><tr><th>行号</th><th>列</th><th>代码</th><th>原因</th></tr></thead><tbody>{}</tbody></table>{}',
                           mark_safe(body), mark_safe(more))

    def report_csv(self, request, pk):
        job = models.ImportJob.objects.filter(pk=pk).first()
        if job is None or not self.has_view_permission(request, job):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
        response.write("\ufeff")
        csv.writer(response).writerows(importing.iter_report_rows(job.report or {}))
        return response


@admin.register(models.Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("person", "scope", "channel", "granted_at", "revoked_at")
    list_filter = ("scope", "channel")
    search_fields = ("person__name",)
    autocomplete_fields = ("person",)  # never a select of every person
    list_select_related = ("person",)
    show_full_result_count = False


@admin.register(models.DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = ("person", "kind", "state", "created_at", "handled_by", "handled_at")
    list_filter = ("kind", "state")
    search_fields = ("person__name",)
    autocomplete_fields = ("person",)
    raw_id_fields = ("handled_by",)
    list_select_related = ("person",)


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
