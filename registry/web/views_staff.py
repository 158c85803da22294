"""Staff: the review queue of a region. Every action goes through registry.services, which enforces the region."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import domain, permissions, selectors, services
from ..choices import Status
from ..models import Demand, Expert, Graduate, Organisation

KINDS = {"organisation": Organisation, "expert": Expert, "graduate": Graduate, "demand": Demand}
ACTIONS = {
    "organisation": {Status.VERIFIED: gettext_lazy("审核通过"), Status.SUSPENDED: gettext_lazy("暂停")},
    "expert": {Status.VERIFIED: gettext_lazy("核验通过"), Status.DRAFT: gettext_lazy("退回修改")},
    "graduate": {Status.VERIFIED: gettext_lazy("核验通过"), Status.DRAFT: gettext_lazy("退回修改")},
    "demand": {Status.PUBLISHED: gettext_lazy("发布"), Status.DRAFT: gettext_lazy("退回修改")},
}
NEEDS_REASON = {Status.DRAFT, Status.SUSPENDED}


def _region(request) -> str:
    user = request.user
    if user.is_superuser:
        region = request.GET.get("region") or user.region or domain.DEMAND_REGION
        return region if region in {c: n for c, n, _e in domain.REGIONS} else domain.DEMAND_REGION
    return user.region


@staff_member_required(login_url="login")
def staff_queue(request):
    region = _region(request)
    if not region:
        messages.error(request, _("您的账号未设置所属地区，无法审核记录；请联系管理员。"))
        return render(request, "portal/staff_queue.html", {"region": "", "queue": {}, "actions": ACTIONS})
    return render(request, "portal/staff_queue.html", {
        "region": region, "region_name": {c: n for c, n, _e in domain.REGIONS}.get(region, region),
        "regions": domain.REGIONS if request.user.is_superuser else (), "queue": selectors.review_queue(region=region), "actions": ACTIONS,
    })


@staff_member_required(login_url="login")
@require_POST
def staff_act(request, kind: str, pk: int):
    model = KINDS.get(kind)
    if model is None:
        return redirect("portal:staff_queue")
    record = get_object_or_404(model, pk=pk)
    to = request.POST.get("to", "")
    reason = request.POST.get("reason", "").strip()[:300]
    if to not in ACTIONS[kind]:
        messages.error(request, _("不支持的操作"))
    elif to in NEEDS_REASON and not reason:
        messages.error(request, _("“%(action)s”须填写原因，以便申请人修改：请在原因栏说明需要补充或更正的内容。") % {"action": ACTIONS[kind][to]})
    else:
        try:
            if kind == "organisation":
                services.organisation_set_status(actor=request.user, organisation=record, status=to)
            else:
                services.record_transition(actor=request.user, record=record, to=to, reason=reason)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, f"{record}：{msg}")
        except PermissionDenied as exc:
            messages.error(request, f"{record}：{exc}")
        else:
            messages.success(request, _("“%(record)s”已%(action)s。") % {"record": record, "action": ACTIONS[kind][to]})
    url = request.POST.get("back") or ""
    return redirect(url if url.startswith("/staff/") else "portal:staff_queue")


def can_act(user, record) -> bool:
    return permissions.can_staff_change(user, record)
