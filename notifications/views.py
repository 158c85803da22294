"""The inbox page (server-rendered) and its two small endpoints. The REST API lives in the API app and uses
the same selectors and services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .models import Notification


@login_required
@require_GET
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_for_user(user=request.user, unread_only=unread_only), 20).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page": page, "unread_only": unread_only, "unread": selectors.unread_count(user=request.user),
    })


@require_GET
def unread_count(request):
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "请先登录"}, status=401)
    return JsonResponse({"unread": selectors.unread_count(user=request.user)})


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def mark_read(request, pk: int):
    # another person's notification is answered as not found, never revealed
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"id": notification.pk, "read_at": notification.read_at.isoformat(), "unread": selectors.unread_count(user=request.user)})
    link = notification.link
    if request.POST.get("follow") == "1" and link.startswith("/") and not link.startswith("//"):
        return redirect(link)  # only a link inside this site
    return _back(request, "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"marked": count, "unread": 0})
    return _back(request, "notifications:inbox")
