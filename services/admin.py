"""Admin of the services app: thin, region-scoped, every write through ``services.services``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from registry.admin import RegionScopedAdmin

from . import models, selectors, services, standard


def _run(modeladmin, request, queryset, fn, done_message):
    done = 0
    for obj in queryset:
        try:
            fn(obj)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            modeladmin.message_user(request, f"{obj}: {text}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


class RegionalContactInline(admin.TabularInline):
    model = models.RegionalContact
    extra = 0
    fields = ("region", "department", "address", "phone", "hours")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj)


class VersionInline(admin.TabularInline):
    model = models.ServiceStandardVersion
    extra = 0
    fields = ("number", "status", "name", "time_limit_days", "published_on", "change_note")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("code", "current_name", "category", "batch", "is_active")
    list_filter = ("category", "batch", "is_active")
    search_fields = ("code", "versions__name")
    inlines = [VersionInline]
    actions = ["new_version"]
    change_list_template = "admin/services/serviceitem/change_list.html"

    def has_add_permission(self, request):
        return False  # new items come from the jointly agreed catalogue (services/catalogue_data.py, seed_services)

    @admin.action(description=_("新建草稿版本（复制现行标准）"), permissions=["change"])
    def new_version(self, request, queryset):
        _run(self, request, queryset, lambda i: services.standard_new_version(actor=request.user, item=i, change_note="后台新建草稿，待修改"),
             _("已为 %(n)d 个事项新建草稿版本"))

    @admin.display(description=_("事项名称"))
    def current_name(self, obj):
        version = obj.current_version
        return version.name if version else "（未发布）"

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    # --- 办件统计: the report of services.selectors.service_report, as a page and as an Excel file ---
    def get_urls(self):
        from django.urls import path

        return [path("report/", self.admin_site.admin_view(self.report_view), name="services_serviceitem_report"), *super().get_urls()]

    def report_view(self, request):
        from django.http import HttpResponse
        from django.template.response import TemplateResponse

        from .report import COLUMNS, ReportFilter, report_rows, report_xlsx

        if not request.user.has_perm("services.view_serviceitem"):  # aggregates only: no applicant's data
            raise PermissionDenied
        form = ReportFilter(request.GET or None)
        report = None
        if form.is_valid() or not request.GET:
            data = form.cleaned_data if form.is_bound else {}
            report = selectors.service_report(start=data.get("start"), end=data.get("end"))
            if request.GET.get("format") == "xlsx":
                response = HttpResponse(report_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                response["Content-Disposition"] = 'attachment; filename="service-report.xlsx"'
                return response
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": _("同事同标办件统计"), "form": form,
                   "columns": [label for _key, label in COLUMNS], "sections": report_rows(report) if report else [], "total": report["total"] if report else None}
        return TemplateResponse(request, "admin/services/report.html", context)


class StandardVersionForm(forms.ModelForm):
    class Meta:
        model = models.ServiceStandardVersion
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if self.instance.pk and not self.instance.is_published:
            merged = {**self.instance.standard(), **{k: v for k, v in data.items() if k in standard.STANDARD_FIELDS}}
            for field, problems in standard.validate(merged).items():
                for problem in problems:
                    self.add_error(field if field in self.fields else None, problem)
        return data


@admin.register(models.ServiceStandardVersion)
class ServiceStandardVersionAdmin(admin.ModelAdmin):
    form = StandardVersionForm
    list_display = ("item", "number", "name", "status", "time_limit_days", "published_on")
    list_filter = ("status", "item__category")
    search_fields = ("name", "item__code")
    actions = ["publish"]

    def has_add_permission(self, request):
        return False  # a new version is made from its item (action “新建草稿版本”), then edited here

    def has_change_permission(self, request, obj=None):
        # a published version is shown read-only (view permission); only drafts are edited
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_published)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [f.name for f in self.model._meta.fields]
        return ("status", "published_on", "published_by", "number")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_published)

    def save_model(self, request, obj, form, change):
        if change:
            services.standard_update_draft(actor=request.user, version=obj, **{f: form.cleaned_data[f] for f in form.changed_data if f in obj.standard() or f == "change_note"})
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("发布所选草稿版本"), permissions=["change"])
    def publish(self, request, queryset):
        _run(self, request, queryset, lambda v: services.standard_publish(actor=request.user, version=v), _("已发布 %(n)d 个版本"))


@admin.register(models.RegionalContact)
class RegionalContactAdmin(RegionScopedAdmin):
    list_display = ("item", "region", "department", "phone", "hours")
    list_filter = ("region",)
    search_fields = ("item__code", "department")

    def save_model(self, request, obj, form, change):
        services.regional_contact_set(actor=request.user, item=obj.item, region=obj.region, department=obj.department, address=obj.address,
                                      phone=obj.phone, hours=obj.hours)


@admin.register(models.HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name", "created_by")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def get_readonly_fields(self, request, obj=None):
        return ("date", "created_by") if obj else ("created_by",)  # a different date is a different row

    def save_model(self, request, obj, form, change):
        services.holiday_override_set(actor=request.user, date=obj.date, is_workday=obj.is_workday, name=obj.name)

    def changelist_view(self, request, extra_context=None):
        for row in selectors.holiday_years_status():
            if row["provisional"]:
                self.message_user(request, f"{row['year']}年节假日安排尚未公布或录入：该年的办理期限按周末推算，标为“暂定”", messages.WARNING)
        return super().changelist_view(request, extra_context)


class EventInline(admin.TabularInline):
    model = models.ApplicationEvent
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "actor", "actor_region", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MaterialInline(admin.TabularInline):
    model = models.ApplicationMaterial
    extra = 0
    fields = ("key", "original_name", "format", "size", "supplement", "uploaded_at", "file")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MailingRevealForm(forms.Form):
    purpose = forms.CharField(label=_("查看用途"), max_length=150, help_text=_("例如：邮寄办理结果。查看记录保存备查。"))


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only record with its history; staff of the 受理地 accept, staff of the 办理地 start processing.
    Steps that need a reason or a file are taken in the staff portal (which calls the same services)."""

    list_display = ("number", "item", "accept_region", "handle_region", "status", "due_on", "deadline", "submitted_at")
    list_filter = ("status", "accept_region", "handle_region", "item__category")
    search_fields = ("number", "item__code")
    list_select_related = ("item", "version")
    inlines = [MaterialInline, EventInline]
    exclude = ("mail_phone", "mail_address")
    actions = ["accept", "start_processing"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude] + ["deadline", "mailing"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return selectors.applications_for_staff(request.user) if not request.user.is_superuser else super().get_queryset(request)

    @admin.display(description=_("邮寄信息"))
    def mailing(self, obj):
        if obj.delivery != models.Application.Delivery.MAIL:
            return "—"
        from django.urls import reverse

        from registry import identifiers

        return format_html('{} <a href="{}">{}</a>', identifiers.mask_mobile(obj.mail_phone or ""),
                           reverse("admin:services_application_mailing", args=[obj.pk]), _("查看完整邮寄信息（将被记录）"))

    def get_urls(self):
        from django.urls import path

        return [path("<int:pk>/mailing/", self.admin_site.admin_view(self.mailing_view), name="services_application_mailing"), *super().get_urls()]

    def mailing_view(self, request, pk: int):
        """办理地 staff see the clear mailing phone and address after stating why; each reveal is logged."""
        from django.http import Http404
        from django.template.response import TemplateResponse

        application = self.get_queryset(request).filter(pk=pk).first()
        if application is None:
            raise Http404
        form = MailingRevealForm(request.POST or None)
        revealed = None
        if request.method == "POST" and form.is_valid():
            try:
                revealed = services.application_mailing_reveal(actor=request.user, application=application, purpose=form.cleaned_data["purpose"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": application, "form": form, "revealed": revealed,
                   "title": _("邮寄信息")}
        return TemplateResponse(request, "admin/services/application_mailing.html", context)

    @admin.display(description=_("期限状态"))
    def deadline(self, obj):
        d = selectors.application_deadline(obj)
        return d.label + ("（暂定）" if d.provisional else "")

    @admin.action(description=_("受理所选申请（受理地）"))
    def accept(self, request, queryset):
        _run(self, request, queryset, lambda a: services.application_accept(actor=request.user, application=a), _("已受理 %(n)d 件"))

    @admin.action(description=_("开始办理所选申请（办理地）"))
    def start_processing(self, request, queryset):
        _run(self, request, queryset, lambda a: services.application_start_processing(actor=request.user, application=a), _("已开始办理 %(n)d 件"))


@admin.register(models.ServiceRating)
class ServiceRatingAdmin(admin.ModelAdmin):
    list_display = ("application", "score", "created_at")
    list_filter = ("score",)
    readonly_fields = ("application", "score", "comment", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CardEventInline(admin.TabularInline):
    model = models.TalentCardEvent
    extra = 0
    fields = ("at", "action", "actor", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.TalentCard)
class TalentCardAdmin(RegionScopedAdmin):
    list_display = ("number", "talent", "region", "tier", "status", "valid_until")
    list_filter = ("region", "tier", "status")
    search_fields = ("number", "talent__person__name")
    list_select_related = ("talent__person",)
    readonly_fields = ("number", "talent", "region", "tier", "status", "issued_on", "valid_from", "valid_until", "status_reason", "issued_by", "qr_code")
    filter_horizontal = ("entitled_services",)
    inlines = [CardEventInline]
    actions = ["renew", "reinstate"]

    def has_add_permission(self, request):
        return False  # cards are issued through services.talent_card_issue (staff portal)

    @admin.display(description=_("核验二维码"))
    def qr_code(self, obj):
        return format_html("<div>{}</div>", mark_safe(selectors.talent_card_qr_svg(obj)))

    @admin.action(description=_("续期所选人才卡"))
    def renew(self, request, queryset):
        _run(self, request, queryset, lambda c: services.talent_card_renew(actor=request.user, card=c), _("已续期 %(n)d 张"))

    @admin.action(description=_("恢复所选人才卡"))
    def reinstate(self, request, queryset):
        _run(self, request, queryset, lambda c: services.talent_card_reinstate(actor=request.user, card=c), _("已恢复 %(n)d 张"))


@admin.register(models.Recognition)
class RecognitionAdmin(RegionScopedAdmin):
    list_display = ("qualification_name", "kind", "origin_region", "target_region", "status", "decided_at")
    list_filter = ("kind", "status", "origin_region", "target_region")
    search_fields = ("qualification_name", "certificate_number")
    readonly_fields = [f.name for f in models.Recognition._meta.fields]
    actions = ["recognise"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("予以认可（认可地）"))
    def recognise(self, request, queryset):
        _run(self, request, queryset, lambda r: services.recognition_decide(actor=request.user, recognition=r, recognise=True), _("已认可 %(n)d 件"))
