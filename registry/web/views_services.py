"""Talent and services portal over the services app (同事同标 / 区域通办): the catalogue with each item's single
standard, online application with uploads, status with the due date, answering a 补正 notice, rating, the
京津冀人才卡 with its QR; and the staff side: applications to accept or handle, with due dates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from services import selectors as service_selectors
from services import services as service_services
from services import standard, workflow
from services.models import Application, ApplicationMaterial, Recognition, ServiceItem

from .. import domain
from . import pending_uploads, roles, tokens
from .common import guarded_write
from .forms import (
    ApplicationForm,
    RatingForm,
    RecognitionDecideForm,
    RecognitionForm,
    SupplementForm,
)

REGION_NAMES = domain.REGION_NAMES_ZH
CATEGORY_LABELS = {code: zh for code, zh, _en in standard.CATEGORIES}
CHANNEL_LABELS = {"online": "网上办理", "window": "窗口办理", "mail": "邮寄送达"}


def catalogue(request):
    category = request.GET.get("category") or None
    search = (request.GET.get("q") or "").strip()[:50] or None
    items = service_selectors.catalogue(category=category if category in CATEGORY_LABELS else None, search=search)
    return render(request, "portal/services_catalogue.html", {
        "items": items, "categories": standard.CATEGORIES, "category": category, "q": search or "",
    })


def _item(code: str) -> ServiceItem:
    item = service_selectors.catalogue().filter(code=code).first()
    if item is None:
        raise Http404
    return item


def item_detail(request, code: str):
    item = _item(code)
    version = item.current_version
    contacts = sorted(item.contacts.all(), key=lambda c: c.region)
    return render(request, "portal/service_item.html", {
        "item": item, "version": version, "contacts": contacts, "category": CATEGORY_LABELS.get(item.category, item.category),
        "channels": [CHANNEL_LABELS.get(c, c) for c in version.channels], "history": service_selectors.item_history(item),
    })


@login_required
def apply(request, code: str):
    item = _item(code)
    version = item.current_version
    person = roles.person_of(request.user)
    initial = {"accept_region": getattr(request.user, "region", "") or "13"}
    token = request.POST.get(tokens.FIELD) if request.method == "POST" else None
    files = pending_uploads.restore(request, token, request.FILES, drop=request.POST.getlist(pending_uploads.DROP_FIELD)) if token else None
    form = ApplicationForm(request.POST or None, files, version=version, initial=initial)
    if request.method == "POST":
        def write(f):
            application = service_services.application_submit(actor=request.user, item=item, **f.service_data())
            return reverse("portal:application_detail", args=[application.pk])

        response = guarded_write(request, form, write, message=_("申请已提交。受理地工作人员将进行形式审查，请留意办理状态。"), draft=f"apply-{code}", probe=False)
        if response:
            pending_uploads.discard(request, token, files)
            return response
        pending_uploads.keep(request, token, form)
    return render(request, "portal/service_apply.html", {"item": item, "version": version, "form": form, "person": person, "draft_key": f"apply-{code}",
                                                         "kept": pending_uploads.kept(request, token)})


@login_required
def my_applications(request):
    apps = list(service_selectors.applications_of_applicant(request.user))
    calendar = service_selectors.workday_calendar()
    rows = [(a, service_selectors.application_deadline(a, calendar=calendar)) for a in apps]
    return render(request, "portal/applications.html", {"rows": rows})


def _application_for(user, pk: int) -> tuple[Application, dict]:
    app = get_object_or_404(Application.objects.select_related("version", "item", "applicant"), pk=pk)
    sides = {side: service_selectors.can_act(user, app, side) for side in ("applicant", "accept", "handle")}
    if not any(sides.values()):
        raise Http404  # another person's application is not revealed
    return app, sides


@login_required
def application_detail(request, pk: int):
    app, sides = _application_for(request.user, pk)
    if not sides["applicant"]:
        return redirect("portal:staff_application", pk=pk)
    notice = getattr(app, "correction", None) if hasattr(app, "correction") else None
    supplement_form = rating_form = None
    if app.status == workflow.CORRECTION and notice is not None:
        supplement_form = SupplementForm(version=app.version, notice=notice)
    rated = hasattr(app, "rating")
    if app.status == workflow.COMPLETED and not rated:
        rating_form = RatingForm()
    kept: dict = {}
    if request.method == "POST":
        action = request.POST.get("action")
        done = tokens.result_of(request.POST.get(tokens.FIELD))
        if done:
            messages.info(request, _("该表单已经提交过，没有重复处理。"))
            return redirect(done)
        if action == "supplement" and supplement_form is not None:
            token = request.POST.get(tokens.FIELD)
            files = pending_uploads.restore(request, token, request.FILES, drop=request.POST.getlist(pending_uploads.DROP_FIELD))
            supplement_form = SupplementForm(request.POST, files, version=app.version, notice=notice)

            def write(f):
                service_services.application_supplement(actor=request.user, application=app, files=f.files_by_key())
                return reverse("portal:application_detail", args=[app.pk])

            response = guarded_write(request, supplement_form, write, message=_("补正材料已提交，办理时限继续计算。"), probe=False)
            if response:
                pending_uploads.discard(request, token, files)
                return response
            pending_uploads.keep(request, token, supplement_form)
            kept = pending_uploads.kept(request, token)
        elif action == "rate" and rating_form is not None:
            rating_form = RatingForm(request.POST)

            def write(f):
                service_services.application_rate(actor=request.user, application=app, score=f.cleaned_data["score"], comment=f.cleaned_data["comment"])
                return reverse("portal:application_detail", args=[app.pk])

            response = guarded_write(request, rating_form, write, message=_("感谢您的评价。"))
            if response:
                return response
        elif action == "withdraw":
            try:
                service_services.application_withdraw(actor=request.user, application=app, note=request.POST.get("note", "")[:300])
            except ValidationError as exc:
                for msg in exc.messages:
                    messages.error(request, msg)
            else:
                messages.success(request, _("申请已撤回。"))
            return redirect("portal:application_detail", pk=pk)
    return render(request, "portal/application_detail.html", _detail_context(app, sides) | {
        "supplement_form": supplement_form, "rating_form": rating_form, "notice": notice, "kept": kept,
    })


def _detail_context(app: Application, sides: dict) -> dict:
    return {
        "app": app, "sides": sides, "deadline": service_selectors.application_deadline(app),
        "events": service_selectors.application_history(app), "materials": app.materials.order_by("uploaded_at", "pk"),
        "material_names": {m["key"]: m["name"] for m in app.version.materials},
        "accept_name": REGION_NAMES.get(app.accept_region), "handle_name": REGION_NAMES.get(app.handle_region),
        "status_label": workflow.LABELS.get(app.status, app.status), "action_labels": {**workflow.ACTION_LABELS, "submit": "提交申请"},
        "rating": getattr(app, "rating", None) if hasattr(app, "rating") else None,
        "notice": getattr(app, "correction", None) if hasattr(app, "correction") else None,
    }


@login_required
def material_file(request, pk: int, material_pk: int):
    app, _sides = _application_for(request.user, pk)
    material = get_object_or_404(ApplicationMaterial, pk=material_pk, application=app)
    return FileResponse(material.file.open("rb"), as_attachment=True, filename=material.original_name)


@login_required
def result_file(request, pk: int):
    app, _sides = _application_for(request.user, pk)
    if not app.result_file:
        raise Http404
    return FileResponse(app.result_file.open("rb"), as_attachment=True, filename=f"{app.number}.{app.result_file.name.rsplit('.', 1)[-1]}")


@login_required
def talent_card(request):
    person = roles.person_of(request.user)
    cards = list(service_selectors.talent_cards_of(person)) if person else []
    shown = []
    for card in cards:
        qr = mark_safe(service_selectors.talent_card_qr_svg(card)) if card.status == card.State.ACTIVE else ""  # our own SVG
        shown.append({"card": card, "qr": qr, "services": list(card.entitled_services.all())})
    return render(request, "portal/talent_card.html", {"cards": shown, "card_item": ServiceItem.objects.filter(code="JJJ-RC-001").first()})


# --- 职称互认 (mutual recognition of titles and qualifications) --------------------------------------------


@login_required
def recognitions(request):
    """The applicant: ask another region to recognise a qualification; their applications and decisions."""
    form = RecognitionForm(request.POST or None)
    if request.method == "POST":
        def write(f):
            service_services.recognition_apply(actor=request.user, **f.service_data())
            return reverse("portal:recognitions") + "#mine"

        response = guarded_write(request, form, write, message=_("互认申请已提交，由认可地工作人员认定。"), draft="recognition")
        if response:
            return response
    return render(request, "portal/recognitions.html", {
        "form": form, "items": service_selectors.recognitions_of_applicant(request.user), "region_names": REGION_NAMES,
    })


@staff_member_required(login_url="login")
def staff_recognitions(request):
    """Staff of the 认可地: the region's queue of recognition applications (oldest first) and the decision."""
    user = request.user
    queue = service_selectors.recognitions_for_staff(user).select_related("applicant", "decided_by")
    failed: dict[int, RecognitionDecideForm] = {}
    if request.method == "POST":
        # another region's application is not revealed (the service enforces the region too)
        recognition = get_object_or_404(queue, pk=request.POST.get("recognition") or 0)
        form = RecognitionDecideForm(request.POST, prefix=f"r{recognition.pk}")

        def write(f):
            service_services.recognition_decide(actor=user, recognition=recognition, **f.service_data())
            return reverse("portal:staff_recognitions")

        response = guarded_write(request, form, write, message=_("已作出认定：%(name)s") % {"name": recognition.qualification_name})
        if response:
            return response
        recognition.refresh_from_db()
        if recognition.status == Recognition.State.SUBMITTED:
            failed[recognition.pk] = form
        else:  # decided meanwhile (another tab, a colleague): the service's message on top, the row is gone from the queue
            for msg in form.non_field_errors():
                messages.error(request, msg)
    pending = [{"rec": r, "form": failed.get(r.pk) or RecognitionDecideForm(prefix=f"r{r.pk}")}
               for r in queue.filter(status=Recognition.State.SUBMITTED).order_by("submitted_at")]
    decided = list(queue.exclude(status=Recognition.State.SUBMITTED).order_by("-decided_at")[:20])
    return render(request, "portal/staff_recognitions.html", {
        "pending": pending, "decided": decided,
        "region_name": REGION_NAMES.get(user.region, ""), "region_names": REGION_NAMES,
    })


