"""Matching pages over the matching app: recommended experts with their explanation and invitations (enterprise),
the invitation inbox and recommended demands (expert), recommended positions (graduate), engagements and ratings
(both sides). Reads through ``matching.selectors``, writes through ``matching.services``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from matching import lifecycle
from matching import selectors as matching_selectors
from matching import services as matching_services
from matching.models import Application as MatchApplication
from matching.models import (
    ApplicationMember,
    Engagement,
    Invitation,
    Rating,
    Recommendation,
)

from ..choices import Status
from ..models import Demand, Expert, Graduate, Organisation
from . import roles
from .common import guarded_write
from .forms_matching import (
    AcceptForm,
    ApplyDemandForm,
    DeclineForm,
    EngagementRatingForm,
    InviteForm,
    TeamConfirmForm,
    TerminateForm,
    common_modes,
)
from .views_enterprise import _own_demand

STATUS_LABELS = lifecycle.LABELS_ZH
DECLINE_LABELS = {code: zh for code, zh, _en in lifecycle.DECLINE_REASONS}


def _latest_batch(qs, key: str) -> list[Recommendation]:
    """The newest batch of recommendations (one request's rows), one per ``key`` (expert or demand), by rank."""
    newest = qs.first()
    if newest is None:
        return []
    seen, batch = set(), []
    for rec in qs.filter(created_at__gte=newest.created_at - dt.timedelta(seconds=30)).order_by("-created_at", "rank"):
        k = getattr(rec, key)
        if k not in seen:
            seen.add(k)
            batch.append(rec)
    return sorted(batch, key=lambda r: r.rank)


def _explanation(rec) -> str:
    return rec.explanation_en if (get_language() or "").startswith("en") and rec.explanation_en else rec.explanation_zh


def _run(request, write, ok: str):
    """A one-click action (no form fields): service errors become messages."""
    try:
        write()
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return False
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, ok)
    return True


def _expert_of(user) -> Expert | None:
    person = roles.person_of(user)
    return Expert.objects.filter(person=person).select_related("person").first() if person else None


# --- enterprise: recommended experts, invitations, applications --------------------------------------------


@login_required
def demand_experts(request, pk: int):
    demand = _own_demand(request.user, pk)
    here = reverse("portal:demand_experts", args=[pk])
    failed: dict[str, object] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "recommend":
            recs = []
            if _run(request, lambda: recs.extend(matching_services.recommend_experts_for_demand(demand=demand, k=10, actor=request.user)),
                    _("已生成推荐。")) and not recs:
                messages.info(request, _("暂无符合条件的专家：需求须已发布，且专家须已核验、接受共同的合作方式并同意用于匹配。"))
            return redirect(here)
        if action == "invite":
            rec = get_object_or_404(Recommendation, pk=request.POST.get("recommendation"), demand=demand)
            form = InviteForm(request.POST, prefix=f"i{rec.pk}", modes=common_modes(demand, rec.expert))

            def write(f):
                d = f.service_data()
                matching_services.invitation_create(actor=request.user, demand=demand, expert=rec.expert, recommendation=rec,
                                                    message=d["message"], proposed_mode=d["proposed_mode"], proposed_terms=d["proposed_terms"],
                                                    expires_on=d["expires_on"])
                return here + "#invitations"

            response = guarded_write(request, form, write, message=_("邀请已发出，等待专家答复。"), probe=False)
            if response:
                return response
            failed[f"i{rec.pk}"] = form
        elif action == "withdraw":
            invitation = get_object_or_404(Invitation, pk=request.POST.get("invitation"), demand=demand)
            _run(request, lambda: matching_services.invitation_withdraw(actor=request.user, invitation=invitation), _("邀请已撤回。"))
            return redirect(here + "#invitations")
        elif action in ("accept_application", "decline_application"):
            application = get_object_or_404(MatchApplication, pk=request.POST.get("application"), demand=demand)
            if action == "accept_application":
                _run(request, lambda: matching_services.application_answer(actor=request.user, application=application, accept=True),
                     _("已接受申请，合作已建立。"))
                return redirect(here + "#applications")
            form = DeclineForm(request.POST, prefix=f"d{application.pk}")

            def write(f):
                matching_services.application_answer(actor=request.user, application=application, accept=False,
                                                     reason=f.cleaned_data["reason"], note=f.cleaned_data["note"])
                return here + "#applications"

            response = guarded_write(request, form, write, message=_("已谢绝该申请。"))
            if response:
                return response
            failed[f"d{application.pk}"] = form
    recs = _latest_batch(matching_selectors.recommendations_for_demand(demand).filter(direction=Recommendation.Direction.EXPERTS_FOR_DEMAND), "expert_id")
    invitations = list(matching_selectors.invitations_for_demand(demand).order_by("-created_at"))
    pending_experts = {i.expert_id for i in invitations if i.status == Invitation.Status.PENDING}
    rows = []
    for rec in recs:
        prefix = f"i{rec.pk}"
        rows.append({"rec": rec, "explanation": _explanation(rec), "invited": rec.expert_id in pending_experts,
                     "form": failed.get(prefix) or InviteForm(prefix=prefix, modes=common_modes(demand, rec.expert))})
    applications = [{"app": a, "decline": failed.get(f"d{a.pk}") or DeclineForm(prefix=f"d{a.pk}")}
                    for a in matching_selectors.applications_for_demand(demand).order_by("-created_at")]
    return render(request, "portal/demand_experts.html", {
        "demand": demand, "rows": rows, "invitations": invitations, "applications": applications, "labels": STATUS_LABELS,
        "decline_labels": DECLINE_LABELS, "published": demand.status == Status.PUBLISHED,
        "engagements": Engagement.objects.filter(demand=demand).select_related("expert__person").order_by("-created_at"),
    })


