"""The personal portals: dashboard, expert and graduate registration and profiles, consents, talent recognitions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..choices import ConsentScope, Source, Status
from ..models import Expert, Graduate, HighLevelTalent, Organisation
from . import roles
from .common import guarded_write, service_update
from .forms import (
    ConsentForm,
    ExpertProfileForm,
    ExpertRegisterForm,
    GraduateProfileForm,
    GraduateRegisterForm,
)


def _consents(person) -> set[str]:
    if person is None:
        return set()
    return set(person.consents.filter(revoked_at=None).values_list("scope", flat=True))


@login_required
def dashboard(request):
    user = request.user
    person = roles.person_of(user)
    user_roles = roles.roles_of(user)
    context = {
        "roles": user_roles,
        "person": person,
        "organisations": Organisation.objects.filter(memberships__user=user).order_by("name"),
        "expert": Expert.objects.filter(person=person).first() if person else None,
        "graduate": Graduate.objects.filter(person=person).first() if person else None,
        "talents": HighLevelTalent.objects.filter(person=person) if person else [],
        "consents": _consents(person),
        "consent_form": ConsentForm(initial={"consent_public": ConsentScope.PUBLIC_DIRECTORY in _consents(person),
                                             "consent_share": ConsentScope.SHARE_WITH_ORGANISATIONS in _consents(person)}),
    }
    if roles.STAFF in user_roles and user.region:
        context["queue_sizes"] = {k: qs.count() for k, qs in selectors.review_queue(region=user.region).items()}
    return render(request, "portal/dashboard.html", context)


@login_required
def expert_register(request):
    person = roles.person_of(request.user)
    if person and Expert.objects.filter(person=person).exists():
        return redirect("portal:expert_profile")
    initial = {"name": person.name if person else "", "email": request.user.email}
    form = ExpertRegisterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        def write(f):
            data = f.service_data()
            expert = services.expert_register(actor=request.user, source=Source.SELF, status=Status.SUBMITTED, **data)
            if f.cleaned_data.get("consent_public"):
                services.consent_grant(person=expert.person, scope=ConsentScope.PUBLIC_DIRECTORY)
            return reverse("portal:expert_profile")

        response = guarded_write(request, form, write, message=_("专家登记已提交，等待工作人员核验。"), draft="expert-register")
        if response:
            return response
    return render(request, "portal/expert_form.html", {"form": form, "registering": True, "draft_key": "expert-register"})


def _expert_initial(expert: Expert) -> dict:
    initial = {f: getattr(expert, f) for f in services.EXPERT_FIELDS}
    initial.update(
        home_division=expert.home_division_id, sharing_modes=expert.sharing_modes,
        disciplines=list(expert.disciplines.values_list("code", flat=True)), industries=list(expert.industries.values_list("code", flat=True)),
        served_cities=list(expert.served_cities.values_list("code", flat=True)),
    )
    return initial


@login_required
def expert_profile(request):
    person = roles.person_of(request.user)
    expert = Expert.objects.filter(person=person).select_related("home_division").first() if person else None
    if expert is None:
        return redirect("portal:expert_register")
    form = ExpertProfileForm(request.POST or None, initial=_expert_initial(expert))
    if request.method == "POST" and service_update(form, lambda f: services.expert_update(actor=request.user, expert=expert, **f.service_data())):
        messages.success(request, _("专家资料已保存。"), extra_tags="clear-draft:expert-profile")
        return redirect("portal:expert_profile")
    return render(request, "portal/expert_form.html", {"form": form, "expert": expert, "registering": False, "draft_key": "expert-profile"})


@login_required
def graduate_register(request):
    person = roles.person_of(request.user)
    if person and Graduate.objects.filter(person=person).exists():
        return redirect("portal:graduate_profile")
    form = GraduateRegisterForm(request.POST or None, initial={"name": person.name if person else "", "email": request.user.email})
    if request.method == "POST":
        def write(f):
            services.graduate_register(actor=request.user, source=Source.SELF, status=Status.SUBMITTED, **f.service_data())
            return reverse("portal:graduate_profile")

        response = guarded_write(request, form, write, message=_("毕业生信息已提交，等待工作人员核验。"), draft="graduate-register")
        if response:
            return response
    return render(request, "portal/graduate_form.html", {"form": form, "registering": True, "draft_key": "graduate-register"})


@login_required
def graduate_profile(request):
    person = roles.person_of(request.user)
    graduate = Graduate.objects.filter(person=person).first() if person else None
    if graduate is None:
        return redirect("portal:graduate_register")
    initial = {f: getattr(graduate, f) for f in services.GRADUATE_FIELDS}
    initial.update(school_division=graduate.school_division_id, major_discipline=graduate.major_discipline_id or "",
                   preferred_cities=list(graduate.preferred_cities.values_list("code", flat=True)),
                   intended_industries=list(graduate.intended_industries.values_list("code", flat=True)))
    form = GraduateProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and service_update(form, lambda f: services.graduate_update(actor=request.user, graduate=graduate, **f.service_data())):
        messages.success(request, _("毕业生资料已保存。"), extra_tags="clear-draft:graduate-profile")
        return redirect("portal:graduate_profile")
    return render(request, "portal/graduate_form.html", {"form": form, "graduate": graduate, "registering": False, "draft_key": "graduate-profile"})


@login_required
@require_POST
def consent_update(request):
    """Grant or revoke the separate consents (PIPL): each scope on its own."""
    person = roles.person_of(request.user)
    if person is None:
        messages.error(request, _("您尚未登记个人信息，无需设置同意事项。"))
        return redirect("portal:dashboard")
    form = ConsentForm(request.POST)
    form.is_valid()
    wanted = {ConsentScope.PUBLIC_DIRECTORY: form.cleaned_data.get("consent_public", False),
              ConsentScope.SHARE_WITH_ORGANISATIONS: form.cleaned_data.get("consent_share", False)}
    with transaction.atomic():
        for scope, on in wanted.items():
            if on:
                services.consent_grant(person=person, scope=scope)
            else:
                services.consent_revoke(person=person, scope=scope)
    messages.success(request, _("同意设置已更新。"))
    return redirect("portal:dashboard")


@login_required
def talent_home(request):
    person = roles.person_of(request.user)
    talents = HighLevelTalent.objects.filter(person=person).select_related("field", "home_division") if person else []
    return render(request, "portal/talent_home.html", {"talents": talents})