# --- staff -------------------------------------------------------------------------------------------------


@staff_member_required(login_url="login")
def staff_applications(request):
    user = request.user
    calendar = service_selectors.workday_calendar()
    qs = service_selectors.applications_for_staff(user).exclude(status__in=workflow.FINAL)

    def rows(apps):
        return [(a, service_selectors.application_deadline(a, calendar=calendar)) for a in apps]

    region = user.region
    to_accept = [a for a in qs if a.status == workflow.SUBMITTED and (user.is_superuser or a.accept_region == region)]
    to_handle = [a for a in qs if a.status in (workflow.ACCEPTED, workflow.PROCESSING) and (user.is_superuser or a.handle_region == region)]
    waiting = [a for a in qs if a.status == workflow.CORRECTION]
    to_handle.sort(key=lambda a: (a.due_on is None, a.due_on))
    return render(request, "portal/staff_applications.html", {
        "to_accept": rows(to_accept), "to_handle": rows(to_handle), "waiting": rows(waiting),
        "region_name": REGION_NAMES.get(region, ""),
    })


STAFF_ACTIONS = ("accept", "not_accept", "request_correction", "start_processing", "complete", "refuse")


@staff_member_required(login_url="login")
def staff_application(request, pk: int):
    app, sides = _application_for(request.user, pk)
    available = []
    for action in STAFF_ACTIONS:
        sources = workflow.ACTIONS[action][0]
        if app.status in sources and sides.get(workflow.actor_side(action, app.status)):
            if action == "request_correction" and hasattr(app, "correction"):
                continue  # the notice is one-time
            available.append(action)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action not in available:
                raise PermissionDenied(_("当前状态下您不能执行该操作"))
            note = request.POST.get("note", "").strip()[:500]
            with transaction.atomic():
                if action == "accept":
                    service_services.application_accept(actor=request.user, application=app, note=note)
                elif action == "not_accept":
                    service_services.application_not_accept(actor=request.user, application=app, reason=request.POST.get("reason", ""))
                elif action == "request_correction":
                    keys = request.POST.getlist("items")
                    items = [{"key": k, "reason": request.POST.get(f"reason_{k}", "")} for k in keys]
                    service_services.application_request_correction(actor=request.user, application=app, items=items, note=note)
                elif action == "start_processing":
                    service_services.application_start_processing(actor=request.user, application=app, note=note)
                elif action == "complete":
                    service_services.application_complete(actor=request.user, application=app, result_file=request.FILES.get("result_file"),
                                                          mail_tracking_number=request.POST.get("mail_tracking_number", ""), note=note)
                elif action == "refuse":
                    service_services.application_refuse(actor=request.user, application=app, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            errors["_action"] = [action]
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("portal:staff_application", pk=pk)
        else:
            messages.success(request, _("已%(action)s：%(number)s") % {"action": workflow.ACTION_LABELS.get(action, action), "number": app.number})
            return redirect("portal:staff_application", pk=pk)
    app.refresh_from_db()
    return render(request, "portal/staff_application.html", _detail_context(app, sides) | {
        "available": available, "error_messages": [m for k, msgs in errors.items() if k != "_action" for m in msgs],
        "error_action": (errors.get("_action") or [""])[0],
        "post": request.POST if request.method == "POST" else {},
    })
