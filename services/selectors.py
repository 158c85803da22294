"""Reads of the services app for the API, the portal, the admin, notifications and reports."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from registry import permissions

from . import cardkeys, cardnumber, cardtoken, workdays, workflow
from .models import (
    Application,
    HolidayOverride,
    Recognition,
    ServiceItem,
    ServiceRating,
    ServiceStandardVersion,
    TalentCard,
)

# --- working days ----------------------------------------------------------------------------------


def workday_calendar() -> workdays.WorkCalendar:
    """The library's calendar plus every staff-entered :class:`HolidayOverride`."""
    return workdays.WorkCalendar.from_rows(HolidayOverride.objects.values_list("date", "is_workday", "name"))


def holiday_years_status(years=None) -> list[dict]:
    """Per year: whether the library knows it, how many overrides staff entered, and so whether dates in it are
    provisional — for the admin and the staff portal to show which years still need entering."""
    today = timezone.localdate()
    years = years or range(today.year, today.year + 3)
    counts = {}
    for d in HolidayOverride.objects.values_list("date", flat=True):
        counts[d.year] = counts.get(d.year, 0) + 1
    return [
        {"year": y, "library": workdays.library_knows(y), "overrides": counts.get(y, 0),
         "provisional": not workdays.library_knows(y) and not counts.get(y)}
        for y in years
    ]


# --- the catalogue ---------------------------------------------------------------------------------


def catalogue(*, category: str | None = None, search: str | None = None, include_inactive: bool = False) -> QuerySet[ServiceItem]:
    """Items with at least one published version, each with ``published_versions`` (newest first) and
    ``contacts`` prefetched. ``item.current_version`` is the standard in force."""
    qs = ServiceItem.objects.filter(versions__status=ServiceStandardVersion.State.PUBLISHED).distinct()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if category:
        qs = qs.filter(category=category)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(versions__name__icontains=search)).distinct()
    return qs.prefetch_related(
        Prefetch("versions", queryset=ServiceStandardVersion.objects.filter(status="published").order_by("-number"), to_attr="published_versions"),
        "contacts",
    ).order_by("code")


def item_current_version(item: ServiceItem) -> ServiceStandardVersion | None:
    return item.versions.filter(status=ServiceStandardVersion.State.PUBLISHED).order_by("-number").first()


def item_history(item: ServiceItem) -> QuerySet[ServiceStandardVersion]:
    """Every published version of an item, newest first (the catalogue's history)."""
    return item.versions.filter(status=ServiceStandardVersion.State.PUBLISHED).order_by("-number")


def version_diff(old: ServiceStandardVersion, new: ServiceStandardVersion) -> dict[str, tuple]:
    """Standard fields that differ between two versions: field → (old, new)."""
    a, b = old.standard(), new.standard()
    return {f: (a[f], b[f]) for f in a if a[f] != b[f]}


# --- applications ----------------------------------------------------------------------------------


def applications_of_applicant(user) -> QuerySet[Application]:
    return Application.objects.filter(applicant=user).select_related("version", "item").order_by("-submitted_at")


def applications_for_staff(user, *, side: str = "any") -> QuerySet[Application]:
    """Applications a staff member works on: ``side`` 'accept' (filed in their region), 'handle' (decided in
    their region) or 'any'. Superusers see all."""
    qs = Application.objects.select_related("version", "item").order_by("-submitted_at")
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_staff", False) or not getattr(user, "region", ""):
        return qs.none()
    region = user.region
    if side == "accept":
        return qs.filter(accept_region=region)
    if side == "handle":
        return qs.filter(handle_region=region)
    return qs.filter(Q(accept_region=region) | Q(handle_region=region))


