"""Enterprise portal: register the organisation, post and edit demand, follow its status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..choices import Status
from ..models import Demand, Organisation
from .common import guarded_write, service_update
from .forms import DEMAND_STEPS, DemandForm, OrganisationForm


def _organisations(user):
    return Organisation.objects.filter(memberships__user=user).select_related("division", "industry").order_by("name")


@login_required
def org_home(request):
    orgs = list(_organisations(request.user))
    if not orgs:
        return redirect("portal:org_register")
    rows = [(org, selectors.organisation_demands(organisation=org)) for org in orgs]
    return render(request, "portal/org_home.html", {"rows": rows})


@login_required
def org_register(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        def write(f):
            services.organisation_register(actor=request.user, **f.service_data())
            return reverse("portal:org_home")

        response = guarded_write(request, form, write, message=_("单位登记已提交，等待所在地工作人员审核；审核期间即可发布需求草稿。"), draft="org-register")
        if response:
            return response
    return render(request, "portal/org_register.html", {"form": form})


def _own_demand(user, pk) -> Demand:
    demand = get_object_or_404(Demand.objects.select_related("organisation", "industry", "city"), pk=pk)
    if not permissions.can_edit(user, demand):
        raise PermissionDenied(_("只有本单位成员可以查看和修改该需求"))
    return demand


def _demand_initial(demand: Demand) -> dict:
    initial = {f: getattr(demand, f) for f in ("kind", "title", "description", "required_skills", "min_title_level", "sharing_modes",
                                               "period_start", "period_end", "headcount", "budget_min", "budget_max", "urgency",
                                               "challenge_reward", "challenge_deadline", "expires_at")}
    initial.update(industry=demand.industry_id, city=demand.city_id, occupation=demand.occupation_id or "",
                   disciplines=list(demand.disciplines.values_list("code", flat=True)))
    return initial


@login_required
def demand_create(request):
    orgs = list(_organisations(request.user))
    if not orgs:
        messages.info(request, _("发布需求前，请先登记您的单位。"))
        return redirect(f"{reverse('portal:org_register')}")
    org_id = request.POST.get("organisation") or request.GET.get("org")
    org = next((o for o in orgs if str(o.pk) == str(org_id)), orgs[0])
    form = DemandForm(request.POST or None, initial={"city": org.division_id, "industry": org.industry_id or ""})
    if request.method == "POST":
        submit = "submit" in request.POST

        def write(f):
            demand = services.demand_create(actor=request.user, organisation=org, status=Status.DRAFT, **f.service_data())
            if submit:
                services.record_transition(actor=request.user, record=demand, to=Status.SUBMITTED, reason="单位提交审核")
            return reverse("portal:demand_manage", args=[demand.pk])

        message = _("需求已提交，等待工作人员审核发布。") if submit else _("需求草稿已保存。")
        response = guarded_write(request, form, write, message=message, draft="demand-new")
        if response:
            return response
    return render(request, "portal/demand_form.html", {"form": form, "orgs": orgs, "org": org, "creating": True, "draft_key": "demand-new"})


@login_required
def demand_manage(request, pk: int):
    demand = _own_demand(request.user, pk)
    return render(request, "portal/demand_manage.html", {"demand": demand, "editable": demand.status in (Status.DRAFT, Status.SUBMITTED)})


@login_required
def demand_edit(request, pk: int):
    demand = _own_demand(request.user, pk)
    if demand.status not in (Status.DRAFT, Status.SUBMITTED):
        messages.error(request, _("已发布或已结束的需求不能直接修改；如需调整，请关闭后重新发布，或联系工作人员。"))
        return redirect("portal:demand_manage", pk=pk)
    form = DemandForm(request.POST or None, initial=_demand_initial(demand))
    if request.method == "POST":
        submit = "submit" in request.POST

        def write(f):
            services.demand_update(actor=request.user, demand=demand, **f.service_data())
            if submit and demand.status == Status.DRAFT:
                services.record_transition(actor=request.user, record=demand, to=Status.SUBMITTED, reason="单位提交审核")

        if service_update(form, write):
            messages.success(request, _("需求已提交审核。") if submit else _("修改已保存。"), extra_tags=f"clear-draft:demand-{pk}")
            return redirect("portal:demand_manage", pk=pk)
    return render(request, "portal/demand_form.html", {"form": form, "demand": demand, "creating": False, "draft_key": f"demand-{pk}"})


OWNER_ACTIONS = {
    Status.SUBMITTED: _("提交审核"),
    Status.DRAFT: _("撤回为草稿"),
    Status.CLOSED: _("关闭需求"),
    Status.WITHDRAWN: _("撤销需求"),
}


@login_required
@require_POST
def demand_transition(request, pk: int):
    demand = _own_demand(request.user, pk)
    to = request.POST.get("to", "")
    if to not in OWNER_ACTIONS:
        messages.error(request, _("不支持的操作"))
        return redirect("portal:demand_manage", pk=pk)
    try:
        services.record_transition(actor=request.user, record=demand, to=to, reason=request.POST.get("reason", "")[:300])
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("需求状态已更新为“%(status)s”。") % {"status": demand.get_status_display()})
    return redirect("portal:demand_manage", pk=pk)


def demand_steps():
    return DEMAND_STEPS