# --- engagements and ratings (both sides) ----------------------------------------------------------------


@login_required
def engagements(request):
    user = request.user
    expert = _expert_of(user)
    orgs = list(Organisation.objects.filter(memberships__user=user))
    if expert is None and not orgs:
        messages.info(request, _("登记为专家或用人单位后，才会有合作记录。"))
        return redirect("portal:dashboard")
    qs = Engagement.objects.none()
    if expert is not None:
        qs = qs | Engagement.objects.filter(expert=expert)
    if orgs:
        qs = qs | Engagement.objects.filter(organisation__in=orgs)
    items = list(qs.select_related("demand", "organisation", "expert__person").order_by("-created_at").distinct())
    failed: dict[str, object] = {}
    if request.method == "POST":
        engagement = next((e for e in items if str(e.pk) == request.POST.get("engagement")), None)
        if engagement is None:
            raise PermissionDenied(_("只有合作双方可以操作该合作"))
        action = request.POST.get("action")
        here = reverse("portal:engagements") + f"#e{engagement.pk}"
        if action == "complete":
            _run(request, lambda: matching_services.engagement_complete(actor=user, engagement=engagement), _("已确认合作完成，请评价本次合作。"))
            return redirect(here)
        if action == "terminate":
            form = TerminateForm(request.POST, prefix=f"t{engagement.pk}")

            def write(f):
                matching_services.engagement_terminate(actor=user, engagement=engagement, reason=f.cleaned_data["reason"])
                return here

            response = guarded_write(request, form, write, message=_("合作已终止。"))
            if response:
                return response
            failed[f"t{engagement.pk}"] = form
        if action == "rate":
            form = EngagementRatingForm(request.POST, prefix=f"r{engagement.pk}")

            def write(f):
                matching_services.rating_submit(actor=user, engagement=engagement, score=f.cleaned_data["score"], comment=f.cleaned_data["comment"])
                return here

            response = guarded_write(request, form, write, message=_("感谢您的评价。"))
            if response:
                return response
            failed[f"r{engagement.pk}"] = form
    rated = {(r.engagement_id, r.side) for r in Rating.objects.filter(engagement__in=[e.pk for e in items])}
    rows = []
    for e in items:
        side = Rating.Side.EXPERT if expert is not None and e.expert_id == expert.pk else Rating.Side.ENTERPRISE
        rows.append({
            "e": e, "side": side, "rated": (e.pk, side) in rated,
            "rate": failed.get(f"r{e.pk}") or EngagementRatingForm(prefix=f"r{e.pk}"),
            "terminate": failed.get(f"t{e.pk}") or TerminateForm(prefix=f"t{e.pk}"),
            "ratings": [r for r in e.ratings.all()],
        })
    return render(request, "portal/engagements.html", {
        "rows": rows, "labels": STATUS_LABELS, "expert": expert,
        "received": matching_selectors.ratings_of_expert(expert) if expert else [],
    })