def applications_visible_to(user) -> QuerySet[Application]:
    """What a user may see: their own applications, plus (staff) those filed in or handled by their region."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    if user.is_superuser:
        return Application.objects.select_related("version", "item").order_by("-submitted_at")
    mine = Q(applicant=user)
    if user.is_staff and user.region:
        mine |= Q(accept_region=user.region) | Q(handle_region=user.region)
    return Application.objects.filter(mine).select_related("version", "item").order_by("-submitted_at")


def application_visible_to(user, application: Application) -> bool:
    return applications_visible_to(user).filter(pk=application.pk).exists()


def application_materials(application: Application) -> QuerySet:
    return application.materials.order_by("uploaded_at", "id")


def application_history(application: Application) -> QuerySet:
    return application.events.select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class Deadline:
    state: str  # "not_started", "paused", "ok", "due_soon", "due_today", "overdue", "closed"
    due_on: dt.date | None
    workdays_left: int | None
    provisional: bool
    label: str


DEADLINE_LABELS = {
    "not_started": "未受理，尚未计时", "paused": "补正中，计时暂停", "ok": "办理中", "due_soon": "距办理期限还有1个工作日",
    "due_today": "今日到期", "overdue": "已超期", "closed": "已终结",
}


def application_deadline(application: Application, *, today: dt.date | None = None, calendar: workdays.WorkCalendar | None = None) -> Deadline:
    """The time-limit state of one application, for the applicant's and staff's pages and for notifications.
    ``due_soon`` = the due date is the next working day; ``overdue`` = the due date has passed while the clock runs."""
    today = today or timezone.localdate()
    status = application.status
    if status in workflow.FINAL:
        return Deadline("closed", application.due_on, None, application.due_provisional, DEADLINE_LABELS["closed"])
    if application.due_on is None:
        state = "paused" if status == workflow.CORRECTION else "not_started"
        return Deadline(state, None, None, False, DEADLINE_LABELS[state])
    if status == workflow.CORRECTION:
        return Deadline("paused", application.due_on, application.remaining_workdays, application.due_provisional, DEADLINE_LABELS["paused"])
    calendar = calendar or workday_calendar()
    if application.due_on < today:
        return Deadline("overdue", application.due_on, 0, application.due_provisional, DEADLINE_LABELS["overdue"])
    left = calendar.count_workdays(today, application.due_on)
    provisional = application.due_provisional or left.provisional
    if application.due_on == today:
        state = "due_today"
    elif left.days <= 1:
        state = "due_soon"
    else:
        state = "ok"
    return Deadline(state, application.due_on, left.days, provisional, DEADLINE_LABELS[state])


def applications_due_soon(*, today: dt.date | None = None, region: str | None = None) -> QuerySet[Application]:
    """Running applications whose due date is the next working day (due in 1 working day)."""
    today = today or timezone.localdate()
    next_day = workday_calendar().add_workdays(today, 1).date
    qs = Application.objects.filter(status__in=workflow.CLOCK_RUNNING, due_on__gt=today, due_on__lte=next_day)
    return qs.filter(handle_region=region) if region else qs


def applications_overdue(*, today: dt.date | None = None, region: str | None = None) -> QuerySet[Application]:
    """Running applications past their due date (the clock is not running during 补正)."""
    today = today or timezone.localdate()
    qs = Application.objects.filter(status__in=workflow.CLOCK_RUNNING, due_on__lt=today)
    return qs.filter(handle_region=region) if region else qs


def application_handler(application: Application):
    """The staff member of the 办理地 who last acted on the application (else of the 受理地), or None."""
    events = application.events.exclude(actor=None).select_related("actor").order_by("-at", "-id")
    for region in (application.handle_region, application.accept_region):
        event = next((e for e in events if e.actor_region == region and e.actor.is_staff), None)
        if event is not None:
            return event.actor
    return None


def application_deadline_alerts(*, today: dt.date | None = None) -> list[dict]:
    """Running applications due within 1 working day or overdue, for the notifications app:
    ``{"application", "application_id", "handler", "item_name", "due", "overdue"}`` (handler may be None)."""
    today = today or timezone.localdate()
    rows = []
    for overdue, qs in ((False, applications_due_soon(today=today)), (True, applications_overdue(today=today))):
        for app in qs.select_related("version"):
            rows.append({"application": app, "application_id": app.pk, "handler": application_handler(app),
                         "item_name": app.version.name, "due": app.due_on, "overdue": overdue})
    return rows


# --- talent cards ----------------------------------------------------------------------------------


def talent_card_token(card: TalentCard) -> str:
    """The signed token of a card (what its QR code holds): number, tier, validity, entitled item codes."""
    codes = sorted(card.entitled_services.values_list("code", flat=True))
    issued = int(timezone.now().timestamp())
    return cardtoken.sign(private_key=cardkeys.private_key(), number=card.number, tier=card.tier, valid_from=card.valid_from,
                          valid_until=card.valid_until, services=codes, issued_at=issued)


def talent_card_qr_svg(card: TalentCard, *, scale: int = 4) -> str:
    """The card's token as an SVG QR code (segno)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(talent_card_token(card), error="m").save(out, kind="svg", scale=scale, xmldecl=False)
    return out.getvalue().decode("utf-8")


def talent_card_public_key_pem() -> str:
    return cardkeys.public_key_pem()


@dataclass(frozen=True)
class CardCheck:
    valid: bool
    code: str  # "ok" or the reason: token_signature, card_expired, card_revoked, card_suspended, unknown_card, …
    message: str
    number: str = ""
    tier: str = ""
    valid_until: dt.date | None = None
    status: str = ""
    services: tuple[str, ...] = ()