# --- expert: invitation inbox, applications, recommended demands ------------------------------------------


@login_required
def expert_inbox(request):
    expert = _expert_of(request.user)
    if expert is None:
        return redirect("portal:expert_register")
    here = reverse("portal:expert_inbox")
    failed: dict[str, object] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("accept", "decline"):
            invitation = get_object_or_404(Invitation, pk=request.POST.get("invitation"), expert=expert)
            if action == "accept":
                form = AcceptForm(request.POST, prefix=f"a{invitation.pk}", modes=common_modes(invitation.demand, expert))

                def write(f):
                    d = f.cleaned_data
                    matching_services.invitation_answer(actor=request.user, invitation=invitation, accept=True, coi_declaration=d["coi_declaration"],
                                                        confidentiality_undertaking=d["confidentiality_undertaking"], mode=d["mode"],
                                                        start_date=d["start_date"], end_date=d["end_date"])
                    return reverse("portal:engagements")

                message = _("已接受邀请，合作已建立。")
            else:
                form = DeclineForm(request.POST, prefix=f"d{invitation.pk}")

                def write(f):
                    matching_services.invitation_answer(actor=request.user, invitation=invitation, accept=False,
                                                        reason=f.cleaned_data["reason"], note=f.cleaned_data["note"])
                    return here

                message = _("已谢绝邀请。")
            response = guarded_write(request, form, write, message=message)
            if response:
                return response
            failed[form.prefix] = form
        elif action == "withdraw_application":
            application = get_object_or_404(MatchApplication, pk=request.POST.get("application"), expert=expert)
            _run(request, lambda: matching_services.application_withdraw(actor=request.user, application=application), _("申请已撤回。"))
            return redirect(here + "#applications")
    pending, answered = [], []
    for inv in matching_selectors.invitations_for_expert(expert).order_by("-created_at"):
        if inv.status == Invitation.Status.PENDING:
            modes = common_modes(inv.demand, expert)
            pending.append({"inv": inv, "accept": failed.get(f"a{inv.pk}") or AcceptForm(prefix=f"a{inv.pk}", modes=modes),
                            "decline": failed.get(f"d{inv.pk}") or DeclineForm(prefix=f"d{inv.pk}")})
        else:
            answered.append(inv)
    return render(request, "portal/expert_inbox.html", {
        "expert": expert, "pending": pending, "answered": answered, "labels": STATUS_LABELS, "decline_labels": DECLINE_LABELS,
        "applications": matching_selectors.applications_for_expert(expert).order_by("-created_at"),
    })


@login_required
def expert_recommended(request):
    expert = _expert_of(request.user)
    if expert is None:
        return redirect("portal:expert_register")
    here = reverse("portal:expert_recommended")
    failed: dict[str, object] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "recommend":
            recs = []
            if _run(request, lambda: recs.extend(matching_services.recommend_demands_for_expert(expert=expert, k=10, actor=request.user)),
                    _("已生成推荐。")) and not recs:
                messages.info(request, _("暂无推荐：专家资料核验通过后，才会推荐与您的领域和服务方式相符的已发布需求。"))
            return redirect(here)
        if action == "apply":
            demand = get_object_or_404(Demand, pk=request.POST.get("demand"), status=Status.PUBLISHED)
            form = ApplyDemandForm(request.POST, prefix=f"p{demand.pk}", modes=common_modes(demand, expert))

            def write(f):
                d = f.cleaned_data
                team = _team_experts(d["team"])
                matching_services.application_submit(actor=request.user, demand=demand, proposal=d["proposal"], proposed_mode=d["proposed_mode"],
                                                     team=team, coi_declaration=d["coi_declaration"],
                                                     confidentiality_undertaking=d["confidentiality_undertaking"])
                return reverse("portal:expert_inbox") + "#applications"

            response = guarded_write(request, form, write, message=_("申请已提交，等待需求单位答复。"), probe=False)
            if response:
                return response
            failed[f"p{demand.pk}"] = form
    recs = _latest_batch(matching_selectors.recommendations_for_expert(expert).filter(direction=Recommendation.Direction.DEMANDS_FOR_EXPERT), "demand_id")
    rows = [{"rec": r, "explanation": _explanation(r), "form": failed.get(f"p{r.demand_id}") or ApplyDemandForm(prefix=f"p{r.demand_id}", modes=common_modes(r.demand, expert))}
            for r in recs]
    return render(request, "portal/expert_recommended.html", {"expert": expert, "rows": rows})