def talent_card_check(token_or_number: str, *, today: dt.date | None = None) -> CardCheck:
    """The online check a partner calls: verifies the token's signature (or a bare card number's check
    character) and reports the card's current state, including suspension and revocation. No personal data."""
    today = today or timezone.localdate()
    text = (token_or_number or "").strip()
    if text.startswith(cardtoken.PREFIX + "."):
        try:
            claims = cardtoken.verify(text, cardkeys.public_keys(), today=today)
        except cardtoken.CardTokenError as exc:
            return CardCheck(False, exc.code, exc.message)
        number = claims.number
    else:
        try:
            number = cardnumber.validate(text)
        except cardnumber.CardNumberError as exc:
            return CardCheck(False, exc.code, exc.message)
        claims = None
    card = TalentCard.objects.filter(number=number).first()
    if card is None:
        return CardCheck(False, "unknown_card", "查无此卡", number=number)
    services = tuple(sorted(card.entitled_services.values_list("code", flat=True)))
    base = dict(number=card.number, tier=card.tier, valid_until=card.valid_until, status=card.status, services=services)
    if card.status == TalentCard.State.REVOKED:
        return CardCheck(False, "card_revoked", "该人才卡已注销", **base)
    if card.status == TalentCard.State.SUSPENDED:
        return CardCheck(False, "card_suspended", "该人才卡已暂停使用", **base)
    if card.status == TalentCard.State.EXPIRED or card.valid_until < today:
        return CardCheck(False, "card_expired", f"该人才卡已于{card.valid_until}到期", **base)
    if today < card.valid_from:
        return CardCheck(False, "card_not_yet_valid", f"该人才卡自{card.valid_from}起生效", **base)
    if claims is not None and claims.tier != card.tier:
        return CardCheck(False, "token_outdated", "凭证信息已变更，请持卡人重新出示最新凭证", **base)
    return CardCheck(True, "ok", "人才卡有效", **base)


def talent_cards_of(person) -> QuerySet[TalentCard]:
    return TalentCard.objects.filter(talent__person=person).order_by("-issued_on")


def talent_cards_expiring(*, within_days: int = 30, today: dt.date | None = None) -> QuerySet[TalentCard]:
    today = today or timezone.localdate()
    return TalentCard.objects.filter(status=TalentCard.State.ACTIVE, valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=within_days))


# --- recognitions ----------------------------------------------------------------------------------


def recognitions_for_staff(user) -> QuerySet[Recognition]:
    qs = Recognition.objects.order_by("-submitted_at")
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_staff", False) or not getattr(user, "region", ""):
        return qs.none()
    return qs.filter(target_region=user.region)


def recognitions_of_applicant(user) -> QuerySet[Recognition]:
    return Recognition.objects.filter(applicant=user).order_by("-submitted_at")


# --- reports ---------------------------------------------------------------------------------------


def _summarise(apps: list[Application], ratings: dict[int, int]) -> dict:
    completed = [a for a in apps if a.status == workflow.COMPLETED and a.handling_workdays is not None]
    on_time = [a for a in completed if a.due_on and a.completed_on and a.completed_on <= a.due_on]
    scores = [ratings[a.pk] for a in apps if a.pk in ratings]
    return {
        "applications": len(apps),
        "completed": len(completed),
        "median_workdays": statistics.median(a.handling_workdays for a in completed) if completed else None,
        "on_time_rate": round(len(on_time) / len(completed), 4) if completed else None,
        "satisfaction": round(sum(scores) / len(scores), 2) if scores else None,
        "ratings": len(scores),
    }


def service_report(*, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    """Applications, median handling time (working days, 补正 excluded), on-time rate and satisfaction,
    per item, per 办理地 region, and per item × region, for applications submitted in [start, end]."""
    qs = Application.objects.select_related("item", "version")
    if start:
        qs = qs.filter(submitted_at__date__gte=start)
    if end:
        qs = qs.filter(submitted_at__date__lte=end)
    apps = list(qs)
    ratings = dict(ServiceRating.objects.filter(application__in=[a.pk for a in apps]).values_list("application_id", "score")) if apps else {}
    names = {}
    for a in apps:
        names.setdefault(a.item.code, a.version.name)
    groups: dict[str, dict] = {"by_item": {}, "by_region": {}, "by_item_region": {}}
    for a in apps:
        groups["by_item"].setdefault(a.item.code, []).append(a)
        groups["by_region"].setdefault(a.handle_region, []).append(a)
        groups["by_item_region"].setdefault((a.item.code, a.handle_region), []).append(a)
    return {
        "by_item": [{"item": code, "name": names[code], **_summarise(rows, ratings)} for code, rows in sorted(groups["by_item"].items())],
        "by_region": [{"region": region, **_summarise(rows, ratings)} for region, rows in sorted(groups["by_region"].items())],
        "by_item_region": [{"item": code, "name": names[code], "region": region, **_summarise(rows, ratings)}
                           for (code, region), rows in sorted(groups["by_item_region"].items())],
        "total": _summarise(apps, ratings),
    }


def can_act(user, application: Application, side: str) -> bool:
    """Whether ``user`` may take a step of ``side`` ('accept', 'handle', 'applicant') on an application."""
    if side == "applicant":
        return getattr(user, "pk", None) == application.applicant_id
    region = application.accept_region if side == "accept" else application.handle_region
    return permissions.is_region_staff(user, region)