def _team_experts(numbers: list[int]) -> list[Expert]:
    """The experts a lead names by number; an unknown number is an error on the field (the service checks the rest)."""
    found = {e.pk: e for e in Expert.objects.filter(pk__in=numbers)}
    missing = [str(n) for n in numbers if n not in found]
    if missing:
        raise ValidationError({"team": _("未找到专家编号：%(numbers)s") % {"numbers": "、".join(missing)}})
    return [found[n] for n in numbers]


# --- expert: team applications (组团服务) to confirm -------------------------------------------------------


@login_required
def expert_teams(request):
    expert = _expert_of(request.user)
    if expert is None:
        return redirect("portal:expert_register")
    memberships = list(matching_selectors.team_memberships_for_expert(expert))
    return render(request, "portal/expert_teams.html", {
        "expert": expert, "pending": [m for m in memberships if m.awaiting], "others": [m for m in memberships if not m.awaiting],
        "labels": STATUS_LABELS,
    })


@login_required
def team_confirm(request, pk: int):
    expert = _expert_of(request.user)
    if expert is None:
        return redirect("portal:expert_register")
    # only a named member sees the application (another expert's team is not revealed)
    member = get_object_or_404(ApplicationMember.objects.select_related("application__demand__organisation", "application__expert__person"),
                               application_id=pk, expert=expert, role=ApplicationMember.Role.MEMBER)
    application = member.application
    form = TeamConfirmForm(request.POST or None, prefix="c")
    if request.method == "POST":
        def write(f):
            d = f.cleaned_data
            matching_services.application_member_confirm(actor=request.user, application=application, coi_declaration=d["coi_declaration"],
                                                         confidentiality_undertaking=d["confidentiality_undertaking"])
            return reverse("portal:team_confirm", args=[application.pk])

        response = guarded_write(request, form, write, message=_("您已确认加入该团队，等待需求单位答复。"))
        if response:
            return response
        member.refresh_from_db()
        application.refresh_from_db()
    team = list(application.team.select_related("expert__person").order_by("-role", "pk"))
    return render(request, "portal/team_confirm.html", {
        "member": member, "app": application, "demand": application.demand, "team": team, "form": form, "labels": STATUS_LABELS,
        "can_confirm": member.confirmed_at is None and application.status == MatchApplication.Status.SUBMITTED,
    })


# --- graduate: recommended positions ------------------------------------------------------------------


@login_required
def graduate_positions(request):
    person = roles.person_of(request.user)
    graduate = Graduate.objects.filter(person=person).first() if person else None
    if graduate is None:
        return redirect("portal:graduate_register")
    if request.method == "POST":
        recs = []
        if _run(request, lambda: recs.extend(matching_services.recommend_positions_for_graduate(graduate=graduate, k=10, actor=request.user)),
                _("已生成推荐。")) and not recs:
            messages.info(request, _("暂无推荐：资料核验通过且求职状态为“求职中”或“可考虑机会”时，才会推荐已发布的岗位。"))
        return redirect("portal:graduate_positions")
    qs = (Recommendation.objects.filter(graduate=graduate, direction=Recommendation.Direction.POSITIONS_FOR_GRADUATE)
          .select_related("demand__organisation", "demand__city").order_by("-created_at", "rank"))
    rows = [{"rec": r, "explanation": _explanation(r)} for r in _latest_batch(qs, "demand_id")]
    return render(request, "portal/graduate_positions.html", {"graduate": graduate, "rows": rows})
